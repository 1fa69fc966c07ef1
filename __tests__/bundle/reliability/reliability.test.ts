import fs from 'node:fs';
import path from 'node:path';
import { errors, postEnv, ROOT, ActionRunner, type StepResult } from '../../helpers/action-runner.js';
import type { Prepared } from './case-kit.js';
import { assertUniqueNames, BASE, CASES, warningsOf, type Case, type Ctx } from './cases.js';
import { annotations, normalise, renderDoc, tokenForms, USER, verbs, type DocRow, type Outcome } from './observe.js';

// Bad inputs, faults and secrecy, measured on the bundle (rebuilt from src/ when stale) run as the
// GitHub runner runs it. Every case of cases.ts runs main + post in a pool (several at once: most of
// the time goes to retries and backoff the action or its libraries wait through); then the case's
// own test asserts what was expected and the checks every case shares, and records what was
// observed. The last test regenerates docs/reliability.md from the table and the observations and
// fails when the file differs.

const DOC = path.join(ROOT, 'docs', 'reliability.md');
const CONCURRENCY = 8;

interface Result {
  observed: string[];
}

/** Checks every case gets, whatever it is about. */
function common(k: Case, o: Outcome, c: Ctx, inputs: Record<string, string>): void {
  const token = inputs.password ?? '';
  const runs = [{ main: o.main, post: o.post }, ...o.more];
  const steps: StepResult[] = runs.flatMap((r) => [r.main, r.post]);

  // The token: masked before anything else, then never seen again outside login's stdin.
  if (token !== '') {
    const mask = `::add-mask::${token}`;
    for (const r of runs) {
      // The one allowed appearance: main's first line, once; post has no reason to print it at all.
      expect(r.main.stdout.split('\n')[0]).toBe(mask);
      expect(r.main.all.split('\n').filter((l) => l === mask)).toHaveLength(1);
      expect(r.post.all).not.toContain(mask);
    }
    const forms = tokenForms(token, inputs.username ?? USER);
    for (const s of steps) {
      const text = s.all.split('\n').filter((l) => l !== mask).join('\n');
      for (const f of forms) expect(text).not.toContain(f);
    }
    for (const call of o.calls) {
      for (const f of forms) expect(call.argv.join('\n')).not.toContain(f);
      if (call.argv[1] === 'login') expect(call.stdin).toBe(token);
      else expect(call.stdin).not.toContain(token);
    }
    for (const f of o.tempFiles) for (const form of forms) expect({ file: f.path, leaked: f.bytes.includes(form) }).toEqual({ file: f.path, leaked: false });
  }
  // Post never fails the job, and the per-job docker config (where the login lives) is gone.
  for (const r of runs) {
    expect(r.post.code).toBe(0);
    expect(errors(r.post)).toEqual([]);
  }
  expect(o.tempFiles.filter((f) => f.path.split(path.sep).includes('docker-config'))).toEqual([]);
  // Nothing was ever run through a shell.
  expect(fs.readdirSync(c.scratch).filter((f) => f.startsWith('pwned'))).toEqual([]);
  expect(fs.existsSync(c.victim)).toBe(true);

  const errs = annotations(o.main.stdout, 'error');
  switch (k.expect.kind) {
    case 'bad-input': {
      const { input, value, fix } = k.expect;
      expect(o.main.code).toBe(1);
      expect(errs).toHaveLength(1);
      const e = errs[0] ?? '';
      expect(e).toContain(`'${input}'`);
      // The value, as InputError quotes it or (for the workspace) inside the directory it names.
      expect(e.includes(JSON.stringify(value)) || (value !== '' && e.includes(value))).toBe(true);
      expect(e).toMatch(fix);
      expect(o.calls).toEqual([]);
      break;
    }
    case 'fails':
      expect(o.main.code).toBe(1);
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatch(k.expect.error);
      break;
    case 'ok':
      expect(errs).toEqual([]);
      expect(o.main.code).toBe(0);
      break;
  }
  const warnings = warningsOf(o);
  for (const w of k.warnings ?? []) expect(warnings.some((x) => w.test(x))).toBe(true);
}

/** What the doc shows: exit codes, the annotations, the docker commands, and the case's own notes. */
function observation(o: Outcome): string[] {
  const lines = [`exit ${o.main.code}, post exit ${o.post.code}`];
  for (const e of annotations(o.main.stdout, 'error')) lines.push(`error: ${e}`);
  for (const w of annotations(o.main.stdout, 'warning')) lines.push(`warning: ${w}`);
  for (const w of annotations(o.post.stdout, 'warning')) lines.push(`post warning: ${w}`);
  lines.push(`docker: ${verbs(o.calls)}`);
  return lines;
}

