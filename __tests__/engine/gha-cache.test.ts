/**
 * Engine tests of the caches, through the BUNDLED action (dist/index.js, main + post as the runner runs
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
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startCacheService, type CacheService, type EmulatorEntry } from '../../test/emulator/harness.mjs';
import { DEFAULT_MUSLRUST_TAG } from '../../src/plan/dockerfile.js';
import {
  ActionRunner,
  bringUpEngine,
  deleteTag,
  describeStep,
  DIST,
  docker,
  engineTest,
  errorLines,
  REGISTRY,
  registryDigest,
  ROOT,
  STANDIN_BUILDER,
  STANDIN_SUPPLY,
  type StepResult,
} from './helpers.js';

const engine = bringUpEngine();
const it = engineTest(engine);

const AMD64 = 'linux/amd64';
const ARM64 = 'linux/arm64';
const TRIPLE: Record<string, string> = { [AMD64]: 'x86_64-unknown-linux-musl', [ARM64]: 'aarch64-unknown-linux-musl' };
/** Pinned, so that a rebuild's image config can be byte-identical (the action stamps "now" otherwise). */
const CREATED_LABEL = 'org.opencontainers.image.created=2026-01-01T00:00:00Z';

// ------------------------------------------------------------------ BuildKit's plain progress log

type StepStatus = 'cached' | 'pulled' | 'ran';
interface BuildStep {
  vertex: string;
  platform: string;
  stage: string;
  /** `3/4`: position in the stage. */
  pos: string;
  cmd: string;
  lines: string[];
  /**
   * cached: `#n CACHED`; pulled: only blob download / `extracting sha256:…` lines and DONE (a cached
   * layer unpacked because a later step runs on it); ran: anything else (it executed).
   */
  status: StepStatus;
}

const BLOB_LINE = /^(?:sha256:[0-9a-f]{64} |extracting sha256:[0-9a-f]{64}|DONE \d)/;

/**
 * The Dockerfile steps (not FROM, not internal) of the build log in `out`, by vertex. A single-platform
 * build names no platform in its step headers (`#12 [builder 3/4] COPY . .`): those get `only`.
 */
function buildSteps(out: string, only: string): BuildStep[] {
  const steps = new Map<string, Omit<BuildStep, 'status'>>();
  for (const line of out.split('\n')) {
    const head = /^#(\d+) \[(?:(linux\/[a-z0-9]+) )?([\w.-]+) (\d+\/\d+)\] (.*)$/.exec(line);
    if (head) {
      const [, vertex = '', platform = only, stage = '', pos = '', cmd = ''] = head;
      if (!steps.has(vertex)) steps.set(vertex, { vertex, platform, stage, pos, cmd: cmd.trim(), lines: [] });
      continue;
    }
    const body = /^#(\d+) (.*)$/.exec(line);
    const step = body ? steps.get(body[1] ?? '') : undefined;
    if (step) step.lines.push(body?.[2] ?? '');
  }
  return [...steps.values()]
    .filter((s) => !s.cmd.startsWith('FROM '))
    .map((s) => ({
      ...s,
      status: s.lines.includes('CACHED') ? 'cached' : s.lines.some((l) => !l.startsWith('DONE')) && s.lines.every((l) => BLOB_LINE.test(l)) ? 'pulled' : 'ran',
    }));
}

const stepName = (s: BuildStep): string => `[${s.platform} ${s.stage} ${s.pos}] ${s.cmd.replace(/--mount=\S+\s+/g, '').slice(0, 40)}`;

/** `amd64: planner COPY . ., prepare, …; arm64: …`: the steps that ran, for the measurements table. */
function ranSummary(steps: BuildStep[]): string {
  const what = (c: string): string =>
    c.includes('cargo chef cook') ? 'cook'
    : c.includes('cargo chef prepare') ? 'prepare'
    : c.includes('cargo build') ? 'cargo build'
    : c.startsWith('COPY --from=planner') ? 'COPY recipe.json'
    : c.startsWith('COPY --from=builder') ? 'COPY binary'
    : c.split(/\s+/).slice(0, 3).join(' ');
  const by = new Map<string, string[]>();
  for (const s of steps.filter((x) => x.status === 'ran')) {
    const arch = s.platform.split('/')[1] ?? s.platform;
    by.set(arch, [...(by.get(arch) ?? []), `${s.stage} ${what(s.cmd)}`]);
  }
  return [...by].map(([arch, l]) => `${arch}: ${l.join(', ')}`).join('; ') || '(none)';
}

