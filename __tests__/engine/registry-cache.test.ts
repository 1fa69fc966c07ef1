// Engine: `cache: registry` (test 3 of the cache tests; see gha-cache.test.ts for the setting).
import { AMD64, ARM64, CREATED_LABEL, cookStep, compileStep, sourcesStep, expectCookNotRun } from './build-log.js';
import { cacheSuite, registryGet, pushedImages, freshBuilder, type Manifest } from './cache-kit.js';
import { bringUpEngine, engineTest, deleteTag, REGISTRY, registryDigest, STANDIN_BUILDER, STANDIN_EMULATED, STANDIN_SUPPLY } from './helpers.js';

const engine = bringUpEngine();
const it = engineTest(engine);

describe('engine: registry layer cache through the bundled action (stand-in builder)', () => {
  const { newRunner, build } = cacheSuite(engine, { emulator: false });

  // ---------------------------------------------------------------- 3: registry
  it('3. cache: registry pushes <image>:buildcache (an OCI image manifest); after a prune the rebuild takes cook from it', async () => {
    const repo = 'hello-gha-registry';
    const inputs = {
      image: `${REGISTRY}/${repo}`,
      'builder-image': STANDIN_BUILDER, ...STANDIN_SUPPLY,
      platforms: `${AMD64},${ARM64}`,
      ...STANDIN_EMULATED,
      driver: 'docker',
      push: 'true',
      cache: 'registry',
      provenance: 'false',
      labels: CREATED_LABEL,
    };
    await deleteTag(repo, 'buildcache');
    await deleteTag(repo, '1.2.3');
    freshBuilder([repo]);
    const c = await build('registry 2p cold', newRunner(), inputs, {}, false);
    expect(c.warnings).toEqual([]);
    expect(c.main.stdout).toContain(`--cache-to type=registry,ref=${REGISTRY}/${repo}:buildcache,mode=max,oci-mediatypes=true,image-manifest=true,ignore-error=true`);
    for (const p of [AMD64, ARM64]) expect(cookStep(c.steps, p).status).toBe('ran');
    expect(await registryDigest(repo, 'buildcache')).toMatch(/^sha256:[0-9a-f]{64}$/);
    const cache = JSON.parse(await registryGet(repo, 'manifests/buildcache')) as Manifest;
    expect(cache.mediaType).toBe('application/vnd.oci.image.manifest.v1+json'); // image-manifest=true
    expect(cache.config.mediaType).toBe('application/vnd.buildkit.cacheconfig.v0');
    const cold = await pushedImages(repo, '1.2.3', [AMD64, ARM64]);
    const cached = new Set(cache.layers.map((l) => l.digest));
    for (const p of [AMD64, ARM64]) for (const l of cold[p]?.layers ?? []) expect({ p, l, cached: cached.has(l) }).toEqual({ p, l, cached: true });

    freshBuilder([repo]);
    const w = await build('registry 2p warm', newRunner(), inputs, {}, false);
    expect(w.main.stdout).toContain(`importing cache manifest from ${REGISTRY}/${repo}:buildcache`);
    for (const p of [AMD64, ARM64]) expectCookNotRun(w.main, w.steps, p);
    // moby/buildkit#2279 applies to the registry cache as well (see scenario 1).
    const rerun = [AMD64, ARM64].filter((p) => sourcesStep(w.steps, p).status === 'ran');
    for (const p of rerun) expect(compileStep(w.steps, p).lines.join('\n')).toContain('Fresh dependencies (cooked from recipe');
    const warm = await pushedImages(repo, '1.2.3', [AMD64, ARM64]);
    for (const p of [AMD64, ARM64]) expect({ p, layers: warm[p]?.layers }).toEqual({ p, layers: cold[p]?.layers });
    if (rerun.length > 0) console.info(`registry 2p warm: COPY . . + cargo build re-ran for ${rerun.join(', ')} (moby/buildkit#2279)`);
  });
});
