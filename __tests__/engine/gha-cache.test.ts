/**
 * Engine tests of the caches (this file: 1, 2, 4; registry-cache, dockerfile-check and cache-mounts
 * .test.ts: 3, 5, 6; shared helpers in cache-kit.ts and build-log.ts), through the BUNDLED action (dist/index.js, main + post as the runner runs
 * them) with `driver: docker` on the real dockerd/BuildKit/buildx/QEMU/registry of test/engine/engine-up.sh:
 *
 *   1. `cache: gha` against our cache-service emulator (test/emulator: twirp v2, blobs in Azurite): a
 *      cold build exports; `buildx prune -af` plus removing the images stands in for a fresh runner;
 *      the rebuild imports. The cook (dependency) step does not run again and every platform's pushed
 *      layers are the cold build's.
 *   2. A source-only edit after another prune: cook still comes from the cache, and only
 *      `COPY . .` + `cargo build` run (and the planner, which reads the sources).
 *   3. `cache: registry`: the `:buildcache` tag next to the image, and its reuse after a prune.
 *   4. `cache: gha` without the runner's cache variables: a ::warning:: that says how to fix it; the
 *      build still succeeds.
 *   5. BuildKit's own Dockerfile lint (`buildx build --check`) on the generated Dockerfiles.
 *   6. `cache-mounts: true`: the cache dance with the real @actions/cache client against the emulator.
 *
 * STAND-INS (Docker Hub and crates.io are unreachable here; see docs/engine.md): the builder image and
 * its `cargo` (chef prepare/cook/build that write tiny static ELFs and say what they did), and
 * chainguard/static. `clux/muslrust:<pinned tag>` is the builder stand-in again, only for --check.
 * Why the busybox stand-in and not real Rust: these scenarios check BuildKit's cache plumbing for two
 * platforms (what is exported and imported per platform, upload counts, identical layers), which
 * needs no compiler, and real arm64 Rust under QEMU takes ~16 min. What real cargo does with the gha
 * cache (cook imported and not run, which crates compile) is tested in rust.test.ts (linux/amd64).
 *
 * One emulator (Azurite + server.mjs on free ports on 127.0.0.1; dockerd makes BuildKit's cache calls
 * from the host network namespace, so it reaches them) serves the whole file. The measured wall times
 * and upload counts are printed at the end (`console.info`).
 *
 * Why the cook step is checked as "did not run" and not only as `CACHED`: BuildKit prints a step whose
 * cached layer it downloads lazily (because a later step must run on top of it) as blob progress
 * lines and `DONE`, without `CACHED`. The stand-in cook always prints
 * `Compiling dependencies of recipe … for <triple>` when it runs, so its absence is the proof.
 */
import fs from 'node:fs';
import { DIST, type StepResult } from '../helpers/action-runner.js';
import { AMD64, ARM64, TRIPLE, CREATED_LABEL, stepName, step, cookStep, compileStep, sourcesStep, expectCookNotRun } from './build-log.js';
import { cacheSuite, pushedImages, timeless, freshBuilder, editSource, type PlatformImage } from './cache-kit.js';
import { bringUpEngine, engineTest, deleteTag, REGISTRY, STANDIN_BUILDER, STANDIN_EMULATED, STANDIN_SUPPLY } from './helpers.js';

const engine = bringUpEngine();
const it = engineTest(engine);