function step(steps: BuildStep[], platform: string, stage: string, match: (cmd: string) => boolean): BuildStep {
  const found = steps.find((s) => s.platform === platform && s.stage === stage && match(s.cmd));
  if (!found) throw new Error(`no ${stage} step for ${platform} in the build log; steps: ${steps.map(stepName).join(' | ')}`);
  return found;
}
const cookStep = (steps: BuildStep[], p: string): BuildStep => step(steps, p, 'builder', (c) => c.includes('cargo chef cook'));
const compileStep = (steps: BuildStep[], p: string): BuildStep => step(steps, p, 'builder', (c) => c.includes('cargo build'));
const sourcesStep = (steps: BuildStep[], p: string): BuildStep => step(steps, p, 'builder', (c) => c === 'COPY . .');

/** The dependency step of `platform` did not run in this build: not executed, no stand-in cook output. */
function expectCookNotRun(r: StepResult, steps: BuildStep[], platform: string): void {
  const cook = cookStep(steps, platform);
  expect({ step: stepName(cook), status: cook.status, lines: cook.lines }).toEqual({ step: stepName(cook), status: expect.stringMatching(/^(cached|pulled)$/), lines: cook.lines });
  expect(r.stdout).not.toContain(`Compiling dependencies of recipe`);
  expect(r.stdout).not.toContain('Compiling dependencies: none cooked');
}

// ------------------------------------------------------------------ registry and daemon

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

async function registryGet(repo: string, what: string): Promise<string> {
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/${what}`, { headers: { Accept: MANIFEST_ACCEPT } });
  if (!res.ok) throw new Error(`registry GET ${repo}/${what}: HTTP ${res.status}`);
  return res.text();
}

interface Manifest {
  mediaType?: string;
  config: { digest: string; mediaType?: string };
  layers: Array<{ digest: string }>;
  manifests?: undefined;
}
interface Index {
  manifests: Array<{ digest: string; platform?: { os: string; architecture: string } }>;
}
interface Config {
  created?: string;
  history?: Array<{ created?: string }>;
  [k: string]: unknown;
}
interface PlatformImage {
  manifest: string;
  layers: string[];
  config: Config;
}

/** What the registry holds for REPO:TAG, per platform: manifest digest, layer digests, config. */
async function pushedImages(repo: string, tag: string, platforms: readonly string[]): Promise<Record<string, PlatformImage>> {
  const top = JSON.parse(await registryGet(repo, `manifests/${tag}`)) as Manifest | Index;
  const out: Record<string, PlatformImage> = {};
  const add = async (platform: string, digest: string, m: Manifest): Promise<void> => {
    out[platform] = { manifest: digest, layers: m.layers.map((l) => l.digest), config: JSON.parse(await registryGet(repo, `blobs/${m.config.digest}`)) as Config };
  };
  if (top.manifests) {
    for (const d of top.manifests) {
      if (!d.platform || d.platform.os === 'unknown') continue;
      await add(`${d.platform.os}/${d.platform.architecture}`, d.digest, JSON.parse(await registryGet(repo, `manifests/${d.digest}`)) as Manifest);
    }
  } else {
    // One platform: the docker driver pushes a plain image manifest.
    await add(platforms[0] ?? AMD64, (await registryDigest(repo, tag)) ?? '', top);
  }
  return out;
}

/** A config without its timestamps (`created`, `history[].created`): what may differ on a cached rebuild. */
function timeless(c: Config): Config {
  const copy = JSON.parse(JSON.stringify(c)) as Config;
  delete copy.created;
  for (const h of copy.history ?? []) delete h.created;
  return copy;
}

/**
 * A fresh runner's builder: no build cache and no image of REPOS in the daemon. `buildx prune -af`
 * also empties the cache mounts. The stand-in base images stay (they are images, not build cache).
 */
function freshBuilder(repos: readonly string[]): void {
  docker(['buildx', 'prune', '--builder', 'default', '-af']);
  const refs = docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])
    .stdout.split('\n')
    .map((l) => l.trim())
    .filter((ref) => repos.some((repo) => ref.startsWith(`${REGISTRY}/${repo}:`)) && !ref.endsWith(':<none>'));
  if (refs.length > 0) docker(['image', 'rm', ...refs]);
}

function editSource(runner: ActionRunner): void {
  fs.appendFileSync(path.join(runner.workspace, 'crates', 'hello', 'src', 'main.rs'), `\n// engine test edit ${crypto.randomUUID()}\n`);
}

