// Engine: BuildKit's own Dockerfile lint on the generated Dockerfiles (test 5 of the cache tests; see
// gha-cache.test.ts for the setting).
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MUSLRUST_TAG } from '../../src/plan/dockerfile.js';
import { describeStep, ROOT } from '../helpers/action-runner.js';
import { AMD64, ARM64 } from './build-log.js';
import { cacheSuite } from './cache-kit.js';
import { bringUpEngine, engineTest, docker, REGISTRY, STANDIN_BUILDER } from './helpers.js';

const engine = bringUpEngine();
const it = engineTest(engine);

describe('engine: BuildKit --check of the generated Dockerfiles', () => {
  const { newRunner } = cacheSuite(engine, { emulator: false });

  // ---------------------------------------------------------------- 5: BuildKit's Dockerfile lint
  it('5. buildx build --check finds no warnings in the generated Dockerfiles (inline clux/muslrust stage or builder-image, with and without cache mounts)', async () => {
    const checked: string[] = [];
    let first = '';
    for (const builderImage of ['', STANDIN_BUILDER]) {
      for (const cacheMounts of ['false', 'true']) {
        const what = `builder-image ${builderImage || '(empty)'}, cache-mounts ${cacheMounts}`;
        const dry = await newRunner().main({
          image: `${REGISTRY}/hello-gha-lint`,
          platforms: `${AMD64},${ARM64}`,
          driver: 'docker',
          cache: 'gha',
          'builder-image': builderImage,
          'cache-mounts': cacheMounts,
          'dry-run': 'true',
        });
        if (dry.code !== 0) throw new Error(`dry run (${what}) failed: ${describeStep(dry)}`);
        const file = dry.outputs.dockerfile ?? '';
        expect({ what, exists: fs.existsSync(file) }).toEqual({ what, exists: true });
        const text = fs.readFileSync(file, 'utf8');
        expect(text).toMatch(new RegExp(`^FROM (--platform=\\$BUILDPLATFORM )?${(builderImage || `clux/muslrust:${DEFAULT_MUSLRUST_TAG}`).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} AS chef$`, 'm'));
        expect(text.includes('--mount=type=cache')).toBe(cacheMounts === 'true');
        first ||= file;
        const check = docker(['buildx', 'build', '--builder', 'default', '--check', '-f', file, '--build-context', `muslrust-chef-scripts=${path.join(ROOT, 'image', 'scripts')}`, path.join(ROOT, 'examples', 'hello')], {
          allowFailure: true,
        });
        expect({ what, code: check.code, out: check.stdout.trim() }).toEqual({ what, code: 0, out: 'Check complete, no warnings found.' });
        checked.push(what);
      }
    }
    expect(checked).toHaveLength(4);

    // The check is live: the same Dockerfile with one lowercase `as` gets BuildKit's FromAsCasing warning.
    const bad = path.join(path.dirname(first), 'Dockerfile.lint-control');
    fs.writeFileSync(bad, fs.readFileSync(first, 'utf8').replace('FROM chef AS planner', 'FROM chef as planner'));
    const control = docker(['buildx', 'build', '--builder', 'default', '--check', '-f', bad, '--build-context', `muslrust-chef-scripts=${path.join(ROOT, 'image', 'scripts')}`, path.join(ROOT, 'examples', 'hello')], {
      allowFailure: true,
    });
    expect(control.stdout + control.stderr).toContain('FromAsCasing');
  });
});
