import path from 'node:path';
import { ESLint } from 'eslint';

// The layer rule of eslint.config.js, applied to code that breaks it: if the rule were missing,
// mis-scoped or its patterns wrong, these imports would lint clean and the test goes red.
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('pure layers may not import process/service code', () => {
  test.each([
    ['src/plan/x.ts', "import * as core from '@actions/core';\ncore.info('');\n", /does not talk to the runner/],
    ['src/meta/x.ts', "import { Docker } from '../execute/docker.js';\nnew Docker({});\n", /may not import execute\//],
    ['src/cache/x.ts', "import { saveDir } from '../execute/cache/store.js';\nvoid saveDir;\n", /may not import execute\//],
    ['src/plan/x.ts', "import fs from 'node:fs';\nfs.existsSync('');\n", /does not touch the disk/],
    ['src/parse-inputs.ts', "import { execSync } from 'child_process';\nexecSync('');\n", /does not touch the disk/],
    ['src/plan/x.ts', "import { readWorkspace } from '../read/workspace.js';\nreadWorkspace('');\n", /only types from read\//],
  ])('%s: %j is an error', async (file, code, message) => {
    expect(await restricted(file, code)).toEqual([expect.stringMatching(message)]);
  });

  test.each([
    ['src/plan/x.ts', "import type { Workspace } from '../read/workspace.js';\nexport type W = Workspace;\n"],
    ['src/execute/x.ts', "import * as core from '@actions/core';\nimport fs from 'node:fs';\ncore.info(String(fs));\n"],
    ['src/read/x.ts', "import fs from 'node:fs';\nfs.existsSync('');\n"],
  ])('%s: %j is allowed', async (file, code) => {
    expect(await restricted(file, code)).toEqual([]);
  });
});
