// image/scripts/muslrust-chef-locate, run for real in a throw-away cargo-like target/ tree: in the
// system sh with the host's coreutils and binutils, and in busybox sh with nothing but busybox
// applets on PATH (which has no `strip`, the warning path). The "binary" is a real static ELF:
// a gcc -g build with symbols when gcc can link statically here (so real stripping shrinks it),
// else the static busybox from Debian's busybox-static.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(repo, 'image', 'scripts', 'muslrust-chef-locate');
const checkStatic = path.join(repo, 'image', 'scripts', 'muslrust-chef-check-static');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'locate-'));
const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((f) => fs.existsSync(f));
const arch = spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim();
const triple = `${arch}-unknown-linux-musl`;

// The sample binary: unstripped static C program if possible, else busybox.
function sampleBinary(): { file: string; hasSymbols: boolean } | undefined {
  const src = path.join(work, 'hello.c');
  fs.writeFileSync(src, '#include <stdio.h>\nint main(void){puts("hello");return 0;}\n');
  const out = path.join(work, 'hello-with-symbols');
  const r = spawnSync('gcc', ['-g', '-static', '-o', out, src], { encoding: 'utf8' });
  if (r.status === 0) return { file: out, hasSymbols: true };
  return busybox !== undefined ? { file: busybox, hasSymbols: false } : undefined;
}
const sample = sampleBinary();
const realStrip = spawnSync('sh', ['-c', 'command -v strip'], { encoding: 'utf8' }).status === 0;

// busybox sh with only busybox applets on PATH.
const applets = fs.mkdtempSync(path.join(os.tmpdir(), 'busybox-applets-'));
if (busybox !== undefined) {
  const list = spawnSync(busybox, ['--list'], { encoding: 'utf8' });
  for (const applet of list.stdout.split('\n').filter(Boolean)) {
    if (applet !== 'strip') fs.symlinkSync(busybox, path.join(applets, applet));
  }
}

// Fake strip tools: one that records its arguments and shrinks the file, one that fails after
// damaging the file (the script must restore the unstripped copy).
const fakes = path.join(work, 'fakes');
fs.mkdirSync(path.join(fakes, 'ok'), { recursive: true });
fs.mkdirSync(path.join(fakes, 'failing'), { recursive: true });
const stripLog = path.join(work, 'strip.log');
fs.writeFileSync(
  path.join(fakes, 'ok', 'strip'),
  `#!/bin/sh\necho "$*" >> '${stripLog}'\nhead -c 1000 "$1" > "$1.tmp" && cat "$1.tmp" > "$1" && rm "$1.tmp"\n`,
  { mode: 0o755 },
);
fs.writeFileSync(path.join(fakes, 'failing', 'strip'), '#!/bin/sh\necho broken > "$1"\necho "strip: nope" >&2\nexit 1\n', {
  mode: 0o755,
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(applets, { recursive: true, force: true });
});

type Env = Record<string, string>;
interface Shell {
  name: string;
  path: string; // PATH without any strip override
  run: (cwd: string, args: string[], env?: Env, pathPrefix?: string) => { status: number | null; stdout: string; stderr: string };
}
const hostPath = process.env.PATH ?? '/usr/bin:/bin';
const shells: Shell[] = [
  {
    name: 'system sh with coreutils',
    path: hostPath,
    run: (cwd, args, env = {}, pathPrefix) =>
      spawnSync('sh', [script, ...args], {
        encoding: 'utf8',
        cwd,
        env: { PATH: pathPrefix ? `${pathPrefix}:${hostPath}` : hostPath, ...env },
      }),
  },
  {
    name: 'busybox sh with busybox applets only',
    path: applets,
    run: (cwd, args, env = {}, pathPrefix) =>
      spawnSync(busybox ?? 'busybox', ['sh', script, ...args], {
        encoding: 'utf8',
        cwd,
        env: { PATH: pathPrefix ? `${pathPrefix}:${applets}` : applets, ...env },
      }),
  },
];

