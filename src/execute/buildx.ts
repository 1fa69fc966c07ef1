import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import type { DockerRunner } from './docker.js';
import { Input } from '../inputs.js';
import { MIN_BUILDX, PINNED_BUILDX } from '../plan/buildx-release.js';

// The version rules live in buildx-release.ts, which inputs.ts reads too (without importing this
// file, which imports inputs.ts).
export { MIN_BUILDX, PINNED_BUILDX } from '../plan/buildx-release.js';

/** Version from `docker buildx version` (upstream `v0.29.1`, Debian `0.29.1+ds1`, or a dev commit). */
export function parseBuildxVersion(out: string): string | undefined {
  const m = /\sv?(\d+\.\d+\.\d+)/.exec(out);
  return m ? m[1] : undefined;
}

export function buildxAssetName(version: string, arch: string = process.arch): string {
  const a = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : arch;
  return `buildx-v${version}.linux-${a}`;
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export interface BuildxResult {
  version: string;
  installed: boolean;
}

/**
 * Use the runner's buildx when it is new enough; otherwise download the pinned (or requested)
 * release into the job's DOCKER_CONFIG/cli-plugins, verifying its SHA-256 first.
 */
export async function ensureBuildx(docker: DockerRunner, o: { requested: string; dockerConfig: string; env: Readonly<Record<string, string | undefined>> }): Promise<BuildxResult> {
  const probe = await docker.run(['docker', 'buildx', 'version'], { allowFailure: true, silent: true });
  const have = probe.exitCode === 0 ? parseBuildxVersion(probe.stdout) : undefined;
  const want = o.requested.replace(/^v/, '');
  if (want === '' || want === 'latest') {
    if (have && semver.gte(have, MIN_BUILDX)) {
      core.info(`buildx ${have} is installed (>= ${MIN_BUILDX}): using it`);
      return { version: have, installed: false };
    }
    core.info(have ? `buildx ${have} is older than ${MIN_BUILDX} (GitHub cache v2): installing ${PINNED_BUILDX.version}` : `buildx is not installed: installing ${PINNED_BUILDX.version}`);
  } else if (have === want) {
    core.info(`buildx ${have} is installed, as requested`);
    return { version: have, installed: false };
  }
  const version = want === '' || want === 'latest' ? PINNED_BUILDX.version : want;
  if (semver.valid(version) && semver.lt(version, MIN_BUILDX)) {
    throw new Error(`Input '${Input.BuildxVersion}' asks for buildx ${version}, but ${MIN_BUILDX} or newer is needed (GitHub cache service v2). Use ${PINNED_BUILDX.version} or leave it empty.`);
  }
  const asset = buildxAssetName(version);
  const base = (o.env.MUSLRUST_CHEF_BUILDX_BASE_URL ?? 'https://github.com/docker/buildx/releases/download').replace(/\/$/, '');
  const url = `${base}/v${version}/${asset}`;
  let file: string;
  try {
    file = await tc.downloadTool(url);
  } catch (e) {
    throw new Error(
      `buildx ${have ?? '(none)'} is not usable (need >= ${MIN_BUILDX}) and downloading ${url} failed: ${(e as Error).message}. ` +
        `Install buildx >= ${MIN_BUILDX} on the runner (docker/setup-buildx-action) or allow access to github.com.`,
    );
  }
  try {
    const expected = await expectedSha(version, asset, base);
    const actual = sha256File(file);
    if (actual !== expected) {
      throw new Error(`Checksum mismatch for ${url}: expected sha256 ${expected}, got ${actual}. The download was removed; retry, or pin another 'buildx-version'.`);
    }
    const pluginDir = path.join(o.dockerConfig, 'cli-plugins');
    // The job config may hold a symlink to ~/.docker/cli-plugins: never write into the user's home.
    if (fs.existsSync(pluginDir) && fs.lstatSync(pluginDir).isSymbolicLink()) fs.rmSync(pluginDir);
    fs.mkdirSync(pluginDir, { recursive: true });
    const target = path.join(pluginDir, 'docker-buildx');
    fs.copyFileSync(file, target);
    fs.chmodSync(target, 0o755);
    core.info(`installed buildx ${version} (sha256 ${actual}) into ${pluginDir}`);
    return { version, installed: true };
  } finally {
    // Installed or not (bad sum, no checksums.txt to verify it), the download never stays in RUNNER_TEMP.
    fs.rmSync(file, { force: true });
  }
}

async function expectedSha(version: string, asset: string, base: string): Promise<string> {
  const arch = asset.slice(asset.lastIndexOf('.') + 1);
  if (version === PINNED_BUILDX.version) {
    const sum = PINNED_BUILDX.sha256[arch];
    if (sum) return sum;
  }
  // Not our pinned release: take the sum from the release's own checksums.txt.
  const sumsUrl = `${base}/v${version}/checksums.txt`;
  let sums: string;
  try {
    sums = await tc.downloadTool(sumsUrl);
  } catch (e) {
    throw new Error(`Cannot verify buildx ${version}: downloading ${sumsUrl} failed: ${(e as Error).message}. Pin a released 'buildx-version', or leave it empty for the pinned ${PINNED_BUILDX.version}.`);
  }
  const text = fs.readFileSync(sums, 'utf8');
  fs.rmSync(sums, { force: true });
  const line = text.split('\n').find((l) => l.trim().endsWith(` *${asset}`) || l.trim().endsWith(`  ${asset}`));
  const sum = line?.trim().split(/\s+/)[0];
  if (!sum || !/^[a-f0-9]{64}$/.test(sum)) throw new Error(`No SHA-256 for ${asset} in buildx ${version}'s checksums.txt; cannot verify the download.`);
  return sum;
}
