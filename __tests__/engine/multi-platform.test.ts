import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ActionRunner, describeStep, DIST, errors } from '../helpers/action-runner.js';
import { bringUpEngine, builderNames, deleteTag, docker, engineTest, REGISTRY, registryDigest, STANDIN_BUILDER } from './helpers.js';

// Real: dockerd/BuildKit/buildx, QEMU for arm64, the registry, the action's generated Dockerfile and
// the helper scripts. STAND-INS (Docker Hub is unreachable): the builder image and its `cargo`
// (writes a tiny static ELF that prints which target it was built for) and chainguard/static.
const engine = bringUpEngine();
const it = engineTest(engine);

const REPO = 'hello-e2e';
const IMAGE = `${REGISTRY}/${REPO}`;

describe('engine: two-platform build and push of examples/hello (stand-in builder)', () => {
  let runner: ActionRunner | undefined;
  afterAll(() => runner?.cleanup());

  it('builds linux/amd64 + linux/arm64, pushes the index with its tags, the arm64 binary runs under QEMU, post cleans up', async () => {
    expect(fs.existsSync(DIST)).toBe(true);
    await deleteTag(REPO, '1.2.3');
    await deleteTag(REPO, 'latest');
    const t0 = Date.now();
    runner = new ActionRunner({ fixture: 'examples/hello', docker: 'real' });
    // A file unique to this run: the sources layers and the binary are really built now, not taken
    // from the daemon's build cache of an earlier run (the dependency layer may still be cached:
    // the recipe only depends on Cargo.toml/Cargo.lock, which is the point of cargo-chef).
    fs.writeFileSync(path.join(runner.workspace, '.engine-test-run'), `${crypto.randomUUID()}\n`);

    const main = await runner.main({
      image: IMAGE,
      'builder-image': STANDIN_BUILDER,
      platforms: 'linux/amd64,linux/arm64',
      driver: 'docker',
      push: 'true',
      cache: 'none',
      provenance: 'false',
    });
    if (main.code !== 0) throw new Error(`main step failed: ${describeStep(main)}`);
    expect(errors(main)).toEqual([]);
    // This run built both binaries (stand-in cargo's log line) and the real static check passed them.
    for (const [triple, machine] of [
      ['x86_64-unknown-linux-musl', 'x86-64'],
      ['aarch64-unknown-linux-musl', 'aarch64'],
    ]) {
      expect(main.stdout + main.stderr).toContain(`Compiling hello -> target/${triple}/release/hello: a static`);
      expect(main.stdout + main.stderr).toMatch(new RegExp(`/out/hello: statically linked \\(ELF64 ${machine}`));
    }

    // The registry holds one index for both tags, with both platforms, and it is the `digest` output.
    const digest = await registryDigest(REPO, '1.2.3');
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(main.outputs.digest).toBe(digest);
    expect(await registryDigest(REPO, 'latest')).toBe(digest);
    const raw = docker(['buildx', 'imagetools', 'inspect', `${IMAGE}:1.2.3`, '--raw']).stdout;
    expect(`sha256:${crypto.createHash('sha256').update(raw.trim()).digest('hex')}`).toBe(digest);
    const index = JSON.parse(raw) as { manifests?: Array<{ platform?: { os: string; architecture: string } }> };
    const platforms = (index.manifests ?? []).map((m) => `${m.platform?.os}/${m.platform?.architecture}`);
    expect(platforms).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64']));
    expect(platforms).not.toContain('unknown/unknown'); // provenance: false → no attestation manifests

    expect(main.outputs.platforms?.split(/[,\n]/).map((p) => p.trim())).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64']));
    expect(main.outputs.tags?.split('\n')).toEqual(expect.arrayContaining([`${IMAGE}:1.2.3`, `${IMAGE}:latest`]));

    // Each platform's image runs its own binary: the arm64 one through QEMU binfmt. The stand-in
    // binary prints the target it was "compiled" for.
    for (const [platform, triple] of [
      ['linux/arm64', 'aarch64-unknown-linux-musl'],
      ['linux/amd64', 'x86_64-unknown-linux-musl'],
    ] as const) {
      const run = docker(['run', '--rm', '--pull', 'always', '--platform', platform, `${IMAGE}:1.2.3`], { allowFailure: true });
      expect({ platform, code: run.code, stderr: run.stderr }).toEqual({ platform, code: 0, stderr: expect.any(String) });
      expect(run.stdout).toContain(`hello: muslrust-chef stand-in binary for ${triple} (profile release`);
    }
    // The runtime stage: non-root, the binary as entrypoint (on the stand-in chainguard/static).
    const config = JSON.parse(docker(['image', 'inspect', '--platform', 'linux/arm64', `${IMAGE}:1.2.3`, '--format', '{{json .Config}}']).stdout) as {
      User?: string;
      Entrypoint?: string[];
    };
    expect(config.User).toBe('65532:65532');
    expect(config.Entrypoint).toEqual(['/usr/local/bin/hello']);

    // Post: exits 0 and leaves no builder, no per-job docker config (the login) behind.
    const post = await runner.post();
    if (post.code !== 0) throw new Error(`post step failed: ${describeStep(post)}`);
    expect(errors(post)).toEqual([]);
    const saved = JSON.parse(main.state['muslrust-chef'] ?? '{}') as { builder?: string; dockerConfig?: string };
    // driver: docker builds on the daemon's own builder: the action creates none, so it must save
    // none for post to remove, and leave the builder list as it found it. (The removal of a builder
    // the action did create is checked by the bundle tests, where driver docker-container runs.)
    expect(saved.builder).toBeUndefined();
    expect(builderNames().filter((b) => b.startsWith('muslrust-chef-'))).toEqual([]);
    if (saved.dockerConfig) expect(fs.existsSync(saved.dockerConfig)).toBe(false);
    const userConfig = path.join(runner.home, '.docker', 'config.json');
    if (fs.existsSync(userConfig)) expect(fs.readFileSync(userConfig, 'utf8')).not.toContain(REGISTRY);

    console.info(`scenario (a) wall time: ${((Date.now() - t0) / 1000).toFixed(1)} s (main ${main.seconds.toFixed(1)} s, post ${post.seconds.toFixed(1)} s)`);
  });
});
