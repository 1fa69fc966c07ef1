import os from 'node:os';
import path from 'node:path';
import { DEFAULTS, type RawInputs } from '../../src/inputs.js';
import { parseInputs } from '../../src/parse-inputs.js';
import { buildPlan, type Plan } from '../../src/plan/index.js';
import { readGitContext, type RunContext } from '../../src/read/context.js';
import { readPlanFiles } from '../../src/read/plan-files.js';
import { ROOT } from './action-runner.js';

/** A plan of the real examples/hello (release tag v1.2.3, single platform unless `over` says otherwise). */
export function helloPlan(over: Partial<RawInputs> = {}, env: Record<string, string> = {}): Plan {
  const e = { GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567', GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'org/hello', ...env };
  const ctx: RunContext = { git: readGitContext(e, new Date('2026-11-30T00:00:00Z')), workspace: ROOT, runnerTemp: os.tmpdir(), runId: '1', runAttempt: '1', actionRoot: ROOT, env: e };
  const inputs = parseInputs({ ...DEFAULTS, image: '127.0.0.1:5000/hello', context: 'examples/hello', platforms: 'linux/amd64', ...over });
  return buildPlan(inputs, ctx, readPlanFiles(inputs, ROOT), { workDir: path.join(os.tmpdir(), 'w'), builder: 'b', hasStoredAuth: () => false, native: 'linux/amd64' });
}
