import fs from 'node:fs';
import path from 'node:path';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { errorMessage } from '../../errors.js';
import type { MainState } from '../state.js';
import { maskSignedUrls } from '../../cache/env.js';

// The @actions/cache side of persistence, shared by the cache mounts and the local layer cache:
// result types, the guarded restore/save of one directory, and small file helpers.
export interface Log {
  info(message: string): void;
  warning(message: string): void;
}
export const coreLog: Log = { info: (m) => core.info(m), warning: (m) => core.warning(m) };

export type MountsState = NonNullable<MainState['cacheMounts']>;
export type LocalCacheState = NonNullable<MainState['localCache']>;

export interface RestoreResult<S> {
  /** True only for an exact key match that is now usable (the `cache-hit` output). */
  hit: boolean;
  /** The key restored: the primary key, or an older one found by the restore prefix. */
  matchedKey?: string;
  /** Save this in MainState for post. */
  state: S;
}

export type SaveOutcome =
  | 'saved'
  | 'build-failed' // never save what a failed build left behind
  | 'exact-hit' // the entry for this key exists and entries are immutable
  | 'no-service' // no cache service in this environment
  | 'extract-failed'
  | 'empty' // nothing to save
  | 'not-saved'; // @actions/cache declined or failed (it logged why)

export interface SaveResult {
  outcome: SaveOutcome;
  cacheId?: number;
  bytes?: number;
  files?: number;
}

export const NO_SERVICE =
  'The GitHub Actions cache service is not available here (ACTIONS_RESULTS_URL / ACTIONS_CACHE_URL are not set), so';

export const secs = (t0: number): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

export function tree(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (d: string): void => {
    let list: fs.Dirent[];
    try {
      list = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return; // missing directory: counts as empty
    }
    for (const e of list) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        files++;
        if (e.isFile()) bytes += fs.statSync(p).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

export const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

export function cleanDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

/** Where the generated Dancefiles go: outside the build context. */

// ---- @actions/cache, guarded ------------------------------------------------------------------------

export async function restoreDir(dir: string, key: string, restorePrefix: string, what: string, log: Log): Promise<string | undefined> {
  try {
    return await cache.restoreCache([dir], key, [restorePrefix]);
  } catch (e) {
    // restoreCache only throws for invalid keys/paths; network and service errors it logs itself.
    log.warning(`Restoring the ${what} failed: ${maskSignedUrls(errorMessage(e))}. Building without it.`);
    return undefined;
  }
}

export async function saveDir(dir: string, key: string, what: string, log: Log): Promise<SaveResult> {
  const { files, bytes } = tree(dir);
  if (files === 0) {
    log.info(`Nothing to save for the ${what}: ${dir} is empty.`);
    return { outcome: 'empty', files, bytes };
  }
  const t0 = Date.now();
  try {
    const id = await cache.saveCache([dir], key);
    if (id === -1) {
      // @actions/cache logged why. It reports every failed reservation (a 409 race, but also a 429 or
      // an unreachable service) as "another job may be creating this cache", at info level.
      log.info(`The ${what} were not saved as ${key} (see the message above); the next run restores an older entry or starts cold.`);
      return { outcome: 'not-saved', files, bytes };
    }
    log.info(`Saved the ${what} (${files} files, ${mb(bytes)}) as ${key} in ${secs(t0)}.`);
    return { outcome: 'saved', cacheId: id, files, bytes };
  } catch (e) {
    log.warning(`Saving the ${what} failed: ${maskSignedUrls(errorMessage(e))}. The next run starts from an older entry or cold.`);
    return { outcome: 'not-saved', files, bytes };
  }
}

/**
 * Why a save must not happen, shared by the cache mounts and the local layer cache: never save what
 * a failed build left, never re-save an exact hit (entries are immutable), nothing without a service.
 */
export function saveBlocked(what: string, s: { key: string; hitKey?: string }, buildSucceeded: boolean, log: Log): SaveResult | undefined {
  if (!buildSucceeded) {
    log.info(`Not saving the ${what}: the build did not succeed.`);
    return { outcome: 'build-failed' };
  }
  if (s.hitKey === s.key) {
    log.info(`Not saving the ${what}: ${s.key} was restored exactly and cache entries are immutable.`);
    return { outcome: 'exact-hit' };
  }
  if (!cache.isFeatureAvailable()) {
    log.info(`${NO_SERVICE} nothing is saved for the ${what}.`);
    return { outcome: 'no-service' };
  }
  return undefined;
}
