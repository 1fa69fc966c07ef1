import { DEFAULT_SCOPE, mountFlags, MOUNTS_ARG, SCOPE_ARG, WORKDIR } from '../cache/mount-spec.js';
import { crossChefLines, crossTargetsLine, targetStages, ZIG_WRAPPER, type CrossOptions } from './cross.js';

/**
 * Pinned defaults. The inline chef stage is what a first-time user gets with nothing published: it is
 * cached like any other layer, so it is paid once per cache lifetime. `builder-image` skips it.
 */
export const MUSLRUST_IMAGE = 'clux/muslrust';
export const DEFAULT_MUSLRUST_TAG = '1.98.0-stable';
export const CARGO_CHEF_VERSION = '0.1.77';
/** cargo-auditable for the inline chef stage (Debian sid packages the same release). */
export const CARGO_AUDITABLE_VERSION = '0.7.7';
/** What the build prints when the builder image has no cargo-auditable. */
export const NO_AUDITABLE = 'muslrust-chef: WARNING: cargo-auditable is not in the builder image, so the binary is built without its dependency list (no crate SBOM): add it (docs/builder-image.md) or set auditable: false';
/** Stage whose only content is the linked binary, exported to read its cargo-auditable data. */
export const ARTIFACTS_STAGE = 'artifacts';
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
  /** File times of the binary layer clamped to SOURCE_DATE_EPOCH (a build arg). */
  reproducible: boolean;
  /** Map rustc's build paths to fixed ones (see remapWrapper). */
  remapPaths: boolean;
  /** Final build through `cargo auditable build` (dependency list embedded in `.dep-v0`). */
  auditable: boolean;
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
 * rustc embeds source paths (panic locations, file!()) of the workspace and of every crate under
 * CARGO_HOME. A RUSTC_WRAPPER adds --remap-path-prefix to every rustc call (cook and build alike,
 * so the cooked dependencies stay fresh) without touching any rustflags: RUSTFLAGS or a [target]
 * rustflags entry would silently replace the builder's (muslrust's arm64 linker flags, a
 * build.rustflags) or the project's own. A wrapper the builder already set is called in turn.
 */
export const RUSTC_WRAPPER = '/usr/local/bin/muslrust-chef-rustc';
export function remapWrapper(): string[] {
  return [
    '# Fixed build paths in the binary: every rustc call gets --remap-path-prefix (rustflags untouched).',
    // The builder's own RUSTC_WRAPPER (sccache, …) is written into the script at build time: an ENV
    // that reads it would be BuildKit's UndefinedVar warning on every builder that has none.
    `RUN printf '#!/bin/sh\\nexec %s "$@" --remap-path-prefix=%s=/cargo --remap-path-prefix=%s=/build\\n' "\${RUSTC_WRAPPER:-}" "\${CARGO_HOME:-$HOME/.cargo}" "$PWD" >${RUSTC_WRAPPER} \\\n && chmod 0755 ${RUSTC_WRAPPER}`,
    `ENV RUSTC_WRAPPER=${RUSTC_WRAPPER}`,
  ];
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
        ...(o.auditable ? [`RUN CARGO_BUILD_TARGET="$(uname -m)-unknown-linux-gnu" cargo install --locked cargo-auditable --version ${CARGO_AUDITABLE_VERSION} \\\n && rm -rf "$CARGO_HOME/registry" "$CARGO_HOME/git"`] : []),
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
  // The runtime layer is a tree whose every entry carries SOURCE_DATE_EPOCH: COPY would give the
  // parent directories it creates the build's wall-clock time (rewrite-timestamp is not available
  // on every exporter, see commands.ts).
  const root = `${OUT_DIR}/root`;
  const dest = `/usr/local/bin/${o.bin}`;
  const tree = [`mkdir -p ${root}/usr/local/bin`, `cp ${out} ${root}${dest}`];
  if (o.reproducible) tree.push(`touch -h -d "@$SOURCE_DATE_EPOCH" ${root}${dest} ${root}/usr/local/bin ${root}/usr/local ${root}/usr ${root}`);
  // A builder-image published before cargo-auditable was added still builds, with a warning in the
  // log; the action then finds no .dep-v0 section and says so (see docs/supply-chain.md).
  const cargoBuild = o.auditable
    ? [`if command -v cargo-auditable >/dev/null; then cargo auditable build ${common}; else echo "${NO_AUDITABLE}" >&2; cargo build ${common}; fi`]
    : [`cargo build ${common}`];
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
    ...(o.remapPaths ? remapWrapper() : []),
    ...m.args,
    `COPY --from=planner ${WORKDIR}/recipe.json recipe.json`,
    '# Dependencies only: this layer depends on recipe.json alone, so source edits reuse it.',
    // cargo, muslrust-chef-locate and the target/ cache mount agree on where the build output goes.
    ...(o.targetDir ? [`ENV CARGO_TARGET_DIR=${o.targetDir}`] : []),
    run([`${m.cook}cargo chef cook ${common} --recipe-path recipe.json`], o.cacheMounts, o.targetDir),
    // Declared after the cook: a new commit time must not invalidate the dependency layer. The final
    // build sees it, so build scripts that stamp a date (vergen, built) stay reproducible too.
    ...(o.reproducible ? ['ARG SOURCE_DATE_EPOCH'] : []),
    'COPY . .',
    run(
      [...m.before, ...cargoBuild, ...m.after, `muslrust-chef-locate ${o.bin} ${o.profile} ${out}`, `muslrust-chef-check-static ${out} "$TARGETARCH"`, ...tree],
      o.cacheMounts,
      o.targetDir,
    ),
    '',
    '# The linked binary alone, exported after the build for its crate SBOM (never pushed).',
    `FROM scratch AS ${ARTIFACTS_STAGE}`,
    `COPY --from=builder ${out} /${o.bin}`,
    '',
    `FROM ${o.runtimeImage} AS runtime`,
    `COPY --from=builder ${root}/ /`,
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
