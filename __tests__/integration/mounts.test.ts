// image/scripts/muslrust-chef-mounts, run for real with the host's sh and GNU coreutils/findutils
// (what clux/muslrust has) in throw-away source trees with a target/ directory. Cargo's rule is
// "a crate is fresh when none of its sources is newer than its last build output": these tests
// assert the mtimes the script leaves, against the newest file in target/ (what cargo compares).
// The engine suite proves the same with real cargo inside the builder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(repo, 'image', 'scripts', 'muslrust-chef-mounts');
let dir: string;

function run(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('sh', [script, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return { status: r.status, stderr: r.stderr };
}

// busybox sh with only busybox applets on PATH: what a busybox-based builder (the engine's stand-in) has.
const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((f) => fs.existsSync(f));
const applets = fs.mkdtempSync(path.join(os.tmpdir(), 'mounts-applets-'));
if (busybox) for (const a of spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) fs.symlinkSync(busybox, path.join(applets, a));
afterAll(() => fs.rmSync(applets, { recursive: true, force: true }));
function runBusybox(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(path.join(applets, 'sh'), [script, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: applets } });
  return { status: r.status, stderr: r.stderr };
}
const mtime = (rel: string): bigint => fs.statSync(path.join(dir, rel), { bigint: true }).mtimeNs;
const write = (rel: string, text: string): void => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
/** A checkout: every file gets "now" as its mtime, as actions/checkout gives them. */
const checkout = (): void => {
  const now = new Date();
  for (const f of ['src/main.rs', 'src/lib.rs', 'Cargo.toml']) fs.utimesSync(path.join(dir, f), now, now);
};
/** cargo writing a build output now (its mtime is what cargo compares sources against). */
const compile = (name: string): bigint => {
  write(`target/release/${name}`, `built ${Date.now()}`);
  return mtime(`target/release/${name}`);
};
const sleep = (ms: number): void => void spawnSync('sleep', [String(ms / 1000)]);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mounts-'));
  write('src/main.rs', 'fn main() {}\n');
  write('src/lib.rs', 'pub fn f() {}\n');
  write('Cargo.toml', '[package]\nname = "x"\n');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('prepare / commit: mtimes by content', () => {
  test('first build: every source is newer than everything in target/, and a record is pending', () => {
    const old = compile('stale-artefact');
    expect(run('prepare').status).toBe(0);
    for (const f of ['src/main.rs', 'src/lib.rs', 'Cargo.toml']) expect(mtime(f)).toBeGreaterThan(old);
    expect(fs.existsSync(path.join(dir, 'target/.muslrust-chef-sources'))).toBe(false);
    const pending = fs.readFileSync(path.join(dir, 'target/.muslrust-chef-sources.pending'), 'utf8');
    expect(pending.trim().split('\n').map((l) => l.split('\t')[2]).sort()).toEqual(['./Cargo.toml', './src/lib.rs', './src/main.rs']);
  });

  test('a new checkout: unchanged files look unchanged to cargo, the changed one is newer than every output', () => {
    expect(run('prepare').status).toBe(0);
    const built = compile('app');
    expect(run('commit').status).toBe(0);
    sleep(20);
    checkout(); // every file now newer than the build: cargo alone would recompile everything
    write('src/main.rs', 'fn main() { println!("changed"); }\n');
    const r = run('prepare');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('2 of 3 source files unchanged since the last build');
    expect(mtime('src/lib.rs')).toBeLessThan(built);
    expect(mtime('Cargo.toml')).toBeLessThan(built);
    expect(mtime('src/main.rs')).toBeGreaterThan(built);
  });

  test('content seen before, then changed, then back: fresh again (the record is the last build only)', () => {
    run('prepare');
    compile('app');
    run('commit');
    write('src/lib.rs', 'pub fn f() { /* v2 */ }\n');
    run('prepare');
    const v2 = compile('app');
    run('commit');
    write('src/lib.rs', 'pub fn f() {}\n'); // the first content again: the outputs are from v2
    run('prepare');
    expect(mtime('src/lib.rs')).toBeGreaterThan(v2);
  });

  test('two checkouts, the older one built last (issue 11 defect 3): its changed file is newer than the other build', () => {
    run('prepare');
    compile('app');
    run('commit');
    write('src/main.rs', 'fn main() { /* checkout B */ }\n');
    const checkedOutEarly = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, 'src/main.rs'), checkedOutEarly, checkedOutEarly);
    const otherBuild = compile('app'); // checkout A's build happened after B's checkout
    run('prepare');
    expect(mtime('src/main.rs')).toBeGreaterThan(otherBuild);
  });

  test('a failed build (no commit) leaves no record: the next build is all-fresh', () => {
    run('prepare');
    compile('app');
    run('commit');
    write('src/main.rs', 'fn main() { broken }\n');
    run('prepare'); // cargo fails here; no commit
    const after = compile('partial');
    write('src/main.rs', 'fn main() {}\n');
    const r = run('prepare');
    expect(r.stderr).toContain('0 of 3 source files unchanged');
    for (const f of ['src/main.rs', 'src/lib.rs', 'Cargo.toml']) expect(mtime(f)).toBeGreaterThan(after);
  });

  test('outputs from a clock that ran ahead: fresh sources are still newer than they are', () => {
    run('prepare');
    compile('app');
    run('commit');
    const future = new Date(Date.now() + 3600_000);
    fs.utimesSync(path.join(dir, 'target/release/app'), future, future);
    write('src/main.rs', 'fn main() { /* new */ }\n');
    run('prepare');
    expect(mtime('src/main.rs')).toBeGreaterThan(mtime('target/release/app'));
  });

  test('outputs whose mtimes lost their fraction (the cache dance copies target/ with busybox cp -a): unchanged sources still look built', () => {
    expect(run('prepare').status).toBe(0);
    sleep(20);
    const built = compile('app');
    const whole = new Date(Number(built / 1_000_000_000n) * 1000);
    fs.utimesSync(path.join(dir, 'target/release/app'), whole, whole);
    expect(run('commit').status).toBe(0);
    checkout();
    write('src/main.rs', 'fn main() { /* changed */ }\n');
    expect(run('prepare').status).toBe(0);
    expect(mtime('src/lib.rs')).toBeLessThanOrEqual(mtime('target/release/app'));
    expect(mtime('Cargo.toml')).toBeLessThanOrEqual(mtime('target/release/app'));
    expect(mtime('src/main.rs')).toBeGreaterThan(mtime('target/release/app'));
  });

  test('a file name the record cannot hold (a newline) stays fresh', () => {
    write('src/odd\nname.rs', 'x\n');
    run('prepare');
    compile('app');
    run('commit');
    const built = mtime('target/release/app');
    const r = run('prepare');
    expect(r.status).toBe(0);
    expect(mtime('src/odd\nname.rs')).toBeGreaterThan(built);
    expect(mtime('src/lib.rs')).toBeLessThan(built);
  });

  test('commit without prepare fails and says why; unknown subcommand is a usage error', () => {
    const r = run('commit');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("run 'muslrust-chef-mounts prepare' before cargo build");
    expect(run('bogus').status).toBe(2);
  });
});

