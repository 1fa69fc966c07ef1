/**
 * `npm run bench`: real Rust through the BUNDLED action on the engine, one line per scenario:
 *
 *   scenario=<name> wall_s=<main step wall time> limit_s=<cargo compiling only what changed> ratio=<wall/limit>
 *
 * The limit is plain `cargo build` in the same builder image, measured in this run
 * (__tests__/engine/rust-limits.ts). A benchmark, not a test: it asserts only that each build
 * succeeded and shipped its own binary, never a time. Method and results: docs/performance.md.
 *
 * Add a scenario: one row in SCENARIOS (its name, which limit it is measured against, and how it
 * builds, usually one buildScenario call). Rows run in order and share one daemon and one gha cache
 * emulator, so a row may rely on what earlier rows left (e.g. the cold build's cache export).
 */
import { startCacheService, type CacheService } from '../../test/emulator/harness.mjs';
import { describeStep } from '../helpers/action-runner.js';
import { freshBuilder } from '../engine/cache-kit.js';
import { bringUpEngine, engineTest, REGISTRY, RUST_BUILDER } from '../engine/helpers.js';
import { addHex, buildScenario, rustInputs, type RustBuild } from '../engine/rust-harness.js';
import { measureLimits, type Limit, type LimitName } from '../engine/rust-limits.js';

const engine = bringUpEngine();
const it = engineTest(engine);
const REPO = 'rust-app-bench';

interface Context {
  /** The cache-service variables of the emulator (cache: gha as on GitHub). */
  gha: Record<string, string>;
  /** The previous row's build: its runner and marker (a row that changes nothing reuses both). */
  last?: RustBuild;
}
interface BenchScenario {
  name: string;
  limit: LimitName;
  run: (ctx: Context) => Promise<RustBuild>;
}

const inputs = (): Record<string, string> => rustInputs(REPO, { cache: 'gha' });
const MIB = 1024 * 1024;

/** The builder image's layer digests (compressed, as in the registry): the part of a mode=max export that could be pulled again. */
async function builderLayers(): Promise<Set<string>> {
  const [repo = '', tag = ''] = RUST_BUILDER.slice(REGISTRY.length + 1).split(':');
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
  const m = (await res.json()) as { layers?: Array<{ digest: string }> };
  return new Set((m.layers ?? []).map((l) => l.digest));
}

export const SCENARIOS: BenchScenario[] = [
  {
    name: 'cold',
    limit: 'cold',
    run: async (ctx) => {
      freshBuilder([REPO]);
      return buildScenario({ inputs: inputs(), env: ctx.gha });
    },
  },
  {
    name: 'nothing-changed',
    limit: 'unchanged',
    run: async (ctx) => buildScenario({ inputs: inputs(), env: ctx.gha, ...(ctx.last ? { runner: ctx.last.runner, marker: ctx.last.marker } : {}) }),
  },
  { name: 'source-only', limit: 'source', run: async (ctx) => buildScenario({ inputs: inputs(), env: ctx.gha }) },
  {
    name: 'fresh-runner-source-only',
    limit: 'source',
    run: async (ctx) => {
      freshBuilder([REPO]);
      return buildScenario({ inputs: inputs(), env: ctx.gha });
    },
  },
  { name: 'dependency-added', limit: 'dependency', run: async (ctx) => buildScenario({ inputs: inputs(), env: ctx.gha, mutate: addHex }) },
];

describe('bench: real Rust through the bundled action (linux/amd64)', () => {
  let svc: CacheService | undefined;
  const lines: string[] = [];
  const builds: RustBuild[] = [];
  beforeAll(async () => {
    if (engine.state === 'up') svc = await startCacheService();
  });
  afterAll(async () => {
    await svc?.stop();
    for (const b of new Set(builds.map((x) => x.runner))) b.cleanup();
    process.stdout.write(`\n${lines.join('\n')}\n`);
  });

  it('runs every scenario and prints wall time against the limit', async () => {
    if (!svc) throw new Error('the cache-service emulator did not start');
    await svc.reset();
    const limits: Record<LimitName, Limit> = measureLimits();
    for (const [name, l] of Object.entries(limits)) lines.push(`limit=${name} seconds=${l.seconds.toFixed(2)} compiled=${l.compiled.join(',') || '(none)'}`);
    const ctx: Context = { gha: svc.clientEnv };
    const base = await builderLayers();
    const cacheLines: string[] = [];
    for (const s of SCENARIOS) {
      const before = new Set((await svc.entries()).map((e) => e.id));
      const b = await s.run(ctx);
      // What this build's --cache-to uploaded to the cache service, and how much of it is the builder image.
      const created = (await svc.entries()).filter((e) => !before.has(e.id));
      const mb = (es: typeof created): string => (es.reduce((a, e) => a + e.size, 0) / MIB).toFixed(1);
      const fromBuilder = created.filter((e) => base.has(e.key.replace(/^buildkit-blob-1-/, '')));
      cacheLines.push(`cache scenario=${s.name} uploaded_mib=${mb(created)} entries=${created.length} builder_image_layers_mib=${mb(fromBuilder)}`);
      builds.push(b);
      if (b.main.code !== 0 || b.image?.code !== 0 || !b.image.stderr.includes(`marker=${b.marker} `)) {
        throw new Error(`scenario ${s.name} did not ship its own binary: ${describeStep(b.main)}\nimage: ${JSON.stringify(b.image)}`);
      }
      ctx.last = b;
      const limit = limits[s.limit].seconds;
      lines.push(`scenario=${s.name} wall_s=${b.main.seconds.toFixed(2)} limit_s=${limit.toFixed(2)} ratio=${(b.main.seconds / limit).toFixed(2)}`);
      lines.push(`  detail: cook ${b.cook.step.status} (compiled ${b.cook.compiled.length}), cargo build compiled ${b.build.compiled.join(',') || '(none)'}`);
    }
    const all = await svc.entries();
    lines.push(...cacheLines, `cache stored_mib=${(all.reduce((a, e) => a + e.size, 0) / MIB).toFixed(1)} entries=${all.length} (all scenarios, one scope)`);
  });
});
