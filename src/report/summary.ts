import * as core from '@actions/core';
import type { Plan } from '../plan/index.js';
import { describeWays } from '../plan/platforms.js';
import type { BuildWarning } from './progress.js';
import { humanBytes, sizeChange, type PlatformSize } from './sizes.js';
import { cacheState, type BuildFailure, type StageRow } from './stages.js';

export { humanBytes, type PlatformSize };

/** What the registry held under the tag this build replaces, read before the push. */
export interface PreviousImage {
  ref: string;
  /** Undefined when the tag did not exist yet (a first push, a new release tag). */
  sizes?: PlatformSize[];
}

/** What restoring the Cargo cache mounts found (the same fields as the cache layer's restore outcome). */
export interface MountsRestore {
  hit: boolean;
  /** The key restored: the primary key, or an older one found by a restore key. */
  matchedKey?: string;
  /** Which fallback matched (exact, environment, toolchain). */
  level?: string;
  files?: number;
  bytes?: number;
  seconds?: number;
  /** The restored entry was loaded into the builder. */
  loaded?: boolean;
}

export interface RunReport {
  dryRun: boolean;
  digest?: string;
  sizes: PlatformSize[];
  /** Why there are no sizes (e.g. nothing was pushed). */
  sizesNote?: string;
  previous?: PreviousImage;
  buildSeconds?: number;
  stages?: StageRow[];
  failure?: BuildFailure & { message: string };
  warnings?: BuildWarning[];
  cacheHit?: boolean;
  cacheNote?: string;
  /** What the Cargo cache mounts restore found (cache-mounts: true): entry, level, size, time. */
  cacheMounts?: MountsRestore;
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

const secs = (s: number): string => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(1)} s`);
const short = (d: string): string => `\`${d.slice(0, 19)}…\``;
const tagOf = (ref: string): string => /:([^/:@]+)$/.exec(ref)?.[1] ?? ref;

/** `12`, or `amd64 12 · arm64 12` when platforms differ: the crates cargo compiled in a stage. */
export function crateCount(crates: Readonly<Record<string, number>>): string {
  const entries = Object.entries(crates);
  if (entries.length === 0) return '';
  const counts = new Set(entries.map(([, n]) => n));
  if (counts.size === 1 && entries.length > 0) return `${entries[0]![1]}${entries.length > 1 ? ' per platform' : ''}`;
  return entries.map(([p, n]) => `${p.replace(/^linux\//, '') || 'image'} ${n}`).join(' · ');
}

/** One line: `chef 0.1 s (cached) · cook 41.0 s (built, 143 crates) · …`, the folded table's digest. */
function timeLine(stages: readonly StageRow[]): string {
  return stages
    .filter((r) => r.stage !== 'setup' || r.seconds >= 1)
    .map((r) => {
      const notes = [cacheState(r), crateCount(r.crates) && `${crateCount(r.crates)} crates`].filter(Boolean);
      return `${r.stage} ${secs(r.seconds)}${notes.length ? ` (${notes.join(', ')})` : ''}`;
    })
    .join(' · ');
}

/** `Cache mounts: restored `k` (environment match): 1,204 files, 310.0 MiB in 9.4 s`, or why nothing was. */
export function mountsLine(m: MountsRestore): string {
  const what = [m.files !== undefined ? `${m.files.toLocaleString('en-US')} files` : '', m.bytes !== undefined ? humanBytes(m.bytes) : ''].filter(Boolean).join(', ');
  const took = m.seconds !== undefined ? ` in ${secs(m.seconds)}` : '';
  if (!m.matchedKey || m.loaded === false) return `Cache mounts: nothing restored${m.matchedKey ? ` (\`${m.matchedKey}\` found but not loaded)` : ''}: cargo starts cold${took}`;
  return `Cache mounts: ${m.hit ? 'exact hit' : 'restored'} \`${m.matchedKey}\`${m.level && !m.hit ? ` (${m.level} match)` : ''}${what ? `: ${what}` : ''}${took}`;
}

function sizeTable(r: RunReport): string[] {
  if (r.sizes.length === 0) return r.sizesNote ? [`Sizes: ${r.sizesNote}.`] : [];
  const prev = r.previous;
  const how = r.sizes.some((s) => s.how);
  const head = ['platform', ...(how ? ['build'] : []), 'image (compressed)', 'binary layer', ...(prev ? [`vs \`${tagOf(prev.ref)}\``] : []), 'digest'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const s of r.sizes) {
    const before = prev?.sizes?.find((p) => p.platform === s.platform);
    const change = !prev ? [] : [before ? `${sizeChange(s.bytes, before.bytes)}${before.lastLayer !== s.lastLayer ? ` (binary ${sizeChange(s.lastLayer, before.lastLayer)})` : ''}` : prev.sizes ? 'new platform' : 'first push'];
    lines.push(`| ${[s.platform, ...(how ? [s.how ?? ''] : []), humanBytes(s.bytes), humanBytes(s.lastLayer), ...change, short(s.digest)].join(' | ')} |`);
  }
  return lines;
}

