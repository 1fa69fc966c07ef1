import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import fs from 'node:fs';
import path from 'node:path';
import type { DockerRunner } from './docker.js';
import { sha256File } from './buildx.js';

/**
 * The cosign we install when the runner has none (GitHub's images do not ship it), with the
 * release's SHA-256 sums embedded: the same release and sums sigstore/cosign-installer pins as its
 * bootstrap version. A mismatch is refused, the download deleted.
 */
export const PINNED_COSIGN = {
  version: '3.0.6',
  sha256: {
    amd64: 'c956e5dfcac53d52bcf058360d579472f0c1d2d9b69f55209e256fe7783f4c74',
    arm64: 'bedac92e8c3729864e13d4a17048007cfafa79d5deca993a43a90ffe018ef2b8',
  } as Record<string, string>,
};

export function cosignAsset(arch: string = process.arch): string {
  return `cosign-linux-${arch === 'x64' ? 'amd64' : arch}`;
}

/**
 * cosign on PATH (e.g. from sigstore/cosign-installer in an earlier step) is used as it is;
 * otherwise the pinned release is downloaded into `dir`, verified, and its path returned.
 */
export async function ensureCosign(docker: DockerRunner, o: { dir: string; env: Readonly<Record<string, string | undefined>>; arch?: string }): Promise<string> {
  const probe = await docker.run(['cosign', 'version'], { allowFailure: true, silent: true }).catch(() => undefined);
  if (probe && probe.exitCode === 0) {
    const v = /GitVersion:\s*(\S+)/.exec(probe.stdout)?.[1] ?? 'unknown version';
    core.info(`cosign ${v} is on PATH: using it`);
    return 'cosign';
  }
  const asset = cosignAsset(o.arch);
  const expected = PINNED_COSIGN.sha256[asset.replace('cosign-linux-', '')];
  if (!expected) throw new Error(`No pinned cosign for ${asset}; install cosign in an earlier step (sigstore/cosign-installer).`);
  const base = (o.env.MUSLRUST_CHEF_COSIGN_BASE_URL ?? 'https://github.com/sigstore/cosign/releases/download').replace(/\/$/, '');
  const url = `${base}/v${PINNED_COSIGN.version}/${asset}`;
  let file: string;
  try {
    file = await tc.downloadTool(url);
  } catch (e) {
    throw new Error(`cosign is not installed and downloading ${url} failed: ${(e as Error).message}. Install cosign in an earlier step (sigstore/cosign-installer) or allow access to github.com.`);
  }
  try {
    const actual = sha256File(file);
    if (actual !== expected) throw new Error(`Checksum mismatch for ${url}: expected sha256 ${expected}, got ${actual}. The download was removed; retry.`);
    fs.mkdirSync(o.dir, { recursive: true });
    const target = path.join(o.dir, 'cosign');
    fs.copyFileSync(file, target);
    fs.chmodSync(target, 0o755);
    core.info(`installed cosign ${PINNED_COSIGN.version} (sha256 ${actual})`);
    return target;
  } finally {
    fs.rmSync(file, { force: true });
  }
}
