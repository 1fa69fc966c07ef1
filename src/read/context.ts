import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What we know about the workflow run, read once from the runner's environment. */
export interface GitContext {
  eventName: string;
  /** e.g. refs/heads/main, refs/tags/v1.2.3, refs/pull/7/merge */
  ref: string;
  sha: string;
  /** owner/name */
  repository: string;
  serverUrl: string;
  defaultBranch?: string;
  prNumber?: number;
  prHeadSha?: string;
  /** GITHUB_BASE_REF (PR target branch) */
  baseRef?: string;
  /** Commit timestamp from the event payload, when present. */
  commitDate?: Date;
  /** Whether the repository is private (payload), for provenance defaults and labels. */
  isPrivate?: boolean;
  /** Repository license SPDX id from the payload, when present. */
  license?: string;
  /** Repository description from the payload. */
  description?: string;
  now: Date;
  /** Raw environment for DOCKER_METADATA_* knobs. */
  env: Readonly<Record<string, string | undefined>>;
}

export interface RunContext {
  git: GitContext;
  workspace: string;
  runnerTemp: string;
  runId: string;
  runAttempt: string;
  /** The action's own checkout (where dist/ and image/ live). */
  actionRoot: string;
  env: Readonly<Record<string, string | undefined>>;
}

type Payload = Record<string, unknown>;
const obj = (v: unknown): Payload => (typeof v === 'object' && v !== null ? (v as Payload) : {});
const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function readEventPayload(env: Readonly<Record<string, string | undefined>>): Payload {
  const p = env.GITHUB_EVENT_PATH;
  if (!p || !fs.existsSync(p)) return {};
  try {
    return obj(JSON.parse(fs.readFileSync(p, 'utf8')));
  } catch {
    return {};
  }
}

export function readGitContext(env: Readonly<Record<string, string | undefined>>, now: Date = new Date()): GitContext {
  const payload = readEventPayload(env);
  const repo = obj(payload.repository);
  const pr = obj(payload.pull_request);
  const headCommit = obj(payload.head_commit);
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let ref = env.GITHUB_REF ?? '';
  const prNumber = typeof payload.number === 'number' ? payload.number : typeof pr.number === 'number' ? pr.number : undefined;
  // pull_request_target runs on the base branch; metadata-action synthesises the PR ref the same way.
  if (eventName === 'pull_request_target' && prNumber !== undefined) ref = `refs/pull/${prNumber}/merge`;
  const ts = s(headCommit.timestamp);
  return {
    eventName,
    ref,
    sha: env.GITHUB_SHA ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, ''),
    defaultBranch: s(repo.default_branch),
    prNumber,
    prHeadSha: s(obj(pr.head).sha),
    baseRef: s(env.GITHUB_BASE_REF),
    commitDate: ts ? new Date(ts) : undefined,
    isPrivate: typeof repo.private === 'boolean' ? repo.private : undefined,
    license: s(obj(repo.license).spdx_id),
    description: s(repo.description),
    now,
    env,
  };
}

/** dist/index.js lives in <root>/dist; tests run src/ from <root>/src. Either way the root is one up. */
export function actionRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

export function readRunContext(env: Readonly<Record<string, string | undefined>> = process.env): RunContext {
  return {
    git: readGitContext(env),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP ?? os.tmpdir(),
    runId: env.GITHUB_RUN_ID ?? String(process.pid),
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    actionRoot: actionRoot(),
    env,
  };
}
