/**
 * Engine tests of `cache-mounts: true` with REAL RUST (issue 11): the bundled action (main + post as
 * the runner runs them, `driver: docker`) builds test/fixtures/rust-app with the real-Rust builder
 * stand-in, and every assertion is on real cargo's `Compiling` lines and on what the pushed image
 * prints (this run's marker). The cache service is our emulator (test/emulator) behind the real
 * @actions/cache client; `buildx prune -af` (freshBuilder) stands in for a fresh runner's builder and
 * also empties the cache mounts. In order, on one daemon:
 *
 *   1. cold: cook compiles every locked crate; post saves the mounts.
 *   2. fresh runner (prune) + a fresh checkout (every mtime new) + source-only change: the mounts are
 *      restored exactly; cook finds the recipe cooked; the final build compiles ONLY the changed crate.
 *   3. same daemon, the library crate changes: it and the crate using it recompile (a change is
 *      never missed).
 *   4. same daemon, one dependency added: cook compiles the new crate and the workspace stubs only.
 *   5. fresh runner (prune), the entry saved before the dependency existed is restored through the
 *      same-environment restore key, then the dependency is added: again only the new crate and the
 *      workspace crates compile.
 *   6. two checkouts sharing the daemon, the second checked out before the first was built: each
 *      image runs its own program (separate mount scopes), and a checkout whose files are OLDER than
 *      target/ in the same scope is compiled, not trusted by mtime.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startCacheService, type CacheService } from '../../test/emulator/harness.mjs';
import { describeStep, errors, ROOT, type StepResult } from '../helpers/action-runner.js';
import { freshBuilder } from './cache-kit.js';
import { bringUpEngine, engineTest } from './helpers.js';
import { addHex, buildScenario, lockedDependencies, RUST_APP, rustInputs, setMtimes, type RustBuild } from './rust-harness.js';

const engine = bringUpEngine();
const it = engineTest(engine);

const REPO = 'rust-mounts-e2e';
const WORKSPACE_CRATES = ['app', 'model'];
const inputs = rustInputs(REPO, { 'cache-mounts': 'true' });

/** The build succeeded and the pushed image ran THIS run's binary. */
function expectOwnProgram(b: RustBuild): void {
  if (b.main.code !== 0) throw new Error(`main step failed: ${describeStep(b.main)}`);
  expect(errors(b.main)).toEqual([]);
  expect(b.build.finished).toMatch(/^Finished `release` profile/);
  expect(b.image?.code).toBe(0);
  expect(b.image?.stderr).toContain(`marker=${b.marker} arch=x86_64\n`);
}

/** What the restore said: `… in 1.2 s.` of the restore line, for the report. */
function restoreSeconds(main: StepResult): number | undefined {
  const m = /Restored the Cargo cache mounts from .*, loaded into builder '[^']+' in ([\d.]+) s\./.exec(main.stdout);
  return m ? Number(m[1]) : undefined;
}

/** The workspace back to the committed fixture (as a checkout of the commit before a change). */
function resetToFixture(workspace: string): void {
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, RUST_APP), workspace, { recursive: true });
}

const scopeOf = (b: RustBuild): string | undefined => /MUSLRUST_CHEF_SCOPE=([0-9a-f]{12})/.exec(b.main.stdout)?.[1];

