import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The one harness for every test that runs the action: dist/index.js run the way the GitHub runner
 * runs it: a fresh environment (nothing inherited from jest), INPUT_<NAME> per input (upper-cased,
 * dashes kept), fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files per step, then the
 * post step with STATE_<name> for everything main saved (`post-if: always()`).
 *
 * `docker: 'fake'` (bundle tests) puts the recorder __tests__/helpers/fake-docker.mjs first on PATH;
 * `docker: 'real'` (engine tests) puts the real docker CLI there. dist/ is rebuilt from the current
 * sources before the bundle and engine tests run (__tests__/helpers/fresh-bundle.mjs).
 */
export const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const DIST = path.join(ROOT, 'dist', 'index.js');

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** Every byte the step produced, for secret scans. */
  all: string;
  seconds: number;
}

export interface Calls {
  argv: string[];
  stdin: string;
  dockerConfig: string;
}

export interface RunnerOptions {
  /** The checkout the action sees (GITHUB_WORKSPACE); default the repository itself. */
  workspace?: string;
  /** A directory of the repository (e.g. examples/hello) to copy in as the workspace instead. */
  fixture?: string;
  /** The recorder of fake-docker.mjs (default), or the real docker CLI of the engine. */
  docker?: 'fake' | 'real';
}

/** GITHUB_OUTPUT / GITHUB_STATE use `name<<delimiter` heredocs (and plain name=value). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    const h = /^([^=<]+)<<(.+)$/.exec(l);
    if (h && h[1] && h[2]) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== h[2]; i++) body.push(lines[i] ?? '');
      out[h[1]] = body.join('\n');
    } else if (l.includes('=')) {
      out[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
    }
  }
  return out;
}

/** Where `docker` is, for the PATH of the action's process. */
function dockerDir(): string {
  const r = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' });
  return r.status === 0 ? path.dirname(r.stdout.trim()) : '/usr/local/bin';
}

const FILES = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' } as const;

export class ActionRunner {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mca-runner-'));
  readonly temp = path.join(this.dir, 'runner-temp');
  readonly home = path.join(this.dir, 'home');
  readonly toolCache = path.join(this.dir, 'tool-cache');
  readonly bin = path.join(this.dir, 'bin');
  /** fake-docker.mjs appends one JSON line per docker call here. */
  readonly log = path.join(this.dir, 'docker.log');
  readonly workspace: string;
  readonly docker: 'fake' | 'real';
  private mainEnv: Record<string, string> | undefined;
  private mainResult: StepResult | undefined;

