import { renderDockerfile, type DockerfileOptions } from '../../src/plan/dockerfile.js';
import { MUSLRUST_CROSS_RUSTFLAGS, PINNED_ZIG } from '../../src/plan/cross.js';

const base: DockerfileOptions = {
  bin: 'app', profile: 'release', features: [], builderImage: '', muslrustTag: '1.98.0-stable', runtimeImage: 'chainguard/static:latest', cacheMounts: false, reproducible: false, remapPaths: false, auditable: false,
  cross: { platforms: ['linux/amd64', 'linux/arm64'], foreign: ['linux/arm64'] },
};
const stage = (df: string, name: string): string => {
  const at = df.search(new RegExp(`^FROM .* AS ${name}$`, 'm'));
  const rest = df.slice(at + 1);
  const next = rest.search(/^FROM /m);
  return next < 0 ? df.slice(at) : df.slice(at, at + 1 + next);
};

describe('renderDockerfile, cross-compiling', () => {
  const df = renderDockerfile(base);
  if (process.env.SHOW_DOCKERFILE === '1') console.info(df);

  test('chef (and so planner and builder) run on the build platform; only the runtime stage is per-platform', () => {
    expect(df).toMatch(/^FROM --platform=\$BUILDPLATFORM clux\/muslrust:1\.98\.0-stable AS chef$/m);
    expect(df).toMatch(/^FROM chef AS planner$/m);
    expect(df).toMatch(/^FROM chef AS target-amd64$/m);
    expect(df).toMatch(/^FROM chef AS target-arm64$/m);
    expect(df).toMatch(/^FROM target-\$\{TARGETARCH\} AS builder$/m);
    expect(df).toMatch(/^FROM chainguard\/static:latest AS runtime$/m);
    // Every FROM but the runtime's derives from chef, and artifacts (the SBOM export) is FROM scratch with
    // no RUN: nothing can run on the target platform.
    const froms = [...df.matchAll(/^FROM (\S+)(?: (\S+))? AS (\S+)$/gm)].map((m) => m[3]);
    expect(froms).toEqual(['chef', 'planner', 'target-amd64', 'target-arm64', 'builder', 'artifacts', 'runtime']);
  });

  test('the planner holds nothing per-platform, so BuildKit runs it once for all platforms', () => {
    expect(stage(df, 'planner')).not.toMatch(/TARGET/);
  });

  test('each target stage points CARGO_BUILD_TARGET at its Rust target, keeping the image\'s vendor/ABI part', () => {
    expect(stage(df, 'target-arm64')).toContain('ENV CARGO_BUILD_TARGET=aarch64-${CARGO_BUILD_TARGET#*-}');
    expect(stage(df, 'target-amd64')).toContain('ENV CARGO_BUILD_TARGET=x86_64-${CARGO_BUILD_TARGET#*-}');
    // cook and build take that target: identical flags (cargo-chef#172)
    expect(stage(df, 'builder').match(/--target "\$\{CARGO_BUILD_TARGET:-\$\(uname -m\)-unknown-linux-musl\}"/g)).toHaveLength(2);
  });

  test('every requested target is added in the chef stage; zig and the foreign target\'s environment as muslrust sets aarch64\'s', () => {
    const chef = stage(df, 'chef');
    expect(chef).toContain('RUN rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-musl');
    expect(chef).toContain(`https://ziglang.org/download/${PINNED_ZIG.version}/zig-linux-$arch-${PINNED_ZIG.version}.tar.xz`);
    expect(chef).toContain(`x86_64) sum=${PINNED_ZIG.sha256.x86_64} ;;`);
    expect(chef).toContain(`aarch64) sum=${PINNED_ZIG.sha256.aarch64} ;;`);
    // verified before it is unpacked
    expect(chef.indexOf('sha256sum -c -')).toBeLessThan(chef.indexOf('tar -xJf'));
    expect(chef).toContain(`CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="${MUSLRUST_CROSS_RUSTFLAGS}"`);
    expect(MUSLRUST_CROSS_RUSTFLAGS).toBe('-C link-self-contained=yes -C linker=rust-lld -C target-feature=+crt-static');
    for (const v of ['CC_aarch64_unknown_linux_musl=/usr/local/bin/zigcc-aarch64-linux-musl', 'CXX_aarch64_unknown_linux_musl=/usr/local/bin/zigcxx-aarch64-linux-musl', 'AR_aarch64_unknown_linux_musl=/usr/local/bin/zigar']) expect(chef).toContain(v);
    expect(chef).toContain('COPY --from=muslrust-chef-scripts --chmod=0755 muslrust-chef-locate muslrust-chef-check-static muslrust-chef-zig /usr/local/bin/');
    expect(chef).toContain('for l in zigcc-aarch64-linux-musl zigcxx-aarch64-linux-musl zigar; do ln -sf muslrust-chef-zig "$l"; done');
    // the native target keeps muslrust's own toolchain
    expect(chef).not.toContain('x86_64_unknown_linux_musl');
  });

  test('the static check also verifies the ELF machine against the target platform', () => {
    expect(stage(df, 'builder')).toContain('muslrust-chef-check-static /out/app "$TARGETARCH"');
  });

  test('a prebuilt builder image brings its own targets and zig: only the platform flag and the target stages', () => {
    const pre = renderDockerfile({ ...base, builderImage: 'org/muslrust-chef:1.98.0' });
    expect(pre).toMatch(/^FROM --platform=\$BUILDPLATFORM org\/muslrust-chef:1\.98\.0 AS chef$/m);
    expect(pre).not.toMatch(/rustup|zig|RUSTFLAGS/);
    expect(pre).toMatch(/^FROM target-\$\{TARGETARCH\} AS builder$/m);
  });

  test('only the requested platforms get a target stage and a rustup target', () => {
    const arm = renderDockerfile({ ...base, cross: { platforms: ['linux/arm64'], foreign: ['linux/arm64'] } });
    expect(arm).not.toContain('target-amd64');
    expect(arm).toContain('RUN rustup target add aarch64-unknown-linux-musl\n');
  });
});
