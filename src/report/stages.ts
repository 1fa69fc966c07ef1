/**
 * Where the time went: BuildKit's vertices grouped into the stages a Rust team thinks in (chef,
 * planner, cook, build, runtime, export/push), each with its wall time, whether its layers came
 * from the cache, and how many crates cargo compiled in it. Also the failing step of a failed build
 * with cargo's own error lines. Pure: a BuildProgress in, rows out.
 */
import type { BuildProgress, Vertex } from './progress.js';
import { humanBytes } from './sizes.js';

export interface StageRow {
  stage: string;
  /** Wall-clock seconds: the union of its steps' run times (platforms run in parallel). */
  seconds: number;
  /** Dockerfile steps (not FROM) in the stage, all platforms; 0 for setup/export rows. */
  steps: number;
  cached: number;
  failed: boolean;
  /** Steps that never ran (cancelled after another step failed). */
  notRun: number;
  /** Crates cargo compiled, per platform ('' when the build names no platform: a single-platform build). */
  crates: Record<string, number>;
  /** A cache import that found nothing (BuildKit carries on without it): the first run, or an expired cache. */
  missed?: boolean;
  /** Cache export: the layers it wrote, and the size of the exported cache when it can be read. */
  layersWritten?: number;
  exportedBytes?: number;
}

export interface StepName {
  platform?: string;
  stage?: string;
  /** The Dockerfile instruction, e.g. `RUN cargo build …`. */
  instruction: string;
  /** Not a Dockerfile step: the context load, metadata, cache import/export, the image export. */
  kind: 'step' | 'setup' | 'cache-import' | 'cache-export' | 'export' | 'other';
}

/** `[linux/arm64 builder 4/4] RUN cargo build …`, `[builder 2/4] RUN …`, `[2/3] COPY …`, `[internal] …`. */
export function parseStepName(name: string): StepName {
  const m = /^\[(?:(linux\/[a-z0-9]+(?:\/v\d)?) )?(?:(\S+) )?(\d+\/\d+|internal|auth)\] (.*)$/s.exec(name);
  if (m) {
    const [, platform, stage, pos, instruction = ''] = m;
    if (pos === 'internal' || pos === 'auth' || stage === 'internal') return { platform, instruction, kind: 'setup' };
    return { platform, stage: stage ?? 'image', instruction, kind: 'step' };
  }
  if (/^importing cache manifest/.test(name)) return { instruction: name, kind: 'cache-import' };
  if (/^exporting cache/.test(name) || /^preparing build cache/.test(name)) return { instruction: name, kind: 'cache-export' };
  if (/^(exporting to|resolving provenance|exporting attestation|pushing|merging)/.test(name)) return { instruction: name, kind: 'export' };
  return { instruction: name, kind: 'other' };
}

/**
 * The stage a step belongs to. For the generated Dockerfile, the builder stage is split where
 * cargo-chef splits it: what precedes the dependency layer (the path-remap rustc wrapper, the recipe
 * copy) and `cargo chef cook` are "cook", the rest is "build".
 */
export function stageOf(s: StepName, generated: boolean): string {
  switch (s.kind) {
    case 'setup':
    case 'other':
      return 'setup';
    case 'cache-import':
      return 'cache import';
    case 'cache-export':
      return 'cache export';
    case 'export':
      return 'export/push';
    case 'step':
      if (generated && s.stage === 'builder') return /cargo chef cook|^COPY --from=planner |muslrust-chef-rustc/.test(s.instruction) ? 'cook' : 'build';
      return s.stage ?? 'image';
  }
}

