import { muslrustTagFor, profileFlag, renderDockerfile, renderDockerignore, DEFAULT_MUSLRUST_TAG } from '../../src/plan/dockerfile.js';

const base = { bin: 'app', profile: 'release', features: [] as string[], builderImage: '', muslrustTag: '1.98.1-stable', runtimeImage: 'chainguard/static:latest', cacheMounts: false, reproducible: false, remapPaths: false, auditable: false };

describe('renderDockerfile', () => {
  test('inline chef stage: pinned muslrust + cargo-chef + scripts from the named context', () => {
    const df = renderDockerfile(base);
    expect(df).toMatch(/^FROM clux\/muslrust:1\.98\.1-stable AS chef$/m);
    expect(df).toContain('cargo install --locked cargo-chef --version 0.1.77');
    expect(df).toContain('COPY --from=muslrust-chef-scripts --chmod=0755 muslrust-chef-locate muslrust-chef-check-static /usr/local/bin/');
    expect(df).toContain('ENV CARGO_NET_GIT_FETCH_WITH_CLI=true');
    expect(df).not.toMatch(/^# syntax=/m);
  });

  test('stage order and the dependency layer depends on the recipe only', () => {
    const df = renderDockerfile(base);
    const order = ['AS chef', 'FROM chef AS planner', 'cargo chef prepare --recipe-path recipe.json --bin app', 'FROM chef AS builder', 'COPY --from=planner /volume/recipe.json recipe.json', 'cargo chef cook', 'COPY . .', 'cargo build', 'muslrust-chef-locate app release /out/app', 'muslrust-chef-check-static /out/app', 'AS runtime'];
    let at = -1;
    for (const s of order) {
      const i = df.indexOf(s, at + 1);
      expect({ s, found: i > at }).toEqual({ s, found: true });
      at = i;
    }
    const builder = df.slice(df.indexOf('FROM chef AS builder'));
    // nothing but the recipe is copied before cook
    expect(builder.slice(0, builder.indexOf('cargo chef cook'))).not.toContain('COPY . .');
  });

  test('cook and build use identical flags (else cargo-chef misses)', () => {
    const df = renderDockerfile({ ...base, features: ['tls', 'metrics'], profile: 'dist' });
    const cook = /cargo chef cook (.*) --recipe-path/.exec(df)?.[1];
    const build = /cargo build (.*?) \\/.exec(df)?.[1];
    expect(cook).toBe('--profile dist --locked --target "${CARGO_BUILD_TARGET:-$(uname -m)-unknown-linux-musl}" --bin app --features tls,metrics');
    expect(build).toBe(cook);
  });

  test('runtime: static base, non-root, binary as entrypoint', () => {
    const df = renderDockerfile(base);
    expect(df).toMatch(/FROM chainguard\/static:latest AS runtime\nCOPY --from=builder \/out\/root\/ \/\nUSER 65532:65532\nENTRYPOINT \["\/usr\/local\/bin\/app"\]/);
    expect(df).toContain('cp /out/app /out/root/usr/local/bin/app');
  });

  test('prebuilt builder image replaces the inline stage', () => {
    const df = renderDockerfile({ ...base, builderImage: 'org/muslrust-chef:1.98.1' });
    expect(df).toMatch(/^FROM org\/muslrust-chef:1\.98\.1 AS chef$/m);
    expect(df).not.toContain('cargo install');
    expect(df).not.toContain('muslrust-chef-scripts');
  });

  test('cache mounts on cook and build only', () => {
    const df = renderDockerfile({ ...base, cacheMounts: true });
    expect(df.match(/--mount=type=cache,id=muslrust-chef-target-\$\{TARGETARCH\},target=\/volume\/target,sharing=locked/g)).toHaveLength(2);
    expect(df.match(/id=muslrust-chef-cargo-registry-\$\{TARGETARCH\},target=\/opt\/cargo\/registry/g)).toHaveLength(2);
    expect(renderDockerfile(base)).not.toContain('--mount=type=cache');
  });
});

describe('renderDockerfile: reproducible and auditable (issue 14)', () => {
  const full = { ...base, reproducible: true, remapPaths: true, auditable: true };

  test('SOURCE_DATE_EPOCH is declared after the cook (the dependency layer survives a new commit time), before the sources', () => {
    const df = renderDockerfile(full);
    const cook = df.indexOf('cargo chef cook');
    const arg = df.indexOf('ARG SOURCE_DATE_EPOCH');
    expect(cook).toBeGreaterThan(0);
    expect(arg).toBeGreaterThan(cook);
    expect(arg).toBeLessThan(df.indexOf('COPY . .', df.indexOf('FROM chef AS builder')));
    expect(renderDockerfile(base)).not.toContain('SOURCE_DATE_EPOCH');
  });

  test('every entry of the runtime tree gets the commit time; the runtime stage copies the tree', () => {
    const df = renderDockerfile(full);
    expect(df).toContain('touch -h -d "@$SOURCE_DATE_EPOCH" /out/root/usr/local/bin/app /out/root/usr/local/bin /out/root/usr/local /out/root/usr /out/root');
    expect(df).toMatch(/AS runtime\nCOPY --from=builder \/out\/root\/ \/\n/);
  });

  test('the path remap wraps rustc before the cook, so cook and build see the same flags; no rustflags are set', () => {
    const df = renderDockerfile(full);
    expect(df.indexOf('RUSTC_WRAPPER=/usr/local/bin/muslrust-chef-rustc')).toBeLessThan(df.indexOf('cargo chef cook'));
    expect(df).toMatch(/^ENV RUSTC_WRAPPER=\/usr\/local\/bin\/muslrust-chef-rustc$/m);
    // a wrapper the builder already has is called in turn, read in the shell (no UndefinedVar lint)
    expect(df).toContain(`exec %s "$@" --remap-path-prefix=%s=/cargo --remap-path-prefix=%s=/build\\n' "\${RUSTC_WRAPPER:-}"`);
    expect(df).not.toMatch(/RUSTFLAGS/);
    expect(renderDockerfile(base)).not.toContain('muslrust-chef-rustc');
  });

  test('auditable: the final build only (cook unchanged), a builder without it still builds with a warning', () => {
    const df = renderDockerfile(full);
    expect(df).toMatch(/RUN cargo chef cook --release/);
    expect(df).toContain('if command -v cargo-auditable >/dev/null; then cargo auditable build --release --locked');
    expect(df).toContain('cargo-auditable is not in the builder image');
    expect(df).toContain('cargo install --locked cargo-auditable --version 0.7.7');
    expect(renderDockerfile({ ...full, builderImage: 'org/chef:1' })).not.toContain('cargo install');
    expect(renderDockerfile(base)).not.toContain('auditable');
  });

  test('the artifacts stage holds only the binary, and the runtime stays the last (default) stage', () => {
    const df = renderDockerfile(full);
    expect(df).toMatch(/FROM scratch AS artifacts\nCOPY --from=builder \/out\/app \/app\n/);
    expect(df.lastIndexOf('FROM ')).toBe(df.indexOf('FROM chainguard/static:latest AS runtime'));
  });
});

describe('helpers', () => {
  test.each([['release', '--release'], ['dev', '--profile dev'], ['dist', '--profile dist']])('profile %p', (p, f) => expect(profileFlag(p)).toBe(f));
  test.each<[string | undefined, string]>([
    [undefined, DEFAULT_MUSLRUST_TAG],
    ['1.85.1', '1.85.1-stable'],
    ['1.85', '1.85.0-stable'],
    ['stable', 'stable'],
    ['nightly-2026-01-02', 'nightly-2026-01-02'],
    ['beta', DEFAULT_MUSLRUST_TAG],
  ])('muslrust tag for %p', (ch, tag) => expect(muslrustTagFor(ch).tag).toBe(tag));
  test('dockerignore keeps the user rules and adds ours', () => {
    expect(renderDockerignore('node_modules\n')).toBe('node_modules\n# added by muslrust-chef-action: host build output and VCS data never enter the image build\n/target\n.git\n');
    expect(renderDockerignore(undefined)).toContain('/target');
  });
});
