/**
 * The BuildKit cache mounts of the generated Dockerfile (`cache-mounts: true`). One list, used both to
 * render the `RUN --mount=type=cache` flags and to inject/extract the mounts around the build, so the
 * two can never disagree. Ids carry the arch: amd64 and arm64 artefacts must never mix.
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

/** The BuildKit cache id for one mount and arch (`$TARGETARCH` inside a Dockerfile). */
export function mountId(m: CacheMount, arch: string): string {
  return `muslrust-chef-${m.name}-${arch}`;
}

/**
 * `--mount=...` flags for a Dockerfile RUN line (uses the TARGETARCH build arg). `targetDir` moves the
 * target/ mount to where cargo really writes (`[build] target-dir`, see plan/target-dir.ts).
 */
export function mountFlags(targetDir?: string): string[] {
  return CACHE_MOUNTS.map((m) => `--mount=type=cache,id=${mountId(m, '${TARGETARCH}')},target=${m.name === 'target' && targetDir ? targetDir : m.target},sharing=locked`);
}
