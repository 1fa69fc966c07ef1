/**
 * BuildKit's own progress, as `docker buildx build --progress=rawjson` prints it on stderr: one JSON
 * SolveStatus per line ({vertexes, statuses, logs, warnings}; log data and warning texts base64, as
 * Go marshals []byte). Pure: lines in, a model of the build out, plus the human log lines the
 * action prints instead (rawjson replaces buildx's plain output, so we render a compact plain-style
 * log ourselves: `#N name`, `#N 0.123 log line`, `#N DONE 1.2s` / `#N CACHED` / `#N ERROR: …`).
 */

export interface Vertex {
  digest: string;
  /** Number in order of first start, as buildx's plain output numbers steps. */
  n: number;
  name: string;
  /** Epoch milliseconds. */
  started?: number;
  completed?: number;
  cached: boolean;
  error?: string;
  /** Output lines of the step's process (stdout and stderr), ANSI colours removed; the last MAX_LOG_LINES. */
  log: string[];
  /** Lines ever logged (log keeps only the tail). */
  logLines: number;
  /** `Compiling <crate> v<version>` lines cargo printed in this step. */
  compiled: number;
  /** Ids of the step's finished sub-tasks (`writing layer sha256:…`, `pushing layers`, …). */
  done: string[];
}

/** A BuildKit Dockerfile check (lint) warning. */
export interface BuildWarning {
  short: string;
  detail: string[];
  url?: string;
  /** File name as BuildKit saw it (the --file's base name) and 1-based line. */
  file?: string;
  line?: number;
}

export interface BuildProgress {
  vertices: Vertex[];
  warnings: BuildWarning[];
}

const MAX_LOG_LINES = 400;
// cargo's status line for one crate, e.g. `   Compiling serde v1.0.219` (also `Compiling app v0.1.0 (/volume/app)`).
const COMPILING = /^\s*Compiling [A-Za-z0-9_.-]+ v\d/;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

interface RawVertex { digest?: string; name?: string; started?: string; completed?: string; cached?: boolean; error?: string }
interface RawStatus { id?: string; vertex?: string; started?: string; completed?: string }
interface RawLog { vertex?: string; stream?: number; data?: string; timestamp?: string }
interface RawWarning { short?: string; detail?: string[]; url?: string; sourceInfo?: { filename?: string }; range?: Array<{ start?: { line?: number } }> }
interface RawStatusLine { vertexes?: RawVertex[]; statuses?: RawStatus[]; logs?: RawLog[]; warnings?: RawWarning[] }

const b64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');
const time = (s: string | undefined): number | undefined => {
  if (!s || s.startsWith('0001-')) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
};
const secs = (ms: number): string => (ms / 1000).toFixed(1);

export class ProgressReader {
  private readonly byDigest = new Map<string, Vertex>();
  private readonly partial = new Map<string, string>();
  private readonly statusDone = new Set<string>();
  private readonly warnings: BuildWarning[] = [];
  private next = 1;

  /**
   * Feeds one stderr line. Returns the lines to print for it: the rendering of a JSON status line,
   * or the line itself when it is not JSON (buildx's closing error excerpt and `ERROR:` line).
   */
  push(line: string): string[] {
    if (!line.startsWith('{')) return line.trim() === '' ? [] : [line];
    let msg: RawStatusLine;
    try {
      msg = JSON.parse(line) as RawStatusLine;
    } catch {
      return [line];
    }
    const out: string[] = [];
    for (const rv of msg.vertexes ?? []) this.vertex(rv, out);
    for (const s of msg.statuses ?? []) this.status(s, out);
    for (const l of msg.logs ?? []) this.logChunk(l, out);
    for (const w of msg.warnings ?? []) {
      const warning: BuildWarning = {
        short: b64(w.short).trim(),
        detail: (w.detail ?? []).map(b64).filter(Boolean),
        url: w.url || undefined,
        file: w.sourceInfo?.filename || undefined,
        line: w.range?.[0]?.start?.line,
      };
      this.warnings.push(warning);
      out.push(`WARNING: ${warning.short}${warning.url ? ` (${warning.url})` : ''}`);
    }
    return out;
  }

