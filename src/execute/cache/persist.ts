import fs from 'node:fs';
import * as cache from '@actions/cache';
import { type DockerRunner } from '../docker.js';
import { errorMessage } from '../../errors.js';
import { maskSignedUrls } from '../../cache/env.js';
import { KEY_PREFIX } from '../../cache/key.js';
import { localCacheDirs } from '../../cache/layer.js';
import { extractMounts, injectMounts, UTILITY_IMAGE } from './dance.js';
import { cleanDir, coreLog, saveBlocked, mb, NO_SERVICE, restoreDir, saveDir, secs, tree, type LocalCacheState, type Log, type MountsState, type RestoreResult, type SaveResult } from './store.js';

export { extractArgv, extractDockerfile, injectArgv, injectDockerfile, STAMP_ARG, UTILITY_IMAGE } from './dance.js';
export type { LocalCacheState, Log, MountsState, RestoreResult, SaveOutcome, SaveResult } from './store.js';

/**
 * Persisting caches across workflow runs with @actions/cache:
 *
 * - Cargo cache mounts (`cache-mounts: true`). BuildKit never exports `RUN --mount=type=cache`
 *   contents with --cache-to, so main restores a host directory and "injects" it into the builder's
 *   cache mounts, and post "extracts" the mounts back and saves the directory (the buildkit cache
 *   dance). Layout: `<dir>/<arch>/<mount name>/…`.
 * - The `cache: local` layer-cache directory (read from `<dir>`, written to `<dir>-new`).
 *
 * Caching is never worth failing a release: every problem here is a warning, nothing throws.
 * The directory path is part of @actions/cache's entry version, so pass the same absolute path in
 * every run (e.g. `$RUNNER_TEMP/muslrust-chef-mounts`).
 */


// ---- Cargo cache mounts -------------------------------------------------------------------------------

export interface RestoreMountsOptions {
  key: string;
  restorePrefix: string;
  /** Absolute host directory, the same path in every run. */
  dir: string;
  platforms: readonly string[];
  builder: string;
  docker: DockerRunner;
  utilityImage?: string;
  log?: Log;
}

async function restoreCacheMountsImpl(o: RestoreMountsOptions): Promise<RestoreResult<MountsState>> {
  const log = o.log ?? coreLog;
  const state: MountsState = { key: o.key, dir: o.dir, platforms: [...o.platforms], builder: o.builder };
  if (!cache.isFeatureAvailable()) {
    log.warning(`${NO_SERVICE} the Cargo cache mounts start empty and are not saved: every dependency compiles from scratch.`);
    return { hit: false, state };
  }
  const t0 = Date.now();
  cleanDir(o.dir);
  const matched = await restoreDir(o.dir, o.key, o.restorePrefix, 'Cargo cache mounts', log);
  if (matched === undefined) {
    log.info(`No saved Cargo cache mounts for ${o.key} (nor any ${o.restorePrefix}*): dependencies compile from scratch; post saves them.`);
    return { hit: false, state };
  }
  const exact = matched === o.key;
  // An exact entry exists whatever happens next: post must not try to save the same key again.
  if (exact) state.hitKey = matched;
  const { files, bytes } = tree(o.dir);
  const injected = await injectMounts(state, o.docker, o.utilityImage ?? UTILITY_IMAGE, log);
  if (injected) {
    log.info(
      `Restored the Cargo cache mounts from ${exact ? 'the exact key' : `an older entry (${matched})`}: ${files} files, ${mb(bytes)}, ` +
        `loaded into builder '${o.builder}' in ${secs(t0)}.`,
    );
  }
  return { hit: exact && injected, matchedKey: matched, state };
}

export interface SaveOptions {
  buildSucceeded: boolean;
  utilityImage?: string;
  log?: Log;
}

async function saveCacheMountsImpl(s: MountsState, docker: DockerRunner, o: SaveOptions): Promise<SaveResult> {
  const log = o.log ?? coreLog;
  const blocked = saveBlocked('Cargo cache mounts', s, o.buildSucceeded, log);
  if (blocked) return blocked;
  const t0 = Date.now();
  if (!(await extractMounts(s, docker, o.utilityImage ?? UTILITY_IMAGE, log))) return { outcome: 'extract-failed' };
  log.info(`Copied the Cargo cache mounts out of builder '${s.builder}' in ${secs(t0)}.`);
  return saveDir(s.dir, s.key, 'Cargo cache mounts', log);
}

// ---- cache: local (layer cache directory) -------------------------------------------------------------