let counter = 0;
/** A fresh workspace whose target dir holds the sample at each of the given relative paths. */
function workspace(binaries: string[], targetDir = 'target'): string {
  const dir = path.join(work, `ws-${counter++}`);
  for (const rel of binaries) {
    const file = path.join(dir, targetDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync((sample as { file: string }).file, file);
    fs.chmodSync(file, 0o755);
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const sameBytes = (a: string, b: string): boolean => fs.readFileSync(a).equals(fs.readFileSync(b));

describe.each(shells)('muslrust-chef-locate in $name', ({ run, name }) => {
  beforeAll(() => {
    if (busybox === undefined) throw new Error('no /bin/busybox: install it with apt-get install -y busybox-static');
    if (sample === undefined) throw new Error('no sample static binary (neither gcc -static nor busybox-static)');
  });

  it.each([
    ['release', 'release'],
    ['dev', 'debug'],
    ['test', 'debug'],
    ['bench', 'release'],
    ['dist', 'dist'],
    ['release-lto', 'release-lto'],
  ])('maps profile %s to target/<triple>/%s/', (profile, dir) => {
    const ws = workspace([`${triple}/${dir}/hello`]);
    const r = run(ws, ['hello', profile, 'out/'], { MUSLRUST_CHEF_STRIP: '0' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(sameBytes(path.join(ws, 'out', 'hello'), path.join(ws, 'target', triple, dir, 'hello'))).toBe(true);
    expect(r.stdout).toContain(`./target/${triple}/${dir}/hello -> out/hello`);
  });

  it('takes the triple from CARGO_BUILD_TARGET when set', () => {
    const ws = workspace(['aarch64-unknown-linux-musl/release/hello']);
    const r = run(ws, ['hello', 'release', 'out/'], {
      CARGO_BUILD_TARGET: 'aarch64-unknown-linux-musl',
      MUSLRUST_CHEF_STRIP: '0',
    });
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(ws, 'out', 'hello'))).toBe(true);
  });

  it('takes the target dir from CARGO_TARGET_DIR when set', () => {
    const ws = workspace([`${triple}/release/hello`], 'elsewhere/tgt');
    const r = run(ws, ['hello', 'release', 'out/'], {
      CARGO_TARGET_DIR: path.join(ws, 'elsewhere', 'tgt'),
      MUSLRUST_CHEF_STRIP: '0',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${path.join(ws, 'elsewhere', 'tgt')}/${triple}/release/hello -> out/hello`);
  });

  it('fails when the binary is missing, listing what target/ holds and where the bin was built instead', () => {
    const ws = workspace([`${triple}/release/other`, `release/hello`]);
    const r = run(ws, ['hello', 'release', 'out/']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`binary 'hello' not found at ./target/${triple}/release/hello`);
    expect(r.stderr).toContain(`target triple ${triple} (uname -m, CARGO_BUILD_TARGET unset), profile release -> directory release`);
    const listing = /\.\/target\/ contains: (.*)/.exec(r.stderr)?.[1]?.split(' ').sort();
    expect(listing).toEqual(['release', triple].sort());
    expect(r.stderr).toContain(`./target/${triple}/release/ contains: other`);
    expect(r.stderr).toContain(`'hello' was built elsewhere: ./target/release/hello`);
    expect(fs.existsSync(path.join(ws, 'out'))).toBe(false);
  });

  it('names the profile directory it looked in when only another profile was built', () => {
    const ws = workspace([`${triple}/release/hello`]);
    const r = run(ws, ['hello', 'dev', 'out/']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`not found at ./target/${triple}/debug/hello`);
    expect(r.stderr).toContain(`./target/${triple}/debug/ contains: (no such directory)`);
    expect(r.stderr).toContain(`'hello' was built elsewhere: ./target/${triple}/release/hello`);
  });

  it('fails with a hint when there is no target dir at all', () => {
    const ws = workspace([]);
    const r = run(ws, ['hello', 'release', 'out/']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('./target does not exist: run cargo build in the same WORKDIR first');
  });

  it('creates DEST directories: trailing slash, existing directory, or a file path', () => {
    const ws = workspace([`${triple}/release/hello`]);
    const env = { MUSLRUST_CHEF_STRIP: '0' };
    expect(run(ws, ['hello', 'release', 'a/b/c/'], env).status).toBe(0);
    expect(fs.statSync(path.join(ws, 'a', 'b', 'c', 'hello')).isFile()).toBe(true);

    fs.mkdirSync(path.join(ws, 'existing'));
    expect(run(ws, ['hello', 'release', 'existing'], env).status).toBe(0);
    expect(fs.statSync(path.join(ws, 'existing', 'hello')).isFile()).toBe(true);

    const abs = path.join(ws, 'x', 'y', 'app');
    const r = run(ws, ['hello', 'release', abs], env);
    expect(r.status).toBe(0);
    expect(fs.statSync(abs).isFile()).toBe(true);
    expect(fs.statSync(abs).mode & 0o777).toBe(0o755);
  });

  it('strips the copy with the strip on PATH and reports both sizes', () => {
    fs.rmSync(stripLog, { force: true });
    const ws = workspace([`${triple}/release/hello`]);
    const r = run(ws, ['hello', 'release', 'out/'], {}, path.join(fakes, 'ok'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(stripLog, 'utf8')).toBe('out/hello\n');
    const original = fs.statSync(path.join(ws, 'target', triple, 'release', 'hello')).size;
    expect(fs.statSync(path.join(ws, 'out', 'hello')).size).toBe(1000);
    expect(r.stdout).toContain(`-> out/hello: 1000 bytes (stripped from ${original} bytes)`);
    // the source in target/ is never touched
    expect(sameBytes(path.join(ws, 'target', triple, 'release', 'hello'), (sample as { file: string }).file)).toBe(true);
  });

  it('uses $STRIP when set', () => {
    fs.rmSync(stripLog, { force: true });
    const ws = workspace([`${triple}/release/hello`]);
    const r = run(ws, ['hello', 'release', 'out/'], { STRIP: path.join(fakes, 'ok', 'strip') });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(stripLog, 'utf8')).toBe('out/hello\n');
  });

  it('warns and keeps the unstripped copy when strip is not installed', () => {
    const ws = workspace([`${triple}/release/hello`]);
    const env: Env = name.startsWith('busybox') ? {} : { STRIP: 'strip-that-does-not-exist' };
    const r = run(ws, ['hello', 'release', 'out/'], env);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: \S*strip\S* not found; out\/hello is left unstripped/);
    expect(sameBytes(path.join(ws, 'out', 'hello'), path.join(ws, 'target', triple, 'release', 'hello'))).toBe(true);
    const size = fs.statSync(path.join(ws, 'out', 'hello')).size;
    expect(r.stdout).toContain(`-> out/hello: ${size} bytes (not stripped)`);
  });

  it('warns and restores the unstripped copy when strip fails', () => {
    const ws = workspace([`${triple}/release/hello`]);
    const r = run(ws, ['hello', 'release', 'out/'], {}, path.join(fakes, 'failing'));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('warning: strip failed on out/hello; it is left unstripped');
    expect(sameBytes(path.join(ws, 'out', 'hello'), path.join(ws, 'target', triple, 'release', 'hello'))).toBe(true);
  });

  it('skips stripping with MUSLRUST_CHEF_STRIP=0', () => {
    fs.rmSync(stripLog, { force: true });
    const ws = workspace([`${triple}/release/hello`]);
    const r = run(ws, ['hello', 'release', 'out/'], { MUSLRUST_CHEF_STRIP: '0' }, path.join(fakes, 'ok'));
    expect(r.status).toBe(0);
    expect(fs.existsSync(stripLog)).toBe(false);
    expect(r.stdout).toContain('not stripping out/hello (MUSLRUST_CHEF_STRIP=0)');
  });

  it('exits 2 with a usage line for wrong arguments', () => {
    const ws = workspace([]);
    for (const args of [[], ['hello', 'release'], ['hello', 'release', 'out', 'extra'], ['', 'release', 'out']]) {
      const r = run(ws, args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('usage: muslrust-chef-locate BIN PROFILE DEST');
    }
    const r = run(ws, ['bin/hello', 'release', 'out']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('BIN must be a binary name, not a path');
  });
});

describe('muslrust-chef-locate with the real strip (binutils)', () => {
  (realStrip && sample?.hasSymbols ? it : it.skip)('shrinks a binary with symbols and it stays static and runnable', () => {
    const ws = workspace([`${triple}/release/hello`]);
    const r = spawnSync('sh', [script, 'hello', 'release', 'out/'], { encoding: 'utf8', cwd: ws });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = path.join(ws, 'out', 'hello');
    const before = fs.statSync(path.join(ws, 'target', triple, 'release', 'hello')).size;
    const after = fs.statSync(out).size;
    expect(after).toBeLessThan(before);
    expect(r.stdout).toContain(`-> out/hello: ${after} bytes (stripped from ${before} bytes)`);
    expect(spawnSync('sh', [checkStatic, out], { encoding: 'utf8' }).status).toBe(0);
    expect(spawnSync(out, [], { encoding: 'utf8' }).stdout).toBe('hello\n');
  });
});
