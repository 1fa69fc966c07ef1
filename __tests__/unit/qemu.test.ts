import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DockerRunner, RunResult } from '../../src/execute/docker.js';
import { binfmtInterpreter, parseQemuVersion, PINNED_QEMU, runQemu } from '../../src/execute/qemu.js';
import { BINFMT_IMAGE, qemuCommand } from '../../src/plan/commands.js';

// runQemu against a binfmt_misc directory made here, whose entries point at real executables that
// answer --version like qemu-user does. The version probe really runs them; docker commands are
// only recorded (registering emulators needs a privileged container).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qemu-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A fake qemu-aarch64-static answering --version with VERSION, behind a `*-binfmt-P` link as Debian installs it. */
function emulator(version: string): string {
  const bin = path.join(dir, `qemu-aarch64-static-${version}`);
  fs.writeFileSync(bin, `#!/bin/sh\n[ "$1" = --version ] && echo "qemu-aarch64 version ${version} (Debian 1:${version}+dfsg-7)" && exit 0\nexit 1\n`, { mode: 0o755 });
  const link = path.join(dir, `aarch64-binfmt-P-${version}`);
  if (!fs.existsSync(link)) fs.symlinkSync(bin, link);
  return link;
}

function binfmtDir(entry?: string): string {
  const d = fs.mkdtempSync(path.join(dir, 'binfmt-'));
  if (entry !== undefined) fs.writeFileSync(path.join(d, 'qemu-aarch64'), `enabled\ninterpreter ${entry}\nflags: PF\noffset 0\n`);
  return d;
}

class Recorder implements DockerRunner {
  readonly docker: string[][] = [];
  async run(argv: readonly string[]): Promise<RunResult> {
    if (argv[0] === 'docker') {
      this.docker.push([...argv]);
      return { exitCode: 0, stdout: '', stderr: '' };
    }
    const r = spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8' });
    return { exitCode: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }
}

const cmd = qemuCommand(['linux/arm64']);
const install = ['docker', 'run', '--rm', '--privileged', BINFMT_IMAGE, '--install', 'arm64'];

describe('runQemu (qemu: auto)', () => {
  test('the pinned QEMU version is read from the binfmt image tag', () => {
    expect(PINNED_QEMU).toBe('10.2.3');
    expect(BINFMT_IMAGE).toBe(`tonistiigi/binfmt:qemu-v${PINNED_QEMU}`);
  });

  test.each<[string, string | undefined, boolean, string[][]]>([
    ['no emulator registered: install', undefined, false, [install]],
    ['a registered QEMU 7.2 (deadlocked cargo): uninstall it, then install the pinned one', '7.2.22', false, [['docker', 'run', '--rm', '--privileged', BINFMT_IMAGE, '--uninstall', 'qemu-aarch64', '--install', 'arm64']]],
    ['a registered QEMU as new as the pinned one: keep it', '10.2.3', false, []],
    ['a newer one: keep it', '11.0.0', false, []],
    ['qemu: true installs even over a current one', '10.2.3', true, [install]],
  ])('%s', async (_name, version, force, want) => {
    const d = version === undefined ? binfmtDir() : binfmtDir(emulator(version));
    const r = new Recorder();
    await runQemu(r, cmd, force, d);
    expect(r.docker).toEqual(want);
  });

  test('an emulator registered from inside a container (no host path): version unknown, kept', async () => {
    const r = new Recorder();
    await runQemu(r, cmd, false, binfmtDir('/usr/bin/qemu-aarch64-from-a-container'));
    expect(r.docker).toEqual([]);
  });

  test('parsers', () => {
    expect(binfmtInterpreter('enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\n')).toBe('/usr/libexec/qemu-binfmt/aarch64-binfmt-P');
    expect(binfmtInterpreter('enabled\nflags: F\n')).toBeUndefined();
    expect(parseQemuVersion('qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright')).toBe('7.2.22');
    expect(parseQemuVersion('qemu: has to be run using kernel binfmt-misc subsystem')).toBeUndefined();
  });
});
