import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pickBin } from '../../src/plan/bins.js';
import { readWorkspace } from '../../src/read/workspace.js';

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mca-ws-'));
  for (const [p, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), c);
  }
  return dir;
}
const LOCK = 'version = 4\n';

describe('readWorkspace / pickBin', () => {
  test('single package with src/main.rs', () => {
    const ws = readWorkspace(tree({ 'Cargo.toml': '[package]\nname = "app"\nversion = "1.0.0"\nlicense = "MIT"\n', 'src/main.rs': '', 'Cargo.lock': LOCK }));
    expect(ws.bins).toEqual([{ name: 'app', pkg: 'app', member: '.' }]);
    expect(ws.packages[0]).toMatchObject({ name: 'app', version: '1.0.0', license: 'MIT' });
    expect(pickBin(ws, '').name).toBe('app');
  });

  test('workspace globs, [[bin]], src/bin, inherited fields, exclude', () => {
    const ws = readWorkspace(
      tree({
        'Cargo.toml': '[workspace]\nmembers = ["crates/*", "tools/cli"]\nexclude = ["crates/skip"]\n[workspace.package]\nversion = "2.0.0"\nlicense = "Apache-2.0"\n',
        'crates/api/Cargo.toml': '[package]\nname = "api"\nversion.workspace = true\nlicense.workspace = true\n[[bin]]\nname = "api-server"\npath = "src/server.rs"\n',
        'crates/lib/Cargo.toml': '[package]\nname = "lib"\nversion = "0.1.0"\n',
        'crates/lib/src/lib.rs': '',
        'crates/skip/Cargo.toml': '[package]\nname = "skip"\n',
        'crates/skip/src/main.rs': '',
        'tools/cli/Cargo.toml': '[package]\nname = "cli"\n',
        'tools/cli/src/main.rs': '',
        'tools/cli/src/bin/extra.rs': '',
        'tools/cli/src/bin/multi/main.rs': '',
        'Cargo.lock': LOCK,
        'rust-toolchain.toml': '[toolchain]\nchannel = "1.85.1"\n',
        '.cargo/config.toml': '[build]\n',
      }),
    );
    expect(ws.bins.map((b) => `${b.name}@${b.member}`).sort()).toEqual(['api-server@crates/api', 'cli@tools/cli', 'extra@tools/cli', 'multi@tools/cli']);
    expect(ws.packages.find((p) => p.name === 'api')).toMatchObject({ version: '2.0.0', license: 'Apache-2.0' });
    expect(ws.toolchainChannel).toBe('1.85.1');
    expect(Object.keys(ws.configFiles).sort()).toEqual(['.cargo/config.toml', 'rust-toolchain.toml']);
    expect(() => pickBin(ws, '')).toThrow(/4 binaries: .*api-server \(package api in crates\/api\).*Set the 'bin' input/);
    expect(pickBin(ws, 'extra').pkg).toBe('cli');
    expect(() => pickBin(ws, 'nope')).toThrow(/Input 'bin' names no binary.*"nope".*Use one of: .*multi \(package cli in tools\/cli\)/);
  });

  test('legacy rust-toolchain file with a bare channel', () => {
    const ws = readWorkspace(tree({ 'Cargo.toml': '[package]\nname = "a"\n', 'src/main.rs': '', 'Cargo.lock': LOCK, 'rust-toolchain': '1.80.0\n' }));
    expect(ws.toolchainChannel).toBe('1.80.0');
  });

  test.each<[Record<string, string>, RegExp]>([
    [{}, /No Cargo.toml.*'context' input/],
    [{ 'Cargo.toml': '[package\nname=' }, /Cargo.toml is not valid TOML/],
    [{ 'Cargo.toml': '[package]\nname = "a"\n', 'src/main.rs': '' }, /No Cargo.lock.*cargo generate-lockfile.*commit Cargo.lock/],
    [{ 'Cargo.toml': '[workspace]\nmembers = ["gone"]\n', 'Cargo.lock': LOCK }, /member 'gone'.*has no Cargo.toml/],
  ])('workspace errors %#', (files, re) => {
    expect(() => readWorkspace(tree(files))).toThrow(re);
  });

  test('no binary at all', () => {
    const ws = readWorkspace(tree({ 'Cargo.toml': '[package]\nname = "lib"\n', 'src/lib.rs': '', 'Cargo.lock': LOCK }));
    expect(() => pickBin(ws, '')).toThrow(/has no binary target.*Add a binary crate/);
  });

  test('autobins = false hides src/main.rs', () => {
    const ws = readWorkspace(tree({ 'Cargo.toml': '[package]\nname = "a"\nautobins = false\n', 'src/main.rs': '', 'Cargo.lock': LOCK }));
    expect(ws.bins).toEqual([]);
  });
});
