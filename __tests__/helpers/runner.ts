import { spawnSync } from 'node:child_process';
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
    const files = { GITHUB_OUTPUT: 'out', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' } as const;
    const full = { ...env };
    for (const [k, f] of Object.entries(files)) {
      const p = path.join(this.dir, `${f}-${Math.random().toString(16).slice(2)}`);
      fs.writeFileSync(p, '');
      full[k] = p;
    }
    const r = spawnSync(process.execPath, [DIST], { cwd: this.workspace, env: full, encoding: 'utf8', timeout: 120000 });
    const read = (k: string) => fs.readFileSync(full[k] as string, 'utf8');
    const outText = read('GITHUB_OUTPUT');
    const stateText = read('GITHUB_STATE');
    const summary = read('GITHUB_STEP_SUMMARY');
    return {
      code: r.status ?? -1,
      stdout: r.stdout,
      stderr: r.stderr,
      outputs: parseFileCommands(outText),
      state: parseFileCommands(stateText),
      summary,
      all: [r.stdout, r.stderr, outText, stateText, summary].join('\n'),
    };
  }

  /** main, then post with STATE_* from main, as the runner does with `post-if: always()`. */
  mainAndPost(inputs: Record<string, string>, extra: Record<string, string> = {}): { main: StepResult; post: StepResult } {
    const env = this.baseEnv(extra);
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    const main = this.step(env);
    const postEnv = { ...env };
    for (const [k, v] of Object.entries(main.state)) postEnv[`STATE_${k}`] = v;
    const post = this.step(postEnv);
    return { main, post };
  }

  calls(): Calls[] {
    if (!fs.existsSync(this.log)) return [];
    return fs.readFileSync(this.log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Calls);
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `::error::` lines of a step's stdout. */
export function errors(r: StepResult): string[] {
  return r.stdout.split('\n').filter((l) => l.startsWith('::error::'));
}
