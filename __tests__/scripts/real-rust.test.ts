// The real-Rust builder stand-in's sources (test/engine/real-rust/): its build script and cargo-chef
// stand-in pass shellcheck as bash (real shellcheck, which CI installs with apt), and are executable.
// What they build is exercised by the engine tests, which compile real crates with that image.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectShellcheckClean } from '../helpers/shellcheck.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'engine', 'real-rust');
const scripts = ['build.sh', 'cargo-chef'].map((s) => path.join(dir, s));

describe('real-Rust builder stand-in scripts', () => {
  it('pass shellcheck as bash', () => {
    expectShellcheckClean('bash', scripts);
  });

  it.each(scripts)('%s is executable', (file) => {
    expect(fs.statSync(file).mode & 0o111).toBe(0o111);
  });
});
