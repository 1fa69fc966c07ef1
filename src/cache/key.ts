import { createHash } from 'node:crypto';
import { parse as parseToml } from 'smol-toml';

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
const KNOWN_LOCK_VERSIONS = new Set([3, 4]);

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

type Toml = Record<string, unknown>;
const isObj = (v: unknown): v is Toml => typeof v === 'object' && v !== null && !Array.isArray(v);

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

interface LockDigest {
  /** Text that is hashed. */
  text: string;
  summary: string;
  warning?: string;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

function rawLock(raw: string, why: string): LockDigest {
  return {
    text: `raw\n${raw}`,
    summary: `raw file hashed (${why})`,
    warning:
      `Cargo.lock ${why}, so the cache key hashes the whole file: any edit to it, even a version bump of ` +
      `your own crate, starts a new cache entry. Regenerate it with a current cargo ('cargo generate-lockfile') to fix this.`,
  };
}

/**
 * The dependency part of Cargo.lock: only packages with a `source` (crates.io, other registries,
 * git). Workspace and path crates have no source and are dropped, with their versions.
 */
export function lockDigest(raw: string): LockDigest {
  let doc: Toml;
  try {
    doc = parseToml(raw) as Toml;
  } catch (e) {
    return rawLock(raw, `is not valid TOML (${firstLine(e)})`);
  }
  const version = doc.version;
  if (version !== undefined && !(typeof version === 'number' && KNOWN_LOCK_VERSIONS.has(version))) {
    return rawLock(raw, `has format version ${JSON.stringify(version)}, which this action does not know (it reads 1 to 4)`);
  }
  const pkgs = doc.package ?? [];
  if (!Array.isArray(pkgs)) return rawLock(raw, 'has a [package] entry that is not an array of tables');
  const deps: Toml[] = [];
  let own = 0;
  for (const p of pkgs) {
    if (!isObj(p) || typeof p.name !== 'string' || typeof p.version !== 'string') {
      return rawLock(raw, 'has a [[package]] without a string name and version');
    }
    if (typeof p.source !== 'string' && typeof p.checksum !== 'string') {
      own++;
      continue;
    }
    const d: Toml = { name: p.name, version: p.version };
    if (typeof p.source === 'string') d.source = p.source;
    if (typeof p.checksum === 'string') d.checksum = p.checksum;
    if (Array.isArray(p.dependencies)) d.dependencies = p.dependencies.filter((x): x is string => typeof x === 'string').sort();
    deps.push(d);
  }
  const id = (d: Toml): string => `${String(d.name)} ${String(d.version)} ${String(d.source ?? '')}`;
  deps.sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  // Lock v1 kept checksums in [metadata] ("checksum <name> <version> (<source>)" = "<sha>"): only
  // registry crates have one, so the table belongs to the dependency part as a whole.
  const meta = isObj(doc.metadata) ? Object.entries(doc.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  const fmt = version === undefined ? 'v1/v2' : `v${String(version)}`;
  return {
    text: JSON.stringify({ packages: deps, metadata: meta }),
    summary: `${fmt}, ${deps.length} registry/git package${deps.length === 1 ? '' : 's'} hashed, ${own} workspace/path crate${own === 1 ? '' : 's'} ignored`,
  };
}

/** JSON with object keys sorted, so key order in a TOML file does not matter. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObj(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  }
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  return JSON.stringify(v) ?? 'null';
}

const DEP_TABLES = ['dependencies', 'dev-dependencies', 'build-dependencies'];

function blankPathDeps(t: unknown): void {
  if (!isObj(t)) return;
  for (const dep of Object.values(t)) {
    if (isObj(dep) && typeof dep.path === 'string') {
      delete dep.version;
      delete dep.path;
    }
  }
}

/** A Cargo.toml with the crate's own version and path dependencies' version/path blanked. */
export function normaliseManifest(text: string): string {
  let doc: Toml;
  try {
    doc = parseToml(text) as Toml;
  } catch {
    return `raw\n${text}`;
  }
  if (isObj(doc.package) && typeof doc.package.version === 'string') doc.package.version = '0.0.0';
  const ws = doc.workspace;
  if (isObj(ws)) {
    if (isObj(ws.package) && typeof ws.package.version === 'string') ws.package.version = '0.0.0';
    blankPathDeps(ws.dependencies);
  }
  for (const name of DEP_TABLES) blankPathDeps(doc[name]);
  if (isObj(doc.target)) {
    for (const cfg of Object.values(doc.target)) if (isObj(cfg)) for (const name of DEP_TABLES) blankPathDeps(cfg[name]);
  }
  return stableJson(doc);
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