  constructor(o: RunnerOptions = {}) {
    this.docker = o.docker ?? 'fake';
    this.workspace = o.fixture ? path.join(this.dir, 'workspace') : (o.workspace ?? ROOT);
    if (o.fixture) fs.cpSync(path.join(ROOT, o.fixture), this.workspace, { recursive: true, filter: (src) => !/[/\\](target|\.git)$/.test(src) });
    for (const d of [this.temp, this.home, this.toolCache, this.bin]) fs.mkdirSync(d, { recursive: true });
    if (this.docker === 'fake') {
      const shim = path.join(this.bin, 'docker');
      fs.writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, '__tests__', 'helpers', 'fake-docker.mjs')}" "$@"\n`, { mode: 0o755 });
    }
  }

  /** The runner's environment for a step: its variables, INPUT_<NAME> per input, then `extra`. */
  inputEnv(inputs: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = {
      PATH: this.docker === 'fake' ? `${this.bin}:/usr/bin:/bin` : `${dockerDir()}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: this.home,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_TEMP: this.temp,
      RUNNER_TOOL_CACHE: this.toolCache,
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_REPOSITORY: 'org/hello',
      GITHUB_REF: 'refs/tags/v1.2.3',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      ...(this.docker === 'fake' ? { FAKE_DOCKER_LOG: this.log } : {}),
    };
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    return { ...env, ...extra };
  }

  /** One step, blocking: for bundle tests that need nothing else to answer meanwhile. */
  step(env: Record<string, string>, name = 'step'): StepResult {
    const full = this.withFiles(env, name);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [DIST], { cwd: this.workspace, env: full, encoding: 'utf8', timeout: 120000 });
    return this.collect(full, r.status ?? -1, r.stdout, r.stderr, t0);
  }

  /**
   * One step without blocking the test process: servers the test runs itself (a download server,
   * a slow proxy, the cache emulator) keep answering while the action runs.
   */
  stepAsync(env: Record<string, string>, timeoutMs = 120000, name = 'step'): Promise<StepResult> {
    const full = this.withFiles(env, name);
    const t0 = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [DIST], { cwd: this.workspace, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        const r = this.collect(full, code ?? -1, Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8'), t0);
        if (process.env.ENGINE_TEST_VERBOSE === '1') console.info(`--- ${name} step: exit ${r.code}\n${r.stdout}\n--- ${name} stderr\n${r.stderr}`);
        resolve(r);
      });
    });
  }

  /** main, then post with STATE_* from main. */
  mainAndPost(inputs: Record<string, string>, extra: Record<string, string> = {}): { main: StepResult; post: StepResult } {
    const env = this.inputEnv(inputs, extra);
    const main = this.step(env, 'main');
    return { main, post: this.step(postEnv(env, main), 'post') };
  }

  async mainAndPostAsync(inputs: Record<string, string>, extra: Record<string, string> = {}): Promise<{ main: StepResult; post: StepResult }> {
    const env = this.inputEnv(inputs, extra);
    const main = await this.stepAsync(env, 120000, 'main');
    return { main, post: await this.stepAsync(postEnv(env, main), 120000, 'post') };
  }

  /**
   * The main step, remembered for post(). `extra` reaches post too (e.g. the cache service
   * variables the runner gives actions). Calling main() again starts a new "run" in the same runner
   * directories, as on a runner that keeps its paths between workflow runs.
   */
  async main(inputs: Record<string, string>, extra: Record<string, string> = {}, timeoutMs = 15 * 60 * 1000): Promise<StepResult> {
    this.mainEnv = this.inputEnv(inputs, extra);
    this.mainResult = await this.stepAsync(this.mainEnv, timeoutMs, 'main');
    return this.mainResult;
  }

  /** The post step of the last main(). */
  async post(timeoutMs = 15 * 60 * 1000): Promise<StepResult> {
    if (!this.mainEnv || !this.mainResult) throw new Error('post() before main()');
    return this.stepAsync(postEnv(this.mainEnv, this.mainResult), timeoutMs, 'post');
  }

  private withFiles(env: Record<string, string>, name: string): Record<string, string> {
    const full = { ...env };
    for (const [k, f] of Object.entries(FILES)) {
      const p = path.join(this.dir, `${name}-${f}-${crypto.randomBytes(4).toString('hex')}`);
      fs.writeFileSync(p, '');
      full[k] = p;
    }
    return full;
  }

  private collect(full: Record<string, string>, code: number, stdout: string, stderr: string, t0: number): StepResult {
    const read = (k: keyof typeof FILES) => fs.readFileSync(full[k] as string, 'utf8');
    const outText = read('GITHUB_OUTPUT');
    const stateText = read('GITHUB_STATE');
    const summary = read('GITHUB_STEP_SUMMARY');
    return {
      code,
      stdout,
      stderr,
      outputs: parseFileCommands(outText),
      state: parseFileCommands(stateText),
      summary,
      all: [stdout, stderr, outText, stateText, summary].join('\n'),
      seconds: (Date.now() - t0) / 1000,
    };
  }

  /** Every file left under RUNNER_TEMP (path relative to it, and its bytes), for secret scans. */
  tempFiles(): Array<{ path: string; bytes: Buffer }> {
    const out: Array<{ path: string; bytes: Buffer }> = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) out.push({ path: path.relative(this.temp, p), bytes: fs.readFileSync(p) });
      }
    };
    if (fs.existsSync(this.temp)) walk(this.temp);
    return out;
  }

  /** The docker calls fake-docker.mjs recorded. */
  calls(): Calls[] {
    if (!fs.existsSync(this.log)) return [];
    return fs.readFileSync(this.log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Calls);
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The post step's env: main's, plus STATE_<name> for everything main saved. */
export function postEnv(env: Record<string, string>, main: StepResult): Record<string, string> {
  const post = { ...env };
  for (const [k, v] of Object.entries(main.state)) post[`STATE_${k}`] = v;
  return post;
}

/** `::error::` lines of a step's stdout (the runner turns them into annotations). */
export function errors(r: StepResult): string[] {
  return r.stdout.split('\n').filter((l) => l.startsWith('::error'));
}

/** A step's output for a failure message: the end of stdout and stderr. */
export function describeStep(r: StepResult): string {
  const tail = (s: string): string => s.trim().split('\n').slice(-60).join('\n');
  return `exit ${r.code}\n--- stdout (tail) ---\n${tail(r.stdout)}\n--- stderr (tail) ---\n${tail(r.stderr)}`;
}