// ------------------------------------------------------------------ the emulator and the measurements

let svc: CacheService | undefined;
const service = (): CacheService => {
  if (!svc) throw new Error('the cache-service emulator did not start (see beforeAll)');
  return svc;
};

interface Measured {
  build: string;
  seconds: number;
  uploads?: number;
  blobs?: number;
  index?: number;
  lookups?: number;
  ran: string;
}
const measured: Measured[] = [];
const runners: ActionRunner[] = [];
const newRunner = (): ActionRunner => {
  const r = new ActionRunner('examples/hello');
  runners.push(r);
  return r;
};

interface Build {
  main: StepResult;
  /** `::warning::` lines of the main step. */
  warnings: string[];
  steps: BuildStep[];
  /** Cache entries this build created (empty when no emulator is involved). */
  created: EmulatorEntry[];
  uploads: number;
}

/**
 * Runs the main step and records its wall time, the cache entries it created (uploads: layer blobs
 * and index entries) and the lookups. Fails on a non-zero exit or an ::error::.
 */
async function build(label: string, runner: ActionRunner, inputs: Record<string, string>, env: Record<string, string>, gha = true): Promise<Build> {
  const before = gha ? await service().entries() : [];
  if (gha) await service().resetStats();
  const main = await runner.main(inputs, env);
  if (main.code !== 0) throw new Error(`${label}: main step failed: ${describeStep(main)}`);
  expect(errorLines(main)).toEqual([]);
  const steps = buildSteps(main.stdout, inputs.platforms ?? '');
  const ran = ranSummary(steps);
  const warnings = main.stdout.split('\n').filter((l) => l.startsWith('::warning'));
  if (!gha) {
    measured.push({ build: label, seconds: main.seconds, ran });
    return { main, warnings, steps, created: [], uploads: 0 };
  }
  const stats = await service().stats();
  const sum = (prefix: string): number => Object.entries(stats).reduce((a, [k, v]) => a + (k.startsWith(prefix) ? v : 0), 0);
  const created = (await service().entries()).filter((e) => !before.some((b) => b.id === e.id));
  const uploads = sum('CreateCacheEntry 200');
  measured.push({
    build: label,
    seconds: main.seconds,
    uploads,
    blobs: created.filter((e) => e.key.startsWith('buildkit-blob-')).length,
    index: created.filter((e) => e.key.startsWith('index-')).length,
    lookups: sum('GetCacheEntryDownloadURL'),
    ran,
  });
  return { main, warnings, steps, created, uploads };
}

