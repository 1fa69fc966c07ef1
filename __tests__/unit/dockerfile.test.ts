import { profileFlag, renderDockerfile, renderDockerignore } from '../../src/plan/dockerfile.js';

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

  test('cache mounts on cook and build only, with ids scoped by a build arg', () => {
    const df = renderDockerfile({ ...base, cacheMounts: true });
    expect(df.match(/--mount=type=cache,id=muslrust-chef-\$\{MUSLRUST_CHEF_SCOPE\}-target-\$\{TARGETARCH\},target=\/volume\/target,sharing=locked/g)).toHaveLength(2);
    expect(df.match(/id=muslrust-chef-\$\{MUSLRUST_CHEF_SCOPE\}-cargo-registry-\$\{TARGETARCH\},target=\/opt\/cargo\/registry/g)).toHaveLength(2);
    // Declared in the builder stage (a hand-run build gets the `local` scope).
    const builder = df.slice(df.indexOf('FROM chef AS builder'), df.indexOf('AS runtime'));
    expect(builder).toContain('\nARG MUSLRUST_CHEF_SCOPE=local\nARG MUSLRUST_CHEF_MOUNTS=\n');
    expect(renderDockerfile(base)).not.toContain('--mount=type=cache');
    expect(renderDockerfile(base)).not.toContain('MUSLRUST_CHEF_');
  });

  test('cache mounts: cook names the mounts and skips when they hold it; build fixes mtimes around cargo', () => {
    const df = renderDockerfile({ ...base, builderImage: 'org/muslrust-chef:1', cacheMounts: true });
    const cook = df.slice(df.indexOf('RUN', df.indexOf('FROM chef AS builder')), df.indexOf('COPY . .', df.indexOf('FROM chef AS builder')));
    // The build arg is READ in the cook RUN, so its value is part of that step's cache key.
    expect(cook).toContain('echo "cache mounts: ${MUSLRUST_CHEF_MOUNTS:-not restored}" && sh /muslrust-chef-scripts/muslrust-chef-mounts cook -- cargo chef cook --release');
    // The scripts come from the named context even with a prebuilt builder image.
    expect(cook).toContain('--mount=type=bind,from=muslrust-chef-scripts,target=/muslrust-chef-scripts');
    const build = df.slice(df.lastIndexOf('RUN'));
    const order = ['muslrust-chef-mounts prepare', 'cargo build', 'muslrust-chef-mounts commit', 'muslrust-chef-locate'];
    const at = order.map((s) => build.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    expect(build).toContain('--mount=type=bind,from=muslrust-chef-scripts,target=/muslrust-chef-scripts');
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
  test('dockerignore keeps the user rules and adds ours', () => {
    expect(renderDockerignore('node_modules\n')).toBe('node_modules\n# added by muslrust-chef-action: host build output and VCS data never enter the image build\n/target\n.git\n');
    expect(renderDockerignore(undefined)).toContain('/target');
  });
});
