/**
 * Engine tests: the bundled action (dist/index.js) against a REAL build engine (test/engine/engine-up.sh:
 * dockerd 28 + containerd image store + buildx 0.29 + QEMU binfmt + a registry on 127.0.0.1:5000
 * that dockerd uses as its registry mirror).
 *
 * Two images are STAND-INS, made by test/engine/standin-images.sh, because Docker Hub (and crates.io)
 * cannot be reached here: `chainguard/static:latest` resolves through the mirror to a shell-less,
 * libc-less stand-in, and the builder is `127.0.0.1:5000/muslrust-chef-standin:test`, whose `cargo`
 * writes tiny static ELFs instead of compiling Rust. Everything else is real.
 *
 * Bring-up happens when a test file is collected (jest decides test vs test.skip then, so a
 * beforeAll would be too late to report a skip): exit 77 from the scripts means "this host cannot
 * run the engine" and the tests are SKIPPED with a loud banner, unless REQUIRE_ENGINE=1, where they
 * fail. Any other bring-up failure always fails the tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFileCommands } from '../helpers/runner.js';

export const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const DIST = path.join(ROOT, 'dist', 'index.js');
export const REGISTRY = '127.0.0.1:5000';
/** Stand-in for the muslrust-chef builder (see test/engine/standin-images.sh): no compiler, tiny ELFs. */
export const STANDIN_BUILDER = `${REGISTRY}/muslrust-chef-standin:test`;
/**
 * Inputs for builds with STANDIN_BUILDER: its cargo compiles nothing and has no cargo-auditable, so
 * there is no dependency list to embed or read (the supply-chain test covers those with real Rust).
 */
export const STANDIN_SUPPLY = { auditable: 'false', sbom: 'false' } as const;
/** The push event's head commit time every ActionRunner step sees (GITHUB_EVENT_PATH), as on a runner. */
export const EVENT_COMMIT_TIME = '2026-11-01T12:00:00Z';
/** The real-Rust builder stand-in (test/engine/real-rust/build.sh): Debian's rustc/cargo, linux/amd64. */
export const RUST_BUILDER = `${REGISTRY}/muslrust-chef-rust:test`;
/** test/engine/engine-up.sh and test/engine/standin-images.sh exit with this when the host cannot run the engine. */
export const EXIT_UNSUPPORTED = 77;

export type EngineStatus =
  | { state: 'up'; seconds: number }
  | { state: 'unsupported'; reason: string }
  | { state: 'broken'; reason: string };

