import crypto from 'node:crypto';
import path from 'node:path';
import { startCacheService, type CacheService } from '../../../test/emulator/harness.mjs';
import { ROOT, type ActionRunner, type StepResult } from '../../helpers/action-runner.js';
import { failedStep } from '../../helpers/rawjson.js';
import { annotations, TOKEN, USER, writeTree, type GROUPS, type Outcome } from './observe.js';

// The kit the case tables are written with: the shape of a row, the base inputs, and the fakes and
// probes rows share. The rows are in cases-*.ts; cases.ts puts them in the doc's order.

export type Group = (typeof GROUPS)[number];

export interface Ctx {
  r: ActionRunner;
  /** Fixtures and canaries live here (inside the runner's directory, removed with it). */
  scratch: string;
  /** A shell that ran any of our inputs would create this (or a sibling starting with `pwned`). */
  canary: string;
  /** A shell that ran any of our inputs would delete this. */
  victim: string;
  /** Extra runs of the case, scanned like the first. */
  more: Array<{ main: StepResult; post: StepResult }>;
}

export interface Prepared {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Runs after main, before post (e.g. the cache service comes back). */
  between?(): Promise<void>;
  /** Assertions that need what prepare made; returns observations for the doc. */
  check?(o: Outcome): Promise<string[] | void> | string[] | void;
  cleanup?(): Promise<void>;
}

export type Expect =
  /** exit 1, exactly one ::error:: naming the input, the value and the fix; no docker command. */
  | { kind: 'bad-input'; input: string; value: string; fix: RegExp }
  /** exit 1 with exactly one ::error:: matching. */
  | { kind: 'fails'; error: RegExp }
  | { kind: 'ok' };

export interface Case {
  name: string;
  group: Group;
  expected: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  prepare?(c: Ctx): Promise<Prepared> | Prepared;
  expect: Expect;
  /** Each must match some warning of main or post. */
  warnings?: RegExp[];
  check?(o: Outcome, c: Ctx): Promise<string[] | void> | string[] | void;
}

/** Every row starts from this: a tag push of examples/hello with Docker Hub credentials. */
export const BASE: Record<string, string> = {
  image: 'org/hello',
  context: 'examples/hello',
  username: USER,
  password: TOKEN,
  // Deterministic on any host: whether binfmt handles arm64 depends on the machine (rows that want QEMU say so).
  qemu: 'false',
  // `gha` without the runner's cache variables warns on every run; the cache rows set them.
  cache: 'none',
};

export const ARCH = process.arch === 'arm64' ? 'arm64' : 'amd64';
export const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
export const buildOf = (o: Outcome) => o.calls.find((c) => c.argv[1] === 'buildx' && c.argv[2] === 'build' && c.argv.includes('--metadata-file'));
/** The element following `flag` each time it occurs in argv. */
export const valuesOf = (argv: readonly string[] | undefined, flag: string) => (argv ?? []).flatMap((a, i) => (a === flag ? [argv?.[i + 1] ?? ''] : []));
export const warningsOf = (o: Outcome) => [...annotations(o.main.stdout, 'warning'), ...annotations(o.post.stdout, 'warning')];

export function bad(group: Group, name: string, inputs: Record<string, string>, input: string, value: string, fix: RegExp, says: string, more: Partial<Case> = {}): Case {
  return {
    name,
    group,
    inputs,
    expected: `exit 1 before any docker command; the error names \`${input}\`, ${JSON.stringify(value)}, and ${says}`,
    expect: { kind: 'bad-input', input, value, fix },
    ...more,
  };
}

/** A workspace fixture under scratch/ws, used as GITHUB_WORKSPACE. */
export function workspace(c: Ctx, files: Record<string, string>): Record<string, string> {
  const ws = path.join(c.scratch, 'ws');
  writeTree(ws, files);
  return { GITHUB_WORKSPACE: ws };
}

export const HELLO = path.join(ROOT, 'examples', 'hello');

// ---- cache service rows --------------------------------------------------------------------------------

export const MOUNTS = { cache: 'gha', 'cache-mounts': 'true', platforms: 'linux/amd64,linux/arm64' };

