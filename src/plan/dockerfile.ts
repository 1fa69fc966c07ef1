import { DEFAULT_SCOPE, mountFlags, MOUNTS_ARG, SCOPE_ARG, WORKDIR } from '../cache/mount-spec.js';
import { crossChefLines, crossTargetsLine, targetStages, ZIG_WRAPPER, type CrossOptions } from './cross.js';

/**
 * Pinned defaults. The inline chef stage is what a first-time user gets with nothing published: it is
 * cached like any other layer, so it is paid once per cache lifetime. `builder-image` skips it.
 */
export const MUSLRUST_IMAGE = 'clux/muslrust';
export const DEFAULT_MUSLRUST_TAG = '1.98.0-stable';
export const CARGO_CHEF_VERSION = '0.1.77';
/** Named build context carrying image/scripts/ from the action's own checkout. */
export const SCRIPTS_CONTEXT = 'muslrust-chef-scripts';
export const OUT_DIR = '/out';
/** Chainguard static's non-root user. */
export const NONROOT_UID = 65532;

export interface DockerfileOptions {
  bin: string;
  profile: string;
  features: readonly string[];
  /** Prebuilt muslrust-chef image; empty → inline chef stage on clux/muslrust. */
  builderImage: string;
  /** clux/muslrust tag for the inline stage. */
  muslrustTag: string;
  /** Chef-stage lines selecting the workspace's pinned toolchain (plan/toolchain.ts); empty without a pin. */
  toolchainLines?: readonly string[];
  runtimeImage: string;
  cacheMounts: boolean;
  /** Cross-compiling build stages (see cross.ts); undefined → every stage runs on the target platform. */
  cross?: CrossOptions;
  /** Absolute target dir when `[build] target-dir` moves it (plan/target-dir.ts); undefined = /volume/target. */
  targetDir?: string;
}

/** `release` → `--release`; any other profile → `--profile NAME` (cargo's own spelling). */
export function profileFlag(profile: string): string {
  return profile === 'release' ? '--release' : `--profile ${profile}`;
}

/** Where the cache-mounts RUNs bind-mount the action's scripts (muslrust-chef-mounts) from the named context. */
export const SCRIPTS_MOUNT = '/muslrust-chef-scripts';

function run(lines: string[], cacheMounts: boolean, targetDir?: string): string {
  const mounts = cacheMounts ? [...mountFlags(targetDir), `--mount=type=bind,from=${SCRIPTS_CONTEXT},target=${SCRIPTS_MOUNT}`].map((f) => `${f} \\\n    `).join('') : '';
  return `RUN ${mounts}${lines.join(' \\\n && ')}`;
}

/**
 * With cache mounts, target/ outlives the sources it was built from, and cargo trusts mtimes
 * (image/scripts/muslrust-chef-mounts says how this stays correct): the cook RUN names the mounts'
 * content (MOUNTS_ARG: it re-runs when they were not restored) and skips cooking when the mounts
 * already hold this recipe cooked; the build gives unchanged files their recorded mtime and every
 * other file a fresh one, and records the sources only after cargo succeeded.
 */
function mountSteps(cacheMounts: boolean): { args: string[]; cook: string; before: string[]; after: string[] } {
  if (!cacheMounts) return { args: [], cook: '', before: [], after: [] };
  const sh = `sh ${SCRIPTS_MOUNT}/muslrust-chef-mounts`;
  return {
    args: [`ARG ${SCOPE_ARG}=${DEFAULT_SCOPE}`, `ARG ${MOUNTS_ARG}=`],
    cook: `echo "cache mounts: \${${MOUNTS_ARG}:-not restored}" && ${sh} cook -- `,
    before: [`${sh} prepare`],
    after: [`${sh} commit`],
  };
}

/**
 * The chef pattern from the seeds: chef → planner (recipe) → builder (deps cooked from the recipe
 * only, so a source-only change skips them; then the app) → static runtime. No `# syntax=` line:
 * the daemon's built-in frontend is enough and a syntax image would be one more Docker Hub pull.
 */
