import { RUST_ARCH, archOf, rustTarget, type Platform } from './platforms.js';

/**
 * Cross-compiling build stages: chef, planner and builder run on `$BUILDPLATFORM` (no RUN under
 * QEMU); rustc emits code for the Rust target of `$TARGETPLATFORM`; only the runtime stage is
 * per-platform. Pure-Rust crates need nothing but the target's std (`rustup target add`) and the
 * self-contained linker flags clux/muslrust sets for aarch64 in both of its images; crates with C
 * code (mimalloc via `cc`, ring, zstd-sys) need a C compiler for the target: zig, which carries
 * musl for every target, behind the wrapper image/scripts/muslrust-chef-zig.
 */

/** zig release and the SHA-256 of its linux tarballs (ziglang.org/download/index.json), by `uname -m`. */
export const PINNED_ZIG = {
  version: '0.13.0',
  sha256: {
    x86_64: 'd45312e61ebcc48032b77bc4cf7fd6915c11fa16e4aad116b66c9468211230ea',
    aarch64: '041ac42323837eb5624068acd8b00cd5777dac4cf91179e8dad7a7e90dd0c556',
  } as Record<string, string>,
};
export const ZIG_DIR = '/opt/zig';
export const ZIG_WRAPPER = 'muslrust-chef-zig';

/** clux/muslrust's value of CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS (its Dockerfile). */
export const MUSLRUST_CROSS_RUSTFLAGS = '-C link-self-contained=yes -C linker=rust-lld -C target-feature=+crt-static';

/** `aarch64-unknown-linux-musl` → `aarch64_unknown_linux_musl` (cc-rs's CC_<target>), `AARCH64_UNKNOWN_LINUX_MUSL` (cargo's). */
const under = (t: string): string => t.replace(/-/g, '_');
/** zig's spelling of the target: `aarch64-linux-musl`. */
export const zigTarget = (p: Platform): string => `${RUST_ARCH[p]}-linux-musl`;

export interface CrossOptions {
  /** Every requested platform: its Rust target is added to the toolchain. */
  platforms: readonly Platform[];
  /** Platforms foreign to the build machine: zig compiles their C code, rust-lld links them. */
  foreign: readonly Platform[];
}

/** The zig download, verified before it is unpacked (the sums are pinned here, per build arch). */
function zigInstall(): string {
  const v = PINNED_ZIG.version;
  const cases = Object.entries(PINNED_ZIG.sha256)
    .map(([arch, sum]) => `${arch}) sum=${sum} ;;`)
    .join(' ');
  return [
    `RUN arch="$(uname -m)"; case "$arch" in ${cases} *) echo "no pinned zig ${v} for $arch" >&2; exit 1 ;; esac \\`,
    ` && { command -v xz >/dev/null || { apt-get update && apt-get install -y --no-install-recommends xz-utils && rm -rf /var/lib/apt/lists/*; }; } \\`,
    ` && curl -fsSL "https://ziglang.org/download/${v}/zig-linux-$arch-${v}.tar.xz" -o /tmp/zig.tar.xz \\`,
    ` && echo "$sum  /tmp/zig.tar.xz" | sha256sum -c - \\`,
    ` && mkdir -p ${ZIG_DIR} && tar -xJf /tmp/zig.tar.xz -C ${ZIG_DIR} --strip-components=1 && rm /tmp/zig.tar.xz \\`,
    ` && ln -s ${ZIG_DIR}/zig /usr/local/bin/zig && zig version`,
  ].join('\n');
}

/** Wrapper links and the per-target environment for the foreign platforms. */
function foreignEnv(foreign: readonly Platform[]): string[] {
  if (foreign.length === 0) return [];
  const links = foreign.flatMap((p) => [`zigcc-${zigTarget(p)}`, `zigcxx-${zigTarget(p)}`]).concat('zigar');
  const env = foreign.flatMap((p) => {
    const t = rustTarget(p);
    const bin = '/usr/local/bin';
    return [
      `CARGO_TARGET_${under(t).toUpperCase()}_RUSTFLAGS="${MUSLRUST_CROSS_RUSTFLAGS}"`,
      `CC_${under(t)}=${bin}/zigcc-${zigTarget(p)}`,
      `CXX_${under(t)}=${bin}/zigcxx-${zigTarget(p)}`,
      `AR_${under(t)}=${bin}/zigar`,
    ];
  });
  return [
    `RUN cd /usr/local/bin && for l in ${links.join(' ')}; do ln -sf ${ZIG_WRAPPER} "$l"; done`,
    '# Foreign targets: link like clux/muslrust links aarch64 (self-contained, rust-lld); C code through zig.',
    `ENV ${env.join(' \\\n    ')}`,
  ];
}

/** Inline chef stage additions (after cargo-chef is installed): targets, zig, per-target environment. */
/** The Rust std of every requested platform, for the toolchain RUSTUP_TOOLCHAIN selects (or the default). */
export function crossTargetsLine(o: CrossOptions): string {
  return `RUN rustup target add ${o.platforms.map(rustTarget).join(' ')}`;
}

export function crossChefLines(o: CrossOptions): string[] {
  return [
    '# Cross-compiling: the target std of every requested platform, and zig as the C compiler of the foreign ones.',
    crossTargetsLine(o),
    ...(o.foreign.length > 0 ? [zigInstall(), ...foreignEnv(o.foreign)] : []),
  ];
}

/**
 * One tiny stage per requested platform that points CARGO_BUILD_TARGET at its Rust target, keeping
 * the builder image's vendor/ABI part (musl for muslrust; a stand-in may use another), then the
 * builder stage picks its platform's one: the muslrust Dockerfile's own `base-${TARGETARCH}` idiom.
 */
export function targetStages(platforms: readonly Platform[]): string[] {
  const lines: string[] = [];
  for (const p of platforms) {
    lines.push(
      `FROM chef AS target-${archOf(p)}`,
      'ENV CARGO_BUILD_TARGET=${CARGO_BUILD_TARGET:-x86_64-unknown-linux-musl}',
      `ENV CARGO_BUILD_TARGET=${RUST_ARCH[p]}-\${CARGO_BUILD_TARGET#*-}`,
      '',
    );
  }
  return lines;
}
