import * as core from '@actions/core';

/**
 * The only place that talks to GITHUB_STATE. Main saves one JSON blob; post reads it back.
 * Never put a secret in here: GITHUB_STATE is a plain file on the runner.
 */
export interface MainState {
  /** buildx builder we created and must remove (absent when we used an existing one). */
  builder?: string;
  /** Per-job DOCKER_CONFIG directory holding the login; removed in post. */
  dockerConfig?: string;
  /** Registries we logged in to. */
  loggedIn: string[];
  /** True once the build (and push) finished without error. */
  buildSucceeded: boolean;
  /** Cargo cache-mount persistence: what post must save (see execute/cache-mounts.ts). */
  cacheMounts?: {
    key: string;
    dir: string;
    /** Key that was restored exactly (post skips the save). */
    hitKey?: string;
    platforms: string[];
    builder: string;
  };
  /** Local layer-cache directory persisted with @actions/cache (cache: local). */
  localCache?: { key: string; dir: string; hitKey?: string };
}

const KEY = 'muslrust-chef';
const POST_FLAG = 'isPost';

export function markMainStarted(): void {
  core.saveState(POST_FLAG, 'true');
}

export function isPost(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env[`STATE_${POST_FLAG}`] ?? '') !== '';
}

export function saveMainState(s: MainState): void {
  core.saveState(KEY, JSON.stringify(s));
}

export function loadMainState(): MainState | undefined {
  const raw = core.getState(KEY);
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as MainState;
  } catch {
    return undefined;
  }
}
