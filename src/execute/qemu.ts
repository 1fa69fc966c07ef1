import * as core from '@actions/core';
import fs from 'node:fs';
import semver from 'semver';
import type { DockerRunner } from './docker.js';
import { BINFMT_IMAGE, type PlannedCommand } from '../plan/commands.js';

/** binfmt_misc entries QEMU registers, by docker arch. */
const BINFMT: Record<string, string> = { arm64: 'qemu-aarch64', amd64: 'qemu-x86_64' };

/** The QEMU the pinned binfmt image installs (its tag says it: qemu-v10.2.3). */
export const PINNED_QEMU = /qemu-v(\d+\.\d+\.\d+)$/.exec(BINFMT_IMAGE)?.[1] ?? '0.0.0';

/** `interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P` in a binfmt_misc entry. */
export function binfmtInterpreter(entry: string): string | undefined {
  return /^interpreter (\S+)$/m.exec(entry)?.[1];
}

/** `qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)` → 7.2.22. */
export function parseQemuVersion(out: string): string | undefined {
  return /version (\d+\.\d+\.\d+)/.exec(out)?.[1];
}

/**
 * The version of the QEMU a binfmt entry starts, when its interpreter is a file on this host
 * (Debian's qemu-user-static: a `*-binfmt-P` link that refuses to run unless binfmt starts it, so
 * the link is resolved first). An emulator registered from inside a container (tonistiigi/binfmt,
 * `F` flag) has no host path: undefined, and it is kept.
 */
async function registeredVersion(docker: DockerRunner, entryFile: string): Promise<string | undefined> {
  const interp = binfmtInterpreter(fs.readFileSync(entryFile, 'utf8'));
  if (!interp || !fs.existsSync(interp)) return undefined;
  try {
    const r = await docker.run([fs.realpathSync(interp), '--version'], { silent: true, allowFailure: true });
    return parseQemuVersion(r.stdout);
  } catch {
    return undefined;
  }
}

/**
 * Install the pinned emulators when binfmt does not handle an arch, or handles it with a QEMU older
 * than the pinned one (QEMU 7.2 deadlocked cargo in two of three arm64 builds here: a forked rustc
 * parked in a futex). binfmt refuses to register over an entry, so old ones are uninstalled first.
 */
export async function runQemu(docker: DockerRunner, cmd: PlannedCommand, force: boolean, binfmtDir = '/proc/sys/fs/binfmt_misc'): Promise<void> {
  const arches = (cmd.argv[cmd.argv.length - 1] ?? '').split(',');
  const missing: string[] = [];
  const old: Array<{ name: string; version: string }> = [];
  const kept: string[] = [];
  for (const a of arches) {
    const name = BINFMT[a] ?? `qemu-${a}`;
    const file = `${binfmtDir}/${name}`;
    if (!fs.existsSync(file)) {
      missing.push(a);
      continue;
    }
    const version = await registeredVersion(docker, file);
    if (version && semver.lt(version, PINNED_QEMU)) old.push({ name, version });
    else kept.push(`${a} (QEMU ${version ?? 'version unknown'})`);
  }
  if (!force && missing.length === 0 && old.length === 0) {
    core.info(`QEMU binfmt already handles ${kept.join(', ')}: not installing (qemu: true forces it)`);
    return;
  }
  for (const o of old) core.info(`${o.name} is QEMU ${o.version}, older than the pinned ${PINNED_QEMU} (QEMU 7.2 deadlocked cargo): replacing it`);
  const argv = [...cmd.argv];
  if (old.length) argv.splice(argv.indexOf('--install'), 0, '--uninstall', old.map((o) => o.name).join(','));
  await docker.run(argv, { context: 'registering QEMU emulators' });
}