/** One case's action runs (main, then post), made in the pool; its test asserts on them. */
interface Ran {
  k: Case;
  c: Ctx;
  prep: Prepared;
  inputs: Record<string, string>;
  o: Outcome;
}

/** Runs main + post of one case (several cases at once: most of the time is retries and backoff). */
async function execute(k: Case): Promise<Ran> {
  const r = new ActionRunner();
  const scratch = path.join(r.dir, 'scratch');
  fs.mkdirSync(scratch, { recursive: true });
  const c: Ctx = { r, scratch, canary: path.join(scratch, 'pwned'), victim: path.join(scratch, 'victim'), more: [] };
  fs.writeFileSync(c.victim, 'still here\n');
  let prep: Prepared = {};
  try {
    prep = k.prepare ? await k.prepare(c) : {};
    const inputs = { ...BASE, ...k.inputs, ...prep.inputs };
    const env = r.inputEnv(inputs, { ...k.env, ...prep.env });
    const main = await r.stepAsync(env);
    await prep.between?.();
    const post = await r.stepAsync(postEnv(env, main));
    return { k, c, prep, inputs, o: { main, post, more: c.more, calls: r.calls(), tempFiles: r.tempFiles(), r } };
  } catch (e) {
    await prep.cleanup?.();
    r.cleanup();
    throw e;
  }
}

/** Inside the case's own test: its checks, the shared checks, and what the doc shows. */
async function assertCase({ k, c, prep, inputs, o }: Ran): Promise<Result> {
  const r = c.r;
  try {
    const observed = observation(o);
    observed.push(...((await k.check?.(o, c)) ?? []), ...((await prep.check?.(o)) ?? []));
    // Checks may run the action again (c.more): the shared checks see everything it left.
    o.calls = r.calls();
    o.tempFiles = r.tempFiles();
    common(k, o, c, inputs);
    const ws = { ...k.env, ...prep.env }.GITHUB_WORKSPACE ?? ROOT;
    const paths: Array<[string, string]> = [
      [ws, '$GITHUB_WORKSPACE'],
      [r.temp, '$RUNNER_TEMP'],
      [c.scratch, '$SCRATCH'],
      [r.dir, '$RUNNER'],
      [ROOT, '$ACTION'],
    ];
    const short = (l: string) => (l.length > 700 ? `${l.slice(0, 700)}…` : l);
    return { observed: observed.map((l) => short(normalise(l, paths))) };
  } finally {
    await prep.cleanup?.();
    r.cleanup();
  }
}

/** Run `fn` over the cases, at most `n` at a time; each case's promise settles on its own. */
function pool<T>(items: readonly Case[], n: number, fn: (k: Case) => Promise<T>): Map<string, Promise<T>> {
  const out = new Map<string, Promise<T>>();
  let running = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    running--;
    queue.shift()?.();
  };
  for (const k of items) {
    out.set(
      k.name,
      new Promise<T>((resolve, reject) => {
        const start = () => {
          running++;
          fn(k).then(resolve, reject).finally(next);
        };
        if (running < n) start();
        else queue.push(start);
      }),
    );
  }
  // Each test awaits its own; this keeps an early rejection from being reported as unhandled.
  for (const p of out.values()) p.catch(() => undefined);
  return out;
}

describe('reliability: bad input, faults, secrets (bundled action)', () => {
  assertUniqueNames(CASES);
  // Slow cases first: they spend their time waiting on backoff, so the pool overlaps them with the rest.
  const SLOW = /outage|no network|fails every time|cache service|fails once/;
  const order = [...CASES.filter((k) => SLOW.test(k.name)), ...CASES.filter((k) => !SLOW.test(k.name))];
  let runs: Map<string, Promise<Ran>>;
  const results = new Map<string, Result>();
  beforeAll(() => {
    runs = pool(order, CONCURRENCY, execute);
  });

  // The action runs in the pool; every assertion about a case runs here, in that case's own test.
  test.each(CASES.map((k) => [k.group, k.name] as const))('%s: %s', async (_g, name) => {
    const ran = await runs.get(name);
    if (!ran) throw new Error(`case ${name} was not run`);
    results.set(name, await assertCase(ran));
  }, 150_000);

  test('docs/reliability.md is the table of cases and what was observed', () => {
    // A case whose own test failed has no observation: the doc cannot be checked without it.
    expect(CASES.filter((k) => !results.has(k.name)).map((k) => k.name)).toEqual([]);
    const rows: DocRow[] = CASES.map((k) => ({ group: k.group, name: k.name, expected: k.expected, observed: results.get(k.name)?.observed ?? [] }));
    const doc = renderDoc(rows, CASES.length);
    if (process.env.UPDATE_RELIABILITY_DOC === '1') fs.writeFileSync(DOC, doc);
    const current = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '';
    expect(current).toBe(doc);
  });
});