function runScript(script: string): { code: number; out: string } {
  const r = spawnSync('bash', [path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 20 * 60 * 1000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  return { code: r.status ?? -1, out };
}

const lastLine = (s: string): string => s.trim().split('\n').filter(Boolean).pop() ?? '';

/**
 * Idempotent: engine-up.sh (about 1 s when already up), then the stand-in images, each skipped when
 * the registry already holds its current build context (about 1 s in all; the real-Rust builder
 * costs 2-3 min once on a fresh machine: mmdebstrap of Debian sid).
 */
export function bringUpEngine(): EngineStatus {
  const t0 = Date.now();
  for (const script of ['test/engine/engine-up.sh', 'test/engine/standin-images.sh', 'test/engine/real-rust/build.sh']) {
    const { code, out } = runScript(script);
    if (code === EXIT_UNSUPPORTED) return { state: 'unsupported', reason: `${script}: ${lastLine(out)}` };
    if (code !== 0) return { state: 'broken', reason: `${script} exited ${code}:\n${out.trim().split('\n').slice(-40).join('\n')}` };
  }
  return { state: 'up', seconds: (Date.now() - t0) / 1000 };
}

export const requireEngine = (): boolean => process.env.REQUIRE_ENGINE === '1';

export type EngineTest = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/**
 * `test` when the engine is up; `test.skip` (after a loud banner naming the reason) when the host
 * cannot run it; `test` with a failing beforeAll when REQUIRE_ENGINE=1 or the bring-up broke.
 */
export function engineTest(status: EngineStatus): EngineTest {
  if (status.state === 'up') return test;
  if (status.state === 'unsupported' && !requireEngine()) {
    const bar = '#'.repeat(100);
    const banner = [
      bar,
      '# ENGINE TESTS SKIPPED: this host cannot run the real build engine.',
      `# ${status.reason}`,
      '# They need Linux x86_64, root, binfmt_misc and Debian apt (see docs/engine.md).',
      '# Set REQUIRE_ENGINE=1 to make this a failure instead (CI does).',
      bar,
    ].join('\n');
    // Straight to stderr: jest shows no console.warn of a file whose tests all skip.
    process.stderr.write(`\n${banner}\n`);
    return (name, fn, timeout) => test.skip(`${name} [SKIPPED: ${status.reason}]`, fn, timeout);
  }
  beforeAll(() => {
    throw new Error(
      status.state === 'unsupported'
        ? `REQUIRE_ENGINE=1 but this host cannot run the engine: ${status.reason}`
        : `bringing up the engine failed (a real failure, not a skip): ${status.reason}`,
    );
  });
  return test;
}

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  seconds: number;
}

/** `::error::` lines (the runner turns them into annotations). */
export const errorLines = (r: StepResult): string[] => r.stdout.split('\n').filter((l) => l.startsWith('::error'));

/** Where `docker` is, for the PATH of the action's process. */
function dockerDir(): string {
  const r = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' });
  return r.status === 0 ? path.dirname(r.stdout.trim()) : '/usr/local/bin';
}

/**
 * Runs dist/index.js as the GitHub runner does: a fresh environment (nothing inherited from jest),
 * INPUT_<NAME> per input (upper-cased, dashes kept), fresh GITHUB_OUTPUT / GITHUB_STATE /
 * GITHUB_STEP_SUMMARY files per step, then the post step with STATE_<name> for each saved state.
 */
export class ActionRunner {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mca-engine-'));
  readonly workspace = path.join(this.dir, 'workspace');
  readonly temp = path.join(this.dir, 'runner-temp');
  readonly home = path.join(this.dir, 'home');
  private mainEnv: Record<string, string> | undefined;
  private mainResult: StepResult | undefined;

  /** A push event payload: the head commit's time is the reproducible build's fallback SOURCE_DATE_EPOCH. */
  readonly event = path.join(this.dir, 'event.json');

  /** Copies `fixture` (a directory of the repo) as the workspace. */
  constructor(fixture: string) {
    fs.writeFileSync(this.event, JSON.stringify({ head_commit: { timestamp: EVENT_COMMIT_TIME } }));
    fs.cpSync(path.join(ROOT, fixture), this.workspace, { recursive: true, filter: (src) => !/[/\\](target|\.git)$/.test(src) });
    for (const d of [this.temp, this.home, path.join(this.dir, 'tool-cache')]) fs.mkdirSync(d, { recursive: true });
  }

  env(inputs: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {
      PATH: `${dockerDir()}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: this.home,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_TEMP: this.temp,
      RUNNER_TOOL_CACHE: path.join(this.dir, 'tool-cache'),
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_REF: 'refs/tags/v1.2.3',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_REPOSITORY: 'org/hello',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_EVENT_PATH: this.event,
    };
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    return env;
  }

  /**
   * The main step. `extraEnv` is added to the runner's environment (and so reaches post too), e.g.
   * the cache service variables the runner gives actions (ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN).
   * Calling main() again starts a new "run" in the same runner directories (same RUNNER_TEMP and
   * workspace, as on a runner that keeps its paths between workflow runs).
   */
  async main(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<StepResult> {
    this.mainEnv = { ...this.env(inputs), ...extraEnv };
    this.mainResult = await this.step(this.mainEnv, 'main');
    return this.mainResult;
  }

  /** The post step (`post-if: always()`): main's env plus STATE_<name> for everything main saved. */
  async post(): Promise<StepResult> {
    if (!this.mainEnv || !this.mainResult) throw new Error('post() before main()');
    const env = { ...this.mainEnv };
    for (const [k, v] of Object.entries(this.mainResult.state)) env[`STATE_${k}`] = v;
    return this.step(env, 'post');
  }

  private step(base: Record<string, string>, name: string, timeoutMs = 15 * 60 * 1000): Promise<StepResult> {
    const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' } as const;
    const env = { ...base };
    for (const [k, f] of Object.entries(files)) {
      const p = path.join(this.dir, `${name}-${f}-${crypto.randomBytes(3).toString('hex')}`);
      fs.writeFileSync(p, '');
      env[k] = p;
    }
    const t0 = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [DIST], { cwd: this.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        const read = (k: keyof typeof files): string => fs.readFileSync(env[k] as string, 'utf8');
        if (process.env.ENGINE_TEST_VERBOSE === '1') {
          console.info(`--- ${name} step: exit ${code}\n${Buffer.concat(out).toString('utf8')}\n--- ${name} stderr\n${Buffer.concat(err).toString('utf8')}`);
        }
        resolve({
          code: code ?? -1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          outputs: parseFileCommands(read('GITHUB_OUTPUT')),
          state: parseFileCommands(read('GITHUB_STATE')),
          summary: read('GITHUB_STEP_SUMMARY'),
          seconds: (Date.now() - t0) / 1000,
        });
      });
    });
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A step's output for a failure message: the end of stdout and stderr. */
export function describeStep(r: StepResult): string {
  const tail = (s: string): string => s.trim().split('\n').slice(-60).join('\n');
  return `exit ${r.code}\n--- stdout (tail) ---\n${tail(r.stdout)}\n--- stderr (tail) ---\n${tail(r.stderr)}`;
}

// ------------------------------------------------------------------ docker and the registry

export function docker(args: string[], opts: { allowFailure?: boolean } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 10 * 60 * 1000, env: { ...process.env, DOCKER_CLI_HINTS: 'false' } });
  const res = { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if (res.code !== 0 && !opts.allowFailure) throw new Error(`docker ${args.join(' ')} exited ${res.code}: ${res.stderr || res.stdout}`);
  return res;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The registry's digest for REPO:TAG (what a pull by tag resolves to), or undefined when absent. */
export async function registryDigest(repo: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { Accept: MANIFEST_TYPES } });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`registry HEAD ${repo}:${tag}: HTTP ${res.status}`);
  return res.headers.get('docker-content-digest') ?? undefined;
}

/** Deletes REPO:TAG's manifest from the local registry (so a test sees only its own push). */
export async function deleteTag(repo: string, tag: string): Promise<void> {
  const digest = await registryDigest(repo, tag);
  if (!digest) return;
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${digest}`, { method: 'DELETE' });
  if (!res.ok && res.status !== 404) throw new Error(`registry DELETE ${repo}@${digest}: HTTP ${res.status}`);
}

/** Names of the buildx builders the daemon knows. */
export function builderNames(): string[] {
  return docker(['buildx', 'ls', '--format', '{{.Name}}'])
    .stdout.split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
