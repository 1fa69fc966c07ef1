import type { GitContext } from '../read/context.js';
import { globals, type EventFacts } from './event.js';
import { render } from './template.js';

// OCI image labels, the set metadata-action generates, but filled from the crate first: the
// image ships one binary, so its Cargo.toml says better than the repository what the image is.

/** The binary's Cargo.toml [package] fields we use for labels. */
export interface CargoMeta {
  name?: string;
  description?: string;
  license?: string;
  version?: string;
  repository?: string;
  homepage?: string;
}

const OCI = 'org.opencontainers.image';

const nonEmpty = (...vs: Array<string | undefined>): string | undefined => vs.find((v) => v !== undefined && v.trim() !== '');

export function ociLabels(git: GitContext, ev: EventFacts, cargo: CargoMeta, version: string): Record<string, string> {
  const repoName = git.repository.split('/')[1];
  const repoUrl = git.repository !== '' ? `${git.serverUrl}/${git.repository}` : undefined;
  // GitHub reports NOASSERTION when it cannot tell the license; that is not a license.
  const repoLicense = git.license !== 'NOASSERTION' ? git.license : undefined;
  const all: Record<string, string | undefined> = {
    [`${OCI}.created`]: ev.now.toISOString(),
    [`${OCI}.description`]: nonEmpty(cargo.description, git.description),
    [`${OCI}.licenses`]: nonEmpty(cargo.license, repoLicense),
    // The revision is the built commit: with DOCKER_METADATA_PR_HEAD_SHA that is the PR head.
    [`${OCI}.revision`]: nonEmpty(ev.sha),
    [`${OCI}.source`]: repoUrl,
    [`${OCI}.title`]: nonEmpty(cargo.name, repoName),
    [`${OCI}.url`]: repoUrl,
    [`${OCI}.version`]: nonEmpty(version),
  };
  // metadata-action emits `key=` for unknown values; an empty label only hides the fact, so omit it.
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Generated labels overlaid with the user's (theirs win), keys sorted like metadata-action's
 * output. User values may use the same `{{...}}` expressions as tag rules.
 */
export function mergeLabels(generated: Record<string, string>, user: ReadonlyArray<readonly [string, string]>, ev: EventFacts): Record<string, string> {
  const merged = new Map(Object.entries(generated));
  const vars = globals(ev);
  for (const [key, value] of user) {
    merged.set(key, render(value, vars, ev, { input: 'labels', line: `${key}=${value}`, attr: key }));
  }
  const out: Record<string, string> = {};
  for (const k of [...merged.keys()].sort()) out[k] = merged.get(k) ?? '';
  return out;
}
