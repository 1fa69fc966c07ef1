import * as core from '@actions/core';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { lastErrorLine, type DockerRunner } from './docker.js';
import { DockerError } from '../errors.js';
import type { PlannedCommand } from '../plan/commands.js';
import { isIndex, parseManifest, platformManifests, sizeOf, type PlatformSize } from '../report/sizes.js';
import type { BuildFailure } from '../report/stages.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
 * Sizes of a pushed image, read back from the registry with as few round trips as the sizes need:
 * one `imagetools inspect --raw` of the ref (a single-platform push is a plain manifest: that is all),
 * plus one per platform manifest of an index, in parallel. The digest is the sha256 of the raw
 * manifest, so no second inspect is needed for it. `platform` names a plain manifest's platform
 * (it is in the config blob, not the manifest). Undefined when `optional` and the ref does not exist.
 */
export async function imageSizes(docker: DockerRunner, ref: string, platform: string, optional = false): Promise<ImageSizes | undefined> {
  const raw = await inspectRaw(docker, ref, optional);
  if (raw === undefined) return undefined;
  const doc = parseManifest(raw);
  const digest = `sha256:${crypto.createHash('sha256').update(raw).digest('hex')}`;
  if (!isIndex(doc)) return { ref, digest, sizes: [sizeOf(platform, digest, doc)] };
  const name = ref.replace(/@sha256:[a-f0-9]+$/, '').replace(/:[^/:]+$/, '');
  const sizes = await Promise.all(
    platformManifests(doc).map(async (m) => sizeOf(m.platform, m.digest, parseManifest((await inspectRaw(docker, `${name}@${m.digest}`, false)) ?? '{}'))),
  );
  return { ref, digest, sizes };
}

export interface ImageSizes {
  ref: string;
  /** Digest of the manifest or index `ref` resolved to. */
  digest: string;
  sizes: PlatformSize[];
}

async function inspectRaw(docker: DockerRunner, ref: string, optional: boolean): Promise<string | undefined> {
  const r = await docker.run(['docker', 'buildx', 'imagetools', 'inspect', ref, '--raw'], { silent: true, allowFailure: optional, context: `reading the manifest of ${ref}` });
  if (r.exitCode !== 0) return undefined;
  // buildx prints the registry's bytes plus a newline: the bytes are what the digest covers.
  return r.stdout.replace(/\n$/, '');
}

/**
 * Say what failed, where and why, from BuildKit's own progress: the failing step names its stage and
 * platform, and its log holds cargo's error (or the static check's verdict), which matters more than
 * BuildKit's `process … did not complete successfully` wrapper. A pull that is denied is not a push.
 * `output` is buildx's stderr (its non-JSON lines carry the final `ERROR:`); `refs` are what was
 * being pushed (empty when the build does not push). The message becomes the step's error annotation.
 */
export function explainBuildFailure(output: string, failure: BuildFailure | undefined, platforms: readonly string[], refs: readonly string[]): Error {
  const detail = lastErrorLine(output.split('\n').filter((l) => !l.startsWith('{')).join('\n'));
  const where = ` for ${failure?.platform ?? platforms.join(', ')}`;
  if (refs.length > 0 && PUSH_FAILURE.test(detail)) return new Error(`Pushing ${refs.join(', ')}${where} failed: ${detail}`);
  if (!failure) return new Error(`docker buildx build${where} failed: ${detail}`);
  const excerpt = (lines: readonly string[]): string => (lines.length ? `\n${lines.join('\n')}` : '');
  // The static check's own verdict: a dynamically linked binary, or one built for another CPU.
  const stat = failure.lines.find((l) => / is dynamically linked|, but the target platform is /.test(l));
  if (stat) return new Error(`Static check failed${where}: ${stat.replace(/^muslrust-chef-check-static: /, '').replace(/\.+$/, '')}.`);
  const [first, ...rest] = failure.lines;
  if (first && /^error/.test(first)) return new Error(`cargo failed in the ${failure.stage} stage${where}: ${first}${excerpt(rest)}`);
  return new Error(`docker buildx build${where} failed in the ${failure.stage} stage (${failure.step}): ${detail}${excerpt(failure.lines)}`);
}

/**
 * Size of the layer cache this build exported, where it can be read cheaply: a registry cache's
 * manifest (one `imagetools inspect --raw` of the digest buildx reports as `cache.manifest`), or a
 * local cache directory (its blobs on disk). A gha cache's size is not readable from here.
 */
export async function exportedCacheBytes(docker: DockerRunner, buildArgv: readonly string[], metadata: string): Promise<number | undefined> {
  const i = buildArgv.lastIndexOf('--cache-to');
  const to = i >= 0 ? (buildArgv[i + 1] ?? '') : '';
  const opt = (k: string): string | undefined => new RegExp(`(?:^|,)${k}=([^,]+)`).exec(to)?.[1];
  if (to.startsWith('type=local')) {
    const dir = opt('dest');
    return dir ? dirBytes(path.join(dir, 'blobs')) : undefined;
  }
  const ref = opt('ref');
  if (!to.startsWith('type=registry') || !ref) return undefined;
  let digest: string | undefined;
  try {
    const m = JSON.parse(metadata) as Record<string, unknown>;
    digest = (JSON.parse(String(m['cache.manifest'] ?? '{}')) as { digest?: string }).digest;
  } catch {
    digest = undefined;
  }
  if (!digest) return undefined;
  const r = await docker.run(['docker', 'buildx', 'imagetools', 'inspect', `${ref.replace(/:[^/:]+$/, '')}@${digest}`, '--raw'], { silent: true, allowFailure: true });
  if (r.exitCode !== 0) return undefined;
  const layers = (JSON.parse(r.stdout) as { layers?: Array<{ size: number }> }).layers ?? [];
  return layers.reduce((a, l) => a + l.size, 0);
}

function dirBytes(dir: string): number | undefined {
  if (!fs.existsSync(dir)) return undefined;
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  return total;
}
