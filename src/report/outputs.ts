import * as core from '@actions/core';
import type { Plan } from '../plan/index.js';

/** Every output we can know before running anything (dry-run sets exactly these). */
export function setPlanOutputs(plan: Plan): void {
  core.setOutput('dockerfile', plan.dockerfile.path);
  core.setOutput('plan', JSON.stringify(plan.commands.map((c) => ({ argv: c.argv }))));
  core.setOutput('platforms', plan.platforms.join(','));
  core.setOutput('tags', plan.meta.tags.join('\n'));
  core.setOutput('version', plan.meta.version);
  core.setOutput('labels', Object.entries(plan.meta.labels).map(([k, v]) => `${k}=${v}`).join('\n'));
  core.setOutput('cache-key', plan.cacheKey.key);
  core.setOutput('source-date-epoch', plan.supply.sourceDate ? String(plan.supply.sourceDate.seconds) : '');
}

export interface BuildMetadata {
  digest?: string;
  imageid?: string;
  raw: string;
}

/** buildx's --metadata-file: containerimage.digest / containerimage.config.digest. */
export function readMetadata(text: string): BuildMetadata {
  try {
    const m = JSON.parse(text) as Record<string, unknown>;
    const str = (k: string) => (typeof m[k] === 'string' ? (m[k] as string) : undefined);
    return { digest: str('containerimage.digest'), imageid: str('containerimage.config.digest'), raw: JSON.stringify(m) };
  } catch {
    return { raw: '{}' };
  }
}

export function setResultOutputs(o: { digest?: string; imageid?: string; metadata: string; cacheHit: boolean; sbom?: { dir: string; crates: Record<string, number> } }): void {
  core.setOutput('sbom', o.sbom?.dir ?? '');
  core.setOutput('sbom-crates', o.sbom ? JSON.stringify(o.sbom.crates) : '');
  core.setOutput('digest', o.digest ?? '');
  core.setOutput('imageid', o.imageid ?? '');
  core.setOutput('metadata', o.metadata);
  core.setOutput('cache-hit', String(o.cacheHit));
}
