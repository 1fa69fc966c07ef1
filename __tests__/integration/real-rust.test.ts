// The real-Rust builder stand-in's sources (test/engine/real-rust/): its build script and cargo-chef
// stand-in pass shellcheck as bash (real shellcheck, which CI installs with apt), and are executable.
// What they build is exercised by the engine tests, which compile real crates with that image.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'engine', 'real-rust');
const scripts = ['build.sh', 'cargo-chef'].map((s) => path.join(dir, s));

describe('real-Rust builder stand-in scripts', () => {
  it('pass shellcheck as bash', () => {
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', ...scripts], { encoding: 'utf8' });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('shellcheck is not installed: apt-get install -y shellcheck (CI installs it the same way)');
    }
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(scripts)('%s is executable', (file) => {
    expect(fs.statSync(file).mode & 0o111).toBe(0o111);
  });
});