/** Total length of the union of [start, end] intervals. */
export function unionMs(intervals: ReadonlyArray<readonly [number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total;
}

const isFrom = (s: StepName): boolean => s.kind === 'step' && /^FROM /.test(s.instruction);
/** Other platforms' steps stop with this error when one fails: not the cause. */
const CANCELLED = /context canceled|^canceled/i;

export function stageRows(p: BuildProgress, generated: boolean): StageRow[] {
  // Ordered by their first real step: a stage's FROM (the base image pull) starts long before its
  // steps (the runtime base is pulled first of all), so it only counts for a stage of nothing else.
  const rows = new Map<string, StageRow & { first: number; firstFrom: number; spans: Array<[number, number]> }>();
  for (const v of p.vertices) {
    const s = parseStepName(v.name);
    const stage = stageOf(s, generated);
    let row = rows.get(stage);
    if (!row) {
      row = { stage, seconds: 0, steps: 0, cached: 0, failed: false, notRun: 0, crates: {}, first: Infinity, firstFrom: Infinity, spans: [] };
      rows.set(stage, row);
    }
    if (v.started !== undefined) {
      if (isFrom(s)) row.firstFrom = Math.min(row.firstFrom, v.started);
      else row.first = Math.min(row.first, v.started);
      row.spans.push([v.started, v.completed ?? v.started]);
    }
    // A cache import that fails is a miss, not a failure: BuildKit builds without it.
    if (v.error && s.kind === 'cache-import') row.missed = true;
    else if (v.error && !CANCELLED.test(v.error)) row.failed = true;
    if (s.kind === 'step' && !isFrom(s)) {
      row.steps++;
      if (v.cached) row.cached++;
      else if (v.started === undefined || (v.error && CANCELLED.test(v.error))) row.notRun++;
    }
    if (s.kind === 'cache-export') row.layersWritten = (row.layersWritten ?? 0) + v.done.filter((id) => id.startsWith('writing layer ')).length;
    if (v.compiled > 0) {
      const plat = s.platform ?? '';
      row.crates[plat] = (row.crates[plat] ?? 0) + v.compiled;
    }
  }
  // A stage whose steps never ran (cancelled by a failure) goes last, not where its base was pulled.
  const at = (r: { first: number; firstFrom: number; steps: number }): number => (r.first !== Infinity ? r.first : r.steps > 0 ? Infinity : r.firstFrom);
  return [...rows.values()]
    .sort((a, b) => at(a) - at(b))
    .map((r): StageRow => ({ stage: r.stage, seconds: unionMs(r.spans) / 1000, steps: r.steps, cached: r.cached, failed: r.failed, notRun: r.notRun, crates: r.crates, ...(r.missed ? { missed: true } : {}), ...(r.layersWritten !== undefined ? { layersWritten: r.layersWritten } : {}) }));
}

/** 'cached', 'built', 'partly cached (2/4)', 'failed', 'not run', 'nothing to import', 'N layers written', or ''. */
export function cacheState(r: StageRow): string {
  if (r.failed) return 'failed';
  if (r.missed) return 'nothing to import';
  if (r.layersWritten !== undefined) {
    const size = r.exportedBytes !== undefined ? `, cache ${humanBytes(r.exportedBytes)}` : '';
    return `${r.layersWritten} layer${r.layersWritten === 1 ? '' : 's'} written${size}`;
  }
  if (r.steps === 0) return '';
  // Steps cancelled by another step's failure say nothing about the cache: judge the ones that ran.
  const ran = r.steps - r.notRun;
  if (ran === 0) return 'not run';
  const skipped = r.notRun ? `, ${r.notRun} not run` : '';
  if (r.cached === ran) return `cached${skipped}`;
  if (r.cached === 0) return `built${skipped}`;
  return `partly cached (${r.cached}/${ran})${skipped}`;
}

export interface BuildFailure {
  stage: string;
  platform?: string;
  /** The failing step's name as BuildKit shows it. */
  step: string;
  /** BuildKit's error for the step, e.g. `process "/bin/sh -c …" did not complete successfully: exit code: 101`. */
  error: string;
  /** cargo's error from the step's output (not BuildKit's wrapper): from its first `error` line. */
  lines: string[];
}

// cargo's `error:` / `error[E0425]:`, or the project's scripts' failures.
// locate's own report (`X -> /out/bin: N bytes`) and warnings are not errors; its other lines are.
const ERROR_START = /^error(\[E\d+\])?:|^muslrust-chef-check-static: |^muslrust-chef-locate: (?!warning:)(?!.* -> )/;

/** The lines a person needs: from the first error on (head and tail when long), else the log's tail. */
export function errorExcerpt(log: readonly string[], max = 25): string[] {
  const lines = log.map((l) => l.trimEnd());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const start = lines.findIndex((l) => ERROR_START.test(l));
  const from = start >= 0 ? lines.slice(start) : lines.slice(-15);
  if (from.length <= max) return from;
  const tail = 6;
  return [...from.slice(0, max - tail - 1), `… ${from.length - (max - 1)} more lines …`, ...from.slice(-tail)];
}

export function buildFailure(p: BuildProgress, generated: boolean): BuildFailure | undefined {
  const failed = p.vertices.filter((v) => v.error && !CANCELLED.test(v.error));
  const v: Vertex | undefined = failed.sort((a, b) => (a.completed ?? 0) - (b.completed ?? 0))[0];
  if (!v || !v.error) return undefined;
  const s = parseStepName(v.name);
  return { stage: stageOf(s, generated), platform: s.platform, step: v.name, error: v.error, lines: errorExcerpt(v.log) };
}
