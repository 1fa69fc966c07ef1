import type { ImageName } from './image-ref.js';
import { archOf, type Platform } from './platforms.js';

/** One docker invocation of the plan, exactly as it will run. */
export interface PlannedCommand {
  /** Stable id the executor dispatches on. */
  id: 'qemu' | 'buildx-version' | 'builder-create' | 'builder-append' | 'builder-boot' | 'login' | 'previous' | 'build' | 'sbom' | 'merge' | 'inspect' | 'sign' | 'attest';
  argv: string[];
  /** The registry token is written to stdin, never to argv. */
  stdin?: 'password';
  /** Why it runs (or when it is skipped), for the log and the dry-run listing. */
  note: string;
}

/**
 * tonistiigi/binfmt pinned by tag: docker/setup-qemu-action's image, run the same way. Only the
 * emulators the build needs are installed.
 */
export const BINFMT_IMAGE = 'tonistiigi/binfmt:qemu-v10.2.3';

export function qemuCommand(foreign: readonly Platform[]): PlannedCommand {
  return {
    id: 'qemu',
    argv: ['docker', 'run', '--rm', '--privileged', BINFMT_IMAGE, '--install', foreign.map(archOf).join(',')],
    note: `QEMU for ${foreign.join(', ')} (foreign to this runner); skipped when binfmt already handles them`,
  };
}

export function loginCommand(registry: string, username: string): PlannedCommand {
  return {
    id: 'login',
    argv: ['docker', 'login', '--username', username, '--password-stdin', registry],
    stdin: 'password',
    note: `log in to ${registry} before any pull (Docker Hub rate limits); the token goes through stdin`,
  };
}

export interface BuildArgvOptions {
  builder: string;
  dockerfile: string;
  context: string;
  platforms: readonly Platform[];
  tags: readonly string[];
  labels: Readonly<Record<string, string>>;
  buildArgs: ReadonlyArray<readonly [string, string]>;
  buildContexts: Readonly<Record<string, string>>;
  provenance: 'false' | 'true' | 'min' | 'max';
  /** BuildKit's own SBOM scanner attestation (not the crate SBOM). */
  sbom: boolean;
  /**
   * BuildKit's rewrite-timestamp: layer file times clamped to SOURCE_DATE_EPOCH. Only where the
   * exporter allows it: dockerd < 29.1 with the containerd store forces `unpack`, which conflicts.
   */
  rewriteTimestamp: boolean;
  cacheArgs: readonly string[];
  metadataFile: string;
  push: boolean;
  pushByDigest: boolean;
  images: readonly ImageName[];
}

export function buildCommand(o: BuildArgvOptions): PlannedCommand {
  const argv = ['docker', 'buildx', 'build', '--builder', o.builder, '--file', o.dockerfile, '--platform', o.platforms.join(',')];
  for (const [name, dir] of Object.entries(o.buildContexts)) argv.push('--build-context', `${name}=${dir}`);
  if (!o.pushByDigest) for (const t of o.tags) argv.push('--tag', t);
  for (const [k, v] of Object.entries(o.labels)) argv.push('--label', `${k}=${v}`);
  for (const [k, v] of o.buildArgs) argv.push('--build-arg', `${k}=${v}`);
  argv.push(`--provenance=${o.provenance === 'min' || o.provenance === 'max' ? `mode=${o.provenance}` : o.provenance}`);
  argv.push(`--sbom=${o.sbom}`);
  argv.push(...o.cacheArgs);
  // BuildKit's structured progress: stage times, cache hits, cargo's output per step and the
  // Dockerfile check warnings for the summary; the action prints a plain-style log from it.
  argv.push('--progress=rawjson');
  argv.push('--metadata-file', o.metadataFile);
  let note: string;
  const rewrite = o.rewriteTimestamp ? ',rewrite-timestamp=true' : '';
  if (o.pushByDigest) {
    const name = o.images.map((i) => i.name).join(',');
    argv.push('--output', `type=image,name=${name},push-by-digest=true,name-canonical=true,push=true${rewrite}`);
    note = `build ${o.platforms.join(', ')} and push by digest (a matrix leg; merge with mode: merge)`;
  } else if (o.push) {
    argv.push(...(rewrite ? ['--output', `type=registry${rewrite}`] : ['--push']));
    note = `build ${o.platforms.join(', ')} and push ${o.tags.length} tag(s)`;
  } else if (o.platforms.length === 1) {
    argv.push(...(rewrite ? ['--output', `type=docker${rewrite}`] : ['--load']));
    note = `build ${o.platforms[0]} and load it into the local image store (push is off)`;
  } else {
    note = `build ${o.platforms.join(', ')} without pushing (push is off; the result stays in the build cache)`;
  }
  argv.push(o.context);
  return { id: 'build', argv, note };
}

