// image/scripts/muslrust-chef-check-static, run for real: in the system sh with the host's
// coreutils, and in busybox sh with nothing but busybox applets on PATH (the lead's engine tests
// use a busybox-based stand-in image). Real ELF files from this machine (a static busybox from
// Debian's busybox-static, /bin/true from coreutils, and, when gcc can link them, a static-pie, a
// static and a dynamic C program) plus synthetic ELF headers for the flavours no local file has
// (aarch64, 32-bit, big-endian, truncated). An independent ELF reader below is the oracle: the
// script's verdict must match it for every file.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(repo, 'image', 'scripts', 'muslrust-chef-check-static');

// The host's ELF machine name as the script prints it, and its musl triple (CI may run on arm64).
const hostArch = spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim();
const hostMachine = hostArch === 'aarch64' ? 'aarch64' : 'x86-64';

// ---------------------------------------------------------------- oracle: a tiny ELF64 reader
type Verdict = { kind: 'static' | 'dynamic'; interpreter?: string; pie: boolean } | { kind: 'invalid' };

function oracle(file: string): Verdict {
  const b = fs.readFileSync(file);
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return { kind: 'invalid' };
  const type = b.readUInt16LE(16);
  if (type !== 2 && type !== 3) return { kind: 'invalid' };
  const phoff = Number(b.readBigUInt64LE(32));
  const phentsize = b.readUInt16LE(54);
  const phnum = b.readUInt16LE(56);
  if (phnum === 0 || phoff + phnum * phentsize > b.length) return { kind: 'invalid' };
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (b.readUInt32LE(ph) === 3) {
      const off = Number(b.readBigUInt64LE(ph + 8));
      const len = Number(b.readBigUInt64LE(ph + 32));
      const interpreter = b.subarray(off, off + len).toString('latin1').replace(/\0+$/, '');
      return { kind: 'dynamic', interpreter, pie: type === 3 };
    }
  }
  return { kind: 'static', pie: type === 3 };
}

// ---------------------------------------------------------------- synthetic ELF files
interface Phdr {
  type: number;
  offset?: number;
  filesz?: number;
}
interface ElfSpec {
  cls?: number; // EI_CLASS: 1 = 32-bit, 2 = 64-bit
  data?: number; // EI_DATA: 1 = little-endian, 2 = big-endian
  type?: number; // e_type: 1 REL, 2 EXEC, 3 DYN
  machine?: number; // e_machine: 62 x86-64, 183 aarch64
  phdrs?: Phdr[];
  interpreter?: string; // appended after the program headers and referenced by a PT_INTERP
  truncateTo?: number;
}

function makeElf(spec: ElfSpec): Buffer {
  const phdrs = [...(spec.phdrs ?? [{ type: 1 }, { type: 1 }])];
  const phoff = 64;
  const interpOffset = phoff + (phdrs.length + (spec.interpreter !== undefined ? 1 : 0)) * 56;
  if (spec.interpreter !== undefined) {
    // PT_INTERP after some PT_LOADs, as linkers usually put PT_PHDR/PT_INTERP first: either works.
    phdrs.splice(1, 0, { type: 3, offset: interpOffset, filesz: spec.interpreter.length + 1 });
  }
  const tail = spec.interpreter !== undefined ? Buffer.from(`${spec.interpreter}\0`, 'latin1') : Buffer.alloc(0);
  const b = Buffer.alloc(interpOffset + tail.length + 64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = spec.cls ?? 2;
  b[5] = spec.data ?? 1;
  b[6] = 1; // EI_VERSION
  b.writeUInt16LE(spec.type ?? 3, 16);
  b.writeUInt16LE(spec.machine ?? 62, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(0x1000n, 24); // e_entry
  b.writeBigUInt64LE(BigInt(phoff), 32);
  b.writeUInt16LE(64, 52); // e_ehsize
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(phdrs.length, 56);
  phdrs.forEach((p, i) => {
    const at = phoff + i * 56;
    b.writeUInt32LE(p.type, at);
    b.writeBigUInt64LE(BigInt(p.offset ?? 0), at + 8);
    b.writeBigUInt64LE(BigInt(p.filesz ?? 0), at + 32);
  });
  tail.copy(b, interpOffset);
  return spec.truncateTo !== undefined ? b.subarray(0, spec.truncateTo) : b;
}

// ---------------------------------------------------------------- fixtures
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'check-static-'));

