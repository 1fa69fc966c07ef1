import fs from 'node:fs';
import { errors, ActionRunner, type StepResult } from '../helpers/action-runner.js';

// The committed dist/index.js, run as the runner runs it. docker is a recorder on PATH (our own
// process boundary: see helpers/fake-docker.mjs); everything else is real.
const TOKEN = 'dckr_pat_SECRET-token-0123456789';
const base = { image: 'org/hello', context: 'examples/hello', username: 'org-bot', password: TOKEN };

/**
 * The runner swallows `::add-mask::VALUE` and masks VALUE from then on, so that one command is the
 * only place the token may appear, and it must come before any other output of the step.
 */
function noSecret(...steps: StepResult[]): void {
  for (const s of steps) {
    const mask = `::add-mask::${TOKEN}`;
    expect(s.all.split('\n').filter((l) => l !== mask).join('\n')).not.toContain(TOKEN);
    if (s.stdout.includes(mask)) expect(s.stdout.split('\n')[0]).toBe(mask);
  }
}

describe('bundled action', () => {
  let r: ActionRunner;
  beforeEach(() => {
    r = new ActionRunner();
  });
  afterEach(() => r.cleanup());

  test('dry run: plan, Dockerfile and outputs, no docker command, post is a no-op', () => {
    const { main, post } = r.mainAndPost({ ...base, 'dry-run': 'true' });
    expect(main.code).toBe(0);
    expect(errors(main)).toEqual([]);
    expect(r.calls()).toEqual([]);
    const plan = JSON.parse(main.outputs.plan ?? '[]') as Array<{ argv: string[] }>;
    expect(plan.map((c) => c.argv.slice(0, 3).join(' '))).toEqual(
      expect.arrayContaining(['docker buildx version', 'docker buildx create', 'docker login --username', 'docker buildx build']),
    );
    const build = plan.find((c) => c.argv[2] === 'build');
    expect(build?.argv).toEqual(expect.arrayContaining(['--platform', 'linux/amd64,linux/arm64', '--push', '--tag', 'org/hello:1.2.3', '--tag', 'org/hello:latest']));
    expect(main.outputs.platforms).toBe('linux/amd64,linux/arm64');
    expect(main.outputs.version).toBe('1.2.3');
    expect(main.outputs.tags?.split('\n')).toEqual(['org/hello:1.2.3', 'org/hello:1.2', 'org/hello:1', 'org/hello:sha-0123456', 'org/hello:latest']);
    expect(main.outputs['cache-key']).toMatch(/^muslrust-chef-/);
    const df = fs.readFileSync(main.outputs.dockerfile ?? '', 'utf8');
    expect(df).toContain('cargo chef cook --release --locked');
    expect(df).toContain('--bin hello');
    expect(df).not.toMatch(/^# syntax=/m);
    expect(main.summary).toContain('dry run');
    expect(post.code).toBe(0);
    noSecret(main, post);
  });

  test('build: commands in order, token only on stdin, outputs from metadata, post logs out and removes builder', () => {
    const { main, post } = r.mainAndPost(base);
    expect(main.code).toBe(0);
    const calls = r.calls();
    const verbs = calls.map((c) => c.argv.slice(1, 3).join(' '));
    const firstMain = verbs.indexOf('buildx version');
    expect(verbs.slice(firstMain)).toEqual(
      expect.arrayContaining(['buildx version', 'buildx create', 'login --username', 'buildx build', 'logout docker.io', 'buildx rm']),
    );
    // Post removes exactly the builder main created (the engine tests run with `driver: docker`,
    // where the action creates none, so this is where the cleanup of a real builder name is checked).
    const create = calls.find((c) => c.argv[1] === 'buildx' && c.argv[2] === 'create')?.argv ?? [];
    const created = create[create.indexOf('--name') + 1];
    expect(created).toMatch(/^muslrust-chef-[0-9a-f]{8}$/);
    expect(calls.filter((c) => c.argv[2] === 'rm').map((c) => c.argv.slice(1))).toEqual([['buildx', 'rm', created]]);
    const login = calls.find((c) => c.argv[1] === 'login');
    expect(login?.stdin).toBe(TOKEN);
    expect(calls.every((c) => !c.argv.join(' ').includes(TOKEN))).toBe(true);
    // Login comes before any build (Docker Hub pull limits), logout after it.
    expect(verbs.indexOf('login --username')).toBeLessThan(verbs.indexOf('buildx build'));
    expect(verbs.indexOf('logout docker.io')).toBeGreaterThan(verbs.indexOf('buildx build'));
    // A per-job DOCKER_CONFIG, removed in post.
    const cfg = login?.dockerConfig ?? '';
    expect(cfg).toContain('muslrust-chef-');
    expect(fs.existsSync(cfg)).toBe(false);
    expect(main.outputs.digest).toBe('sha256:' + 'a'.repeat(64));
    expect(JSON.parse(main.outputs.metadata ?? '{}')['containerimage.digest']).toBe('sha256:' + 'a'.repeat(64));
    expect(main.summary).toContain('linux/arm64');
    expect(post.code).toBe(0);
    noSecret(main, post);
  });

  test('bad platform: exit 1, one ::error:: naming the input, value and fix; no docker command', () => {
    const { main } = r.mainAndPost({ ...base, platforms: 'linux/386' });
    expect(main.code).toBe(1);
    expect(errors(main)).toHaveLength(1);
    expect(errors(main)[0]).toMatch(/Input 'platforms'.*"linux\/386".*linux\/amd64/);
    expect(r.calls()).toEqual([]);
    noSecret(main);
  });

  test('failed build: exit 1 with the reason; post still logs out and removes the builder', () => {
    const fail = { 'buildx build': { code: 1, stderr: 'ERROR: failed to build: failed to solve: process "/bin/sh -c cargo build" did not complete successfully: exit code: 101\n' } };
    const { main, post } = r.mainAndPost(base, { FAKE_DOCKER_FAIL: JSON.stringify(fail) });
    expect(main.code).toBe(1);
    expect(errors(main)[0]).toMatch(/build.*failed.*exit code: 101/);
    expect(post.code).toBe(0);
    const verbs = r.calls().map((c) => c.argv.slice(1, 3).join(' '));
    expect(verbs).toContain('logout docker.io');
    expect(verbs).toContain('buildx rm');
    noSecret(main, post);
  });

  test('pull_request: nothing pushed, no credentials needed', () => {
    const { main } = r.mainAndPost({ image: 'org/hello', context: 'examples/hello', platforms: 'amd64' }, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' });
    expect(main.code).toBe(0);
    const build = r.calls().find((c) => c.argv[2] === 'build');
    expect(build?.argv).toContain('--load');
    expect(build?.argv).not.toContain('--push');
    expect(main.outputs.tags).toContain('org/hello:pr-7');
  });

  test('push to Docker Hub without credentials fails before any docker command', () => {
    const { main } = r.mainAndPost({ image: 'org/hello', context: 'examples/hello' });
    expect(main.code).toBe(1);
    expect(errors(main)[0]).toMatch(/Input 'username'.*docker\.io.*password/);
    expect(r.calls()).toEqual([]);
  });
});
