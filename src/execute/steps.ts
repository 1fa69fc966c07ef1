import * as core from '@actions/core';
import fs from 'node:fs';
import { lastErrorLine, type DockerRunner } from './docker.js';
import { DockerError } from '../errors.js';
import type { PlannedCommand } from '../plan/commands.js';
import type { PlatformSize } from '../report/summary.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** binfmt_misc entries QEMU registers, by docker arch. */
const BINFMT: Record<string, string> = { arm64: 'qemu-aarch64', amd64: 'qemu-x86_64' };

export async function runQemu(docker: DockerRunner, cmd: PlannedCommand, force: boolean, binfmtDir = '/proc/sys/fs/binfmt_misc'): Promise<void> {
  const arches = (cmd.argv[cmd.argv.length - 1] ?? '').split(',');
  const missing = arches.filter((a) => !fs.existsSync(`${binfmtDir}/${BINFMT[a] ?? `qemu-${a}`}`));
  if (!force && missing.length === 0) {
    core.info(`QEMU binfmt already handles ${arches.join(', ')}: not installing (qemu: true forces it)`);
    return;
  }
  await docker.run(cmd.argv, { context: 'registering QEMU emulators' });
}

/**
 * `docker login` with the token on stdin. Registries fail transiently (Docker Hub 5xx, rate limits),
 * so retry a bounded number of times with backoff; the error never contains the token.
 */
export async function runLogin(docker: DockerRunner, cmd: PlannedCommand, password: string, delaysMs: readonly number[] = [2000, 5000]): Promise<void> {
  const registry = cmd.argv[cmd.argv.length - 1] ?? '';
  for (let attempt = 0; ; attempt++) {
    const r = await docker.run(cmd.argv, { stdin: password, silent: true, allowFailure: true });
    if (r.exitCode === 0) {
      core.info(`logged in to ${registry}`);
      return;
    }
    const delay = delaysMs[attempt];
    const detail = (r.stderr || r.stdout).split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';
    // A rejected credential does not get better by retrying (and repeated bad logins can get an
    // account throttled); only transient failures (timeouts, 5xx, rate limits) are retried.
    const rejected = /unauthorized|incorrect username or password|authentication required|denied/i.test(detail);
    if (delay === undefined || rejected) {
      const n = `${attempt + 1} attempt${attempt === 0 ? '' : 's'}`;
      throw new DockerError(cmd.argv, r.exitCode, `${detail}. Check the username and that the password is a valid access token for ${registry}.`, `login to ${registry} failed after ${n}`);
    }
    core.warning(`docker login to ${registry} failed (${detail}); retrying in ${delay / 1000} s`);
    await sleep(delay);
  }
}

const PUSH_FAILURE = /failed to push|failed commit on ref|unexpected status from (?:PUT|POST|PATCH) request|push access denied/i;

/**
 * Say what failed and for which platform, from buildx's whole output: its last line rarely names
 * the platform, but the step block BuildKit quotes (` > [linux/arm64 builder 6/6] RUN …:`) does, and
 * the static check prints its verdict inside the step's log. A pull that is denied is not a push.
 * `refs` are what was being pushed (empty when the build does not push).
 */
export function explainBuildFailure(output: string, platforms: readonly string[], refs: readonly string[]): Error {
  const detail = lastErrorLine(output);
  const plat = [...output.matchAll(/^\s*> \[(linux\/[a-z0-9]+)[\] ]/gm)].pop()?.[1];
  const where = ` for ${plat ?? platforms.join(', ')}`;
  if (refs.length > 0 && PUSH_FAILURE.test(detail)) return new Error(`Pushing ${refs.join(', ')}${where} failed: ${detail}`);
  const why = staticCheckLine(output);
  const err = `docker buildx build${where} failed: ${detail}`;
  return new Error(why ? `Static check failed: ${why.replace(/\.+$/, '')}. ${err}` : err);
}

/** Pull the static-check verdict out of BuildKit's progress output. */
export function staticCheckLine(output: string): string | undefined {
  const m = /(\S+ is dynamically linked[^\n]*)/.exec(output) ?? /(muslrust-chef-check-static:[^\n]*)/.exec(output);
  return m?.[1]?.trim();
}

interface Descriptor {
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

/** Per-platform compressed sizes of a pushed image index, through `imagetools inspect --raw`. */
export async function platformSizes(docker: DockerRunner, ref: string): Promise<{ digest?: string; sizes: PlatformSize[] }> {
  const name = ref.replace(/:[^/:]+$/, '');
  const idx = JSON.parse((await docker.run(['docker', 'buildx', 'imagetools', 'inspect', ref, '--raw'], { silent: true })).stdout) as { manifests?: Descriptor[]; layers?: Descriptor[] };
  const sizes: PlatformSize[] = [];
  for (const m of idx.manifests ?? []) {
    if (!m.platform || m.platform.os === 'unknown') continue; // attestation manifests
    const man = JSON.parse((await docker.run(['docker', 'buildx', 'imagetools', 'inspect', `${name}@${m.digest}`, '--raw'], { silent: true })).stdout) as { layers?: Descriptor[] };
    const layers = man.layers ?? [];
    sizes.push({
      platform: `${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}`,
      digest: m.digest,
      bytes: layers.reduce((a, l) => a + l.size, 0),
      lastLayer: layers[layers.length - 1]?.size ?? 0,
    });
  }
  const digest = (await docker.run(['docker', 'buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}'], { silent: true })).stdout;
  let d: string | undefined;
  try {
    d = (JSON.parse(digest) as { digest?: string }).digest;
  } catch {
    d = undefined;
  }
  return { digest: d, sizes };
}
