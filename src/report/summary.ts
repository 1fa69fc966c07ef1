import * as core from '@actions/core';
import type { RestoreOutcome } from '../cache/key.js';
import type { Plan } from '../plan/index.js';
import { describeWays } from '../plan/platforms.js';

export interface PlatformSize {
  platform: string;
  digest: string;
  /** Compressed bytes of all layers. */
  bytes: number;
  /** Compressed bytes of the last layer: the binary itself in the generated Dockerfile. */
  lastLayer: number;
}

export interface RunReport {
  dryRun: boolean;
  digest?: string;
  sizes: PlatformSize[];
  buildSeconds?: number;
  cacheHit?: boolean;
  cacheNote?: string;
  /** What the Cargo cache mounts restore found (cache-mounts: true): entry, level, size, time. */
  cacheMounts?: RestoreOutcome;
  buildxVersion?: string;
  /** Crate SBOM: where, and how many crates per platform. */
  sbom?: { dir: string; crates: Record<string, number> };
  /** Image names whose digest cosign signed. */
  signed?: number;
}

/** One line on the crate SBOM, e.g. "27 crates (linux/amd64, linux/arm64)". */
export function sbomLine(s: NonNullable<RunReport['sbom']>): string {
  const byCount = new Map<number, string[]>();
  for (const [p, n] of Object.entries(s.crates)) byCount.set(n, [...(byCount.get(n) ?? []), p]);
  return [...byCount].map(([n, ps]) => `${n} crate${n === 1 ? '' : 's'} (${ps.join(', ')})`).join('; ');
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** The musl allocator is slow under threads (clux/muslrust#142): say so when nothing replaces it. */
export function allocatorAdvice(plan: Plan): string | undefined {
  if (!plan.dockerfile.generated || plan.allocator !== '') return undefined;
  return (
    'Cargo.lock shows neither mimalloc nor jemalloc: your binary uses musl\'s malloc, which is slow for ' +
    'multithreaded programs. Add `mimalloc` and `#[global_allocator] static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;`.'
  );
}

/** One summary row: the crate SBOM's size, the SOURCE_DATE_EPOCH and its source, the signature. */
export function supplyLine(plan: Plan, r: RunReport): string {
  const parts: string[] = [];
  if (r.sbom) parts.push(`crate SBOM: ${sbomLine(r.sbom)}`);
  const sd = plan.supply.sourceDate;
  if (sd) parts.push(`reproducible: SOURCE_DATE_EPOCH ${sd.seconds} (${sd.from})`);
  if (r.signed) parts.push(`signed with cosign (${plan.supply.sign?.keyed ? 'key' : 'keyless, GitHub OIDC'})${r.sbom ? ', SBOM attested' : ''}`);
  return parts.join('; ');
}

export function renderSummary(plan: Plan, r: RunReport): string {
  const lines: string[] = [];
  const title = plan.mode === 'merge' ? 'manifest list' : plan.bin ? `\`${plan.bin.name}\`` : 'image';
  lines.push(`## muslrust-chef: ${title}${r.dryRun ? ' (dry run: nothing was built)' : ''}`, '');
  lines.push('| | |', '|---|---|');
  lines.push(`| images | ${plan.meta.tags.length ? plan.meta.tags.map((t) => `\`${t}\``).join('<br>') : '(no tags)'} |`);
  lines.push(`| pushed | ${plan.push ? 'yes' : 'no'} |`);
  if (r.digest) lines.push(`| digest | \`${r.digest}\` |`);
  lines.push(`| platforms | ${plan.platforms.join(', ')} (from ${plan.platformsFrom}) |`);
  if (plan.mode === 'build') lines.push(`| build | ${describeWays(plan.ways)}${Object.values(plan.ways).includes('emulated') ? ' (QEMU is slow for Rust: see the README, "Past QEMU")' : ''} |`);
  if (plan.muslrust) lines.push(`| builder | clux/muslrust:${plan.muslrust.tag} (${plan.muslrust.why}) |`);
  if (r.buildSeconds !== undefined) lines.push(`| build time | ${r.buildSeconds.toFixed(1)} s |`);
  if (plan.dockerfile.generated && !r.dryRun) lines.push("| static check | passed: the binary has no ELF interpreter and matches its platform's CPU (the build fails otherwise) |");
  lines.push(`| cache key | \`${plan.cacheKey.key}\` |`);
  if (r.cacheNote) lines.push(`| cache | ${r.cacheNote} |`);
  if (r.buildxVersion) lines.push(`| buildx | ${r.buildxVersion} |`);
  const supply = supplyLine(plan, r);
  if (supply) lines.push(`| supply chain | ${supply} |`);
  if (r.sizes.length) {
    lines.push('', '| platform | image (compressed) | binary layer | digest |', '|---|---|---|---|');
    for (const s of r.sizes) lines.push(`| ${s.platform} | ${humanBytes(s.bytes)} | ${humanBytes(s.lastLayer)} | \`${s.digest.slice(0, 19)}…\` |`);
  }
  const advice = allocatorAdvice(plan);
  if (advice) lines.push('', `> [!TIP]`, `> ${advice}`);
  for (const w of plan.warnings) lines.push('', `> [!WARNING]`, `> ${w}`);
  if (r.dryRun) {
    lines.push('', '<details><summary>Commands</summary>', '', '```sh');
    for (const c of plan.commands) lines.push(c.argv.map(shellQuote).join(' '));
    lines.push('```', '</details>');
  }
  return lines.join('\n') + '\n';
}

/** Quote for display only (nothing is ever run through a shell). */
export function shellQuote(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export async function writeSummary(plan: Plan, r: RunReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(renderSummary(plan, r)).write();
}
