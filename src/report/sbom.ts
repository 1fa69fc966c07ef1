import zlib from 'node:zlib';

// The crate SBOM, from the dependency list cargo-auditable embeds in the binary's `.dep-v0`
// section (zlib-compressed JSON, format of the auditable-serde crate). Reading the linked binary
// rather than Cargo.lock or `cargo metadata` gives exactly the crates of THIS platform's build:
// no dev-dependencies, no other targets' cfg dependencies, no build-only crates (proc macros,
// build-script dependencies are marked `kind: build` and left out). Pure: bytes in, JSON out.

export const DEP_SECTION = '.dep-v0';

export interface AuditablePackage {
  name: string;
  version: string;
  /** crates.io, local, git, registry or other. */
  source: string;
  /** runtime (the default, omitted in the JSON) or build. */
  kind?: string;
  dependencies?: number[];
  root?: boolean;
}

export interface CrateSbom {
  bom: Record<string, unknown>;
  /** Crates listed besides the binary's own package. */
  crates: number;
  root: string;
}

/** Inflate and parse `.dep-v0`; throws with what is wrong when it is not cargo-auditable data. */
export function parseDepInfo(section: Uint8Array): AuditablePackage[] {
  let json: unknown;
  try {
    json = JSON.parse(zlib.inflateSync(section).toString('utf8'));
  } catch (e) {
    throw new Error(`${DEP_SECTION} is not zlib-compressed JSON (${(e as Error).message}); was the binary built by cargo-auditable?`);
  }
  const pkgs = (json as { packages?: unknown }).packages;
  if (!Array.isArray(pkgs) || pkgs.some((p) => typeof p?.name !== 'string' || typeof p?.version !== 'string')) {
    throw new Error(`${DEP_SECTION} has no package list of the cargo-auditable format`);
  }
  return pkgs as AuditablePackage[];
}

function purl(p: AuditablePackage): string | undefined {
  // A package URL names a registry crate; local and git crates have no registry coordinates.
  return p.source === 'crates.io' ? `pkg:cargo/${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}` : undefined;
}

/**
 * CycloneDX 1.5 JSON. No serial number and a fixed timestamp (the SOURCE_DATE_EPOCH when there is
 * one), so the same binary gives the same file, byte for byte.
 */
export function toCycloneDx(pkgs: readonly AuditablePackage[], o: { platform: string; timestamp: Date; tool: { name: string; version: string } }): CrateSbom {
  const linked = pkgs.map((p, i) => ({ p, i })).filter(({ p }) => (p.kind ?? 'runtime') === 'runtime');
  const keep = new Set(linked.map(({ i }) => i));
  const seen = new Map<string, number>();
  const refs = new Map<number, string>();
  for (const { p, i } of linked) {
    const base = `${p.name}@${p.version}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    refs.set(i, n === 0 ? base : `${base}#${n + 1}`); // same name and version from two sources
  }
  const component = ({ p, i }: { p: AuditablePackage; i: number }, type: string) => ({
    type,
    'bom-ref': refs.get(i),
    name: p.name,
    version: p.version,
    ...(purl(p) ? { purl: purl(p) } : {}),
    properties: [{ name: 'cargo:source', value: p.source }],
  });
  const root = linked.find(({ p }) => p.root) ?? linked[0];
  if (!root) throw new Error(`${DEP_SECTION} lists no runtime package`);
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      timestamp: o.timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      tools: { components: [{ type: 'application', name: o.tool.name, version: o.tool.version }] },
      component: component(root, 'application'),
      properties: [
        { name: 'platform', value: o.platform },
        { name: 'source', value: `cargo-auditable ${DEP_SECTION} section of the linked binary` },
      ],
    },
    components: linked.filter((c) => c !== root).map((c) => component(c, 'library')),
    dependencies: linked.map(({ p, i }) => ({
      ref: refs.get(i),
      dependsOn: (p.dependencies ?? []).filter((d) => keep.has(d)).map((d) => refs.get(d)),
    })),
  };
  return { bom, crates: linked.length - 1, root: `${root.p.name}@${root.p.version}` };
}
