import type { ImageName } from '../plan/image-ref.js';
import type { Platform } from '../plan/platforms.js';
import { platformsPart, slug } from './key.js';

/**
 * BuildKit's layer cache (`--cache-from` / `--cache-to`): pure argv fragments, one per `cache` input
 * value. The fragment is always `--cache-from …` then `--cache-to …`; append it AFTER any other
 * `--cache-to` the caller adds, because with several `--cache-to` the local exporter must be last
 * (engine pitfall seen here).
 */
export type LayerCache = 'gha' | 'registry' | 'local' | 'none';
export type CacheMode = 'min' | 'max';

export interface LayerCacheOptions {
  cache: LayerCache;
  mode: CacheMode;
  /** The build's images; names and refs come from the first one. */
  images: readonly ImageName[];
  /** Platforms of THIS build: all of them, or one on a matrix leg. */
  platforms: readonly Platform[];
  /** For `cache: local`: the directory @actions/cache persists (see persist.ts). */
  localDir: string;
}

/**
 * Per-request budget of go-actions-cache's retry loop (429 backoff: 1 s doubling up to 90 s). Two
 * minutes rides out one full per-minute rate-limit window (GitHub: 200 uploads/min/repo) but stops a
 * throttled or broken cache API from adding BuildKit's default 10 minutes to a release. It does not
 * bound the blob transfer itself (Azure SDK retries; an unreachable blob host hung an export ~16 min):
 * only the job's `timeout-minutes` bounds that, and `ignore-error=true` keeps the build green.
 */
export const GHA_TIMEOUT = '2m';

/**
 * The gha scope: one per image, and per platform when this build has a single platform (a matrix leg)
 * so that legs do not overwrite each other's cache index. A multi-platform build keeps one index that
 * covers every platform.
 */
export function ghaScope(images: readonly ImageName[], platforms: readonly Platform[]): string {
  const base = `muslrust-chef-${slug(firstImage(images).name)}`;
  return platforms.length === 1 ? `${base}-${platformsPart(platforms)}` : base;
}

/** `<first image>:buildcache`, or `:buildcache-linux-arm64` on a single-platform leg (same reason as the gha scope). */
export function registryCacheRef(images: readonly ImageName[], platforms: readonly Platform[]): string {
  const tag = platforms.length === 1 ? `buildcache-${platformsPart(platforms)}` : 'buildcache';
  return `${firstImage(images).name}:${tag}`;
}

/**
 * `cache: local` reads the restored directory and writes a fresh one next to it; post swaps them and
 * saves (persist.ts). Writing into the directory it reads from would grow it forever: BuildKit's local
 * exporter never deletes old blobs.
 */
export function localCacheDirs(localDir: string): { from: string; to: string } {
  const from = localDir.replace(/\/+$/, '');
  return { from, to: `${from}-new` };
}

function firstImage(images: readonly ImageName[]): ImageName {
  const first = images[0];
  if (first === undefined) throw new Error('layer cache needs at least one image');
  return first;
}

export function layerCacheArgs(o: LayerCacheOptions): string[] {
  switch (o.cache) {
    case 'none':
      return [];
    case 'gha': {
      const scope = ghaScope(o.images, o.platforms);
      return [
        '--cache-from',
        `type=gha,scope=${scope},timeout=${GHA_TIMEOUT}`,
        '--cache-to',
        `type=gha,scope=${scope},mode=${o.mode},ignore-error=true,timeout=${GHA_TIMEOUT}`,
      ];
    }
    case 'registry': {
      const ref = registryCacheRef(o.images, o.platforms);
      // image-manifest + oci-mediatypes: a plain OCI image manifest, which every registry accepts
      // (ECR and some others reject BuildKit's cache manifest list).
      return [
        '--cache-from',
        `type=registry,ref=${ref}`,
        '--cache-to',
        `type=registry,ref=${ref},mode=${o.mode},oci-mediatypes=true,image-manifest=true,ignore-error=true`,
      ];
    }
    case 'local': {
      const { from, to } = localCacheDirs(o.localDir);
      return ['--cache-from', `type=local,src=${from}`, '--cache-to', `type=local,dest=${to},mode=${o.mode},ignore-error=true`];
    }
  }
}
