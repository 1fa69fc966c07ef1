import { createHash } from 'node:crypto';
import { parse as parseToml } from 'smol-toml';

// Cargo.lock and Cargo.toml reduced to what decides the dependency build: registry/git packages of the
// lock (workspace crates' own versions ignored) and manifests with their own version blanked.

const KNOWN_LOCK_VERSIONS = new Set([3, 4]);

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

type Toml = Record<string, unknown>;
const isObj = (v: unknown): v is Toml => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface LockDigest {
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
