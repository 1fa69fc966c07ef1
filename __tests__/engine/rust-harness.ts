/**
 * Real-Rust scenarios through the BUNDLED action: one call builds a fixture of test/fixtures/ with
 * the real-Rust builder stand-in (test/engine/real-rust/: Debian's rustc/cargo, cargo-chef stand-in)
 * and returns what real cargo did in each step and what the pushed image printed. Used by the
 * engine tests and by `npm run bench`; add a scenario with `buildScenario({ fixture, mutate, inputs })`.
 *
 * Every call compiles a per-run marker into the rust-app fixture (its MARKER line), so the image's
 * output proves that THIS run's binary was pushed, not a stub or an older build.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildSteps, compiledCrates, finishedLine, type BuildStep } from './build-log.js';
import { ActionRunner, errors, type StepResult } from '../helpers/action-runner.js';
import { docker, REGISTRY, RUST_BUILDER } from './helpers.js';

export const RUST_APP = 'test/fixtures/rust-app';
export const RUST_DYNAMIC = 'test/fixtures/rust-dynamic';
/** The action's inputs every real-Rust scenario starts from (amd64: arm64 Rust under QEMU takes ~16 min). */
export const rustInputs = (repo: string, more: Record<string, string> = {}): Record<string, string> => ({
  image: `${REGISTRY}/${repo}`,
  'builder-image': RUST_BUILDER,
  platforms: 'linux/amd64',
  driver: 'docker',
  push: 'true',
  cache: 'none',
  provenance: 'false',
  ...more,
});

const MAIN_RS = path.join('crates', 'app', 'src', 'main.rs');
const MARKER_LINE = /^const MARKER: &str = ".*";$/m;

/** The rust-app fixture's marker: compiled into the binary, printed as `marker=<m>` on stderr. */
export function setMarker(workspace: string, marker: string): void {
  const file = path.join(workspace, MAIN_RS);
  const src = fs.readFileSync(file, 'utf8');
  if (!MARKER_LINE.test(src)) throw new Error(`${file} has no MARKER line to rewrite`);
  fs.writeFileSync(file, src.replace(MARKER_LINE, `const MARKER: &str = "${marker}";`));
}

/** "One dependency added": app depends on hex and prints `marker-hex=<hex of the marker>`. */
export function addHex(workspace: string): void {
  fs.appendFileSync(path.join(workspace, 'crates', 'app', 'Cargo.toml'), 'hex = "0.4"\n');
  const file = path.join(workspace, MAIN_RS);
  const src = fs.readFileSync(file, 'utf8');
  const anchor = '    eprintln!("marker={MARKER} arch={}", std::env::consts::ARCH);\n';
  if (!src.includes(anchor)) throw new Error(`${file} lost the marker eprintln! line addHex extends`);
  fs.writeFileSync(file, src.replace(anchor, `${anchor}    eprintln!("marker-hex={}", hex::encode(MARKER));\n`));
}

/**
 * Cargo.lock from the builder's own cargo, offline against Debian's crate sources: the committed
 * lockfiles were made the same way, and Debian sid moves (a rebuilt builder may carry newer crates),
 * so the lock is regenerated rather than trusted. Returns whether it changed.
 */
export function relock(workspace: string): boolean {
  const lock = path.join(workspace, 'Cargo.lock');
  const before = fs.existsSync(lock) ? fs.readFileSync(lock, 'utf8') : '';
  docker(['run', '--rm', '--network', 'none', '-v', `${workspace}:/volume`, RUST_BUILDER, 'cargo', 'generate-lockfile', '--offline', '--quiet']);
  return fs.readFileSync(lock, 'utf8') !== before;
}

/** The registry crates of a Cargo.lock: what cook compiles besides the workspace's own stubs. */
export function lockedDependencies(workspace: string): string[] {
  const lock = fs.readFileSync(path.join(workspace, 'Cargo.lock'), 'utf8');
  return [...lock.matchAll(/\[\[package\]\]\nname = "([^"]+)"\nversion = "[^"]+"\nsource = /g)].map((m) => m[1] ?? '').sort();
}

export interface CargoStep {
  step: BuildStep;
  /** Crates rustc compiled in this step (cargo's `Compiling` lines), sorted, without duplicates. */
  compiled: string[];
  /** cargo's `Finished …` line, when cargo ran. */
  finished?: string;
}

export interface RustBuild {
  runner: ActionRunner;
  main: StepResult;
  marker: string;
  steps: BuildStep[];
  cook: CargoStep;
  build: CargoStep;
  /** The pushed image (by the `digest` output) run once: undefined when the step failed. */
  image?: { code: number; stdout: string; stderr: string };
  /** Whether relock() changed the fixture's committed Cargo.lock (Debian sid moved). */
  relocked: boolean;
}

export interface Scenario {
  /** A directory of the repo (default rust-app), copied into a new runner's workspace. */
  fixture?: string;
  /** Reuse a runner's directories (same RUNNER_TEMP and workspace, like a runner that keeps its paths). */
  runner?: ActionRunner;
  /** The marker to compile in (default: a new one, i.e. a source change; an earlier build's: no change). */
  marker?: string;
  /** Changes to the workspace after the marker is set, e.g. addHex. */
  mutate?: (workspace: string) => void;
  inputs: Record<string, string>;
  env?: Record<string, string>;
}

function cargoStep(steps: BuildStep[], what: string, match: (cmd: string) => boolean): CargoStep {
  const step = steps.find((s) => s.stage === 'builder' && match(s.cmd));
  if (!step) throw new Error(`no builder step running ${what} in the build log; steps: ${steps.map((s) => `[${s.stage} ${s.pos}] ${s.cmd.slice(0, 50)}`).join(' | ')}`);
  const finished = finishedLine(step);
  return { step, compiled: [...new Set(compiledCrates(step))].sort(), ...(finished ? { finished } : {}) };
}

/** Builds a scenario through the bundled action's main step (not post: call `runner.post()`). */
export async function buildScenario(s: Scenario): Promise<RustBuild> {
  const fixture = s.fixture ?? RUST_APP;
  const runner = s.runner ?? new ActionRunner({ fixture, docker: 'real' });
  const marker = s.marker ?? `run-${randomUUID().slice(0, 8)}`;
  if (fs.existsSync(path.join(runner.workspace, MAIN_RS))) setMarker(runner.workspace, marker);
  s.mutate?.(runner.workspace);
  const relocked = relock(runner.workspace);
  const main = await runner.main(s.inputs, s.env);
  const steps = buildSteps(main.stdout, s.inputs.platforms ?? '');
  const result: RustBuild = {
    runner,
    main,
    marker,
    steps,
    cook: cargoStep(steps, 'cargo chef cook', (c) => c.includes('cargo chef cook')),
    build: cargoStep(steps, 'cargo build', (c) => c.includes('cargo build')),
    relocked,
  };
  const digest = main.outputs.digest;
  if (main.code === 0 && errors(main).length === 0 && digest && s.inputs.image) {
    const run = docker(['run', '--rm', '--pull', 'always', '--platform', s.inputs.platforms ?? 'linux/amd64', `${s.inputs.image}@${digest}`], { allowFailure: true });
    result.image = run;
  }
  return result;
}