/**
 * The binaries of every platform, exported from the (cached) builder stage to a directory, so the
 * crate SBOM is read from exactly what was linked. Same Dockerfile, contexts, args and platforms
 * as the build, so every step is a cache hit.
 */
export function sbomExportCommand(build: PlannedCommand, o: { target: string; dest: string }): PlannedCommand {
  const argv: string[] = [];
  const a = build.argv;
  for (let i = 0; i < a.length; i++) {
    const flag = a[i] ?? '';
    // Keep what selects the build; drop what publishes it (tags, labels, outputs, cache export, metadata).
    if (['--tag', '--label', '--output', '--metadata-file', '--cache-to'].includes(flag)) {
      i++;
      continue;
    }
    if (['--push', '--load'].includes(flag) || /^--(provenance|sbom)=/.test(flag)) continue;
    argv.push(flag);
  }
  const context = argv.pop() ?? '.';
  argv.push('--target', o.target, '--output', `type=local,dest=${o.dest},platform-split=true`, context);
  return { id: 'sbom', argv, note: `export the linked binaries (stage ${o.target}, cached) to read their cargo-auditable data into the crate SBOM` };
}

export function mergeCommand(o: { tags: readonly string[]; image: ImageName; digests: readonly string[] }): PlannedCommand {
  const argv = ['docker', 'buildx', 'imagetools', 'create'];
  for (const t of o.tags) argv.push('--tag', t);
  for (const d of o.digests) argv.push(`${o.image.name}@${d}`);
  return { id: 'merge', argv, note: `assemble the manifest list of ${o.digests.length} pushed digest(s) under ${o.tags.length} tag(s)` };
}

/** Stands for the digest buildx reports in its metadata file, in a planned argv (known after the build). */
export const DIGEST_PLACEHOLDER = '{digest}';

/**
 * Read the pushed manifest back for per-platform sizes: by digest after a build (exactly what was
 * pushed, whatever else moved the tag since), by tag after a merge. One call for a single-platform
 * image (a plain manifest holds its layers); an index needs one more per platform.
 */
export function inspectCommand(ref: string): PlannedCommand {
  return {
    id: 'inspect',
    argv: ['docker', 'buildx', 'imagetools', 'inspect', ref, '--raw'],
    note: `read back the pushed manifest for per-platform sizes${ref.endsWith(DIGEST_PLACEHOLDER) ? ` (${DIGEST_PLACEHOLDER}: the digest buildx reports)` : ''}`,
  };
}

/** Read the image the push is about to replace, for the size change in the summary; a missing tag is fine. */
export function previousCommand(ref: string): PlannedCommand {
  return {
    id: 'previous',
    argv: ['docker', 'buildx', 'imagetools', 'inspect', ref, '--raw'],
    note: `read ${ref} before it is replaced, for the size change (a missing tag just means a first push)`,
  };
}

/**
 * The tag this build replaces, read before pushing for the size change: `latest` when this build
 * moves it (a release replaces the previous release), else the first tag that is not a commit tag
 * (a branch build replaces the branch's last image). Commit tags (`sha-…`) are new by definition.
 */
export function previousTag(tags: readonly string[]): string | undefined {
  const tagOf = (ref: string): string => /:([^/:]+)$/.exec(ref)?.[1] ?? '';
  return tags.find((t) => tagOf(t) === 'latest') ?? tags.find((t) => !/^sha-[0-9a-f]+$/.test(tagOf(t)));
}