function write(name: string, content: Buffer | string, mode = 0o755): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, content, { mode });
  return file;
}

// A static binary from Debian's busybox-static package: required, never installed by the test.
const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((f) => fs.existsSync(f));
const staticProblem =
  busybox === undefined
    ? 'no /bin/busybox'
    : oracle(busybox).kind !== 'static'
      ? `${busybox} is not statically linked (the dynamic "busybox" package is installed instead of "busybox-static")`
      : undefined;
// A dynamic binary: coreutils' /bin/true on Debian/Ubuntu.
const dynamicTrue = '/bin/true';

// Optional: C programs linked three ways by the local gcc (glibc's static-pie needs rcrt1.o).
function gccBuild(name: string, flags: string[]): string | undefined {
  const src = path.join(work, 'hello.c');
  if (!fs.existsSync(src)) fs.writeFileSync(src, '#include <stdio.h>\nint main(void){puts("hello");return 0;}\n');
  const out = path.join(work, name);
  const r = spawnSync('gcc', [...flags, '-o', out, src], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const run = spawnSync(out, [], { encoding: 'utf8' });
  return run.status === 0 && run.stdout === 'hello\n' ? out : undefined;
}
const staticPie = gccBuild('hello-static-pie', ['-static-pie', '-O2']);
const staticExec = gccBuild('hello-static', ['-static', '-O2']);
const dynamicPie = gccBuild('hello-dynamic', ['-O2']);
if (staticPie === undefined) {
  console.warn('gcc -static-pie does not work here (gcc or libc6-dev missing): static-pie tests are skipped');
}

// busybox sh with only busybox applets on PATH.
const applets = fs.mkdtempSync(path.join(os.tmpdir(), 'busybox-applets-'));
if (busybox !== undefined) {
  const list = spawnSync(busybox, ['--list'], { encoding: 'utf8' });
  for (const applet of list.stdout.split('\n').filter(Boolean)) {
    fs.symlinkSync(busybox, path.join(applets, applet));
  }
}

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(applets, { recursive: true, force: true });
});

interface Shell {
  name: string;
  run: (args: string[]) => { status: number | null; stdout: string; stderr: string };
}
const shells: Shell[] = [
  {
    name: 'system sh with coreutils',
    run: (args) => spawnSync('sh', [script, ...args], { encoding: 'utf8', cwd: work }),
  },
  {
    name: 'busybox sh with busybox applets only',
    run: (args) =>
      spawnSync(busybox ?? 'busybox', ['sh', script, ...args], {
        encoding: 'utf8',
        cwd: work,
        env: { PATH: applets },
      }),
  },
];

describe('test preconditions', () => {
  it('has a static busybox (Debian package busybox-static) to check against', () => {
    if (staticProblem !== undefined) {
      throw new Error(`${staticProblem}. Install it: apt-get install -y busybox-static`);
    }
  });

  it('has a dynamically linked /bin/true (coreutils) to check against', () => {
    const v = fs.existsSync(dynamicTrue) ? oracle(dynamicTrue) : { kind: 'missing' };
    if (v.kind !== 'dynamic') {
      throw new Error(`${dynamicTrue} is ${v.kind}, expected a dynamically linked ELF (Debian/Ubuntu coreutils)`);
    }
  });
});

