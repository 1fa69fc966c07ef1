#!/usr/bin/env node
// `npm start`: run the bundled action exactly as a runner would, in dry-run mode, on examples/hello.
// No Docker is needed: the plan (Dockerfile, cache key, tags, every docker command) is printed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'muslrust-chef-example-'));
const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary.md' };
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME ?? os.homedir(),
  RUNNER_TEMP: tmp,
  GITHUB_WORKSPACE: root,
  GITHUB_REPOSITORY: 'org/muslrust-chef-action',
  GITHUB_REF: process.env.EXAMPLE_REF ?? 'refs/tags/v1.2.3',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_EVENT_NAME: 'push',
  'INPUT_IMAGE': 'org/hello',
  'INPUT_CONTEXT': 'examples/hello',
  'INPUT_DRY-RUN': 'true',
  'INPUT_USERNAME': 'org-bot',
  'INPUT_PASSWORD': 'example-token-not-real',
};
for (const [k, f] of Object.entries(files)) {
  env[k] = path.join(tmp, f);
  fs.writeFileSync(env[k], '');
}
const r = spawnSync(process.execPath, [path.join(root, 'dist', 'index.js')], { cwd: root, env, stdio: 'inherit' });
console.log(`\nJob summary written to ${env.GITHUB_STEP_SUMMARY}; outputs in ${env.GITHUB_OUTPUT}.`);
process.exit(r.status ?? 1);
