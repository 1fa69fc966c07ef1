import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ARM64_BINFMT, withoutArm64Emulation } from './binfmt.js';
import { ActionRunner, describeStep, DIST, errors } from '../helpers/action-runner.js';
import { bringUpEngine, deleteTag, docker, engineTest, REGISTRY, registryDigest, RUST_CROSS_BUILDER, STANDIN_BUILDER } from './helpers.js';
import { buildScenario, rustInputs } from './rust-harness.js';

// Cross-compiling build stages, proven on the real engine: both platforms are built with the
// action's generated Dockerfile WHILE the kernel's qemu-aarch64 binfmt entry is disabled, so any RUN
// on linux/arm64 would fail with "exec format error". Then, with binfmt back, the arm64 image runs.
// STAND-IN: the builder (test/engine/images/muslrust-chef-standin: its cargo writes a tiny static ELF
// for --target's CPU, printing the target and the features it was given; with STANDIN_WRONG_ARCH in
// the workspace it writes one for the build machine's CPU instead). Real: dockerd/BuildKit, binfmt,
// the registry, the generated Dockerfile, the static check script.
const engine = bringUpEngine();
const it = engineTest(engine);

const REPO = 'hello-cross';
const IMAGE = `${REGISTRY}/${REPO}`;

const inputs = { image: IMAGE, 'builder-image': STANDIN_BUILDER, driver: 'docker', cache: 'none', provenance: 'false' };

describe('engine: cross-compiled linux/arm64 with no QEMU (stand-in builder)', () => {
  const runners: ActionRunner[] = [];
  afterAll(() => runners.forEach((r) => r.cleanup()));

  it('builds amd64 + arm64 with the qemu-aarch64 binfmt entry disabled, then the arm64 image prints this run\'s marker', async () => {
    expect(fs.existsSync(DIST)).toBe(true);
    await deleteTag(REPO, '1.2.3');
    const runner = new ActionRunner({ fixture: 'examples/hello', docker: 'real' });
    runners.push(runner);
    // The stand-in binary prints the features it was built with: a fresh one per run is this run's marker.
    const marker = `run${crypto.randomBytes(4).toString('hex')}`;
    const main = await withoutArm64Emulation(async () => {
      expect(fs.readFileSync(ARM64_BINFMT, 'utf8')).toMatch(/^disabled/);
      return runner.main({ ...inputs, platforms: 'linux/amd64,linux/arm64', push: 'true', features: marker });
    });
    if (main.code !== 0) throw new Error(`main step failed with arm64 emulation off: ${describeStep(main)}`);
    expect(errors(main)).toEqual([]);
    expect(main.stdout).toContain('build: linux/amd64 native, linux/arm64 cross-compiled; QEMU for: none');
    expect(main.stdout).not.toContain('tonistiigi/binfmt');
    expect(main.summary).toContain('| build | linux/amd64 native, linux/arm64 cross-compiled |');
    // Both builder stages ran on the build platform: BuildKit names each step by its platform.
    expect(main.stdout).not.toMatch(/\[linux\/arm64 (chef|planner|builder|target-arm64)/);
    expect(main.stdout).toMatch(/\/out\/hello: statically linked \(ELF64 aarch64/);
    expect(await registryDigest(REPO, '1.2.3')).toBe(main.outputs.digest);

    expect(fs.readFileSync(ARM64_BINFMT, 'utf8')).toMatch(/^enabled/);
    for (const [platform, triple] of [
      ['linux/arm64', 'aarch64-unknown-linux-musl'],
      ['linux/amd64', 'x86_64-unknown-linux-musl'],
    ] as const) {
      const run = docker(['run', '--rm', '--pull', 'always', '--platform', platform, `${IMAGE}:1.2.3`], { allowFailure: true });
      expect({ platform, code: run.code, out: run.stdout }).toEqual({ platform, code: 0, out: `hello: muslrust-chef stand-in binary for ${triple} (profile release, features ${marker})\n` });
    }
    expect((await runner.post()).code).toBe(0);
  });

  it('the ELF machine check fails a cross build that shipped the build machine\'s binary, naming both machines', async () => {
    const runner = new ActionRunner({ fixture: 'examples/hello', docker: 'real' });
    runners.push(runner);
    fs.writeFileSync(path.join(runner.workspace, 'STANDIN_WRONG_ARCH'), 'stand-in cargo: emit an ELF for the build machine, not the target\n');
    const main = await runner.main({ ...inputs, platforms: 'linux/arm64', push: 'false' });
    expect({ code: main.code, log: main.code === 1 ? '' : describeStep(main) }).toEqual({ code: 1, log: '' });
    expect(errors(main).join('\n')).toMatch(
      /^::error::Static check failed for linux\/arm64: \/out\/hello is an ELF64 x86-64 executable, but the target platform is linux\/arm64 \(aarch64\)/,
    );
    expect((await runner.post()).code).toBe(0);
  });

  it('real Rust (rust-app, 27 crates): amd64 + arm64 cross-compiled by Debian\'s rustc with arm64 emulation off; each image prints this run\'s marker and its arch', async () => {
    // STAND-IN builder: test/engine/real-rust (VARIANT=cross), gnu targets with +crt-static (Debian
    // has no musl std) and gcc-aarch64-linux-gnu as the aarch64 linker, where muslrust has rust-lld.
    const b = await withoutArm64Emulation(() => buildScenario({ inputs: rustInputs('rust-app-cross', { 'builder-image': RUST_CROSS_BUILDER, platforms: 'linux/amd64,linux/arm64' }) }));
    runners.push(b.runner);
    if (b.main.code !== 0) throw new Error(`main step failed with arm64 emulation off: ${describeStep(b.main)}`);
    expect(b.main.stdout).toContain('build: linux/amd64 native, linux/arm64 cross-compiled; QEMU for: none');
    expect(b.main.stdout).not.toMatch(/\[linux\/arm64 (chef|planner|builder|target-arm64)/);
    // cook and build ran for aarch64 (real cargo's target dir), and the real static check passed it
    expect(b.main.stdout).toMatch(/\/out\/app: statically linked \(ELF64 aarch64, /);
    // buildScenario ran the images while arm64 emulation was off: run them again with binfmt back.
    expect(fs.readFileSync(ARM64_BINFMT, 'utf8')).toMatch(/^enabled/);
    for (const [platform, arch] of [['linux/arm64', 'aarch64'], ['linux/amd64', 'x86_64']] as const) {
      const run = docker(['run', '--rm', '--pull', 'always', '--platform', platform, `${REGISTRY}/rust-app-cross@${b.main.outputs.digest}`], { allowFailure: true });
      expect({ platform, code: run?.code, stdout: run?.stdout }).toEqual({ platform, code: 0, stdout: '{"count":2,"total_cents":2249,"names":["widget","gadget"]}\n' });
      expect(run?.stderr).toContain(`marker=${b.marker} arch=${arch}\n`);
    }
    console.info(`real-Rust cross build of both platforms: main step ${b.main.seconds.toFixed(1)} s`);
    expect((await b.runner.post()).code).toBe(0);
  });
});
