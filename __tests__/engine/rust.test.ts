/**
 * Engine tests that COMPILE REAL RUST: the bundled action (main + post as the runner runs them,
 * `driver: docker`) builds test/fixtures/rust-app (2 workspace crates on clap/serde/serde_json/
 * anyhow) with the real-Rust builder stand-in (test/engine/real-rust/: Debian sid rustc/cargo, the
 * cargo-chef stand-in, the project's real locate and static-check scripts), pushes to the local
 * registry, and the pushed image is run: it must print this run's marker. Assertions are on real
 * cargo output: which crates each step's `Compiling` lines name, and cargo's `Finished` line.
 *
 * linux/amd64 only: arm64 Rust under QEMU costs ~16 min per cold build (docs/performance.md); the
 * two-platform plumbing (QEMU, index, gha import per platform) stays with the busybox stand-in in
 * multi-platform.test.ts and gha-cache.test.ts, which need no compiler for what they check.
 *
 * The scenarios share one daemon and run in order: cold (exports to the gha emulator) → source-only
 * → fresh runner (prune, gha import) → one dependency added. Then the static check on a real
 * dynamically linked binary.
 */
import fs from 'node:fs';
import { startCacheService, type CacheService } from '../../test/emulator/harness.mjs';
import { describeStep, DIST, errors } from '../helpers/action-runner.js';
import { freshBuilder } from './cache-kit.js';
import { bringUpEngine, deleteTag, engineTest, registryDigest } from './helpers.js';
import { addHex, buildScenario, lockedDependencies, RUST_DYNAMIC, rustInputs, type RustBuild } from './rust-harness.js';

const engine = bringUpEngine();
const it = engineTest(engine);

const REPO = 'rust-app-e2e';
const WORKSPACE_CRATES = ['app', 'model'];

/** The build succeeded, its final `cargo build` finished, and the pushed image ran this run's binary. */
function expectShipped(b: RustBuild): void {
  if (b.main.code !== 0) throw new Error(`main step failed: ${describeStep(b.main)}`);
  expect(errors(b.main)).toEqual([]);
  expect(b.build.step.status).toBe('ran');
  expect(b.build.finished).toMatch(/^Finished `release` profile \[optimized\] target\(s\) in /);
  expect(b.main.stdout).toContain('/out/app: statically linked (ELF64 x86-64, static-pie, no program interpreter)');
  expect({ code: b.image?.code, stdout: b.image?.stdout }).toEqual({ code: 0, stdout: '{"count":2,"total_cents":2249,"names":["widget","gadget"]}\n' });
  expect(b.image?.stderr).toContain(`marker=${b.marker} arch=x86_64\n`);
}

/** The dependency step did not run: BuildKit took its layer from a cache, and cargo compiled nothing there. */
function expectCookNotRun(b: RustBuild): void {
  expect({ status: b.cook.step.status, compiled: b.cook.compiled }).toEqual({ status: expect.stringMatching(/^(cached|pulled)$/), compiled: [] });
}

