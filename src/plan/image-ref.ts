import { InputError } from '../errors.js';

export interface ImageName {
  /** As the user wrote it, lower-cased. */
  name: string;
  /** Registry host (docker.io when none was given). */
  registry: string;
  /** Path below the registry, e.g. `org/app` (Docker Hub single names get no `library/` here). */
  path: string;
  /** As written, when that had upper-case letters (the name is lower-cased, as metadata-action does). */
  lowercasedFrom?: string;
}

// The distribution reference grammar (docker/distribution reference/regexp.go), restricted to a
// name without tag or digest: tags come from the `tags` rules, never from `image`.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]{1,5})?$|^\[[0-9a-fA-F:]+\](?::[0-9]{1,5})?$/;
const EXAMPLE = 'A valid image is a name without tag, e.g. org/app, docker.io/org/app or ghcr.io/org/app; put tags in the `tags` input.';

export function parseImage(input: string, raw: string): ImageName {
  const written = raw.trim();
  // `ghcr.io/${{ github.repository }}` carries the owner's capitals; docker/metadata-action lower-cases
  // image names (sanitizeImageName), so a drop-in replacement does too, and says so (plan notices).
  const v = written.toLowerCase();
  if (v === '') throw new InputError(input, raw, 'is empty', EXAMPLE);
  if (/\s/.test(v)) throw new InputError(input, raw, 'contains white space', EXAMPLE);
  if (v.includes('@')) throw new InputError(input, raw, 'contains a digest', EXAMPLE);
  const parts = v.split('/');
  let registry = 'docker.io';
  const first = parts[0] ?? '';
  // Same rule as docker: the first component is a host if it has a dot or a port, or is localhost.
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!HOST.test(first)) throw new InputError(input, raw, `has an invalid registry host '${first}'`, EXAMPLE);
    registry = first;
    parts.shift();
  }
  const last = parts[parts.length - 1] ?? '';
  if (last.includes(':')) {
    throw new InputError(input, raw, `carries a tag ('${last.slice(last.indexOf(':') + 1)}')`, EXAMPLE);
  }
  for (const c of parts) {
    if (!COMPONENT.test(c)) throw new InputError(input, raw, `has an invalid path component '${c}'`, EXAMPLE);
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  const path = parts.join('/');
  const name = registry === 'docker.io' && !first.includes('.') ? path : `${registry}/${path}`;
  return written === v ? { name, registry, path } : { name, registry, path, lowercasedFrom: written };
}

/** True for registries on this machine (plain HTTP is fine, and no login is needed to push). */
export function isLocalRegistry(registry: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(registry);
}

// A base image for a FROM line: name, optional :tag, optional @sha256 digest, and nothing else.
const COMP = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REF_HOST = '(?:localhost|[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)+)(?::[0-9]{1,5})?|[a-zA-Z0-9-]+:[0-9]{1,5}';
const REFERENCE = new RegExp(`^(?:(?:${REF_HOST})/)?${COMP}(?:/${COMP})*(?::\\w[\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

/**
 * `runtime-image` / `builder-image` are written into the generated Dockerfile's FROM lines, so they
 * must be one image reference: a newline or a second word would add instructions (`…\nRUN …`) or
 * rename the stage (`… AS x`) instead of failing.
 */
export function parseBaseImage(input: string, raw: string, example: string): string {
  const v = raw.trim();
  if (!REFERENCE.test(v)) {
    throw new InputError(input, raw, 'is not one image reference', `Use name[:tag][@sha256:digest] and nothing else, e.g. ${example}.`);
  }
  return v;
}
