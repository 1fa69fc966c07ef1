/**
 * Image sizes from registry manifests, exactly as `docker buildx imagetools inspect --raw` prints
 * them: an index (OCI image index or Docker manifest list) names one manifest per platform, and a
 * single-platform push is a plain manifest with its layers. Pure: JSON in, sizes out.
 */

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

export interface ManifestDoc {
  mediaType?: string;
  manifests?: Descriptor[];
  layers?: Descriptor[];
}

export interface PlatformSize {
  platform: string;
  digest: string;
  /** Compressed bytes of all layers. */
  bytes: number;
  /** Compressed bytes of the last layer: the binary itself in the generated Dockerfile. */
  lastLayer: number;
  /** How this platform was built (native, cross, emulated), when known: a column of its own. */
  how?: string;
}

export function parseManifest(raw: string): ManifestDoc {
  const doc = JSON.parse(raw) as ManifestDoc;
  if (typeof doc !== 'object' || doc === null || (!Array.isArray(doc.manifests) && !Array.isArray(doc.layers))) {
    throw new Error('not an image manifest or index (no manifests and no layers)');
  }
  return doc;
}

export const isIndex = (doc: ManifestDoc): boolean => Array.isArray(doc.manifests);

export const platformName = (p: NonNullable<Descriptor['platform']>): string => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;

/** The image manifests of an index, without attestation manifests (platform unknown/unknown). */
export function platformManifests(doc: ManifestDoc): Array<{ platform: string; digest: string }> {
  return (doc.manifests ?? []).filter((m) => m.platform && m.platform.os !== 'unknown').map((m) => ({ platform: platformName(m.platform!), digest: m.digest }));
}

export function sizeOf(platform: string, digest: string, manifest: ManifestDoc): PlatformSize {
  const layers = manifest.layers ?? [];
  return { platform, digest, bytes: layers.reduce((a, l) => a + l.size, 0), lastLayer: layers[layers.length - 1]?.size ?? 0 };
}

export function humanBytes(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = abs / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${n < 0 ? '-' : ''}${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** `+1.2 MiB (+8 %)`, `-300 B (-0.1 %)`, `unchanged`: a size change as a reviewer reads it. */
export function sizeChange(now: number, before: number): string {
  const d = now - before;
  if (d === 0) return 'unchanged';
  const sign = d > 0 ? '+' : '-';
  const p = before > 0 ? Math.abs(d / before) * 100 : undefined;
  const pct = p === undefined ? '' : ` (${sign}${p < 1 ? p.toFixed(1) : Math.round(p)} %)`;
  return `${sign}${humanBytes(Math.abs(d))}${pct}`;
}