describe('engine: gha layer cache through the emulator, through the bundled action (stand-in builder)', () => {
  const { service, newRunner, build } = cacheSuite(engine);

  // ---------------------------------------------------------------- 1 + 2: gha, for 2 platforms and for 1
  for (const platforms of [[AMD64, ARM64], [AMD64]] as const) {
    const n = platforms.length;
    const repo = n === 2 ? 'hello-gha' : 'hello-gha-amd64';
    const image = `${REGISTRY}/${repo}`;
    const scope = `muslrust-chef-${REGISTRY.replace(/[:/]/g, '-')}-${repo}${n === 1 ? '-linux-amd64' : ''}`;
    const inputs = {
      image,
      'builder-image': STANDIN_BUILDER, ...STANDIN_SUPPLY,
      platforms: platforms.join(','),
      ...STANDIN_EMULATED,
      driver: 'docker',
      push: 'true',
      cache: 'gha',
      provenance: 'false',
      labels: CREATED_LABEL,
    };
    let cold: Record<string, PlatformImage> | undefined;

    it(`1. cache: gha, ${n} platform(s): the cold build exports to the cache service; a fresh builder imports it (cook does not run, same layers)`, async () => {
      expect(fs.existsSync(DIST)).toBe(true);
      const env = service().clientEnv;
      await service().reset();
      await deleteTag(repo, '1.2.3');
      freshBuilder([repo]);

      // Cold: nothing in the cache service, nothing in the builder.
      const c = await build(`gha ${n}p cold`, newRunner(), inputs, env);
      expect(c.warnings).toEqual([]);
      // cache-mode defaults to max (the logged plan shows the flags buildx got).
      expect(c.main.stdout).toContain(`--cache-from type=gha,scope=${scope},timeout=2m`);
      expect(c.main.stdout).toContain(`--cache-to type=gha,scope=${scope},mode=max,ignore-error=true,timeout=2m`);
      expect(c.main.stdout).toContain('importing cache manifest from gha');
      expect(c.main.stdout).toContain('exporting to GitHub Actions Cache');
      for (const p of platforms) {
        expect(cookStep(c.steps, p).status).toBe('ran');
        expect(c.main.stdout).toMatch(new RegExp(`Compiling dependencies of recipe [0-9a-f]+ for ${TRIPLE[p]}`));
      }
      // One index entry for the image's scope, the rest layer blobs; all committed.
      const index = c.created.filter((e) => e.key.startsWith('index-'));
      expect(index.map((e) => e.key)).toEqual([expect.stringMatching(new RegExp(`^index-${scope.replace(/\./g, '\\.')}-1-[0-9a-f]{8}#1$`))]);
      expect(c.created.every((e) => e.finalized && (e.key.startsWith('index-') || e.key.startsWith('buildkit-blob-1-sha256:')))).toBe(true);
      expect(c.uploads).toBe(c.created.length);
      cold = await pushedImages(repo, '1.2.3', platforms);
      expect(Object.keys(cold).sort()).toEqual([...platforms].sort());
      // mode=max exported every layer of every platform's image (and the builder stages').
      const blobs = new Set(c.created.filter((e) => e.key.startsWith('buildkit-blob-')).map((e) => e.key.replace(/^buildkit-blob-1-/, '')));
      for (const p of platforms) for (const l of cold[p]?.layers ?? []) expect({ p, l, cached: blobs.has(l) }).toEqual({ p, l, cached: true });
      expect(blobs.size).toBeGreaterThan(new Set(platforms.flatMap((p) => cold?.[p]?.layers ?? [])).size); // the builder stages too

      // Warm: a new runner (fresh builder, no local image) imports the cache.
      freshBuilder([repo]);
      const w = await build(`gha ${n}p warm`, newRunner(), inputs, env);
      expect(w.warnings).toEqual([]);
      expect(w.main.stdout).toContain('importing cache manifest from gha');
      for (const p of platforms) expectCookNotRun(w.main, w.steps, p);
      // Every build with --cache-to writes one new index entry (#2), even a fully cached one.
      expect(w.created.filter((e) => e.key.startsWith('index-')).map((e) => e.key)).toEqual([expect.stringMatching(/#2$/)]);
      // moby/buildkit#2279: in a multi-platform import, one platform's `COPY . .` (whose blob is the
      // same on both platforms) intermittently misses, so it and `cargo build` run again on top of the
      // cached cook layer, and their 2 layers are uploaded anew. The dependencies are not rebuilt.
      const rerun = platforms.filter((p) => sourcesStep(w.steps, p).status === 'ran');
      for (const p of rerun) expect(compileStep(w.steps, p).lines.join('\n')).toContain('Fresh dependencies (cooked from recipe');
      if (n === 1) expect(w.steps.filter((s) => s.status === 'ran').map(stepName)).toEqual([]);
      expect(w.created.filter((e) => e.key.startsWith('buildkit-blob-')).length).toBeLessThanOrEqual(2 * rerun.length);

      // The pushed images: each platform's layers are the cold build's; configs differ at most in
      // their timestamps (docs: BuildKit's gha index keeps one createdat per blob).
      const warm = await pushedImages(repo, '1.2.3', platforms);
      for (const p of platforms) {
        expect({ p, layers: warm[p]?.layers }).toEqual({ p, layers: cold[p]?.layers });
        expect({ p, config: timeless(warm[p]?.config ?? {}) }).toEqual({ p, config: timeless(cold[p]?.config ?? {}) });
      }
      const same = platforms.filter((p) => warm[p]?.manifest === cold?.[p]?.manifest);
      console.info(
        `gha ${n}p: warm per-platform manifests identical to cold: ${same.join(', ') || 'none'}` +
          `${rerun.length ? `; COPY . . + cargo build re-ran for ${rerun.join(', ')} (moby/buildkit#2279)` : ''}`,
      );
    });

    it(`2. cache: gha, ${n} platform(s): a source-only edit after a prune runs only COPY . . and cargo build (and the planner), not cook`, async () => {
      if (!cold) throw new Error('needs the cache written by scenario 1 (which failed)');
      freshBuilder([repo]);
      const runner = newRunner();
      editSource(runner);
      const s = await build(`gha ${n}p source edit`, runner, inputs, service().clientEnv);
      expect(s.warnings).toEqual([]);
      expect(s.main.stdout).toContain('importing cache manifest from gha');
      for (const p of platforms) {
        expectCookNotRun(s.main, s.steps, p);
        expect(sourcesStep(s.steps, p).status).toBe('ran');
        const compile = compileStep(s.steps, p);
        expect(compile.status).toBe('ran');
        expect(compile.lines.join('\n')).toContain('Fresh dependencies (cooked from recipe');
        expect(compile.lines.join('\n')).toContain(`Compiling hello -> target/${TRIPLE[p]}/release/hello`);
        // recipe.json is byte-identical, so the builder's copy of it is a cache hit as well.
        expect(step(s.steps, p, 'builder', (c) => c.startsWith('COPY --from=planner')).status).not.toBe('ran');
      }
      // What ran: the sources and what depends on them, nothing of the dependency chain. (The chef
      // stage's WORKDIR makes no layer, so BuildKit redoes it, instantly, under a step that must run.)
      const allowed = /^(chef WORKDIR |planner (COPY \. \.|RUN cargo chef prepare)|builder (COPY \. \.|RUN .*cargo build)|runtime COPY --from=builder)/;
      for (const r of s.steps.filter((x) => x.status === 'ran')) expect({ step: stepName(r), allowed: allowed.test(`${r.stage} ${r.cmd}`) }).toEqual({ step: stepName(r), allowed: true });
      expect(s.created.filter((e) => e.key.startsWith('index-'))).toHaveLength(1);
    });
  }

  // ---------------------------------------------------------------- 4: gha without the runner's variables
  it('4. cache: gha without the cache service variables: a ::warning:: says the gha cache is off and how to fix it; the build succeeds', async () => {
    const repo = 'hello-gha-noenv';
    const inputs = { image: `${REGISTRY}/${repo}`, 'builder-image': STANDIN_BUILDER, ...STANDIN_SUPPLY, platforms: AMD64, driver: 'docker', push: 'true', cache: 'gha', provenance: 'false' };
    const ghaWarnings = (r: StepResult): string[] => r.stdout.split('\n').filter((l) => l.startsWith('::warning::cache: gha needs'));

    // None of them (a local run, or the action started from a `run:` script).
    const none = await build('gha 1p, no cache variables', newRunner(), inputs, {}, false);
    const [warning, ...more] = ghaWarnings(none.main);
    expect(more).toEqual([]);
    expect(warning).toContain('ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL (or ACTIONS_CACHE_URL) are not set');
    expect(warning).toContain('silently skips the gha cache');
    expect(warning).toContain("as a 'uses:' step");
    expect(warning).toContain("'cache: registry'");
    expect(warning).toContain("'cache: none' to silence this warning");
    // buildx really dropped the gha cache: no import, no export.
    expect(none.main.stdout).not.toContain('importing cache manifest from gha');
    expect(none.main.stdout).not.toContain('exporting to GitHub Actions Cache');
    expect(none.main.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    // The URL but no token: the warning names the token only, and buildx silently never calls the service.
    const { ACTIONS_CACHE_SERVICE_V2, ACTIONS_RESULTS_URL } = service().clientEnv;
    const noToken = await build('gha 1p, no ACTIONS_RUNTIME_TOKEN', newRunner(), inputs, { ACTIONS_CACHE_SERVICE_V2, ACTIONS_RESULTS_URL });
    const tokenWarnings = ghaWarnings(noToken.main);
    expect(tokenWarnings).toHaveLength(1);
    expect(tokenWarnings[0]).toContain('but ACTIONS_RUNTIME_TOKEN is not set');
    expect(noToken.main.stdout).not.toContain('importing cache manifest from gha');
    const calls = Object.entries(await service().stats()).filter(([k]) => k !== 'entries');
    expect(calls).toEqual([]);
  });
});
