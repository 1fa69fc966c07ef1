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
