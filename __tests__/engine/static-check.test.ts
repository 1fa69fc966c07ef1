import fs from 'node:fs';
import path from 'node:path';
import { ActionRunner, describeStep, DIST, errors } from '../helpers/action-runner.js';
import { bringUpEngine, deleteTag, engineTest, REGISTRY, registryDigest, STANDIN_BUILDER } from './helpers.js';

// The static check runs for real (image/scripts/muslrust-chef-check-static inside the build). The
// binary is the STAND-IN cargo's: with a STANDIN_DYNAMIC file in the workspace it "compiles"
// Debian's dynamically linked tini (it has a PT_INTERP for glibc's loader) instead of a static ELF.
const engine = bringUpEngine();
const it = engineTest(engine);

const REPO = 'hello-e2e-dynamic';
const IMAGE = `${REGISTRY}/${REPO}`;

describe('engine: a dynamically linked binary fails the build (stand-in builder)', () => {
  let runner: ActionRunner | undefined;
  afterAll(() => runner?.cleanup());

  it("exits 1 with the static check's own ::error:: (dynamically linked, its interpreter), pushes nothing; post still exits 0", async () => {
    expect(fs.existsSync(DIST)).toBe(true);
    await deleteTag(REPO, '1.2.3');
    await deleteTag(REPO, 'latest');
    runner = new ActionRunner({ fixture: 'examples/hello', docker: 'real' });
    fs.writeFileSync(path.join(runner.workspace, 'STANDIN_DYNAMIC'), 'stand-in cargo: produce a dynamically linked binary\n');

    const main = await runner.main({
      image: IMAGE,
      'builder-image': STANDIN_BUILDER,
      platforms: 'linux/amd64,linux/arm64',
      driver: 'docker',
      push: 'true',
      cache: 'none',
      provenance: 'false',
    });
    expect({ code: main.code, log: main.code === 1 ? '' : describeStep(main) }).toEqual({ code: 1, log: '' });
    // The static check's own verdict (`fail 1` in image/scripts/muslrust-chef-check-static), relayed
    // by the action as its one error: the interpreter of whichever platform failed first.
    expect(errors(main)).toEqual([
      expect.stringMatching(
        /^::error::Static check failed for linux\/(amd64|arm64): \S+ is dynamically linked \(interpreter \/lib(64)?\/ld-linux-(x86-64|aarch64)\.so\.[12]\): the image's runtime has no libc, so it cannot start\. Build for the musl target with static linking: cargo build --target (x86_64|aarch64)-unknown-linux-musl /,
      ),
    ]);

    expect(await registryDigest(REPO, '1.2.3')).toBeUndefined();
    expect(await registryDigest(REPO, 'latest')).toBeUndefined();

    const post = await runner.post();
    if (post.code !== 0) throw new Error(`post step failed: ${describeStep(post)}`);
  });
});