export async function withService(prep: (svc: CacheService) => Promise<Prepared | void>): Promise<Prepared> {
  const svc = await startCacheService();
  const extra = (await prep(svc)) ?? {};
  return {
    env: { ...svc.clientEnv, ...extra.env },
    inputs: extra.inputs,
    between: extra.between,
    check: extra.check,
    cleanup: async () => {
      await extra.cleanup?.();
      await svc.stop();
    },
  };
}

export const statsLine = (s: Record<string, number>) =>
  `cache service calls: ${Object.entries(s)
    .filter(([k]) => k !== 'entries')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ') || 'none'}; entries: ${s.entries ?? 0}`;

// ---- buildx download rows ------------------------------------------------------------------------------

/** Bytes that are not the pinned buildx release (deterministic, so their checksum is too). */
export const FAKE_BUILDX = Buffer.from('#!/bin/sh\necho "not buildx"\n'.repeat(64));

export function leftovers(o: Outcome, bytes: Buffer): string[] {
  return o.tempFiles.filter((f) => f.bytes.length === bytes.length || f.bytes.equals(bytes)).map((f) => f.path);
}

/** @actions/tool-cache tries a download 3 times, 10–20 s apart, and logs each wait. */
export function downloadAttempts(o: Outcome): string[] {
  const n = (o.main.stdout.match(/before trying again/g) ?? []).length + 1;
  expect(n).toBe(3);
  return [`download attempts: ${n} (tool-cache waits 10–20 s between them)`];
}

// ---- registry failures as BuildKit prints them ----------------------------------------------------------

// What buildx --progress=rawjson prints for each failure (as recorded from the real engine, see
// test/fixtures/rawjson/): the failing step with its log and error, then buildx's final ERROR line.
const PUSH_ERR = 'failed to push docker.io/org/hello:1.2.3: failed commit on ref "layer-sha256:2222": unexpected status from PUT request to https://registry-1.docker.io/v2/org/hello/blobs/uploads/abc: 500 Internal Server Error';
export const PUSH_500 = failedStep({ name: 'exporting to image', error: PUSH_ERR, final: PUSH_ERR });

const DENIED = 'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';
export const PULL_DENIED = failedStep({
  name: '[linux/arm64 internal] load metadata for docker.io/chainguard/statik:latest',
  error: DENIED,
  final: `chainguard/statik:latest: failed to resolve source metadata for docker.io/chainguard/statik:latest: ${DENIED}`,
});

const EXIT_101 = 'process "/bin/sh -c cargo build --release --locked --bin hello" did not complete successfully: exit code: 101';
export const CARGO_FAIL = failedStep({
  name: '[linux/arm64 builder 4/4] RUN cargo build --release --locked --bin hello',
  log: ['   Compiling hello v0.1.0 (/volume/crates/hello)', 'error[E0425]: cannot find value `greting` in this scope', ' --> crates/hello/src/main.rs:3:20', 'error: could not compile `hello` (bin "hello") due to 1 previous error'],
  error: EXIT_101,
  final: EXIT_101,
});

// What image/scripts/muslrust-chef-check-static prints for a glibc binary (trimmed after the fix).
const STATIC_MSG = "muslrust-chef-check-static: /out/hello is dynamically linked (interpreter /lib64/ld-linux-x86-64.so.2): the image's runtime has no libc, so it cannot start. Build for the musl target with static linking.";
const EXIT_1 = EXIT_101.replace('101', '1');
export const NOT_STATIC = failedStep({ name: '[linux/amd64 builder 4/4] RUN cargo build --release --locked --bin hello', log: ['/out/hello: copied', STATIC_MSG], error: EXIT_1, final: EXIT_1 });

export const fail = (spec: Record<string, { code?: number; stderr: string; times?: number }>) => ({ FAKE_DOCKER_FAIL: JSON.stringify(spec) });
export const DEBUG = { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' };

/** After the failed build, post still logged out and removed the builder (DOCKER_CONFIG: the generic check). */
export function cleanedUp(o: Outcome): void {
  const after = o.calls.slice(o.calls.findIndex((c) => c.argv.includes('--metadata-file')) + 1).map((c) => c.argv.slice(1, 3).join(' '));
  expect(after).toEqual(expect.arrayContaining(['logout docker.io', 'buildx rm']));
}
