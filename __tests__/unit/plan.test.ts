import { DEFAULTS, type RawInputs } from '../../src/inputs.js';
import { parseInputs } from '../../src/parse-inputs.js';
import { buildPlan, type PlanIds } from '../../src/plan/index.js';
import type { GitContext, RunContext } from '../../src/read/context.js';
import type { PlanFiles } from '../../src/read/plan-files.js';
import type { Workspace } from '../../src/read/workspace.js';
import { renderSummary, supplyLine } from '../../src/report/summary.js';
import { git, NOW, RUN } from './meta/helpers.js';

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
    ['both platforms on amd64: arm64 cross-compiled, no QEMU', {}, {}, ['buildx-version', 'builder-create', 'previous', 'build', 'sbom', 'inspect']],
    ['cross: false keeps QEMU for arm64', { cross: 'false' }, {}, ['qemu', 'buildx-version', 'builder-create', 'previous', 'build', 'sbom', 'inspect']],
    ['native arm64 runner, cross: false: QEMU for amd64', { cross: 'false' }, { native: 'linux/arm64' }, ['qemu', 'buildx-version', 'builder-create', 'previous', 'build', 'sbom', 'inspect']],
    ['remote engine: QEMU on this runner would not reach it', { cross: 'false', driver: 'remote', endpoint: 'tcp://bk:1234' }, {}, ['buildx-version', 'builder-create', 'previous', 'build', 'sbom', 'inspect']],
    ['an appended node: created, appended, booted', { append: '- name: arm\n  endpoint: tcp://arm:1234\n  platforms: linux/arm64' }, {}, ['buildx-version', 'builder-create', 'builder-append', 'builder-boot', 'previous', 'build', 'sbom', 'inspect']],
    ['one native platform: no QEMU', { platforms: 'linux/amd64' }, {}, ['buildx-version', 'builder-create', 'previous', 'build', 'sbom', 'inspect']],
    ['qemu: false never installs', { qemu: 'false' }, {}, ['buildx-version', 'builder-create', 'previous', 'build', 'sbom', 'inspect']],
    ['driver docker: no builder to create', { platforms: 'linux/amd64', driver: 'docker' }, {}, ['buildx-version', 'previous', 'build', 'sbom', 'inspect']],
    ['push: false has nothing to inspect', { platforms: 'linux/amd64', push: 'false' }, {}, ['buildx-version', 'builder-create', 'build', 'sbom']],
    ['credentials: the login comes first, before anything is pulled', { cross: 'false', username: 'u', password: 'p' }, {}, ['login', 'qemu', 'buildx-version', 'builder-create', 'previous', 'build', 'sbom', 'inspect']],
    ['merge mode: buildx is checked, no builder is created', { mode: 'merge', digests: `sha256:${'a'.repeat(64)}` }, {}, ['buildx-version', 'previous', 'merge', 'inspect']],
  ])('%s', (_name, over, idsOver, want) => {
    expect(ids_(plan(over, ctx(), over.mode === 'merge' ? { context: '/w' } : files, { ...ids, ...idsOver }))).toEqual(want);
  });

  test('QEMU is planned for exactly the emulated platforms', () => {
    expect(plan({ cross: 'false' }, ctx(), files, { ...ids, native: 'linux/arm64' }).foreign).toEqual(['linux/amd64']);
    expect(plan({ cross: 'false' }, ctx(), files, { ...ids, native: undefined }).foreign).toEqual(['linux/amd64', 'linux/arm64']);
    expect(plan({}, ctx(), files, { ...ids, native: 'linux/arm64' }).foreign).toEqual([]);
  });

  const custom: PlanFiles = { ...files, userDockerfile: { path: '/w/Dockerfile', content: 'FROM scratch\n' } };
  test.each<[string, Partial<RawInputs>, PlanFiles, Partial<PlanIds>, Record<string, string>]>([
    ['default on amd64', {}, files, {}, { 'linux/amd64': 'native', 'linux/arm64': 'cross' }],
    ['default on arm64', {}, files, { native: 'linux/arm64' }, { 'linux/amd64': 'cross', 'linux/arm64': 'native' }],
    ['cross: false', { cross: 'false' }, files, {}, { 'linux/amd64': 'native', 'linux/arm64': 'emulated' }],
    ['own Dockerfile, cross: auto (not known to cross-compile)', {}, custom, {}, { 'linux/amd64': 'native', 'linux/arm64': 'emulated' }],
    ['own Dockerfile, cross: true (vouched for)', { cross: 'true' }, custom, {}, { 'linux/amd64': 'native', 'linux/arm64': 'cross' }],
    ['appended native arm64 node', { append: '- endpoint: tcp://arm:1\n  platforms: arm64' }, files, {}, { 'linux/amd64': 'native', 'linux/arm64': 'native' }],
    ['remote engine: the runner\'s arch says nothing', { driver: 'remote', endpoint: 'tcp://bk:1' }, files, {}, { 'linux/amd64': 'cross', 'linux/arm64': 'cross' }],
  ])('build way per platform: %s', (_n, over, f, i, want) => {
    expect(plan(over, ctx(), f, { ...ids, ...i }).ways).toEqual(want);
  });

  test('the Dockerfile cross-compiles only when some platform is cross-compiled', () => {
    const cross = plan({}).dockerfile.content;
    expect(cross).toContain('FROM --platform=$BUILDPLATFORM clux/muslrust:');
    expect(cross).toContain('RUN rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-musl');
    // zig and its environment for arm64 (foreign to the amd64 runner) only
    expect(cross).toContain('CC_aarch64_unknown_linux_musl=/usr/local/bin/zigcc-aarch64-linux-musl');
    expect(cross).not.toContain('CC_x86_64_unknown_linux_musl');
    expect(plan({}, ctx(), files, { ...ids, native: 'linux/arm64' }).dockerfile.content).toContain('CC_x86_64_unknown_linux_musl=/usr/local/bin/zigcc-x86_64-linux-musl');
    for (const over of [{ cross: 'false' }, { platforms: 'linux/amd64' }]) {
      const df = plan(over).dockerfile.content;
      expect(df).not.toContain('$BUILDPLATFORM');
      expect(df).not.toContain('zig');
    }
  });

  test('the generated Dockerfile and its ignore file live in the work dir; the scripts context comes from the action', () => {
    const p = plan({}, ctx(), { ...files, dockerignore: 'secret.txt' });
    expect(p.dockerfile).toMatchObject({ path: '/tmp/rt/x/Dockerfile', generated: true, ignorePath: '/tmp/rt/x/Dockerfile.dockerignore' });
    expect(p.dockerfile.ignoreContent?.split('\n')[0]).toBe('secret.txt');
    const build = p.commands.find((c) => c.id === 'build');
    expect(build?.argv).toContain('muslrust-chef-scripts=/action/image/scripts');
    expect(p.allocator).toBe('mimalloc');
  });

  test('cache-mounts: the mount scope build arg (repository + checkout) and the scripts context, also with a builder image', () => {
    const argv = (p: ReturnType<typeof plan>) => p.commands.find((c) => c.id === 'build')?.argv ?? [];
    const scopeArg = (p: ReturnType<typeof plan>) => argv(p).find((a) => a.startsWith('MUSLRUST_CHEF_SCOPE='));
    const on = plan({ 'cache-mounts': 'true', 'builder-image': 'org/muslrust-chef:1' });
    expect(on.mountScope).toMatch(/^[0-9a-f]{12}$/);
    expect(scopeArg(on)).toBe(`MUSLRUST_CHEF_SCOPE=${on.mountScope}`);
    expect(argv(on)).toContain('muslrust-chef-scripts=/action/image/scripts');
    // Another checkout directory of the same repository (a second runner on one daemon): another scope.
    const other = plan({ 'cache-mounts': 'true', 'builder-image': 'org/muslrust-chef:1' }, ctx(), { ...files, context: '/runner2/w' });
    expect(other.mountScope).not.toBe(on.mountScope);
    // The scope is not in the Dockerfile, so the cache key does not depend on the checkout path.
    expect(other.cacheKey.key).toBe(on.cacheKey.key);
    const off = plan({ 'builder-image': 'org/muslrust-chef:1' });
    expect(off.mountScope).toBeUndefined();
    expect(scopeArg(off)).toBeUndefined();
    expect(argv(off).join(' ')).not.toContain('muslrust-chef-scripts=');
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

describe('buildPlan: reproducible, auditable, SBOM, signing (issue 14)', () => {
  const KEY = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabcdefghijklmnop\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----';
  const build = (p: ReturnType<typeof plan>) => p.commands.find((c) => c.id === 'build')?.argv ?? [];

  test.each<[string, PlanFiles, Partial<RawInputs>, Partial<GitContext>, string | undefined, string]>([
    ['the checked-out commit wins over the event', { ...files, commitEpoch: 1700000000 }, {}, { commitDate: new Date('2020-01-01T00:00:00Z') }, '1700000000', '2023-11-14T22:13:20.000Z'],
    ["no git history: the event's head commit", files, {}, { commitDate: new Date('2020-01-01T00:00:00Z') }, '1577836800', '2020-01-01T00:00:00.000Z'],
    ['an explicit build arg wins over both', { ...files, commitEpoch: 1700000000 }, { 'build-args': 'SOURCE_DATE_EPOCH=42' }, {}, '42', '1970-01-01T00:00:42.000Z'],
    ['reproducible: false → build time, no epoch', { ...files, commitEpoch: 1700000000 }, { reproducible: 'false' }, {}, undefined, NOW.toISOString()],
  ])('SOURCE_DATE_EPOCH: %s', (_name, f, over, g, epoch, created) => {
    const p = plan({ platforms: 'linux/amd64', ...over }, ctx({ git: git(g) }), f);
    const args = build(p).filter((_, i, a) => a[i - 1] === '--build-arg' && a[i]?.startsWith('SOURCE_DATE_EPOCH='));
    expect(args).toEqual(epoch === undefined ? [] : [`SOURCE_DATE_EPOCH=${epoch}`]);
    expect(p.meta.labels['org.opencontainers.image.created']).toBe(created);
    expect(p.dockerfile.content.includes('ARG SOURCE_DATE_EPOCH')).toBe(epoch !== undefined);
  });

  test('no commit time at all: a warning, and the build time (not a made-up one)', () => {
    const p = plan({ platforms: 'linux/amd64' }, ctx({ git: git({ commitDate: undefined }) }), files);
    expect(p.supply.sourceDate).toBeUndefined();
    expect(p.warnings.join('\n')).toMatch(/no commit time.*actions\/checkout/);
  });

  test('rewrite-timestamp only where the exporter allows it (docker-container), not on dockerd < 29.1', () => {
    const f = { ...files, commitEpoch: 1700000000 };
    expect(build(plan({ platforms: 'linux/amd64' }, ctx(), f))).toContain('type=registry,rewrite-timestamp=true');
    expect(build(plan({ platforms: 'linux/amd64', driver: 'docker' }, ctx(), f))).toContain('--push');
    expect(build(plan({ platforms: 'linux/amd64', reproducible: 'false' }, ctx(), f))).toContain('--push');
  });

  test('the SBOM export is the build minus what publishes it, targeting the artifacts stage', () => {
    const p = plan({ platforms: 'linux/amd64,linux/arm64' });
    const sbom = p.commands.find((c) => c.id === 'sbom')?.argv ?? [];
    expect(sbom).not.toContain('--tag');
    expect(sbom).not.toContain('--metadata-file');
    expect(sbom.slice(-5)).toEqual(['--target', 'artifacts', '--output', 'type=local,dest=/tmp/rt/x/artifacts,platform-split=true', '/w']);
    expect(p.supply.sbom?.files.map((x) => x.file)).toEqual(['/tmp/rt/x/sbom/app_linux_amd64.cdx.json', '/tmp/rt/x/sbom/app_linux_arm64.cdx.json']);
  });

  test('auditable: false → plain cargo build and no crate SBOM (with a warning); sbom: false → no export', () => {
    const p = plan({ auditable: 'false' });
    expect(p.dockerfile.content).not.toContain('cargo auditable');
    expect(p.commands.map((c) => c.id)).not.toContain('sbom');
    expect(p.warnings.join('\n')).toMatch(/auditable: false, so no crate SBOM/);
    expect(plan({ sbom: 'false' }).commands.map((c) => c.id)).not.toContain('sbom');
    expect(build(plan({ sbom: 'buildkit' }))).toContain('--sbom=true');
  });

  test('keyless signing without id-token: write fails in the plan, naming the fix', () => {
    expect(() => plan({ sign: 'true' })).toThrow(/Input 'sign' asks for keyless signing, but this job has no OIDC token.*permissions: id-token: write/);
  });

  test('keyless signing with an OIDC token: sign each image, attest each platform SBOM; the key never in argv', () => {
    const keyless = plan({ sign: 'true' }, ctx({ env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token' } }));
    expect(keyless.commands.filter((c) => c.id === 'sign' || c.id === 'attest').map((c) => c.argv)).toEqual([
      ['cosign', 'sign', '--yes', '--recursive', 'localhost:5000/app@{digest}'],
      ['cosign', 'attest', '--yes', '--type', 'cyclonedx', '--predicate', '/tmp/rt/x/sbom/app_linux_amd64.cdx.json', 'localhost:5000/app@{digest:linux/amd64}'],
      ['cosign', 'attest', '--yes', '--type', 'cyclonedx', '--predicate', '/tmp/rt/x/sbom/app_linux_arm64.cdx.json', 'localhost:5000/app@{digest:linux/arm64}'],
    ]);
    const keyed = plan({ sign: 'true', 'cosign-key': KEY, 'cosign-password': 'pw', 'transparency-log': 'false', platforms: 'linux/amd64' });
    const sign = keyed.commands.find((c) => c.id === 'sign')?.argv ?? [];
    expect(sign).toEqual(['cosign', 'sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', '--use-signing-config=false', '--tlog-upload=false', '--recursive', 'localhost:5000/app@{digest}']);
    expect(JSON.stringify(keyed.commands)).not.toMatch(/abcdefghijklmnop|"pw"/);
  });

  test('sign on a pull request (nothing pushed): nothing signed, a warning instead of an error', () => {
    const p = plan({ sign: 'true', platforms: 'linux/amd64' }, ctx({ git: RUN.pr }));
    expect(p.commands.map((c) => c.id)).not.toContain('sign');
    expect(p.warnings.join('\n')).toMatch(/nothing is pushed on this run.*nothing is signed/);
  });

  test('merge mode signs the merged index; no SBOM export, no SOURCE_DATE_EPOCH', () => {
    const p = plan({ mode: 'merge', digests: `sha256:${'a'.repeat(64)}`, sign: 'true', 'cosign-key': KEY }, ctx(), { context: '/w' });
    expect(p.commands.map((c) => c.id)).toEqual(['buildx-version', 'previous', 'merge', 'inspect', 'sign']);
  });
});

describe('summary: the supply-chain row', () => {
  test('crate count, SOURCE_DATE_EPOCH and its source, and how it was signed, in one line', () => {
    const p = plan({ platforms: 'linux/amd64', sign: 'true', 'cosign-key': '-----BEGIN SIGSTORE PRIVATE KEY-----\nx\n-----END SIGSTORE PRIVATE KEY-----' }, ctx(), { ...files, commitEpoch: 1700000000 });
    const report = { dryRun: false, sizes: [], sbom: { dir: '/s', crates: { 'linux/amd64': 19 } }, signed: 1 };
    expect(supplyLine(p, report)).toBe('crate SBOM: 19 crates (linux/amd64); reproducible: SOURCE_DATE_EPOCH 1700000000 (the checked-out commit (git)); signed with cosign (key), SBOM attested');
    expect(renderSummary(p, report)).toContain('| supply chain | crate SBOM: 19 crates');
    expect(supplyLine(plan({ reproducible: 'false', sbom: 'false' }), { dryRun: false, sizes: [] })).toBe('');
  });
});
