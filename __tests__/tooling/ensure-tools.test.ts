import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/action-runner.js';
import { TOOLS } from '../../script/ensure-tools.mjs';

// `npm test` on a machine without the test tools: script/ensure-tools.mjs must stop at once with
// the one command to run (its apt-get path is proven in a clean chroot, docs/architecture.md).

describe('script/ensure-tools.mjs', () => {
  test('README Contributing names every package it checks for', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const contributing = readme.slice(readme.indexOf('## Contributing'));
    for (const t of TOOLS) expect(contributing).toContain(`**${t.pkg}**`);
  });

  test('without shellcheck and without apt-get: exit 1 at once, naming the package and the one command', () => {
    // A PATH with only what the check itself needs and the tools that are there, minus shellcheck.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'mca-tools-'));
    for (const cmd of ['sh', 'git', 'zstd', 'dpkg-query']) {
      const found = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
      if (found) fs.symlinkSync(found, path.join(bin, cmd));
    }
    try {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'script', 'ensure-tools.mjs')], { env: { PATH: bin }, encoding: 'utf8', timeout: 30000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('npm test needs shellcheck');
      expect(r.stderr).toMatch(/\n {2}(sudo )?apt-get install -y --no-install-recommends shellcheck\n/);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
