/**
 * The benchmark's limits: what plain cargo needs to compile only the crates that changed, in the
 * same builder image, measured in the same run. One workspace copy goes through the same changes as
 * the benchmark's scenarios, each `cargo build` timed inside the container (container start-up
 * excluded), on a target dir that the previous step left, so cargo's own fingerprints decide what
 * recompiles. The crates each step compiled are recorded next to its time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/action-runner.js';
import { RUST_BUILDER } from './helpers.js';
import { addHex, relock, RUST_APP, setMarker } from './rust-harness.js';

export type LimitName = 'cold' | 'unchanged' | 'source' | 'dependency';
export interface Limit {
  seconds: number;
  compiled: string[];
}

const TIMED = `set -e
t0=$(date +%s.%N)
cargo build --release --locked --bin app 2>&1 | tee /tmp/cargo.log >&2
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "seconds=%.3f\\n", b - a }'
sed -n 's/^ *Compiling \\([A-Za-z0-9_-]*\\) v.*/compiled=\\1/p' /tmp/cargo.log`;

function timedBuild(workspace: string): Limit {
  const r = spawnSync('docker', ['run', '--rm', '--network', 'none', '-v', `${workspace}:/volume`, RUST_BUILDER, 'bash', '-c', TIMED], { encoding: 'utf8', timeout: 20 * 60 * 1000 });
  if (r.status !== 0) throw new Error(`limit build failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const seconds = Number(/^seconds=([\d.]+)$/m.exec(r.stdout)?.[1]);
  if (!Number.isFinite(seconds)) throw new Error(`limit build printed no time: ${r.stdout}`);
  return { seconds, compiled: [...r.stdout.matchAll(/^compiled=(\S+)$/gm)].map((m) => m[1] ?? '').sort() };
}

/**
 * cold: everything from nothing; unchanged: the same sources again; source: a new marker in app's
 * main.rs (app alone should compile); dependency: hex added to app (hex and app should compile).
 */
export function measureLimits(): Record<LimitName, Limit> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mca-limits-'));
  try {
    fs.cpSync(path.join(ROOT, RUST_APP), dir, { recursive: true, filter: (src) => !/[/\\]target$/.test(src) });
    setMarker(dir, 'limit-0');
    relock(dir);
    const cold = timedBuild(dir);
    const unchanged = timedBuild(dir);
    setMarker(dir, 'limit-1');
    const source = timedBuild(dir);
    addHex(dir);
    relock(dir);
    const dependency = timedBuild(dir);
    return { cold, unchanged, source, dependency };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
