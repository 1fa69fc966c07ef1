/**
 * Reading what a build did from BuildKit's plain progress log (the action prints it on stdout), and
 * making a fresh runner's builder. Shared by the engine tests (gha-cache, rust) and `npm run bench`.
 *
 * Why a step is checked as "did not run" and not only as `CACHED`: BuildKit prints a step whose
 * cached layer it downloads lazily (because a later step must run on top of it) as blob progress
 * lines and `DONE`, without `CACHED`.
 */
import { docker, REGISTRY } from './helpers.js';

export type StepStatus = 'cached' | 'pulled' | 'ran';
export interface BuildStep {
  vertex: string;
  platform: string;
  stage: string;
  /** `3/4`: position in the stage. */
  pos: string;
  cmd: string;
  /** The step's output lines, without the `#<vertex> ` prefix (BuildKit's `0.123 ` time stays). */
  lines: string[];
  /**
   * cached: `#n CACHED`; pulled: only blob download / `extracting sha256:…` lines and DONE (a cached
   * layer unpacked because a later step runs on it); ran: anything else (it executed).
   */
  status: StepStatus;
}

const BLOB_LINE = /^(?:sha256:[0-9a-f]{64} |extracting sha256:[0-9a-f]{64}|DONE \d)/;

/**
 * The Dockerfile steps (not FROM, not internal) of the build log in `out`, by vertex. A single-platform
 * build names no platform in its step headers (`#12 [builder 3/4] COPY . .`): those get `only`.
 */
export function buildSteps(out: string, only: string): BuildStep[] {
  const steps = new Map<string, Omit<BuildStep, 'status'>>();
  for (const line of out.split('\n')) {
    const head = /^#(\d+) \[(?:(linux\/[a-z0-9]+) )?([\w.-]+) (\d+\/\d+)\] (.*)$/.exec(line);
    if (head) {
      const [, vertex = '', platform = only, stage = '', pos = '', cmd = ''] = head;
      if (!steps.has(vertex)) steps.set(vertex, { vertex, platform, stage, pos, cmd: cmd.trim(), lines: [] });
      continue;
    }
    const body = /^#(\d+) (.*)$/.exec(line);
    const step = body ? steps.get(body[1] ?? '') : undefined;
    if (step) step.lines.push(body?.[2] ?? '');
  }
  return [...steps.values()]
    .filter((s) => !s.cmd.startsWith('FROM '))
    .map((s) => ({
      ...s,
      status: s.lines.includes('CACHED') ? 'cached' : s.lines.some((l) => !l.startsWith('DONE')) && s.lines.every((l) => BLOB_LINE.test(l)) ? 'pulled' : 'ran',
    }));
}

/**
 * The crates real cargo compiled in a step, in order, from its `Compiling <name> v<version>` lines
 * (cargo's own status lines; `Compiling` only when rustc really ran for that crate).
 */
export const compiledCrates = (step: BuildStep): string[] =>
  step.lines.flatMap((l) => {
    const m = /^(?:[\d.]+ +)?Compiling ([\w-]+) v\d/.exec(l.trim());
    return m?.[1] ? [m[1]] : [];
  });

/** cargo's `Finished …` line of a step, or undefined when cargo did not finish there. */
export const finishedLine = (step: BuildStep): string | undefined =>
  step.lines.map((l) => l.trim().replace(/^[\d.]+ +/, '')).find((l) => l.startsWith('Finished '));

/**
 * A fresh runner's builder: no build cache and no image of REPOS in the daemon. `buildx prune -af`
 * also empties the cache mounts. The stand-in base images stay (they are images, not build cache).
 */
export function freshBuilder(repos: readonly string[]): void {
  docker(['buildx', 'prune', '--builder', 'default', '-af']);
  const refs = docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])
    .stdout.split('\n')
    .map((l) => l.trim())
    .filter((ref) => repos.some((repo) => ref.startsWith(`${REGISTRY}/${repo}:`)) && !ref.endsWith(':<none>'));
  if (refs.length > 0) docker(['image', 'rm', ...refs]);
}
