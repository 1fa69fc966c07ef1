import type { StepResult } from '../helpers/action-runner.js';

// BuildKit's plain progress log, read back from the action's output: which steps ran, which came
// from the cache, per platform. The engine cache tests assert on it.

export const AMD64 = 'linux/amd64';
export const ARM64 = 'linux/arm64';
export const TRIPLE: Record<string, string> = { [AMD64]: 'x86_64-unknown-linux-musl', [ARM64]: 'aarch64-unknown-linux-musl' };
/** Pinned, so that a rebuild's image config can be byte-identical (the action stamps "now" otherwise). */
export const CREATED_LABEL = 'org.opencontainers.image.created=2026-01-01T00:00:00Z';


type StepStatus = 'cached' | 'pulled' | 'ran';
export interface BuildStep {
  vertex: string;
  platform: string;
  stage: string;
  /** `3/4`: position in the stage. */
  pos: string;
  cmd: string;
  lines: string[];
  /**
   * cached: `#n CACHED`; pulled: only blob download / `extracting sha256:…` lines and DONE (a cached
   * layer unpacked because a later step runs on it); ran: anything else (it executed).
   */
  status: StepStatus;
}

export const BLOB_LINE = /^(?:sha256:[0-9a-f]{64} |extracting sha256:[0-9a-f]{64}|DONE \d)/;

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

export const stepName = (s: BuildStep): string => `[${s.platform} ${s.stage} ${s.pos}] ${s.cmd.replace(/--mount=\S+\s+/g, '').slice(0, 40)}`;

/** `amd64: planner COPY . ., prepare, …; arm64: …`: the steps that ran, for the measurements table. */
export function ranSummary(steps: BuildStep[]): string {
  const what = (c: string): string =>
    c.includes('cargo chef cook') ? 'cook'
    : c.includes('cargo chef prepare') ? 'prepare'
    : c.includes('cargo build') ? 'cargo build'
    : c.startsWith('COPY --from=planner') ? 'COPY recipe.json'
    : c.startsWith('COPY --from=builder') ? 'COPY binary'
    : c.split(/\s+/).slice(0, 3).join(' ');
  const by = new Map<string, string[]>();
  for (const s of steps.filter((x) => x.status === 'ran')) {
    const arch = s.platform.split('/')[1] ?? s.platform;
    by.set(arch, [...(by.get(arch) ?? []), `${s.stage} ${what(s.cmd)}`]);
  }
  return [...by].map(([arch, l]) => `${arch}: ${l.join(', ')}`).join('; ') || '(none)';
}

export function step(steps: BuildStep[], platform: string, stage: string, match: (cmd: string) => boolean): BuildStep {
  const found = steps.find((s) => s.platform === platform && s.stage === stage && match(s.cmd));
  if (!found) throw new Error(`no ${stage} step for ${platform} in the build log; steps: ${steps.map(stepName).join(' | ')}`);
  return found;
}
export const cookStep = (steps: BuildStep[], p: string): BuildStep => step(steps, p, 'builder', (c) => c.includes('cargo chef cook'));
export const compileStep = (steps: BuildStep[], p: string): BuildStep => step(steps, p, 'builder', (c) => c.includes('cargo build'));
export const sourcesStep = (steps: BuildStep[], p: string): BuildStep => step(steps, p, 'builder', (c) => c === 'COPY . .');

/** The dependency step of `platform` did not run in this build: not executed, no stand-in cook output. */
export function expectCookNotRun(r: StepResult, steps: BuildStep[], platform: string): void {
  const cook = cookStep(steps, platform);
  expect({ step: stepName(cook), status: cook.status, lines: cook.lines }).toEqual({ step: stepName(cook), status: expect.stringMatching(/^(cached|pulled)$/), lines: cook.lines });
  expect(r.stdout).not.toContain(`Compiling dependencies of recipe`);
  expect(r.stdout).not.toContain('Compiling dependencies: none cooked');
}