describe('engine: real Rust through the bundled action (rust-app fixture, real-Rust builder stand-in, linux/amd64)', () => {
  let svc: CacheService | undefined;
  const builds: RustBuild[] = [];
  const gha = (): Record<string, string> => {
    if (!svc) throw new Error('the cache-service emulator did not start');
    return svc.clientEnv;
  };
  beforeAll(async () => {
    if (engine.state === 'up') svc = await startCacheService();
  });
  afterAll(async () => {
    await svc?.stop();
    for (const b of builds) b.runner.cleanup();
    // cargo's own status lines per build, so the log shows what real rustc compiled in each step.
    const cargoLines = (b: RustBuild, step: 'cook' | 'build'): string =>
      b[step].step.lines.map((l) => l.trim().replace(/^[\d.]+ +/, '')).filter((l) => /^(Compiling|Finished) /.test(l)).join('\n    ') || '(did not run)';
    for (const b of builds) console.info(`${b.marker}: main ${b.main.seconds.toFixed(1)} s\n  cook (${b.cook.step.status}):\n    ${cargoLines(b, 'cook')}\n  cargo build (${b.build.step.status}):\n    ${cargoLines(b, 'build')}`);
  });
  const scenario = async (...args: Parameters<typeof buildScenario>): Promise<RustBuild> => {
    const b = await buildScenario(...args);
    builds.push(b);
    return b;
  };

  it('cold: cook compiles every locked crate plus the workspace stubs (0.0.1), cargo build compiles only the workspace crates; the image runs this build', async () => {
    expect(fs.existsSync(DIST)).toBe(true);
    await svc?.reset();
    await deleteTag(REPO, '1.2.3');
    freshBuilder([REPO]);
    const b = await scenario({ inputs: rustInputs(REPO, { cache: 'gha' }), env: gha() });
    expectShipped(b);
    const deps = lockedDependencies(b.runner.workspace);
    expect(deps.length).toBeGreaterThanOrEqual(20);
    expect(b.cook.step.status).toBe('ran');
    expect(b.cook.compiled).toEqual([...deps, ...WORKSPACE_CRATES].sort());
    // cargo-chef's version masking: the stubs are compiled as 0.0.1, the real crates as 0.1.0.
    expect(b.cook.step.lines.join('\n')).toMatch(/Compiling model v0\.0\.1 \(\/volume\/crates\/model\)/);
    expect(b.build.compiled).toEqual(WORKSPACE_CRATES);
    expect(b.build.step.lines.join('\n')).toMatch(/Compiling app v0\.1\.0 \(\/volume\/crates\/app\)/);
    expect(b.main.stdout).toContain('exporting to GitHub Actions Cache');
  });

  it('source-only change on the same daemon: cook does not run, cargo build compiles only the workspace crates', async () => {
    const b = await scenario({ inputs: rustInputs(REPO) });
    expectShipped(b);
    expectCookNotRun(b);
    expect(b.build.compiled).toEqual(WORKSPACE_CRATES);
  });

  it('fresh runner (prune, gha cache import), source-only change: the cook layer is imported, not run', async () => {
    freshBuilder([REPO]);
    const b = await scenario({ inputs: rustInputs(REPO, { cache: 'gha' }), env: gha() });
    expectShipped(b);
    expect(b.main.stdout).toContain('importing cache manifest from gha');
    expectCookNotRun(b);
    expect(b.build.compiled).toEqual(WORKSPACE_CRATES);
  });

  it('one dependency added (hex), no cache mounts: cook runs again and recompiles every crate, hex included; the image uses hex', async () => {
    const b = await scenario({ inputs: rustInputs(REPO), mutate: addHex });
    expectShipped(b);
    const deps = lockedDependencies(b.runner.workspace);
    expect(deps).toContain('hex');
    expect(b.cook.step.status).toBe('ran');
    expect(b.cook.compiled).toEqual([...deps, ...WORKSPACE_CRATES].sort());
    expect(b.build.compiled).toEqual(WORKSPACE_CRATES);
    expect(b.image?.stderr).toContain(`marker-hex=${Buffer.from(b.marker).toString('hex')}\n`);
  });

  it('static check: a real dynamically linked Rust binary (Debian mimalloc links the shared libmimalloc) fails the build with the check\'s message; nothing is pushed; post exits 0', async () => {
    const repo = 'rust-dynamic-e2e';
    await deleteTag(repo, '1.2.3');
    const b = await scenario({ fixture: RUST_DYNAMIC, inputs: rustInputs(repo) });
    expect({ code: b.main.code, log: b.main.code === 1 ? '' : describeStep(b.main) }).toEqual({ code: 1, log: '' });
    expect(b.build.compiled).toEqual(['dynhello']);
    expect(b.build.finished).toMatch(/^Finished `release` profile/);
    const check =
      "/out/dynhello is dynamically linked (interpreter /lib64/ld-linux-x86-64.so.2): the image's runtime has no libc, so it cannot start. " +
      'Build for the musl target with static linking: cargo build --target x86_64-unknown-linux-musl (the clux/muslrust builder sets ' +
      "CARGO_BUILD_TARGET to it) with RUSTFLAGS='-C target-feature=+crt-static', and do not override the target with a *-linux-gnu one";
    expect(b.build.step.lines.map((l) => l.replace(/^[\d.]+ /, ''))).toContain(`muslrust-chef-check-static: ${check}.`);
    const errorLines = errors(b.main);
    expect(errorLines).toEqual([`::error::Static check failed for linux/amd64: ${check}.`]);
    expect(b.image).toBeUndefined();
    expect(await registryDigest(repo, '1.2.3')).toBeUndefined();
    const post = await b.runner.post();
    if (post.code !== 0) throw new Error(`post step failed: ${describeStep(post)}`);
  });
});
