import { parse as parseToml } from 'smol-toml';
import { WorkspaceError } from '../errors.js';

/**
 * Cargo.lock against what clux/muslrust carries: zlib and sqlite as static musl libraries, nothing
 * else (OpenSSL and libpq were removed in 2025, clux/muslrust#153). A `-sys` crate that links a
 * library the image lacks fails deep inside the build with a pkg-config error; here it fails (or
 * warns) before any docker command, naming the crate, who pulls it in, and the usual fix.
 */
interface LockPackage {
  name: string;
  source?: string;
  dependencies?: string[];
}

interface SysCrate {
  /** A crate in Cargo.lock that means the library is built from source (the crate's vendored feature). */
  vendoredBy?: string;
  lib: string;
  fix: string;
}

/** Besides openssl-sys (an error): -sys crates whose system library muslrust does not carry. */
const SYS_CRATES: Record<string, SysCrate> = {
  'pq-sys': { vendoredBy: 'pq-src', lib: 'libpq', fix: "enable pq-sys's `bundled` feature (diesel: features = [\"postgres\"] with pq-sys = { features = [\"bundled\"] }), or use a pure-Rust driver (tokio-postgres, sqlx)" },
  'mysqlclient-sys': { vendoredBy: 'mysqlclient-src', lib: 'libmysqlclient', fix: "enable mysqlclient-sys's `bundled` feature, or use a pure-Rust driver (mysql_async, sqlx)" },
  'libgssapi-sys': { lib: 'Kerberos GSSAPI (libgssapi_krb5)', fix: 'drop the GSSAPI/Kerberos feature that pulls it in, or add the library to your own builder-image' },
  'yeslogic-fontconfig-sys': { lib: 'fontconfig', fix: "enable its `dlopen` feature (it then needs no fontconfig at build time), or add fontconfig to your own builder-image" },
};

function packages(lock: string): LockPackage[] {
  try {
    const doc = parseToml(lock) as { package?: unknown };
    return Array.isArray(doc.package) ? (doc.package as LockPackage[]).filter((p) => typeof p?.name === 'string') : [];
  } catch {
    return []; // an unreadable Cargo.lock fails in cargo with its own words; the preflight has nothing to add
  }
}

/** `app → reqwest → native-tls → openssl-sys`: the shortest path from a workspace crate (no `source`). */
function chain(pkgs: LockPackage[], target: string): string {
  const parents = new Map<string, string[]>();
  for (const p of pkgs) for (const d of p.dependencies ?? []) {
    const name = d.split(' ')[0] ?? d;
    parents.set(name, [...(parents.get(name) ?? []), p.name]);
  }
  const local = new Set(pkgs.filter((p) => p.source === undefined).map((p) => p.name));
  const seen = new Set([target]);
  let frontier: string[][] = [[target]];
  let longest = [target];
  while (frontier.length > 0) {
    longest = frontier[0] ?? longest;
    const next: string[][] = [];
    for (const path of frontier) {
      const head = path[0] as string;
      if (local.has(head) && path.length > 1) return path.join(' → ');
      for (const up of parents.get(head) ?? []) if (!seen.has(up)) {
        seen.add(up);
        next.push([up, ...path]);
      }
    }
    frontier = next;
  }
  return longest.join(' → '); // no workspace crate above it (a stale lock entry): the top-most dependent
}

export function muslPreflight(lock: string, o: { builderImage: boolean }): string[] {
  const pkgs = packages(lock);
  const has = (n: string) => pkgs.some((p) => p.name === n);
  const warnings: string[] = [];
  if (has('openssl-sys') && !has('openssl-src')) {
    const msg =
      `Cargo.lock has openssl-sys (${chain(pkgs, 'openssl-sys')}) but not openssl-src, so it links the system OpenSSL, ` +
      `which clux/muslrust no longer ships (clux/muslrust#153): the musl build would fail. Switch to rustls ` +
      `(e.g. reqwest = { default-features = false, features = ["rustls-tls"] }), or build OpenSSL from source with ` +
      `openssl = { version = "0.10", features = ["vendored"] } and commit the updated Cargo.lock.`;
    // A prebuilt builder may carry OpenSSL (docs/builder-image.md shows how to add libraries).
    if (!o.builderImage) throw new WorkspaceError(msg);
    warnings.push(`${msg} (Only a warning: builder-image is set and may provide OpenSSL.)`);
  }
  for (const [crate, s] of Object.entries(SYS_CRATES)) {
    if (!has(crate) || (s.vendoredBy && has(s.vendoredBy))) continue;
    warnings.push(`Cargo.lock has ${crate} (${chain(pkgs, crate)}), which links ${s.lib}; clux/muslrust does not carry it, so the musl build will likely fail. Usual fix: ${s.fix}.`);
  }
  return warnings;
}
