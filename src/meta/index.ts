import type { GitContext } from '../read/context.js';
import { eventFacts } from './event.js';
import { parseFlavor } from './flavor.js';
import { mergeLabels, ociLabels, type CargoMeta } from './labels.js';
import { parseTagRules } from './rules.js';
import { computeVersion } from './tags.js';

// Image tags and labels, compatible with docker/metadata-action (v5/v6): same rule syntax, same
// priority/version/latest decisions, so a workflow can move between the two without retagging.
// Everything here is pure: the caller reads inputs and the runner context, we only compute.
// See docs/tags.md for the user-facing rules and where we deliberately differ.

export interface MetaInput {
  /** Image names without tag, already validated/lower-case, e.g. ['org/app', 'ghcr.io/org/app']. */
  images: string[];
  /** Raw `tags` input (rule lines); '' means our default rules. */
  tags: string;
  /** Raw `flavor` input. */
  flavor: string;
  /** User labels (KEY=VALUE), which override generated ones. */
  labels: Array<readonly [string, string]>;
  git: GitContext;
  cargo: CargoMeta;
}

export interface MetaResult {
  /** metadata-action's `version` output ('' when no rule produced a value). */
  version: string;
  /** Full refs, every image x every tag name, in metadata-action order (latest last per image). */
  tags: string[];
  /** Bare tag names in order. */
  tagNames: string[];
  /** OCI labels + user labels. */
  labels: Record<string, string>;
  /** Rules that could not apply to this run (e.g. a non-semver git tag for type=semver). */
  warnings: string[];
}

/** Throws InputError (naming `tags`, `flavor`, `labels` or a DOCKER_METADATA_* variable) on bad input. */
export function computeMeta(input: MetaInput): MetaResult {
  const ev = eventFacts(input.git);
  const flavor = parseFlavor(input.flavor);
  const rules = parseTagRules(input.tags);
  const v = computeVersion(rules, flavor, ev);
  const version = v.main ?? '';
  // No images means bare names, as metadata-action does with an empty `images` input.
  const tags = input.images.length > 0 ? input.images.flatMap((image) => v.names.map((n) => `${image}:${n}`)) : [...v.names];
  return {
    version,
    tags,
    tagNames: v.names,
    labels: mergeLabels(ociLabels(input.git, ev, input.cargo, version), input.labels, ev),
    warnings: v.warnings,
  };
}
