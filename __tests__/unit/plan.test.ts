import { DEFAULTS, type RawInputs } from '../../src/inputs.js';
import { parseInputs } from '../../src/parse-inputs.js';
import { buildPlan, type PlanIds } from '../../src/plan/index.js';
import type { RunContext } from '../../src/read/context.js';
import type { PlanFiles } from '../../src/read/plan-files.js';
import type { Workspace } from '../../src/read/workspace.js';
import { git, RUN } from './meta/helpers.js';

// buildPlan in-process: no disk, no docker, no environment. Everything it reads is in the
// arguments, so each row is one decision of the plan (which commands, which flags, which errors).

const ws: Workspace = {
  root: '/w',
  packages: [{ name: 'app', version: '1.2.3', license: 'MIT' }],
  bins: [{ name: 'app', pkg: 'app', member: '.' }],
  lock: 'version = 4\n\n[[package]]\nname = "mimalloc"\nversion = "0.1.48"\n',
  configFiles: {},
  manifests: { 'Cargo.toml': '[package]\nname = "app"\n' },
};
const files: PlanFiles = { context: '/w', workspace: ws };
const ctx = (over: Partial<RunContext> = {}): RunContext => ({
  git: git(),
  workspace: '/w',
  runnerTemp: '/tmp/rt',
  runId: '1',
  runAttempt: '1',
  actionRoot: '/action',
  env: {},
  ...over,
});
const ids: PlanIds = { workDir: '/tmp/rt/x', builder: 'b1', hasStoredAuth: () => false, native: 'linux/amd64' };
const inputs = (over: Partial<RawInputs> = {}) => parseInputs({ ...DEFAULTS, image: 'localhost:5000/app', ...over });
const plan = (over: Partial<RawInputs> = {}, c = ctx(), f = files, i = ids) => buildPlan(inputs(over), c, f, i);
const ids_ = (p: ReturnType<typeof plan>) => p.commands.map((c) => c.id);

describe('buildPlan (pure)', () => {
  test.each<[string, Partial<RawInputs>, Partial<PlanIds>, string[]]>([
    ['both platforms on amd64: QEMU for arm64 only', {}, {}, ['qemu', 'buildx-version', 'builder-create', 'previous', 'build', 'inspect']],
    ['native arm64 runner: QEMU for amd64', {}, { native: 'linux/arm64' }, ['qemu', 'buildx-version', 'builder-create', 'previous', 'build', 'inspect']],
    ['one native platform: no QEMU', { platforms: 'linux/amd64' }, {}, ['buildx-version', 'builder-create', 'previous', 'build', 'inspect']],
    ['qemu: false never installs', { qemu: 'false' }, {}, ['buildx-version', 'builder-create', 'previous', 'build', 'inspect']],
    ['driver docker: no builder to create', { platforms: 'linux/amd64', driver: 'docker' }, {}, ['buildx-version', 'previous', 'build', 'inspect']],
    ['push: false reads nothing from the registry', { platforms: 'linux/amd64', push: 'false' }, {}, ['buildx-version', 'builder-create', 'build']],
    ['credentials add a login', { platforms: 'linux/amd64', username: 'u', password: 'p' }, {}, ['buildx-version', 'builder-create', 'login', 'previous', 'build', 'inspect']],
    ['merge mode', { mode: 'merge', digests: `sha256:${'a'.repeat(64)}` }, {}, ['buildx-version', 'builder-create', 'previous', 'merge', 'inspect']],
  ])('%s', (_name, over, idsOver, want) => {
    expect(ids_(plan(over, ctx(), over.mode === 'merge' ? { context: '/w' } : files, { ...ids, ...idsOver }))).toEqual(want);
  });

  test('QEMU is planned for exactly the foreign platforms', () => {
    expect(plan({}, ctx(), files, { ...ids, native: 'linux/arm64' }).foreign).toEqual(['linux/amd64']);
    expect(plan({}, ctx(), files, { ...ids, native: undefined }).foreign).toEqual(['linux/amd64', 'linux/arm64']);
  });

  test('the generated Dockerfile and its ignore file live in the work dir; the scripts context comes from the action', () => {
    const p = plan({}, ctx(), { ...files, dockerignore: 'secret.txt' });
    expect(p.dockerfile).toMatchObject({ path: '/tmp/rt/x/Dockerfile', generated: true, ignorePath: '/tmp/rt/x/Dockerfile.dockerignore' });
    expect(p.dockerfile.ignoreContent?.split('\n')[0]).toBe('secret.txt');
    const build = p.commands.find((c) => c.id === 'build');
    expect(build?.argv).toContain('muslrust-chef-scripts=/action/image/scripts');
    expect(p.allocator).toBe('mimalloc');
  });

  test('a user Dockerfile is used as read, and the cache key follows its content', () => {
    const a = plan({ dockerfile: 'Dockerfile' }, ctx(), { context: '/w', userDockerfile: { path: '/w/Dockerfile', content: 'FROM a\n' } });
    const b = plan({ dockerfile: 'Dockerfile' }, ctx(), { context: '/w', userDockerfile: { path: '/w/Dockerfile', content: 'FROM b\n' } });
    expect(a.dockerfile).toEqual({ path: '/w/Dockerfile', content: 'FROM a\n', generated: false });
    expect(a.cacheKey.key).not.toBe(b.cacheKey.key);
  });

  test('push: auto does not push a pull request', () => {
    expect(plan({ platforms: 'linux/amd64' }, ctx({ git: RUN.pr })).push).toBe(false);
    expect(plan({ platforms: 'linux/amd64' }, ctx({ git: RUN.main })).push).toBe(true);
  });

  test.each<[string, Partial<RawInputs>, PlanIds, RegExp]>([
    ['a push to Docker Hub without credentials', { image: 'org/app' }, ids, /Input 'username' is empty, but pushing to docker\.io needs credentials/],
    ['push-by-digest with two images', { image: 'localhost:5000/a,localhost:5000/b', 'push-by-digest': 'true' }, ids, /Input 'push-by-digest'.*needs exactly one image/],
    ['a push with no tag for this event', { tags: 'type=semver,pattern={{version}}' }, ids, /Input 'tags'.*produced no tag/],
  ])('error: %s', (_name, over, i, message) => {
    expect(() => plan(over, ctx(), files, i)).toThrow(message);
  });

  test('stored credentials from an earlier login step are enough to push', () => {
    expect(plan({ image: 'org/app' }, ctx(), files, { ...ids, hasStoredAuth: (r) => r === 'docker.io' }).push).toBe(true);
  });
});
