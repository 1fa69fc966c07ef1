import { lockDigest, normaliseManifest, sha256 } from './cargo-files.js';
export { lockDigest, normaliseManifest } from './cargo-files.js';

/**
 * The cache key for the Cargo cache mounts (and the `cache: local` layer directory). Pure: the
 * plan computes it from file contents it already read, and the executor logs every ingredient in a
 * "Cache key" group, the way Swatinem/rust-cache explains its key.
 *
 *   muslrust-chef-v2-<image>-<platform pairs>-<8 hex: toolchain>-<8 hex: environment>-<16 hex: dependencies>
 *   └────────────────── restore key 2 (any entry of this toolchain) ─┘                  │
 *   └────────────────── restore key 1 (same environment) ──────────────────────────┘
 *
 * Restore order (what @actions/cache's restoreKeys tries): the exact key; else the newest entry of
 * the same environment (only Cargo.lock / Cargo.toml differ: a dependency was added or bumped); else
 * the newest entry of this image, platforms, toolchain and profile (the Dockerfile, features or
 * .cargo/config changed). Restoring an older entry is always safe: cargo's fingerprints cover
 * compiler, flags, features and versions, so it only decides how much is reused. Dependencies
 * (Cargo.lock + Cargo.toml) sit in the LAST part on purpose: adding a dependency must still find the
 * previous entry (it used to sit in the environment hash, and a new dependency restored nothing).
 * The workspace's own crate versions are left out: bumping your crate's version keeps the key.
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
  /** Ordered fallbacks after the exact key: same environment, then same image/platforms/toolchain/profile. */
  restoreKeys: string[];
  /** Every ingredient, in log order. */
  ingredients: Array<{ name: string; value: string }>;
  /** For core.warning (e.g. a Cargo.lock we could not parse). */
  warnings: string[];
}

// v2: toolchain and dependencies moved out of one environment hash (v1 entries are never restored).
export const KEY_PREFIX = 'muslrust-chef-v2';

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

  // Which compiler and profile: entries of another toolchain or profile hold nothing cargo can reuse.
  const toolchain: Array<[string, string]> = [];
  const env: Array<[string, string]> = [];
  const files = sortedEntries(i.configFiles);
  for (const [name, text] of files) {
    const h = sha256(text);
    (/(^|\/)rust-toolchain(\.toml)?$/.test(name) ? toolchain : env).push([name, h]);
    add(name, `sha256 ${h.slice(0, 12)}`);
  }
  if (files.length === 0) add('rust-toolchain / .cargo/config', 'none in the workspace');
  // The builder image (and so rustc, without a rust-toolchain file) is named by the FROM lines.
  const from = i.dockerfile.split('\n').filter((l) => /^\s*FROM\s/i.test(l)).map((l) => l.trim()).join('\n');
  toolchain.push(['FROM', from], ['profile', i.profile]);
  add('builder (FROM lines)', `sha256 ${sha256(from).slice(0, 12)}`);
  add('profile', i.profile);
  const toolchainHash = sha256(JSON.stringify(toolchain)).slice(0, 8);

  // Everything else that changes how dependencies compile, except the dependencies themselves.
  const dockerfileHash = sha256(i.dockerfile);
  env.push(['Dockerfile', dockerfileHash]);
  add('Dockerfile', `sha256 ${dockerfileHash.slice(0, 12)}`);
  const features = [...new Set(i.features.map((f) => f.trim()).filter((f) => f !== ''))].sort();
  env.push(['features', features.join(',')]);
  add('features', features.length ? features.join(', ') : '(default)');
  env.push(['bin', i.bin]);
  add('bin', i.bin || '(default)');
  const envHash = sha256(JSON.stringify(env)).slice(0, 8);

  // The dependencies: Cargo.lock, and the Cargo.toml files (features of dependencies live there).
  const lock = lockDigest(i.lock);
  if (lock.warning) warnings.push(lock.warning);
  const deps: Array<[string, string]> = [['Cargo.lock', sha256(lock.text)]];
  add('Cargo.lock', `${lock.summary}: sha256 ${deps[0]![1].slice(0, 12)}`);
  if (i.manifests !== undefined) {
    const mf = sortedEntries(i.manifests);
    const h = sha256(JSON.stringify(mf.map(([name, text]) => [name, normaliseManifest(text)])));
    deps.push(['manifests', h]);
    add('Cargo.toml files', `${mf.length} file${mf.length === 1 ? '' : 's'}, own crate versions ignored, sha256 ${h.slice(0, 12)}`);
  }
  const depsHash = sha256(JSON.stringify(deps)).slice(0, 16);
  add('toolchain hash', toolchainHash);
  add('environment hash', envHash);
  add('dependencies hash', depsHash);

  const anyEntry = `${KEY_PREFIX}-${image}-${plats}-${toolchainHash}-`;
  const sameEnv = `${anyEntry}${envHash}-`;
  const key = `${sameEnv}${depsHash}`;
  add('key', key);
  add('restore keys', `${sameEnv} (same environment), then ${anyEntry} (same toolchain and profile)`);
  return { key, restoreKeys: [sameEnv, anyEntry], ingredients, warnings };
}

export type RestoreLevel = 'exact' | 'environment' | 'toolchain';

/** What a restore found (the Cargo cache mounts, the local layer cache): for the log and the job summary. */
export interface RestoreOutcome {
  /** True only for an exact key match that is now usable (the `cache-hit` output). */
  hit: boolean;
  /** The key restored: the primary key, or an older one found by a restore key. */
  matchedKey?: string;
  /** Which fallback matched. */
  level?: RestoreLevel;
  /** Size of what was restored, and the time restore (+ loading into the builder) took. */
  files?: number;
  bytes?: number;
  seconds?: number;
  /** Cache mounts only: the restored entry was loaded into the builder. */
  loaded?: boolean;
}

/** Which fallback a restored key came from, for the log and the summary (undefined: not ours). */
export function restoreLevel(k: Pick<CacheKey, 'key' | 'restoreKeys'>, matched: string): RestoreLevel | undefined {
  if (matched === k.key) return 'exact';
  const [sameEnv, anyEntry] = k.restoreKeys;
  if (sameEnv !== undefined && matched.startsWith(sameEnv)) return 'environment';
  if (anyEntry !== undefined && matched.startsWith(anyEntry)) return 'toolchain';
  return undefined;
}

/** What a restore level means, for log lines. */
export const RESTORE_LEVEL_TEXT: Record<RestoreLevel, string> = {
  exact: 'the exact key',
  environment: 'an entry of the same environment (other dependencies: only what changed compiles)',
  toolchain: 'an entry of the same toolchain and profile (the Dockerfile, features or .cargo/config changed)',
};

/** Lines for the "Cache key" log group. */
export function formatCacheKey(k: CacheKey): string[] {
  const w = Math.max(...k.ingredients.map((x) => x.name.length));
  return k.ingredients.map(({ name, value }) => `${name.padEnd(w)}  ${value}`);
}
