import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS, type RawInputs } from '../../src/inputs.js';
import { parseInputs } from '../../src/parse-inputs.js';
import { buildPlan, type Plan } from '../../src/plan/index.js';
import { readGitContext, type GitContext, type RunContext } from '../../src/read/context.js';
import { readPlanFiles } from '../../src/read/plan-files.js';
import { ROOT } from './action-runner.js';

// In-process plan runs from real files: raw inputs (action.yml defaults applied) → parseInputs →
// readPlanFiles of a workspace written to a temp directory → buildPlan. No process, no docker.

export const HELLO_LOCK = fs.readFileSync(path.join(ROOT, 'examples', 'hello', 'Cargo.lock'), 'utf8');

/** One binary crate `app` with the given extra files (paths relative to the workspace root). */
export function workspace(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mca-plan-'));
  const all = { 'Cargo.toml': '[package]\nname = "app"\nversion = "1.0.0"\n', 'src/main.rs': 'fn main() {}\n', 'Cargo.lock': 'version = 4\n', ...files };
  for (const [p, c] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), c);
  }
  return dir;
}

export interface PlanRun {
  inputs?: Partial<RawInputs>;
  files?: Record<string, string>;
  env?: Record<string, string>;
  git?: Partial<GitContext>;
  /** Registries that already have credentials in the user's docker config. */
  stored?: string[];
}

export function plan(o: PlanRun = {}): Plan {
  const ws = workspace(o.files);
  const env = { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'http://cache', ...o.env };
  const git: GitContext = {
    eventName: 'push', ref: 'refs/tags/v1.2.3', sha: '860c1904a1ce19322e91ac35af1ab07466440c37', repository: 'octo/app',
    serverUrl: 'https://github.com', defaultBranch: 'main', now: new Date('2026-01-10T15:25:50Z'), env, ...o.git,
  };
  const ctx: RunContext = { git, workspace: ws, runnerTemp: os.tmpdir(), runId: '1', runAttempt: '1', actionRoot: ROOT, env };
  const inputs = parseInputs({ ...DEFAULTS, image: 'org/app', username: 'bot', password: 'tok', ...o.inputs } as RawInputs);
  const ids = { workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'mca-work-')), builder: 'b1', native: 'linux/amd64' as const, hasStoredAuth: (r: string) => (o.stored ?? []).includes(r) };
  return buildPlan(inputs, ctx, readPlanFiles(inputs, ws), ids);
}

export const ids = (p: Plan) => p.commands.map((c) => c.id);

/** A plan of the real examples/hello (release tag v1.2.3, single platform unless `over` says otherwise). */
export function helloPlan(over: Partial<RawInputs> = {}, env: Record<string, string> = {}): Plan {
  const e = { GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567', GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'org/hello', ...env };
  const ctx: RunContext = { git: readGitContext(e, new Date('2026-11-30T00:00:00Z')), workspace: ROOT, runnerTemp: os.tmpdir(), runId: '1', runAttempt: '1', actionRoot: ROOT, env: e };
  const inputs = parseInputs({ ...DEFAULTS, image: '127.0.0.1:5000/hello', context: 'examples/hello', platforms: 'linux/amd64', ...over });
  return buildPlan(inputs, ctx, readPlanFiles(inputs, ROOT), { workDir: path.join(os.tmpdir(), 'w'), builder: 'b', hasStoredAuth: () => false, native: 'linux/amd64' });
}
