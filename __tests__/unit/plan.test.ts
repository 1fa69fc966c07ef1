import { ids, plan } from '../helpers/plan.js';

// The pure plan, in-process: each row names the bug that would turn it red.

describe('merge mode', () => {
  const digests = `sha256:${'1'.repeat(64)}\nsha256:${'2'.repeat(64)}`;
  test('creates no builder (it only runs imagetools): buildx is checked, nothing is bootstrapped', () => {
    const p = plan({ inputs: { mode: 'merge', digests, tags: 'type=raw,value=e2e' } });
    expect(ids(p)).toEqual(['buildx-version', 'login', 'merge', 'inspect']);
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
    expect(p.dockerfile.content).toMatch(/^FROM clux\/muslrust:1\.90\.0-stable AS chef$/m);
    expect(p.dockerfile.content).toMatch(/^ENV RUSTUP_TOOLCHAIN=stable$/m);
  });
  test('with builder-image the pin is installed in that image too', () => {
    const p = plan({ inputs: { 'builder-image': 'org/muslrust-chef:1.98.0' }, files: { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.90.0"\n' } });
    expect(p.dockerfile.content).toMatch(/^FROM org\/muslrust-chef:1\.98\.0 AS chef\n# .*\n# .*\nRUN rustup toolchain install 1\.90\.0 /m);
  });
  test('a bad pin fails the plan, naming the file and the value', () => {
    expect(() => plan({ files: { 'rust-toolchain.toml': '[toolchain]\nchannel = "1.85.0-aarch64-apple-darwin"\n' } })).toThrow(/rust-toolchain.toml pins channel "1.85.0-aarch64-apple-darwin", which names a host/);
  });
});
