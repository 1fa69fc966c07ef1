import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { globSync } from 'tinyglobby';
import { WorkspaceError } from '../errors.js';

export interface BinTarget {
  name: string;
  /** Package (crate) that owns the bin. */
  pkg: string;
  /** Member directory relative to the workspace root ('.' for the root package). */
  member: string;
}

export interface PackageInfo {
  name: string;
  version?: string;
  description?: string;
  license?: string;
  repository?: string;
  homepage?: string;
}

export interface Workspace {
  root: string;
  packages: PackageInfo[];
  bins: BinTarget[];
  /** Raw Cargo.lock text. */
  lock: string;
  /** `rust-toolchain.toml` / `rust-toolchain` channel, when the workspace pins one. */
  toolchainChannel?: string;
  /** Raw bytes of rust-toolchain(.toml) and .cargo/config(.toml) that exist, by relative path. */
  configFiles: Record<string, string>;
  /** Raw Cargo.toml of the root and every member, by relative path (cache-key ingredients). */
  manifests: Record<string, string>;
}

type Toml = Record<string, unknown>;
const isObj = (v: unknown): v is Toml => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function readToml(file: string, rootForMsg: string): Toml {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    // Name the directory, not just `Cargo.toml`: the path is what the user got wrong in 'context'.
    throw new WorkspaceError(
      `No Cargo.toml in ${path.dirname(file)}: set the 'context' input to the directory of your Cargo workspace ` +
        `(relative to the checkout), e.g. \`context: .\` or \`context: services/api\`.`,
    );
  }
  try {
    return parseToml(text) as Toml;
  } catch (e) {
    throw new WorkspaceError(`${path.relative(rootForMsg, file)} is not valid TOML: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Inherited fields (`version.workspace = true`) come from [workspace.package]. */
function field(pkg: Toml, key: string, wsPkg: Toml): string | undefined {
  const v = pkg[key];
  if (isObj(v) && v.workspace === true) return str(wsPkg[key]);
  return str(v);
}

function binsOf(dir: string, manifest: Toml, pkgName: string, member: string): BinTarget[] {
  const out = new Map<string, BinTarget>();
  const pkg = isObj(manifest.package) ? manifest.package : {};
  const explicit = Array.isArray(manifest.bin) ? manifest.bin.filter(isObj) : [];
  for (const b of explicit) {
    const name = str(b.name) ?? pkgName;
    out.set(name, { name, pkg: pkgName, member });
  }
  // Cargo's target auto-discovery, unless `autobins = false`.
  if (pkg.autobins !== false) {
    if (fs.existsSync(path.join(dir, 'src/main.rs')) && !explicit.some((b) => str(b.path) === 'src/main.rs')) {
      if (!out.has(pkgName)) out.set(pkgName, { name: pkgName, pkg: pkgName, member });
    }
    for (const f of globSync(['src/bin/*.rs', 'src/bin/*/main.rs'], { cwd: dir })) {
      const name = f.endsWith('/main.rs') ? path.basename(path.dirname(f)) : path.basename(f, '.rs');
      if (!out.has(name)) out.set(name, { name, pkg: pkgName, member });
    }
  }
  return [...out.values()];
}

function readToolchain(root: string): { channel?: string; files: Record<string, string> } {
  const files: Record<string, string> = {};
  let channel: string | undefined;
  for (const rel of ['rust-toolchain.toml', 'rust-toolchain']) {
    const p = path.join(root, rel);
    if (!fs.existsSync(p)) continue;
    const text = fs.readFileSync(p, 'utf8');
    files[rel] = text;
    if (channel !== undefined) continue;
    try {
      const t = parseToml(text) as Toml;
      channel = isObj(t.toolchain) ? str(t.toolchain.channel) : undefined;
    } catch {
      // The legacy `rust-toolchain` file may be a bare channel name rather than TOML.
      channel = text.trim().split(/\s+/)[0] || undefined;
    }
  }
  for (const rel of ['.cargo/config.toml', '.cargo/config']) {
    const p = path.join(root, rel);
    if (fs.existsSync(p)) files[rel] = fs.readFileSync(p, 'utf8');
  }
  return { channel, files };
}

export function readWorkspace(root: string): Workspace {
  const rootManifest = readToml(path.join(root, 'Cargo.toml'), root);
  const ws = isObj(rootManifest.workspace) ? rootManifest.workspace : undefined;
  const wsPkg = ws && isObj(ws.package) ? ws.package : {};
  const packages: PackageInfo[] = [];
  const bins: BinTarget[] = [];
  const manifests: Record<string, string> = {};

  const addMember = (dir: string, manifest: Toml) => {
    manifests[path.join(path.relative(root, dir), 'Cargo.toml')] = fs.readFileSync(path.join(dir, 'Cargo.toml'), 'utf8');
    if (!isObj(manifest.package)) return;
    const p = manifest.package;
    const name = str(p.name);
    if (!name) throw new WorkspaceError(`${path.relative(root, path.join(dir, 'Cargo.toml')) || 'Cargo.toml'} has a [package] without a name.`);
    const member = path.relative(root, dir) || '.';
    packages.push({
      name,
      version: field(p, 'version', wsPkg),
      description: field(p, 'description', wsPkg),
      license: field(p, 'license', wsPkg),
      repository: field(p, 'repository', wsPkg),
      homepage: field(p, 'homepage', wsPkg),
    });
    bins.push(...binsOf(dir, manifest, name, member));
  };

  addMember(root, rootManifest);
  if (ws) {
    const members = Array.isArray(ws.members) ? ws.members.filter((m): m is string => typeof m === 'string') : [];
    const excluded = new Set((Array.isArray(ws.exclude) ? ws.exclude : []).filter((m): m is string => typeof m === 'string').map((m) => path.normalize(m)));
    const dirs = new Set<string>();
    for (const m of members) {
      const hits = /[*?[]/.test(m) ? globSync(m, { cwd: root, onlyDirectories: true }) : [m];
      for (const h of hits) {
        const rel = path.normalize(h.replace(/\/$/, ''));
        if (rel !== '.' && !excluded.has(rel)) dirs.add(rel);
      }
    }
    for (const rel of [...dirs].sort()) {
      const dir = path.join(root, rel);
      if (!fs.existsSync(path.join(dir, 'Cargo.toml'))) {
        if (/[*?[]/.test(rel)) continue;
        throw new WorkspaceError(`Workspace member '${rel}' listed in Cargo.toml has no Cargo.toml.`);
      }
      addMember(dir, readToml(path.join(dir, 'Cargo.toml'), root));
    }
  }

  const lockPath = path.join(root, 'Cargo.lock');
  if (!fs.existsSync(lockPath)) {
    throw new WorkspaceError(
      `No Cargo.lock in ${root} (the 'context' directory): the image build uses --locked so that dependencies are ` +
        `reproducible and cacheable. Run 'cargo generate-lockfile' there (or any cargo build) and commit Cargo.lock.`,
    );
  }
  const tc = readToolchain(root);
  return { root, packages, bins, lock: fs.readFileSync(lockPath, 'utf8'), toolchainChannel: tc.channel, configFiles: tc.files, manifests };
}