  private vertex(rv: RawVertex, out: string[]): void {
    if (!rv.digest) return;
    let v = this.byDigest.get(rv.digest);
    const started = time(rv.started);
    const completed = time(rv.completed);
    if (!v) {
      v = { digest: rv.digest, n: 0, name: rv.name ?? '', cached: false, log: [], logLines: 0, compiled: 0, done: [] };
      this.byDigest.set(rv.digest, v);
    }
    if (rv.name) v.name = rv.name;
    // A vertex is announced when it starts (or is found in the cache), as in plain output.
    if (v.n === 0 && (started !== undefined || rv.cached)) {
      v.n = this.next++;
      out.push(`#${v.n} ${v.name}`);
    }
    // BuildKit may start a vertex more than once (e.g. the Dockerfile load): keep the first start.
    if (started !== undefined && (v.started === undefined || started < v.started)) v.started = started;
    if (rv.cached) v.cached = true;
    if (rv.error) v.error = rv.error;
    if (completed !== undefined && v.n > 0) {
      const first = v.completed === undefined;
      v.completed = Math.max(completed, v.completed ?? 0);
      if (first) {
        this.flush(v, out);
        if (v.error) out.push(`#${v.n} ERROR: ${v.error}`);
        else if (v.cached) out.push(`#${v.n} CACHED`);
        else out.push(`#${v.n} DONE ${secs(v.completed - (v.started ?? v.completed))}s`);
      }
    }
  }

  private status(s: RawStatus, out: string[]): void {
    const done = time(s.completed);
    const v = s.vertex ? this.byDigest.get(s.vertex) : undefined;
    if (!v || !s.id || done === undefined) return;
    const key = `${s.vertex} ${s.id}`;
    if (this.statusDone.has(key)) return;
    this.statusDone.add(key);
    v.done.push(s.id);
    const start = time(s.started) ?? done;
    out.push(`#${v.n} ${s.id} ${secs(done - start)}s done`);
  }

  private logChunk(l: RawLog, out: string[]): void {
    const v = l.vertex ? this.byDigest.get(l.vertex) : undefined;
    if (!v) return;
    const key = `${v.digest} ${l.stream ?? 1}`;
    const text = (this.partial.get(key) ?? '') + b64(l.data);
    const lines = text.split(/\r?\n/);
    this.partial.set(key, lines.pop() ?? '');
    for (const raw of lines) this.addLog(v, raw, out, time(l.timestamp));
  }

  private addLog(v: Vertex, raw: string, out: string[], at?: number): void {
    const line = raw.replace(ANSI, '').replace(/.*\r/, '');
    v.logLines++;
    if (COMPILING.test(line)) v.compiled++;
    v.log.push(line);
    if (v.log.length > MAX_LOG_LINES) v.log.shift();
    const rel = v.started === undefined || at === undefined ? '' : ` ${((at - v.started) / 1000).toFixed(3)}`;
    out.push(`#${v.n}${rel} ${line}`);
  }

  /** A step's last line may come without a newline: count it when the step ends. */
  private flush(v: Vertex, out: string[]): void {
    for (const stream of [1, 2]) {
      const key = `${v.digest} ${stream}`;
      const rest = this.partial.get(key);
      if (rest) this.addLog(v, rest, out, v.completed);
      this.partial.delete(key);
    }
  }

  result(): BuildProgress {
    const vertices = [...this.byDigest.values()].sort((a, b) => (a.n || Infinity) - (b.n || Infinity));
    return { vertices, warnings: [...this.warnings] };
  }
}

/** Parses a whole recorded stderr (tests, and a failed build whose lines were not streamed). */
export function parseProgress(stderr: string): BuildProgress {
  const r = new ProgressReader();
  for (const line of stderr.split('\n')) r.push(line);
  return r.result();
}