describe('engine: cache-mounts with real Rust (rust-app fixture, real-Rust builder stand-in, linux/amd64)', () => {
  let svc: CacheService | undefined;
  const gha = (): Record<string, string> => {
    if (!svc) throw new Error('the cache-service emulator did not start');
    return svc.clientEnv;
  };
  const report: string[] = [];
  const builds: RustBuild[] = [];
  const scenario = async (name: string, ...args: Parameters<typeof buildScenario>): Promise<RustBuild> => {
    const b = await buildScenario(...args);
    builds.push(b);
    const restore = restoreSeconds(b.main);
    report.push(`${name}: main ${b.main.seconds.toFixed(1)} s${restore === undefined ? '' : ` (restore ${restore} s)`}; cook compiled [${b.cook.compiled.join(' ')}]; build compiled [${b.build.compiled.join(' ')}]`);
    return b;
  };
  beforeAll(async () => {
    if (engine.state === 'up') svc = await startCacheService();
  });
  afterAll(async () => {
    await svc?.stop();
    for (const b of new Set(builds.map((x) => x.runner))) b.cleanup();
    if (report.length > 0) console.info(`cache-mounts scenarios (real Rust):\n${report.join('\n')}`);
  });

  let runner: RustBuild['runner'];
  let deps: string[] = [];

  it('1. cold: cook compiles every locked crate into the mounts; post saves them', async () => {
    await svc?.reset();
    freshBuilder([REPO]);
    const b = await scenario('cold', { inputs, env: gha() });
    expectOwnProgram(b);
    runner = b.runner;
    deps = lockedDependencies(b.runner.workspace);
    expect(b.main.stdout).toContain('No saved Cargo cache mounts');
    expect(b.cook.compiled).toEqual([...deps, ...WORKSPACE_CRATES].sort());
    expect(b.build.compiled).toEqual(WORKSPACE_CRATES);
    expect(b.build.step.lines.join('\n')).toContain('muslrust-chef-mounts: 0 of');
    const post = await runner.post();
    if (post.code !== 0) throw new Error(`post failed: ${describeStep(post)}`);
    const saved = /Saved the Cargo cache mounts \((\d+) files, ([\d.]+) MB\) as muslrust-chef-v2-\S+ in ([\d.]+) s/.exec(post.stdout);
    expect(saved).not.toBeNull();
    report.push(`post (extract + save): ${post.seconds.toFixed(1)} s; saved ${saved?.[1]} files, ${saved?.[2]} MB (tar ${saved?.[3]} s)`);
  });

  it('2. fresh runner + fresh checkout, source-only change: exact restore, cook not repeated, ONLY the changed crate compiles', async () => {
    freshBuilder([REPO]);
    const b = await scenario('fresh runner, source-only', { runner, inputs, env: gha(), mutate: (ws) => setMtimes(ws, new Date()) });
    expectOwnProgram(b);
    expect(b.main.outputs['cache-hit']).toBe('true');
    expect(b.main.stdout).toContain('Restored the Cargo cache mounts from the exact key');
    expect(b.cook.compiled).toEqual([]);
    expect(b.cook.step.lines.join('\n')).toContain('not cooking again');
    // model is unchanged (same content, new mtime): cargo sees its recorded mtime and keeps it.
    expect(b.build.compiled).toEqual(['app']);
  });

  it('3. same daemon, the library crate changes: it and the crate using it recompile', async () => {
    const lib = (ws: string): void => fs.appendFileSync(path.join(ws, 'crates', 'model', 'src', 'lib.rs'), '\npub fn added() -> u8 { 1 }\n');
    const b = await scenario('same daemon, library changed', { runner, inputs, mutate: lib });
    expectOwnProgram(b);
    expect(b.cook.compiled).toEqual([]);
    expect(b.build.compiled).toEqual(WORKSPACE_CRATES);
  });

  it('4. same daemon, one dependency added: cook compiles only hex and the workspace stubs', async () => {
    const b = await scenario('same daemon, dependency added', { runner, inputs, mutate: addHex });
    expectOwnProgram(b);
    expect(b.cook.compiled).toEqual(['app', 'hex', 'model']);
    expect(b.build.compiled).toEqual(WORKSPACE_CRATES);
    expect(b.image?.stderr).toContain(`marker-hex=${Buffer.from(b.marker).toString('hex')}\n`);
  });

  it('5. fresh runner, mounts persisted across a prune, then a dependency added: the older entry is restored and only hex + the workspace crates compile', async () => {
    freshBuilder([REPO]);
    resetToFixture(runner.workspace);
    const b = await scenario('fresh runner, dependency added', { runner, inputs, env: gha(), mutate: addHex });
    expectOwnProgram(b);
    expect(b.main.outputs['cache-hit']).toBe('false');
    expect(b.main.stdout).toContain('Restored the Cargo cache mounts from an entry of the same environment');
    expect(b.cook.compiled).toEqual(['app', 'hex', 'model']);
    expect(b.build.compiled).toEqual(WORKSPACE_CRATES);
    expect(b.image?.stderr).toContain(`marker-hex=${Buffer.from(b.marker).toString('hex')}\n`);
  });

  it('6. two checkouts on one daemon, the second checked out before the first was built: each image runs its own program', async () => {
    const checkedOut = new Date(Date.now() - 5000);
    const x = await scenario('checkout X', { runner, inputs });
    expectOwnProgram(x);
    // Checkout Y: another runner directory on the same daemon, its files older than X's build.
    const y = await scenario('checkout Y (checked out before X was built)', { inputs, mutate: (ws) => setMtimes(ws, checkedOut) });
    expectOwnProgram(y);
    expect(scopeOf(y)).toBeDefined();
    expect(scopeOf(y)).not.toBe(scopeOf(x));
    // The same scope (X's directory): a new commit whose files are older than everything in target/.
    const x2 = await scenario('checkout X again, files older than target/', { runner, inputs, mutate: (ws) => setMtimes(ws, checkedOut) });
    expectOwnProgram(x2);
    expect(x2.build.compiled).toEqual(['app']);
  });
});