describe('engine: layer cache (gha emulator, registry) and cache mounts through the bundled action (stand-in builder)', () => {
  beforeAll(async () => {
    if (engine.state === 'up') svc = await startCacheService();
  });
  afterAll(async () => {
    await svc?.stop();
    for (const r of runners) r.cleanup();
    if (measured.length > 0) {
      const cell = (v: number | undefined): string => (v === undefined ? '-' : String(v));
      const rows = measured.map(
        (m) => `| ${m.build} | ${m.seconds.toFixed(1)} s | ${cell(m.uploads)} | ${cell(m.blobs)} | ${cell(m.index)} | ${cell(m.lookups)} | ${m.ran} |`,
      );
      console.info(
        ['cache engine measurements (main step wall time; uploads = CreateCacheEntry):', '| build | main | uploads | blobs | index | lookups | steps that ran |', '|---|---|---|---|---|---|---|', ...rows].join('\n'),
      );
    }
  });

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

  // ---------------------------------------------------------------- 3: registry
  it('3. cache: registry pushes <image>:buildcache (an OCI image manifest); after a prune the rebuild takes cook from it', async () => {
    const repo = 'hello-gha-registry';
    const inputs = {
      image: `${REGISTRY}/${repo}`,
      'builder-image': STANDIN_BUILDER, ...STANDIN_SUPPLY,
      platforms: `${AMD64},${ARM64}`,
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
        expect(text).toContain(builderImage ? `FROM ${builderImage} AS chef` : `FROM clux/muslrust:${DEFAULT_MUSLRUST_TAG} AS chef`);
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

  // ---------------------------------------------------------------- 6: cache mounts through @actions/cache
  it('6. cache-mounts: post saves the mounts with @actions/cache; after a prune, main restores them (exact hit) and cargo finds its artefacts; post does not save again', async () => {
    const repo = 'hello-gha-mounts';
    const inputs = {
      image: `${REGISTRY}/${repo}`,
      'builder-image': STANDIN_BUILDER, ...STANDIN_SUPPLY,
      platforms: `${AMD64},${ARM64}`,
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
    expect(key).toMatch(/^muslrust-chef-v1-/);
    expect(r1.main.outputs['cache-hit']).toBe('false');
    expect(r1.main.stdout).toContain(`No saved Cargo cache mounts for ${key}`);
    for (const p of [AMD64, ARM64]) {
      expect(cookStep(r1.steps, p).status).toBe('ran');
      expect(compileStep(r1.steps, p).lines.join('\n')).toContain('Fresh dependencies (cooked from recipe'); // through the mount
    }
    await service().resetStats();
    const p1 = await runner.post();
    if (p1.code !== 0) throw new Error(`run 1 post failed: ${describeStep(p1)}`);
    expect(errorLines(p1)).toEqual([]);
    expect(p1.stdout.split('\n').filter((l) => l.startsWith('::warning'))).toEqual([]);
    expect(p1.stdout).toContain("Copied the Cargo cache mounts out of builder 'default'");
    expect(p1.stdout).toMatch(new RegExp(`Saved the Cargo cache mounts \\(\\d+ files, [\\d.]+ MB\\) as ${key.replace(/\./g, '\\.')}`));
    const saved = (await service().entries()).filter((e) => e.key === key);
    expect(saved).toEqual([expect.objectContaining({ key, finalized: true, size: expect.any(Number) })]);
    expect(saved[0]?.size).toBeGreaterThan(0);
    const postUploads = Object.entries(await service().stats()).reduce((a, [k, v]) => a + (k.startsWith('CreateCacheEntry 200') ? v : 0), 0);
    expect(postUploads).toBe(1);
    measured.push({ build: 'mounts 2p run 1 post (extract + save)', seconds: p1.seconds, uploads: postUploads, ran: '(extract build)' });

    // Control: a fresh runner whose mounts are NOT restored (another RUNNER_TEMP: @actions/cache's
    // entry version includes the path). The layer cache still answers cook, but with cache mounts the
    // cooked artefacts live in the mount and not in the cook layer: cargo build finds none.
    freshBuilder([repo]);
    const other = newRunner();
    editSource(other);
    const ctl = await build('mounts 2p control (mounts not restored)', other, inputs, env);
    expect(ctl.main.stdout).toContain('No saved Cargo cache mounts');
    for (const p of [AMD64, ARM64]) {
      expect(cookStep(ctl.steps, p).status).not.toBe('ran');
      expect(compileStep(ctl.steps, p).lines.join('\n')).toContain('Compiling dependencies: none cooked for this recipe');
    }

    // Run 2 in the first runner's directories after a prune (a fresh builder): an exact hit, loaded into
    // the builder's mounts before the build; the source edit makes cargo build run, and it finds them.
    freshBuilder([repo]);
    editSource(runner);
    const r2 = await build('mounts 2p run 2 (exact hit)', runner, inputs, env);
    expect(r2.warnings).toEqual([]);
    expect(r2.main.outputs['cache-key']).toBe(key);
    expect(r2.main.outputs['cache-hit']).toBe('true');
    expect(r2.main.stdout).toMatch(/Restored the Cargo cache mounts from the exact key: \d+ files, [\d.]+ MB, loaded into builder 'default'/);
    for (const p of [AMD64, ARM64]) {
      expectCookNotRun(r2.main, r2.steps, p);
      const compile = compileStep(r2.steps, p);
      expect(compile.status).toBe('ran');
      expect(compile.lines.join('\n')).toContain('Fresh dependencies (cooked from recipe');
    }
    await service().resetStats();
    const p2 = await runner.post();
    if (p2.code !== 0) throw new Error(`run 2 post failed: ${describeStep(p2)}`);
    expect(errorLines(p2)).toEqual([]);
    expect(Object.keys(await service().stats()).filter((k) => k.startsWith('CreateCacheEntry'))).toEqual([]);
    measured.push({ build: 'mounts 2p run 2 post (no save)', seconds: p2.seconds, uploads: 0, ran: '(none)' });
    expect(p2.stdout).toContain(`Not saving the Cargo cache mounts: ${key} was restored exactly`);
    expect((await service().entries()).filter((e) => e.key === key).map((e) => e.id)).toEqual(saved.map((e) => e.id));
  });
});