(busybox ? describe : describe.skip)('busybox (no GNU touch/find/date): safe, not incremental', () => {
  test('prepare makes every source newer than target/ and records nothing; commit still works; cook still skips', () => {
    const built = compile('app');
    sleep(20);
    const r = runBusybox('prepare');
    expect(r).toEqual({ status: 0, stderr: expect.stringContaining('no GNU date/touch/find here: every source file is new to cargo') });
    for (const f of ['src/main.rs', 'src/lib.rs', 'Cargo.toml']) expect(mtime(f)).toBeGreaterThan(built);
    expect(runBusybox('commit').status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'target/.muslrust-chef-sources'), 'utf8')).toBe('');
    write('recipe.json', '{}');
    expect(runBusybox('cook', '--', 'true', '--recipe-path', 'recipe.json').status).toBe(0);
    expect(runBusybox('cook', '--', 'true', '--recipe-path', 'recipe.json').stderr).toContain('not cooking again');
  });
});

describe('cook: cook once per recipe and flags in this target/', () => {
  const counter = (): string => path.join(dir, 'runs');
  const cook = (...flags: string[]) =>
    run('cook', '--', 'sh', '-c', `echo run >> '${counter()}'; test "$1" != fail`, 'cook', ...flags, '--recipe-path', 'recipe.json');
  const runs = (): number => (fs.existsSync(counter()) ? fs.readFileSync(counter(), 'utf8').trim().split('\n').length : 0);

  test('runs, then skips for the same recipe and flags, runs again when either changes', () => {
    write('recipe.json', '{"a":1}');
    expect(cook('--release').status).toBe(0);
    expect(runs()).toBe(1);
    const again = cook('--release');
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('already hold this recipe cooked with these flags');
    expect(runs()).toBe(1);
    expect(cook('--profile', 'dev').status).toBe(0);
    expect(runs()).toBe(2);
    write('recipe.json', '{"a":2}');
    expect(cook('--profile', 'dev').status).toBe(0);
    expect(runs()).toBe(3);
  });

  test('a failed cook leaves no stamp and fails the step', () => {
    write('recipe.json', '{"a":1}');
    expect(cook('--release').status).toBe(0);
    write('recipe.json', '{"a":2}');
    expect(cook('fail').status).not.toBe(0);
    expect(fs.existsSync(path.join(dir, 'target/.muslrust-chef-cooked'))).toBe(false);
    expect(cook('fail').status).not.toBe(0);
    expect(runs()).toBe(3);
  });

  test('no recipe path is an error, not a silent cook', () => {
    expect(run('cook', '--', 'true').status).toBe(1);
  });
});