function stageTable(stages: readonly StageRow[]): string[] {
  const lines = ['| stage | time | layers | crates compiled |', '|---|---|---|---|'];
  for (const s of stages) lines.push(`| ${s.stage} | ${secs(s.seconds)} | ${cacheState(s)} | ${crateCount(s.crates)} |`);
  return lines;
}

function detailRows(plan: Plan, r: RunReport): string[] {
  const rows: Array<[string, string]> = [];
  rows.push(['platforms', `${plan.platforms.join(', ')} (from ${plan.platformsFrom})`]);
  if (plan.mode === 'build') rows.push(['build', `${describeWays(plan.ways)}${Object.values(plan.ways).includes('emulated') ? ' (QEMU is slow for Rust: see the README, "Past QEMU")' : ''}`]);
  if (plan.muslrust) rows.push(['builder', `clux/muslrust:${plan.muslrust.tag} (${plan.muslrust.why})`]);
  if (plan.dockerfile.generated && !r.dryRun && !r.failure) rows.push(['static check', "passed: the binary has no ELF interpreter and matches its platform's CPU (the build fails otherwise)"]);
  rows.push(['cache key', `\`${plan.cacheKey.key}\``]);
  if (r.cacheNote) rows.push(['cache', r.cacheNote]);
  if (r.buildxVersion) rows.push(['buildx', r.buildxVersion]);
  const supply = supplyLine(plan, r);
  if (supply) rows.push(['supply chain', supply]);
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
}

const fold = (title: string, body: string[]): string[] => ['', `<details><summary>${title}</summary>`, '', ...body, '', '</details>'];

/**
 * Compact on purpose: a headline, one table (per-platform sizes and their change), one line of
 * where the time went; everything else folded. A failure leads with the stage and cargo's error.
 */
export function renderSummary(plan: Plan, r: RunReport): string {
  const what = plan.mode === 'merge' ? 'manifest list' : plan.bin ? `\`${plan.bin.name}\`` : 'image';
  const took = r.buildSeconds !== undefined ? ` in ${secs(r.buildSeconds)}` : '';
  let status: string;
  if (r.dryRun) status = 'dry run: nothing was built';
  else if (r.failure) status = `failed in the ${r.failure.stage} stage${r.failure.platform ? ` (${r.failure.platform})` : ''}`;
  else status = `${plan.mode === 'merge' ? 'merged' : 'built'}${plan.push ? ' and pushed' : ' (not pushed)'}${took}`;
  const lines = [`## muslrust-chef: ${what}: ${status}`, ''];

  if (r.failure) {
    lines.push(`\`${r.failure.step.replace(/`/g, "'")}\``, '', '```text', ...(r.failure.lines.length ? r.failure.lines : [r.failure.message]), '```');
  } else {
    const tags = plan.meta.tags.length ? plan.meta.tags.map((t) => `\`${t}\``).join(' ') : '(no tags)';
    lines.push(`${plan.push ? 'Tags' : 'Would push'}: ${tags}${r.digest ? ` · digest \`${r.digest}\`` : ''}`, '');
    lines.push(...sizeTable(r));
  }
  if (r.stages?.length) lines.push('', `Time: ${timeLine(r.stages)}`);
  if (r.cacheMounts) lines.push('', mountsLine(r.cacheMounts));
  for (const w of r.warnings ?? []) lines.push('', '> [!WARNING]', `> Dockerfile check: ${w.short}${w.url ? ` ([docs](${w.url}))` : ''}`);
  const advice = allocatorAdvice(plan);
  if (advice && !r.failure) lines.push('', '> [!TIP]', `> ${advice}`);
  for (const w of plan.warnings) lines.push('', '> [!WARNING]', `> ${w}`);
  if (r.stages?.length) lines.push(...fold('Where the time went, per stage', stageTable(r.stages)));
  lines.push(...fold('Build details', detailRows(plan, r)));
  if (r.dryRun) lines.push(...fold('Commands', ['```sh', ...plan.commands.map((c) => c.argv.map(shellQuote).join(' ')), '```']));
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