describe.each(shells)('muslrust-chef-check-static in $name', ({ run }) => {
  beforeAll(() => {
    if (staticProblem !== undefined) {
      throw new Error(`${staticProblem}. Install it: apt-get install -y busybox-static`);
    }
  });

  it('accepts the static busybox executable (ET_EXEC)', () => {
    const file = busybox as string;
    const r = run([file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${file}: statically linked \\(ELF64 ${hostMachine}, static executable`));
  });

  it('rejects /bin/true and names its interpreter and the fix', () => {
    const expected = oracle(dynamicTrue);
    const r = run([dynamicTrue]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(expected.kind).toBe('dynamic');
    if (expected.kind !== 'dynamic') return;
    expect(r.stderr).toContain(`${dynamicTrue} is dynamically linked (interpreter ${expected.interpreter})`);
    expect(r.stderr).toContain("the image's runtime has no libc");
    expect(r.stderr).toContain('Build for the musl target with static linking');
    expect(r.stderr).toContain(`${hostArch}-unknown-linux-musl`);
  });

  (staticPie ? it : it.skip)('accepts a static-pie executable built by gcc -static-pie (ET_DYN, no PT_INTERP)', () => {
    const r = run([staticPie as string]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`statically linked (ELF64 ${hostMachine}, static-pie`);
  });

  (staticExec ? it : it.skip)('accepts gcc -static output', () => {
    const r = run([staticExec as string]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('static executable');
  });

  (dynamicPie ? it : it.skip)('rejects a default (dynamic, PIE) gcc build', () => {
    const r = run([dynamicPie as string]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is dynamically linked \(interpreter \/lib.*ld-linux.*\.so\.\d\)/);
  });

  it('accepts an aarch64 static-pie and names the machine', () => {
    const file = write('aarch64-static-pie', makeElf({ machine: 183, type: 3 }));
    const r = run([file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${file}: statically linked (ELF64 aarch64, static-pie, no program interpreter)\n`);
  });

  it('rejects an aarch64 binary linked against ld-musl and suggests the aarch64 musl target', () => {
    const file = write('aarch64-dynamic', makeElf({ machine: 183, interpreter: '/lib/ld-musl-aarch64.so.1' }));
    const r = run([file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file} is dynamically linked (interpreter /lib/ld-musl-aarch64.so.1)`);
    expect(r.stderr).toContain('aarch64-unknown-linux-musl');
  });

  it('finds a PT_INTERP that is not the first program header', () => {
    const file = write(
      'interp-late',
      makeElf({ type: 2, phdrs: [{ type: 6 }, { type: 1 }, { type: 1 }, { type: 2 }], interpreter: '/lib/ld-musl-x86_64.so.1' }),
    );
    const r = run([file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('(interpreter /lib/ld-musl-x86_64.so.1)');
  });

  it.each([
    ['a 32-bit ELF', makeElf({ cls: 1 }), /32-bit ELF \(ELFCLASS32\) is not supported/],
    ['a big-endian ELF', makeElf({ data: 2 }), /big-endian ELF \(ELFDATA2MSB\) is not supported/],
    ['a relocatable object', makeElf({ type: 1 }), /relocatable object \(ET_REL\), not an executable/],
    ['an ELF without program headers', makeElf({ phdrs: [] }), /without program headers/],
    ['program headers past the end of the file', makeElf({ truncateTo: 100 }), /truncated ELF/],
    ['a header cut short', makeElf({}).subarray(0, 40), /truncated ELF/],
    ['a text file', Buffer.from('#!/bin/sh\necho not an elf\n'), /not an ELF file/],
    ['an empty file', Buffer.alloc(0), /not an ELF file/],
  ])('exits 2 for %s', (name, content, message) => {
    const file = write(`invalid-${name.replace(/\W+/g, '-')}`, content);
    const r = run([file]);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('exits 2 for a missing file, a directory and an unreadable file', () => {
    expect(run([path.join(work, 'does-not-exist')])).toMatchObject({ status: 2, stderr: expect.stringContaining('no such file') });
    expect(run([work])).toMatchObject({ status: 2, stderr: expect.stringContaining('not a regular file') });
    if (process.getuid?.() !== 0) {
      const file = write('unreadable', makeElf({}), 0o000);
      expect(run([file])).toMatchObject({ status: 2, stderr: expect.stringContaining('not readable') });
    }
  });

  it('exits 2 with a usage line for no or extra arguments', () => {
    for (const args of [[], ['a', 'b']]) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('usage: muslrust-chef-check-static FILE');
    }
  });

  it('agrees with an independent ELF reader on every sample', () => {
    const samples = [busybox as string, dynamicTrue, staticPie, staticExec, dynamicPie].filter(
      (f): f is string => f !== undefined,
    );
    samples.push(
      write('agree-aarch64-dyn', makeElf({ machine: 183, interpreter: '/lib/ld-musl-aarch64.so.1' })),
      write('agree-x86-exec', makeElf({ type: 2 })),
      write('agree-text', 'hello'),
    );
    for (const file of samples) {
      const expected = oracle(file).kind;
      const status = run([file]).status;
      expect({ file, status }).toEqual({ file, status: expected === 'static' ? 0 : expected === 'dynamic' ? 1 : 2 });
    }
  });
});
