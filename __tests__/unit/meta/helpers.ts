import type { GitContext } from '../../../src/read/context.js';
import { InputError } from '../../../src/errors.js';

// Shared fixtures for the meta tests: a push to the default branch of octo/app, at a fixed
// instant, so every expected tag below can be written out in full.

export const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
export const SHORT = 'sha-860c190';
export const NOW = new Date('2026-01-10T15:25:50.123Z');

export function git(over: Partial<GitContext> = {}): GitContext {
  return {
    eventName: 'push',
    ref: 'refs/heads/main',
    sha: SHA,
    repository: 'octo/app',
    serverUrl: 'https://github.com',
    defaultBranch: 'main',
    now: NOW,
    env: {},
    ...over,
  };
}

/** Common runs, by the refs the issue asks us to cover. */
export const RUN = {
  main: git(),
  feature: git({ ref: 'refs/heads/feature/x' }),
  release: git({ ref: 'refs/tags/v1.2.3' }),
  rc: git({ ref: 'refs/tags/v2.0.0-rc.1' }),
  zero: git({ ref: 'refs/tags/0.3.1' }),
  oddTag: git({ ref: 'refs/tags/foo' }),
  pr: git({ eventName: 'pull_request', ref: 'refs/pull/7/merge', baseRef: 'main', prNumber: 7, prHeadSha: 'abcdef0123456789abcdef0123456789abcdef01' }),
  nightly: git({ eventName: 'schedule' }),
} as const;

/** The InputError `fn` throws; fails the test if it throws anything else or nothing. */
export function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw new Error(`expected an InputError, got ${String(e)}`);
  }
  throw new Error('expected an InputError, nothing was thrown');
}
