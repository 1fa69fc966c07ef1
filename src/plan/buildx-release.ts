import semver from 'semver';
import { InputError } from '../errors.js';

// Which buildx we accept and which we install. No imports from inputs.ts or the executor, so the
// input parser can check `buildx-version` before any docker command runs.

/** GitHub's cache service v2 (the only one left) needs buildx >= 0.21 and BuildKit >= 0.20. */
export const MIN_BUILDX = '0.21.0';
/**
 * The buildx we install when the runner's is missing or too old, with the release's SHA-256 sums
 * embedded here: docker/setup-buildx-action downloads without verifying, we refuse a mismatch.
 */
export const PINNED_BUILDX = {
  version: '0.30.1',
  // From the release's checksums.txt (also pinned by docker-library/docker's cli Dockerfile).
  sha256: {
    'linux-amd64': 'c37114fcd034025ec68e224657c8a5a850df472ded3ddcbca75ad3a7ebb9710d',
    'linux-arm64': '31d012d52d6df68aef4b55db62330967b562811f0de30cdfaa4505f314797c76',
  } as Record<string, string>,
};

const SEMVER_ISH = /^v?\d+\.\d+\.\d+$/;

/**
 * The `buildx-version` input: empty, `latest`, or a release >= MIN_BUILDX. Checked with the other
 * inputs: an old version must not slip through later as "installed, as requested".
 */
export function parseBuildxVersionInput(input: string, raw: string): string {
  const v = raw.trim();
  if (v !== '' && v !== 'latest' && !SEMVER_ISH.test(v)) {
    throw new InputError(input, raw, 'is not a buildx release version', `Use e.g. v${PINNED_BUILDX.version}, or leave it empty to use the installed buildx (>= ${MIN_BUILDX}) or the pinned one.`);
  }
  if (SEMVER_ISH.test(v) && semver.lt(v.replace(/^v/, ''), MIN_BUILDX)) {
    throw new InputError(input, raw, `is older than ${MIN_BUILDX}`, `GitHub's cache service v2 needs buildx ${MIN_BUILDX} or newer: use e.g. v${PINNED_BUILDX.version}, or leave it empty.`);
  }
  return v;
}
