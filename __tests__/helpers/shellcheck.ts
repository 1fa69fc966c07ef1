// Real shellcheck over script files (CI installs it with apt): no finding at any severity.
import { spawnSync } from 'node:child_process';

export function expectShellcheckClean(shell: 'sh' | 'bash', files: readonly string[]): void {
  const r = spawnSync('shellcheck', [`--shell=${shell}`, '--severity=style', ...files], { encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('shellcheck is not installed: apt-get install -y shellcheck (CI installs it the same way)');
  }
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
}