export function renderDockerfile(o: DockerfileOptions): string {
  const feat = o.features.length > 0 ? ` --features ${o.features.join(',')}` : '';
  // cargo-chef needs the target spelled out for cook and build alike, or the cooked deps miss (cargo-chef#172).
  const target = '--target "${CARGO_BUILD_TARGET:-$(uname -m)-unknown-linux-musl}"';
  const common = `${profileFlag(o.profile)} --locked ${target} --bin ${o.bin}${feat}`;
  // Cross: the build stages run on the build machine's platform; only the runtime stage is per-platform.
  const on = o.cross ? '--platform=$BUILDPLATFORM ' : '';
  const scripts = ['muslrust-chef-locate', 'muslrust-chef-check-static', ...(o.cross?.foreign.length ? [ZIG_WRAPPER] : [])];
  const chef = o.builderImage
    ? [
        `FROM ${on}${o.builderImage} AS chef`,
        ...(o.toolchainLines ?? []),
        // A pinned toolchain installed over a prebuilt image needs the cross targets too.
        ...(o.cross && o.toolchainLines?.length ? [crossTargetsLine(o.cross)] : []),
        `WORKDIR ${WORKDIR}`,
      ]
    : [
        `FROM ${on}${MUSLRUST_IMAGE}:${o.muslrustTag} AS chef`,
        'USER root',
        'ENV CARGO_NET_GIT_FETCH_WITH_CLI=true',
        '# cargo-chef is a host tool: build it for the gnu host, not for muslrust\'s default musl target.',
        `RUN CARGO_BUILD_TARGET="$(uname -m)-unknown-linux-gnu" cargo install --locked cargo-chef --version ${CARGO_CHEF_VERSION} \\\n && rm -rf "$CARGO_HOME/registry" "$CARGO_HOME/git"`,
        `COPY --from=${SCRIPTS_CONTEXT} --chmod=0755 ${scripts.join(' ')} /usr/local/bin/`,
        // After cargo-chef: it is built by the image's own toolchain, whatever the workspace pins.
        ...(o.toolchainLines ?? []),
        // After the pin: RUSTUP_TOOLCHAIN makes `rustup target add` add the targets to the pinned toolchain.
        ...(o.cross ? crossChefLines(o.cross) : []),
        `WORKDIR ${WORKDIR}`,
      ];
  // The builder starts from its platform's target stage (CARGO_BUILD_TARGET set) when cross-compiling.
  const builderBase = o.cross ? [...targetStages(o.cross.platforms), 'FROM target-${TARGETARCH} AS builder'] : ['FROM chef AS builder'];
  const out = `${OUT_DIR}/${o.bin}`;
  const m = mountSteps(o.cacheMounts);
  return [
    `# Generated by muslrust-chef-action: static (musl) build of '${o.bin}' with cargo-chef layer caching.`,
    `# Edit nothing here; to customise, commit your own Dockerfile and pass it as the 'dockerfile' input.`,
    '',
    ...chef,
    '',
    'FROM chef AS planner',
    'COPY . .',
    `RUN cargo chef prepare --recipe-path recipe.json --bin ${o.bin}`,
    '',
    ...builderBase,
    'ARG TARGETARCH',
    ...m.args,
    `COPY --from=planner ${WORKDIR}/recipe.json recipe.json`,
    '# Dependencies only: this layer depends on recipe.json alone, so source edits reuse it.',
    // cargo, muslrust-chef-locate and the target/ cache mount agree on where the build output goes.
    ...(o.targetDir ? [`ENV CARGO_TARGET_DIR=${o.targetDir}`] : []),
    run([`${m.cook}cargo chef cook ${common} --recipe-path recipe.json`], o.cacheMounts, o.targetDir),
    'COPY . .',
    run(
      [...m.before, `cargo build ${common}`, ...m.after, `muslrust-chef-locate ${o.bin} ${o.profile} ${out}`, `muslrust-chef-check-static ${out} "$TARGETARCH"`],
      o.cacheMounts,
      o.targetDir,
    ),
    '',
    `FROM ${o.runtimeImage} AS runtime`,
    `COPY --from=builder ${out} /usr/local/bin/${o.bin}`,
    `USER ${NONROOT_UID}:${NONROOT_UID}`,
    `ENTRYPOINT ["/usr/local/bin/${o.bin}"]`,
    '',
  ].join('\n');
}

/** Beside the generated Dockerfile (BuildKit reads `<Dockerfile>.dockerignore` first): the user's rules plus ours. */
export function renderDockerignore(userIgnore: string | undefined, targetDir?: string): string {
  // A `[build] target-dir` inside the workspace is host build output too.
  const moved = targetDir?.startsWith(`${WORKDIR}/`) ? [targetDir.slice(WORKDIR.length)] : [];
  const ours = ['# added by muslrust-chef-action: host build output and VCS data never enter the image build', '/target', ...moved.filter((d) => d !== '/target'), '.git'];
  return [...(userIgnore ? [userIgnore.trimEnd()] : []), ...ours, ''].join('\n');
}
