import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs the committed dist/index.js the way the GitHub runner does: a fresh env, files for outputs/state/summary, then post. */
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
}

export interface Calls {
  argv: string[];
  stdin: string;
  dockerConfig: string;
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

export class Runner {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mca-bundle-'));
  readonly temp = path.join(this.dir, 'runner-temp');
  readonly bin = path.join(this.dir, 'bin');
  readonly log = path.join(this.dir, 'docker.log');
  readonly home = path.join(this.dir, 'home');

  constructor(readonly workspace: string = ROOT) {
    fs.mkdirSync(this.temp, { recursive: true });
    fs.mkdirSync(this.bin, { recursive: true });
    fs.mkdirSync(this.home, { recursive: true });
    const shim = path.join(this.bin, 'docker');
    fs.writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, '__tests__', 'helpers', 'fake-docker.mjs')}" "$@"\n`, { mode: 0o755 });
  }

  baseEnv(extra: Record<string, string>): Record<string, string> {
    return {
      PATH: `${this.bin}:/usr/bin:/bin`,
      HOME: this.home,
      RUNNER_TEMP: this.temp,
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_REPOSITORY: 'org/hello',
      GITHUB_REF: 'refs/tags/v1.2.3',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_RUN_ID: '42',
      FAKE_DOCKER_LOG: this.log,
      ...extra,
    };
  }

  step(env: Record<string, string>): StepResult {
    const full = this.withFiles(env);
    const r = spawnSync(process.execPath, [DIST], { cwd: this.workspace, env: full, encoding: 'utf8', timeout: 120000 });
    return this.collect(full, r.status ?? -1, r.stdout, r.stderr);
  }

  /**
   * Like step(), without blocking the test process: servers the test runs itself (a download
   * server, a slow proxy) keep answering while the action runs, and several cases can run at once.
   */
  stepAsync(env: Record<string, string>, timeoutMs = 120000): Promise<StepResult> {
    const full = this.withFiles(env);
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
        resolve(this.collect(full, code ?? -1, Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8')));
      });
    });
  }

  private withFiles(env: Record<string, string>): Record<string, string> {
    const files = { GITHUB_OUTPUT: 'out', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' } as const;
    const full = { ...env };
    for (const [k, f] of Object.entries(files)) {
      const p = path.join(this.dir, `${f}-${Math.random().toString(16).slice(2)}`);
      fs.writeFileSync(p, '');
      full[k] = p;
    }
    return full;
  }

  private collect(full: Record<string, string>, code: number, stdout: string, stderr: string): StepResult {
    const read = (k: string) => fs.readFileSync(full[k] as string, 'utf8');
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
    };
  }

  /** main, then post with STATE_* from main, as the runner does with `post-if: always()`. */
  mainAndPost(inputs: Record<string, string>, extra: Record<string, string> = {}): { main: StepResult; post: StepResult } {
    const env = this.inputEnv(inputs, extra);
    const main = this.step(env);
    const post = this.step(postEnv(env, main));
    return { main, post };
  }

  async mainAndPostAsync(inputs: Record<string, string>, extra: Record<string, string> = {}): Promise<{ main: StepResult; post: StepResult }> {
    const env = this.inputEnv(inputs, extra);
    const main = await this.stepAsync(env);
    const post = await this.stepAsync(postEnv(env, main));
    return { main, post };
  }

  /** The runner's env for a step: INPUT_<NAME> per input (upper-cased, spaces to `_`; dashes kept). */
  inputEnv(inputs: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
    const env = this.baseEnv(extra);
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    return env;
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

/** `::error::` lines of a step's stdout. */
export function errors(r: StepResult): string[] {
  return r.stdout.split('\n').filter((l) => l.startsWith('::error::'));
}
