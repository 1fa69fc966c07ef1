// Plan tables from real workspace files (rust-toolchain pins, Cargo.lock, cargo config, logins).
import { ids, plan } from '../helpers/plan.js';

// The pure plan, in-process: each row names the bug that would turn it red.

describe('merge mode', () => {
  const digests = `sha256:${'1'.repeat(64)}\nsha256:${'2'.repeat(64)}`;
  test('creates no builder (it only runs imagetools): buildx is checked, nothing is bootstrapped', () => {
    const p = plan({ inputs: { mode: 'merge', digests, tags: 'type=raw,value=e2e' } });
    expect(ids(p)).toEqual(['login', 'buildx-version', 'previous', 'merge', 'inspect']);
  });
  test('build mode still creates its docker-container builder', () => {
    expect(ids(plan())).toContain('builder-create');
  });
});

describe('dry-run shows what the real run would warn', () => {
  test('missing cache-service variables are a plan warning (so dry-run prints it)', () => {
    const p = plan({ inputs: { cache: 'gha', 'dry-run': 'true' }, env: { ACTIONS_RUNTIME_TOKEN: '', ACTIONS_RESULTS_URL: '' } });
    expect(p.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^cache: gha needs the runner's cache service variables, but ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL/)]));
  });
  test('no warning when they are set, or when the cache is not gha', () => {
    expect(plan({ inputs: { cache: 'gha' } }).warnings.filter((w) => w.startsWith('cache: gha'))).toEqual([]);
    expect(plan({ inputs: { cache: 'none' }, env: { ACTIONS_RUNTIME_TOKEN: '' } }).warnings.filter((w) => w.startsWith('cache: gha'))).toEqual([]);
  });
});

describe('rust-toolchain pins reach the generated Dockerfile', () => {
  test('a 1.85 pin: installed with the musl target in the chef stage, selected before prepare, cook and build', () => {
    const p = plan({ files: { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.85"\ncomponents = ["rust-src"]\n' } });
    const df = p.dockerfile.content;
    const at = (s: string) => df.indexOf(s);
    expect(at('RUN rustup toolchain install 1.85 --no-self-update --profile minimal --target "$(uname -m)-unknown-linux-musl" --component rust-src')).toBeGreaterThan(at('cargo install --locked cargo-chef'));
    expect(at('ENV RUSTUP_TOOLCHAIN=1.85')).toBeGreaterThan(at('rustup toolchain install'));
    expect(at('ENV RUSTUP_TOOLCHAIN=1.85')).toBeLessThan(at('FROM chef AS planner'));
    expect(p.muslrust?.tag).toBe('1.98.0-stable');
  });
  test('an exact pin uses that muslrust image and its stable toolchain', () => {
    const p = plan({ files: { 'rust-toolchain': '1.90.0\n' } });
    expect(p.dockerfile.content).toMatch(/^FROM (--platform=\$BUILDPLATFORM )?clux\/muslrust:1\.90\.0-stable AS chef$/m);
    expect(p.dockerfile.content).toMatch(/^ENV RUSTUP_TOOLCHAIN=stable$/m);
  });
  test('with builder-image the pin is installed in that image too', () => {
    const p = plan({ inputs: { 'builder-image': 'org/muslrust-chef:1.98.0' }, files: { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.90.0"\n' } });
    expect(p.dockerfile.content).toMatch(/^FROM (--platform=\$BUILDPLATFORM )?org\/muslrust-chef:1\.98\.0 AS chef\n# .*\n# .*\nRUN rustup toolchain install 1\.90\.0 /m);
  });
  test('a bad pin fails the plan, naming the file and the value', () => {
    expect(() => plan({ files: { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.85.0-aarch64-apple-darwin"\n' } })).toThrow(/rust-toolchain.toml pins channel "1.85.0-aarch64-apple-darwin", which names a host/);
  });
});

const lock = (...pkgs: Array<[string, string[]?, boolean?]>) =>
  'version = 4\n' +
  pkgs.map(([name, deps = [], local = false]) => `\n[[package]]\nname = "${name}"\nversion = "1.0.0"\n${local ? '' : 'source = "registry+https://github.com/rust-lang/crates.io-index"\n'}dependencies = [${deps.map((d) => `"${d}"`).join(', ')}]\n`).join('');

describe('musl preflight (Cargo.lock against what muslrust carries)', () => {
  const openssl = lock(['app', ['reqwest'], true], ['reqwest', ['native-tls']], ['native-tls', ['openssl']], ['openssl', ['openssl-sys']], ['openssl-sys']);
  test('openssl-sys without openssl-src fails the plan, naming who pulls it in and both fixes', () => {
    expect(() => plan({ files: { 'Cargo.lock': openssl } })).toThrow(
      /^Cargo.lock has openssl-sys \(app → reqwest → native-tls → openssl → openssl-sys\) but not openssl-src.*rustls-tls.*features = \["vendored"\]/,
    );
  });
  test('with openssl-src (the vendored feature) it builds', () => {
    expect(() => plan({ files: { 'Cargo.lock': lock(['app', ['openssl-sys'], true], ['openssl-sys', ['openssl-src']], ['openssl-src']) } })).not.toThrow();
  });
  test('a prebuilt builder may carry OpenSSL: a warning, not an error', () => {
    const p = plan({ inputs: { 'builder-image': 'org/muslrust-chef:1.98.0' }, files: { 'Cargo.lock': openssl } });
    expect(p.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^Cargo.lock has openssl-sys .*builder-image is set/)]));
  });
  test('other -sys crates muslrust lacks: a warning naming the crate and the usual fix', () => {
    const p = plan({ files: { 'Cargo.lock': lock(['app', ['diesel'], true], ['diesel', ['pq-sys']], ['pq-sys']) } });
    expect(p.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^Cargo.lock has pq-sys \(app → diesel → pq-sys\), which links libpq.*`bundled` feature/)]));
    const bundled = plan({ files: { 'Cargo.lock': lock(['app', ['pq-sys'], true], ['pq-sys', ['pq-src']], ['pq-src']) } });
    expect(bundled.warnings.filter((w) => w.includes('pq-sys'))).toEqual([]);
  });
  test('zlib and sqlite are in muslrust: nothing to say', () => {
    const p = plan({ files: { 'Cargo.lock': lock(['app', ['libz-sys', 'libsqlite3-sys'], true], ['libz-sys'], ['libsqlite3-sys']) } });
    expect(p.warnings.filter((w) => w.startsWith('Cargo.lock has'))).toEqual([]);
  });
});

describe('[build] target-dir', () => {
  test('a relative target-dir: cargo, locate (CARGO_TARGET_DIR) and the target/ cache mount all use /volume/<dir>', () => {
    const p = plan({ inputs: { 'cache-mounts': 'true' }, files: { '.cargo/config.toml': '[build]\ntarget-dir = "build/out"\n' } });
    const df = p.dockerfile.content;
    expect(df.indexOf('ENV CARGO_TARGET_DIR=/volume/build/out')).toBeGreaterThan(df.indexOf('FROM chef AS builder'));
    expect(df.indexOf('ENV CARGO_TARGET_DIR=/volume/build/out')).toBeLessThan(df.indexOf('cargo chef cook'));
    expect(df.match(/id=muslrust-chef-\$\{MUSLRUST_CHEF_SCOPE\}-target-\$\{TARGETARCH\},target=\/volume\/build\/out,/g)).toHaveLength(2);
    expect(df).not.toContain('target=/volume/target');
    expect(p.dockerfile.ignoreContent).toContain('\n/build/out\n');
  });
  test('.cargo/config wins over .cargo/config.toml, as in cargo; an absolute dir is kept', () => {
    const p = plan({ files: { '.cargo/config': '[build]\ntarget-dir = "/tmp/t"\n', '.cargo/config.toml': '[build]\ntarget-dir = "x"\n' } });
    expect(p.dockerfile.content).toMatch(/^ENV CARGO_TARGET_DIR=\/tmp\/t$/m);
  });
  test('no target-dir: nothing moves (unless a prebuilt builder with cache mounts could have its own)', () => {
    expect(plan().dockerfile.content).not.toContain('CARGO_TARGET_DIR');
    expect(plan({ inputs: { 'cache-mounts': 'true', 'builder-image': 'org/b:1' } }).dockerfile.content).toMatch(/^ENV CARGO_TARGET_DIR=\/volume\/target$/m);
  });
  test('a target-dir that would break the Dockerfile fails the plan, naming file and value', () => {
    expect(() => plan({ files: { '.cargo/config.toml': '[build]\ntarget-dir = "a b,c"\n' } })).toThrow(/^\.cargo\/config.toml sets \[build\] target-dir = "a b,c".*plain path/);
  });
});

describe('logins', () => {
  const two = 'org/app\nghcr.io/org/app';
  const auth = '- registry: docker.io\n  username: hub-bot\n  password: hub-secret\n- registry: ghcr.io\n  username: gh-bot\n  password: gh-secret\n';
  test('log in before anything is pulled: before QEMU, the buildx check and the builder', () => {
    const p = plan({ inputs: { platforms: 'linux/amd64,linux/arm64', qemu: 'true' } });
    expect(ids(p).slice(0, 2)).toEqual(['login', p.foreign.length > 0 ? 'qemu' : 'buildx-version']);
  });
  test('username/password log in to one registry: a second registry without credentials fails, naming it', () => {
    expect(() => plan({ inputs: { image: two } })).toThrow(/^Input 'image' is pushed to ghcr.io, but there are no credentials for ghcr.io \(logins: docker.io\) \(got "ghcr.io\/org\/app"\)\. Give one login per registry with registry-auth/);
  });
  test('…unless an earlier step logged in to it', () => {
    expect(() => plan({ inputs: { image: two }, stored: ['ghcr.io'] })).not.toThrow();
  });
  test('no credentials at all: the first registry that lacks them is named', () => {
    expect(() => plan({ inputs: { image: two, username: '', password: '' }, stored: ['docker.io'] })).toThrow(/^Input 'username' is empty, but pushing to ghcr.io needs credentials/);
  });
  test('registry-auth: one login per registry, each token on stdin only', () => {
    const p = plan({ inputs: { image: two, username: '', password: '', 'registry-auth': auth } });
    const logins = p.commands.filter((c) => c.id === 'login');
    expect(logins.map((c) => c.argv)).toEqual([
      ['docker', 'login', '--username', 'hub-bot', '--password-stdin', 'docker.io'],
      ['docker', 'login', '--username', 'gh-bot', '--password-stdin', 'ghcr.io'],
    ]);
    expect(JSON.stringify(p.commands)).not.toMatch(/hub-secret|gh-secret/);
  });
  test('a push without a push (pull request) needs no credentials', () => {
    expect(() => plan({ inputs: { image: two, username: '', password: '' }, git: { eventName: 'pull_request', ref: 'refs/pull/7/merge', prNumber: 7 } })).not.toThrow();
  });
});

describe('image names', () => {
  test('upper case is lower-cased with a notice, as docker/metadata-action does (ghcr.io/${{ github.repository }})', () => {
    const p = plan({ inputs: { image: 'ghcr.io/MyUSER/MyApp', 'registry-auth': '- registry: ghcr.io\n  username: u\n  password: p\n', username: '', password: '' } });
    expect(p.meta.tags).toEqual(['ghcr.io/myuser/myapp:1.2.3', 'ghcr.io/myuser/myapp:1.2', 'ghcr.io/myuser/myapp:1', 'ghcr.io/myuser/myapp:sha-860c190', 'ghcr.io/myuser/myapp:latest']);
    expect(p.notices).toEqual([expect.stringMatching(/^Input 'image': ghcr.io\/MyUSER\/MyApp is pushed as ghcr.io\/myuser\/myapp/)]);
  });
});

describe('runtime image', () => {
  test("the default is Chainguard's own registry, non-root 65532", () => {
    const df = plan().dockerfile.content;
    expect(df).toMatch(/^FROM cgr\.dev\/chainguard\/static:latest AS runtime\n(?:.*\n)*USER 65532:65532$/m);
  });
});
