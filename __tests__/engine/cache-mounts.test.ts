// Engine: `cache-mounts: true`, the cache dance with the real @actions/cache client against the
// emulator (test 6 of the cache tests; see gha-cache.test.ts for the setting).
import { describeStep, errors } from '../helpers/action-runner.js';
import { AMD64, ARM64, cookStep, compileStep } from './build-log.js';
import { cacheSuite, freshBuilder, editSource } from './cache-kit.js';
import { bringUpEngine, engineTest, REGISTRY, STANDIN_BUILDER, STANDIN_EMULATED, STANDIN_SUPPLY } from './helpers.js';

const engine = bringUpEngine();
const it = engineTest(engine);

describe('engine: Cargo cache mounts through @actions/cache and the bundled action (stand-in builder)', () => {
  const { service, newRunner, build, measured } = cacheSuite(engine);

  // ---------------------------------------------------------------- 6: cache mounts through @actions/cache
  it('6. cache-mounts: post saves the mounts with @actions/cache; after a prune, main restores them (exact hit) and cargo finds its artefacts; post does not save again', async () => {
    const repo = 'hello-gha-mounts';
    const inputs = {
      image: `${REGISTRY}/${repo}`,
      'builder-image': STANDIN_BUILDER, ...STANDIN_SUPPLY,
      platforms: `${AMD64},${ARM64}`,
      ...STANDIN_EMULATED,
      driver: 'docker',
      push: 'true',
      cache: 'gha',
      provenance: 'false',
      'cache-mounts': 'true',
    };
    const env = service().clientEnv;
    await service().reset();
    freshBuilder([repo]);

    // Run 1 (cold): nothing to restore; cook writes into the target/ mount; post extracts and saves.
    const runner = newRunner();
    const r1 = await build('mounts 2p run 1 (cold)', runner, inputs, env);
    expect(r1.warnings).toEqual([]);
    const key = r1.main.outputs['cache-key'] ?? '';
    expect(key).toMatch(/^muslrust-chef-v2-/);
    expect(r1.main.outputs['cache-hit']).toBe('false');
    expect(r1.main.stdout).toContain(`No saved Cargo cache mounts for ${key}`);
    for (const p of [AMD64, ARM64]) {
      expect(cookStep(r1.steps, p).status).toBe('ran');
      expect(compileStep(r1.steps, p).lines.join('\n')).toContain('Fresh dependencies (cooked from recipe'); // through the mount
    }
    await service().resetStats();
    const p1 = await runner.post();
    if (p1.code !== 0) throw new Error(`run 1 post failed: ${describeStep(p1)}`);
    expect(errors(p1)).toEqual([]);
    expect(p1.stdout.split('\n').filter((l) => l.startsWith('::warning'))).toEqual([]);
    expect(p1.stdout).toContain("Copied the Cargo cache mounts out of builder 'default'");
    expect(p1.stdout).toMatch(new RegExp(`Saved the Cargo cache mounts \\(\\d+ files, [\\d.]+ MB\\) as ${key.replace(/\./g, '\\.')}`));
    const saved = (await service().entries()).filter((e) => e.key === key);
    expect(saved).toEqual([expect.objectContaining({ key, finalized: true, size: expect.any(Number) })]);
    expect(saved[0]?.size).toBeGreaterThan(0);
    const postUploads = Object.entries(await service().stats()).reduce((a, [k, v]) => a + (k.startsWith('CreateCacheEntry 200') ? v : 0), 0);
    expect(postUploads).toBe(1);
    measured.push({ build: 'mounts 2p run 1 post (extract + save)', seconds: p1.seconds, uploads: postUploads, ran: '(extract build)' });

    // A fresh runner whose mounts are NOT restored (another RUNNER_TEMP: @actions/cache's entry
    // version includes the path). The layer cache holds a cook layer, but with cache mounts the cooked
    // artefacts live in the mount, not in that layer: cook must run again (issue 11 defect 2), and
    // cargo build then finds what it cooked.
    freshBuilder([repo]);
    const other = newRunner();
    editSource(other);
    const ctl = await build('mounts 2p mounts not restored', other, inputs, env);
    expect(ctl.main.stdout).toContain('No saved Cargo cache mounts');
    for (const p of [AMD64, ARM64]) {
      expect(cookStep(ctl.steps, p).status).toBe('ran');
      expect(cookStep(ctl.steps, p).lines.join('\n')).toContain('cache mounts: not-restored:');
      expect(compileStep(ctl.steps, p).lines.join('\n')).toContain('Fresh dependencies (cooked from recipe');
    }

    // Run 2 in the first runner's directories after a prune (a fresh builder): an exact hit, loaded into
    // the builder's mounts before the build; the source edit makes cargo build run, and it finds them.
    freshBuilder([repo]);
    editSource(runner);
    const r2 = await build('mounts 2p run 2 (exact hit)', runner, inputs, env);
    expect(r2.warnings).toEqual([]);
    expect(r2.main.outputs['cache-key']).toBe(key);
    expect(r2.main.outputs['cache-hit']).toBe('true');
    expect(r2.main.stdout).toMatch(new RegExp(`Restored the Cargo cache mounts from the exact key: ${key.replace(/\./g, '\\.')}, \\d+ files, [\\d.]+ MB, loaded into builder 'default'`));
    for (const p of [AMD64, ARM64]) {
      // The cook RUN runs (its mounts build arg now names the restored entry) but finds the recipe cooked.
      const cook = cookStep(r2.steps, p);
      expect(cook.lines.join('\n')).toContain(`cache mounts: restored:${key}`);
      expect(cook.lines.join('\n')).toContain('muslrust-chef-mounts: the cache mounts already hold this recipe cooked with these flags: not cooking again');
      expect(cook.lines.join('\n')).not.toContain('Compiling dependencies of recipe');
      const compile = compileStep(r2.steps, p);
      expect(compile.status).toBe('ran');
      expect(compile.lines.join('\n')).toContain('Fresh dependencies (cooked from recipe');
    }
    await service().resetStats();
    const p2 = await runner.post();
    if (p2.code !== 0) throw new Error(`run 2 post failed: ${describeStep(p2)}`);
    expect(errors(p2)).toEqual([]);
    expect(Object.keys(await service().stats()).filter((k) => k.startsWith('CreateCacheEntry'))).toEqual([]);
    measured.push({ build: 'mounts 2p run 2 post (no save)', seconds: p2.seconds, uploads: 0, ran: '(none)' });
    expect(p2.stdout).toContain(`Not saving the Cargo cache mounts: ${key} was restored exactly`);
    expect((await service().entries()).filter((e) => e.key === key).map((e) => e.id)).toEqual(saved.map((e) => e.id));
  });
});
