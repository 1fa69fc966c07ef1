import { lockDigest, normaliseManifest, sha256 } from './cargo-files.js';
export { lockDigest, normaliseManifest } from './cargo-files.js';

/**
 * The cache key for the Cargo cache mounts (and the `cache: local` layer directory). Pure: the
 * plan computes it from file contents it already read, and the executor logs every ingredient in a
 * "Cache key" group, the way Swatinem/rust-cache explains its key.
 *
 *   muslrust-chef-v1-<image>-<platform pairs>-<8 hex: config/env>-<16 hex: Cargo.lock dependencies>
 *   └──────────────── restorePrefix ──────────────────────────────┘
 *
 * A Cargo.lock change alters only the last part, so restoring by `restorePrefix` brings back the
 * previous mounts and only the changed dependencies recompile. The workspace's own crates are left
 * out of the lock hash: bumping your crate's version keeps the key.
 */
export interface CacheKeyInput {
  /** Raw Cargo.lock text. */
  lock: string;
  /** rust-toolchain(.toml) and .cargo/config(.toml) contents by relative path (Workspace.configFiles). */
  configFiles: Record<string, string>;
  /** The Dockerfile text the build uses (generated or the user's). Must not contain per-run data. */
  dockerfile: string;
  profile: string;
  features: readonly string[];
  /** linux/amd64 style platforms of this build (one on a matrix leg). */
  platforms: readonly string[];
  bin: string;
  /** First image name, e.g. ghcr.io/org/app. */
  image: string;
  /**
   * Optional: workspace Cargo.toml texts by relative path. Hashed with the crates' own versions and
   * path-dependency versions blanked (so a version bump keeps the key), but a changed dependency,
   * feature or profile setting changes it. Cargo.lock alone does not see feature changes.
   */
  manifests?: Record<string, string>;
}

export interface CacheKey {
  key: string;
  /** Everything before the lock hash: the restore key that finds the previous Cargo.lock's entry. */
  restorePrefix: string;
  /** Every ingredient, in log order. */
  ingredients: Array<{ name: string; value: string }>;
  /** For core.warning (e.g. a Cargo.lock we could not parse). */
  warnings: string[];
}

export const KEY_PREFIX = 'muslrust-chef-v1';
/** Cargo.lock format versions whose package list we understand (absent = v1/v2). */

/** Lower-case, only [a-z0-9._-], no leading/trailing dash, bounded: safe in cache keys and scopes. */
export function slug(s: string, max = 80): string {
  const v = s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return v.slice(0, max).replace(/[-.]+$/, '') || 'image';
}

/** `linux/amd64` → `linux-amd64`; several are sorted and joined with `_`. */
export function platformsPart(platforms: readonly string[]): string {
  const pairs = [...new Set(platforms.map((p) => slug(p.replace(/\//g, '-'), 40)))].sort();
  return pairs.length ? pairs.join('_') : 'noplatform';
}


const sortedEntries = (r: Record<string, string>): Array<[string, string]> => Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function computeCacheKey(i: CacheKeyInput): CacheKey {
  const ingredients: Array<{ name: string; value: string }> = [];
  const warnings: string[] = [];
  const add = (name: string, value: string): void => {
    ingredients.push({ name, value });
  };

  const image = slug(i.image);
  const plats = platformsPart(i.platforms);
  add('key format', KEY_PREFIX);
  add('image', `${i.image} (as ${image})`);
  add('platforms', i.platforms.length ? [...i.platforms].sort().join(', ') : '(none)');

  // Everything that changes how dependencies compile, except the lock: one 8-hex "environment" hash.
  const env: Array<[string, string]> = [];
  const files = sortedEntries(i.configFiles);
  for (const [name, text] of files) {
    const h = sha256(text);
    env.push([name, h]);
    add(name, `sha256 ${h.slice(0, 12)}`);
  }
  if (files.length === 0) add('rust-toolchain / .cargo/config', 'none in the workspace');
  const dockerfileHash = sha256(i.dockerfile);
  env.push(['Dockerfile', dockerfileHash]);
  add('Dockerfile', `sha256 ${dockerfileHash.slice(0, 12)}`);
  env.push(['profile', i.profile]);
  add('profile', i.profile);
  const features = [...new Set(i.features.map((f) => f.trim()).filter((f) => f !== ''))].sort();
  env.push(['features', features.join(',')]);
  add('features', features.length ? features.join(', ') : '(default)');
  env.push(['bin', i.bin]);
  add('bin', i.bin || '(default)');
  if (i.manifests !== undefined) {
    const mf = sortedEntries(i.manifests);
    const h = sha256(JSON.stringify(mf.map(([name, text]) => [name, normaliseManifest(text)])));
    env.push(['manifests', h]);
    add('Cargo.toml files', `${mf.length} file${mf.length === 1 ? '' : 's'}, own crate versions ignored, sha256 ${h.slice(0, 12)}`);
  }
  const envHash = sha256(JSON.stringify(env)).slice(0, 8);

  const lock = lockDigest(i.lock);
  if (lock.warning) warnings.push(lock.warning);
  const lockHash = sha256(lock.text).slice(0, 16);
  add('Cargo.lock', `${lock.summary}: ${lockHash}`);
  add('environment hash', envHash);

  const restorePrefix = `${KEY_PREFIX}-${image}-${plats}-${envHash}-`;
  const key = `${restorePrefix}${lockHash}`;
  add('key', key);
  add('restore prefix', restorePrefix);
  return { key, restorePrefix, ingredients, warnings };
}

/** Lines for the "Cache key" log group. */
export function formatCacheKey(k: CacheKey): string[] {
  const w = Math.max(...k.ingredients.map((x) => x.name.length));
  return k.ingredients.map(({ name, value }) => `${name.padEnd(w)}  ${value}`);
}