/** Entries of the local layer cache live beside the mounts' ones: `muslrust-chef-v1-layers-…`. */
export function localLayerKey(k: { key: string; restorePrefix: string }): { key: string; restorePrefix: string } {
  const swap = (v: string): string => (v.startsWith(`${KEY_PREFIX}-`) ? `${KEY_PREFIX}-layers-${v.slice(KEY_PREFIX.length + 1)}` : `layers-${v}`);
  return { key: swap(k.key), restorePrefix: swap(k.restorePrefix) };
}

export interface RestoreLocalOptions {
  /** The cache key and restore prefix (computeCacheKey); the entry is stored as `…-layers-…`. */
  key: string;
  restorePrefix: string;
  /** The `localDir` given to layerCacheArgs. */
  dir: string;
  log?: Log;
}

async function restoreLocalCacheImpl(o: RestoreLocalOptions): Promise<RestoreResult<LocalCacheState>> {
  const log = o.log ?? coreLog;
  const k = localLayerKey(o);
  const { from, to } = localCacheDirs(o.dir);
  const state: LocalCacheState = { key: k.key, dir: from };
  if (!cache.isFeatureAvailable()) {
    log.warning(`${NO_SERVICE} the local layer cache starts empty and is not saved.`);
    return { hit: false, state };
  }
  cleanDir(from);
  fs.rmSync(to, { recursive: true, force: true });
  const matched = await restoreDir(from, k.key, k.restorePrefix, 'local layer cache', log);
  if (matched === undefined) {
    log.info(`No saved local layer cache for ${k.key}: the first build fills it.`);
    return { hit: false, state };
  }
  if (matched === k.key) state.hitKey = matched;
  return { hit: matched === k.key, matchedKey: matched, state };
}

async function saveLocalCacheImpl(s: LocalCacheState, o: { buildSucceeded: boolean; log?: Log }): Promise<SaveResult> {
  const log = o.log ?? coreLog;
  const { from, to } = localCacheDirs(s.dir);
  const blocked = saveBlocked('local layer cache', s, o.buildSucceeded, log);
  if (blocked) return blocked;
  if (tree(to).files === 0) {
    log.info(`Nothing to save for the local layer cache: the build wrote nothing to ${to}.`);
    return { outcome: 'empty' };
  }
  try {
    fs.rmSync(from, { recursive: true, force: true });
    fs.renameSync(to, from);
  } catch (e) {
    log.warning(`Could not move ${to} to ${from}: ${errorMessage(e)}. The local layer cache is not saved.`);
    return { outcome: 'not-saved' };
  }
  return saveDir(from, s.key, 'local layer cache', log);
}

// ---- public entry points: whatever goes wrong (a full disk, a permission), the build goes on -------------

async function guarded<T>(what: string, log: Log | undefined, fallback: T, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    (log ?? coreLog).warning(`${what} failed: ${maskSignedUrls(errorMessage(e))}. The build does not depend on it.`);
    return fallback;
  }
}

/**
 * Main, before the image build: restore the host directory (exact key, else the newest entry under
 * the restore prefix) and inject it into the builder's cache mounts, also on an exact hit (the
 * builder is new in every job). Never throws.
 */
export function restoreCacheMounts(o: RestoreMountsOptions): Promise<RestoreResult<MountsState>> {
  const state: MountsState = { key: o.key, dir: o.dir, platforms: [...o.platforms], builder: o.builder };
  return guarded('Restoring the Cargo cache mounts', o.log, { hit: false, state }, () => restoreCacheMountsImpl(o));
}

/**
 * Post: copy the cache mounts out of the builder and save them under the key. Skipped after a failed
 * build or an exact hit. Must run BEFORE the builder is removed. Never throws.
 */
export function saveCacheMounts(s: MountsState, docker: DockerRunner, o: SaveOptions): Promise<SaveResult> {
  return guarded('Saving the Cargo cache mounts', o.log, { outcome: 'not-saved' }, () => saveCacheMountsImpl(s, docker, o));
}

/** Main, before the build: restore the `cache: local` directory that `--cache-from type=local` reads. Never throws. */
export function restoreLocalCache(o: RestoreLocalOptions): Promise<RestoreResult<LocalCacheState>> {
  const state: LocalCacheState = { key: localLayerKey(o).key, dir: localCacheDirs(o.dir).from };
  return guarded('Restoring the local layer cache', o.log, { hit: false, state }, () => restoreLocalCacheImpl(o));
}

/** Post: replace the directory by what `--cache-to type=local` wrote and save it. Never throws. */
export function saveLocalCache(s: LocalCacheState, o: { buildSucceeded: boolean; log?: Log }): Promise<SaveResult> {
  return guarded('Saving the local layer cache', o.log, { outcome: 'not-saved' }, () => saveLocalCacheImpl(s, o));
}
