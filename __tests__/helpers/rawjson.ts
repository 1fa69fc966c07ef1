import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './action-runner.js';

/**
 * buildx `--progress=rawjson` output for tests, in the shape the real engine prints (see the recordings
 * in test/fixtures/rawjson/): one SolveStatus JSON per line, log data base64, then buildx's own
 * closing text lines (an `ERROR: failed to build: …`) after a failure. Only the fields the action
 * reads are filled; digests and times are made up.
 */
export const statusLine = (o: { vertexes?: object[]; logs?: Array<{ vertex: string; data: string; stream?: number; timestamp?: string }>; warnings?: object[] }): string =>
  JSON.stringify({ ...o, logs: o.logs?.map((l) => ({ stream: 2, ...l, data: Buffer.from(l.data).toString('base64') })) });

/** A step that logs `log` and fails with `error`, followed by buildx's final `ERROR:` line. */
export function failedStep(o: { name: string; log?: string[]; error: string; final: string }): string {
  const v = { digest: 'sha256:' + 'f'.repeat(64), name: o.name, started: '2026-11-30T10:00:00Z' };
  return [
    statusLine({ vertexes: [v] }),
    ...(o.log?.length ? [statusLine({ logs: [{ vertex: v.digest, data: `${o.log.join('\n')}\n`, timestamp: '2026-11-30T10:00:01Z' }] })] : []),
    statusLine({ vertexes: [{ ...v, completed: '2026-11-30T10:00:02Z', error: o.error }] }),
    `ERROR: failed to build: failed to solve: ${o.final}`,
    '',
  ].join('\n');
}

/** A recording from the real engine (buildx 0.29.1, dockerd 28.5.2): test/fixtures/rawjson/record.sh. */
export const fixture = (name: string): string => fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rawjson', `${name}.jsonl`), 'utf8');
