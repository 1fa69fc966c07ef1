import { builderCommands } from '../../src/plan/builder.js';
import { buildCommand, DIGEST_PLACEHOLDER, loginCommand, mergeCommand, qemuCommand, type BuildArgvOptions } from '../../src/plan/commands.js';
import { parseImage } from '../../src/plan/image-ref.js';
import { helloPlan } from '../helpers/plan.js';

const img = parseImage('image', 'org/app');
const base: BuildArgvOptions = {
  builder: 'b1', dockerfile: '/t/Dockerfile', context: '/ws', platforms: ['linux/amd64', 'linux/arm64'], tags: ['org/app:1.0', 'org/app:latest'],
  labels: { 'org.opencontainers.image.version': '1.0' }, buildArgs: [], buildContexts: {}, provenance: 'false', sbom: false, rewriteTimestamp: false,
  cacheArgs: ['--cache-from', 'type=gha,scope=x'], metadataFile: '/t/m.json', push: true, pushByDigest: false, images: [img],
};

describe('argv builders', () => {
  test.each<[Partial<BuildArgvOptions>, string[]]>([
    [{}, ['docker', 'buildx', 'build', '--builder', 'b1', '--file', '/t/Dockerfile', '--platform', 'linux/amd64,linux/arm64', '--tag', 'org/app:1.0', '--tag', 'org/app:latest', '--label', 'org.opencontainers.image.version=1.0', '--provenance=false', '--sbom=false', '--cache-from', 'type=gha,scope=x', '--progress=rawjson', '--metadata-file', '/t/m.json', '--push', '/ws']],
    [{ push: false, platforms: ['linux/amd64'], tags: [], labels: {}, cacheArgs: [] }, ['docker', 'buildx', 'build', '--builder', 'b1', '--file', '/t/Dockerfile', '--platform', 'linux/amd64', '--provenance=false', '--sbom=false', '--progress=rawjson', '--metadata-file', '/t/m.json', '--load', '/ws']],
    [{ push: false, tags: [], labels: {}, cacheArgs: [] }, ['docker', 'buildx', 'build', '--builder', 'b1', '--file', '/t/Dockerfile', '--platform', 'linux/amd64,linux/arm64', '--provenance=false', '--sbom=false', '--progress=rawjson', '--metadata-file', '/t/m.json', '/ws']],
    [{ pushByDigest: true, platforms: ['linux/arm64'], labels: {}, cacheArgs: [] }, ['docker', 'buildx', 'build', '--builder', 'b1', '--file', '/t/Dockerfile', '--platform', 'linux/arm64', '--provenance=false', '--sbom=false', '--progress=rawjson', '--metadata-file', '/t/m.json', '--output', 'type=image,name=org/app,push-by-digest=true,name-canonical=true,push=true', '/ws']],
    [{ provenance: 'max', sbom: true, tags: [], labels: {}, cacheArgs: [], buildArgs: [['A', 'x y;$(z)']], buildContexts: { s: '/a/s' } }, ['docker', 'buildx', 'build', '--builder', 'b1', '--file', '/t/Dockerfile', '--platform', 'linux/amd64,linux/arm64', '--build-context', 's=/a/s', '--build-arg', 'A=x y;$(z)', '--provenance=mode=max', '--sbom=true', '--progress=rawjson', '--metadata-file', '/t/m.json', '--push', '/ws']],
  ])('build %#', (over, argv) => {
    expect(buildCommand({ ...base, ...over }).argv).toEqual(argv);
  });

  test('builder: docker-container is created (host network for a local registry), docker driver is not', () => {
    const none = { endpoint: '', driverOpts: [], append: [] };
    expect(builderCommands({ builder: 'b', driver: 'docker-container', localRegistry: false, ...none }).map((c) => c.argv)).toEqual([
      ['docker', 'buildx', 'version'],
      ['docker', 'buildx', 'create', '--name', 'b', '--driver', 'docker-container', '--bootstrap'],
    ]);
    expect(builderCommands({ builder: 'b', driver: 'docker-container', localRegistry: true, ...none })[1]?.argv).toContain('network=host');
    expect(builderCommands({ builder: 'default', driver: 'docker', localRegistry: false, ...none }).map((c) => c.id)).toEqual(['buildx-version']);
  });

  test('login takes the token on stdin only', () => {
    const c = loginCommand('docker.io', 'bot');
    expect(c.argv).toEqual(['docker', 'login', '--username', 'bot', '--password-stdin', 'docker.io']);
    expect(c.stdin).toBe('password');
  });

  test('qemu installs only the foreign arches', () => {
    expect(qemuCommand(['linux/arm64']).argv.slice(-2)).toEqual(['--install', 'arm64']);
  });

  test('merge assembles digests under every tag', () => {
    const d1 = 'sha256:' + '1'.repeat(64);
    const d2 = 'sha256:' + '2'.repeat(64);
    expect(mergeCommand({ tags: ['org/app:1', 'org/app:latest'], image: img, digests: [d1, d2] }).argv).toEqual([
      'docker', 'buildx', 'imagetools', 'create', '--tag', 'org/app:1', '--tag', 'org/app:latest', `org/app@${d1}`, `org/app@${d2}`,
    ]);
  });
});

describe('registry reads around the push (sizes and their change)', () => {
  const ids = (p: ReturnType<typeof helloPlan>) => p.commands.map((c) => c.id);
  const argvOf = (p: ReturnType<typeof helloPlan>, id: string) => p.commands.find((c) => c.id === id)?.argv;

  test('build and push: the replaced tag is read before the build, the pushed digest after', () => {
    const p = helloPlan();
    expect(ids(p)).toEqual(['buildx-version', 'builder-create', 'previous', 'build', 'sbom', 'inspect']);
    expect(argvOf(p, 'previous')).toEqual(['docker', 'buildx', 'imagetools', 'inspect', '127.0.0.1:5000/hello:latest', '--raw']);
    expect(argvOf(p, 'inspect')).toEqual(['docker', 'buildx', 'imagetools', 'inspect', `127.0.0.1:5000/hello@${DIGEST_PLACEHOLDER}`, '--raw']);
  });

  test('a branch build compares with the branch tag', () => {
    expect(argvOf(helloPlan({}, { GITHUB_REF: 'refs/heads/main' }), 'previous')?.[4]).toBe('127.0.0.1:5000/hello:main');
  });

  test('push by digest replaces no tag: sizes only', () => {
    expect(ids(helloPlan({ 'push-by-digest': 'true' }))).toEqual(['buildx-version', 'builder-create', 'build', 'sbom', 'inspect']);
  });

  test('merge: previous before the merge, the new list read by its first tag', () => {
    const p = helloPlan({ mode: 'merge', digests: `sha256:${'1'.repeat(64)}`, platforms: 'linux/amd64,linux/arm64' });
    expect(ids(p)).toEqual(['buildx-version', 'previous', 'merge', 'inspect']);
    expect(argvOf(p, 'inspect')?.[4]).toBe('127.0.0.1:5000/hello:1.2.3');
  });

  test('no push: no registry reads at all', () => {
    expect(ids(helloPlan({ push: 'false' }))).toEqual(['buildx-version', 'builder-create', 'build', 'sbom']);
  });
});
