import fs from 'node:fs';
import path from 'node:path';
import { ActionRunner, describeStep, errors } from '../helpers/action-runner.js';
import { bringUpEngine, deleteTag, docker, engineTest, REGISTRY, STANDIN_BUILDER } from './helpers.js';

// `[build] target-dir` in .cargo/config.toml moves cargo's output. Real: dockerd/BuildKit, the
// generated Dockerfile, muslrust-chef-locate. STAND-IN: the builder's cargo, which (like cargo)
// writes under CARGO_TARGET_DIR, else the config's target-dir; so without the plan's
// `ENV CARGO_TARGET_DIR`, locate would look in ./target and fail "binary not found".
const engine = bringUpEngine();
const it = engineTest(engine);

const REPO = 'hello-target-dir';

describe('engine: [build] target-dir', () => {
  let runner: ActionRunner | undefined;
  afterAll(() => runner?.cleanup());

  it('cargo, muslrust-chef-locate and the cache mount agree on /volume/build/out; the image runs', async () => {
    await deleteTag(REPO, 'e2e');
    runner = new ActionRunner({ fixture: 'examples/hello', docker: 'real' });
    fs.mkdirSync(path.join(runner.workspace, '.cargo'), { recursive: true });
    fs.writeFileSync(path.join(runner.workspace, '.cargo', 'config.toml'), '[build]\ntarget-dir = "build/out"\n');
    const main = await runner.main({
      image: `${REGISTRY}/${REPO}`,
      'builder-image': STANDIN_BUILDER,
      platforms: 'linux/amd64',
      driver: 'docker',
      push: 'true',
      tags: 'type=raw,value=e2e',
      cache: 'none',
    });
    if (main.code !== 0) throw new Error(`main step failed: ${describeStep(main)}`);
    expect(errors(main)).toEqual([]);
    const log = main.stdout + main.stderr;
    expect(log).toContain('Compiling hello -> /volume/build/out/x86_64-unknown-linux-musl/release/hello: a static');
    expect(log).toMatch(/muslrust-chef-locate: \/volume\/build\/out\/x86_64-unknown-linux-musl\/release\/hello -> \/out\/hello/);
    const run = docker(['run', '--rm', '--pull', 'always', '--platform', 'linux/amd64', `${REGISTRY}/${REPO}:e2e`]);
    expect(run.stdout).toContain('hello: muslrust-chef stand-in binary for x86_64-unknown-linux-musl');
    const post = await runner.post();
    expect(post.code).toBe(0);
  });
});
