import { sha256 } from './cargo-files.js';

/**
 * The BuildKit cache mounts of the generated Dockerfile (`cache-mounts: true`). One list, used both to
 * render the `RUN --mount=type=cache` flags and to inject/extract the mounts around the build, so the
 * two can never disagree. Ids carry the arch (amd64 and arm64 artefacts must never mix) and a scope
 * (repository + checkout directory): two checkouts on one daemon never share a target/ mount.
 */
export interface CacheMount {
  /** Short name, also the sub-directory in the persisted host folder. */
  name: 'cargo-registry' | 'cargo-git' | 'target';
  /** Path inside the builder (muslrust's CARGO_HOME is /opt/cargo, its WORKDIR /volume). */
  target: string;
}

export const CARGO_HOME = '/opt/cargo';
export const WORKDIR = '/volume';

export const CACHE_MOUNTS: readonly CacheMount[] = [
  { name: 'cargo-registry', target: `${CARGO_HOME}/registry` },
  { name: 'cargo-git', target: `${CARGO_HOME}/git` },
  { name: 'target', target: `${WORKDIR}/target` },
];

/**
 * Build arg naming the mount scope. A build arg, not text in the Dockerfile: the Dockerfile (and so
 * the cache key and the layer cache) stays the same for every checkout directory.
 */
export const SCOPE_ARG = 'MUSLRUST_CHEF_SCOPE';
/** Scope of a hand-run build of the generated Dockerfile (no --build-arg). */
export const DEFAULT_SCOPE = 'local';

/**
 * Build arg that names what the cache mounts hold, read by the cook RUN: BuildKit answers the cook
 * step from its layer cache only when the mounts hold what they held when that layer was made.
 * Without it, a fresh runner whose mounts were not restored got the cached cook layer, which is
 * empty (target/ is a mount), and the final build compiled every dependency.
 */
export const MOUNTS_ARG = 'MUSLRUST_CHEF_MOUNTS';

/** The scope of a checkout: repository and absolute workspace directory, 12 hex. */
export function mountScope(repository: string, contextDir: string): string {
  return sha256(`${repository}\n${contextDir}`).slice(0, 12);
}

/**
 * MOUNTS_ARG's value. Restored from the cache service: the entry's key, so a later run restoring the
 * same entry reuses the cook layer (never pay twice). Not restored: unique per run, so cook runs
 * (on a fresh builder the mounts are empty; on a long-lived one cook finds its work fresh, quickly).
 */
export function mountsArgValue(restoredKey: string | undefined, runId: string): string {
  return restoredKey ? `restored:${restoredKey}` : `not-restored:${runId}`;
}

/** The BuildKit cache id for one mount (`$TARGETARCH` / `$MUSLRUST_CHEF_SCOPE` inside a Dockerfile). */
export function mountId(m: CacheMount, arch: string, scope = `\${${SCOPE_ARG}}`): string {
  return `muslrust-chef-${scope}-${m.name}-${arch}`;
}

/**
 * `--mount=...` flags for a Dockerfile RUN line (uses the TARGETARCH and MUSLRUST_CHEF_SCOPE build args).
 * `targetDir` moves the target/ mount to where cargo really writes (`[build] target-dir`, see plan/target-dir.ts).
 */
export function mountFlags(targetDir?: string): string[] {
  return CACHE_MOUNTS.map((m) => `--mount=type=cache,id=${mountId(m, '${TARGETARCH}')},target=${m.name === 'target' && targetDir ? targetDir : m.target},sharing=locked`);
}

/** The build argv with `--build-arg MUSLRUST_CHEF_MOUNTS=<value>` right after `build` (known only after the restore). */
export function withMountsArg(argv: readonly string[], value: string): string[] {
  const at = argv.indexOf('build');
  if (at < 0) throw new Error(`not a build command: ${argv.join(' ')}`);
  return [...argv.slice(0, at + 1), '--build-arg', `${MOUNTS_ARG}=${value}`, ...argv.slice(at + 1)];
}
