import fs from 'node:fs';
import path from 'node:path';
import { ActionRunner, bringUpEngine, deleteTag, describeStep, DIST, engineTest, errorLines, REGISTRY, registryDigest, STANDIN_BUILDER, STANDIN_SUPPLY } from './helpers.js';

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

  it('exits 1 with an ::error:: about static linking, pushes nothing; post still exits 0', async () => {
    expect(fs.existsSync(DIST)).toBe(true);
    await deleteTag(REPO, '1.2.3');
    await deleteTag(REPO, 'latest');
    runner = new ActionRunner('examples/hello');
    fs.writeFileSync(path.join(runner.workspace, 'STANDIN_DYNAMIC'), 'stand-in cargo: produce a dynamically linked binary\n');

    const main = await runner.main({
      image: IMAGE,
      'builder-image': STANDIN_BUILDER, ...STANDIN_SUPPLY,
      platforms: 'linux/amd64,linux/arm64',
      driver: 'docker',
      push: 'true',
      cache: 'none',
      provenance: 'false',
    });
    expect({ code: main.code, log: main.code === 1 ? '' : describeStep(main) }).toEqual({ code: 1, log: '' });
    const errors = errorLines(main);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/static|dynamic/i);

    expect(await registryDigest(REPO, '1.2.3')).toBeUndefined();
    expect(await registryDigest(REPO, 'latest')).toBeUndefined();

    const post = await runner.post();
    if (post.code !== 0) throw new Error(`post step failed: ${describeStep(post)}`);
  });
});
