import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ActionRunner, describeStep, errors, type StepResult } from '../helpers/action-runner.js';
import { humanBytes } from '../../src/report/sizes.js';
import { bringUpEngine, deleteTag, docker, engineTest, REGISTRY, registryDigest, STANDIN_BUILDER } from './helpers.js';

// The job summary from real builds: BuildKit's rawjson progress, the registry's manifests, the
// pushes. STAND-INS (Docker Hub is unreachable): the builder image and its cargo, chainguard/static.
const engine = bringUpEngine();
const it = engineTest(engine);

const REPO = 'hello-summary';
const IMAGE = `${REGISTRY}/${REPO}`;
const base = { image: IMAGE, 'builder-image': STANDIN_BUILDER, driver: 'docker', cache: 'none', provenance: 'false' };

/** What the registry says the image at `ref` weighs: every layer, and the last one (the binary). */
function registrySize(ref: string): { bytes: number; last: number } {
  const m = JSON.parse(docker(['buildx', 'imagetools', 'inspect', ref, '--raw']).stdout) as { layers: Array<{ size: number }> };
  return { bytes: m.layers.reduce((a, l) => a + l.size, 0), last: m.layers[m.layers.length - 1]!.size };
}

const ok = (r: StepResult): StepResult => {
  if (r.code !== 0) throw new Error(`step failed: ${describeStep(r)}`);
  expect(errors(r)).toEqual([]);
  return r;
};

describe('engine: the job summary (stand-in builder)', () => {
  const runners: ActionRunner[] = [];
  const runner = (): ActionRunner => {
    const r = new ActionRunner({ fixture: 'examples/hello', docker: 'real' });
    runners.push(r);
    return r;
  };
  const touch = (r: ActionRunner) => fs.writeFileSync(path.join(r.workspace, '.engine-test-run'), `${crypto.randomUUID()}\n`);
  afterAll(() => runners.forEach((r) => r.cleanup()));

  it('single platform (a plain manifest): sizes from the registry, then the change against `latest`, where the time went', async () => {
    await deleteTag(REPO, 'latest');
    const r = runner();
    touch(r);
    const first = ok(await r.main({ ...base, platforms: 'linux/amd64', push: 'true' }));
    ok(await r.post());
    const size = registrySize(`${IMAGE}@${first.outputs.digest}`);
    expect(first.summary).toContain(`| linux/amd64 | ${humanBytes(size.bytes)} | ${humanBytes(size.last)} | first push | \`${first.outputs.digest!.slice(0, 19)}…\` |`);
    // The log is BuildKit's progress rendered plain-style, not raw JSON.
    expect(first.stdout).toMatch(/^#\d+ \[builder 5\/5\] RUN (if command -v cargo-auditable .*then )?cargo (auditable )?build/m);
    expect(first.stdout).toMatch(/^#\d+ \d+\.\d{3} +Compiling hello -> target\/x86_64-unknown-linux-musl\/release\/hello/m);
    expect(first.stdout).not.toMatch(/^\{"(vertexes|statuses|logs)"/m);

    touch(r); // a source change: the recipe is the same, so cook comes from the cache
    const second = ok(await r.main({ ...base, platforms: 'linux/amd64', push: 'true', cache: 'registry' }));
    ok(await r.post());
    // The exported cache's size is its manifest's layers, as the registry holds them.
    const build = (JSON.parse(second.outputs.plan ?? '[]') as Array<{ argv: string[] }>).find((c) => c.argv[2] === 'build')!.argv;
    const cacheRef = /ref=([^,]+)/.exec(build[build.lastIndexOf('--cache-to') + 1] ?? '')![1]!;
    const cache = JSON.parse(docker(['buildx', 'imagetools', 'inspect', cacheRef, '--raw']).stdout) as { layers: Array<{ size: number }> };
    expect(second.summary).toMatch(new RegExp(`cache export [\\d.]+ s \\(\\d+ layers? written, cache ${humanBytes(cache.layers.reduce((a, l) => a + l.size, 0)).replace('.', '\\.')}\\)`));
    expect(second.summary).toMatch(/^## muslrust-chef: `hello`: built and pushed in [\d.]+ s$/m);
    expect(second.summary).toContain('| platform | image (compressed) | binary layer | vs `latest` | digest |');
    // The stand-in's binary is the same bytes every time: same layers, same size.
    expect(second.summary).toContain(`| linux/amd64 | ${humanBytes(size.bytes)} | ${humanBytes(size.last)} | unchanged |`);
    expect(second.summary).toMatch(/^Time: .*cook [\d.]+ s \(cached\) · build [\d.]+ s \(built\) · runtime [\d.]+ s \([a-z ]+\) · export\/push [\d.]+ s · cache export /m);
    expect(second.summary).toMatch(/^\| cook \| [\d.]+ s \| cached \| {2}\|$/m);
  });

  it('failure: the summary names the stage and platform and shows the static check\'s own words', async () => {
    const r = runner();
    fs.writeFileSync(path.join(r.workspace, 'STANDIN_DYNAMIC'), 'stand-in cargo: produce a dynamically linked binary\n');
    const main = await r.main({ ...base, platforms: 'linux/amd64', push: 'true', tags: 'type=raw,value=broken' });
    expect(main.code).toBe(1);
    expect(errors(main)).toEqual([expect.stringMatching(/^::error::Static check failed for linux\/amd64: \/out\/hello is dynamically linked \(interpreter /)]);
    expect(main.summary).toMatch(/^## muslrust-chef: `hello`: failed in the build stage \(linux\/amd64\)$/m);
    expect(main.summary).toMatch(/^```text\nmuslrust-chef-check-static: \/out\/hello is dynamically linked \(interpreter /m);
    expect(main.summary).toMatch(/build [\d.]+ s \(failed\)/);
    expect(main.summary).not.toContain('| platform |');
    expect(await registryDigest(REPO, 'broken')).toBeUndefined();
    ok(await r.post());
  });

  // The docker driver cannot push by digest (`push-by-digest is currently not implemented for docker
  // driver`), and no other driver runs here: each leg pushes its single-platform image under a tag
  // of its own instead, which is the same plain manifest a by-digest leg pushes.
  it('matrix legs (one platform each), then merge: every leg and the merged list report their sizes', async () => {
    const legs: Record<string, string> = {};
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const r = runner();
      touch(r);
      const leg = ok(await r.main({ ...base, platforms: platform, push: 'true', tags: `type=raw,value=leg-${platform.split('/')[1]}` }));
      ok(await r.post());
      legs[platform] = leg.outputs.digest!;
      const size = registrySize(`${IMAGE}@${leg.outputs.digest}`);
      expect(leg.summary).toContain(`| ${platform} | ${humanBytes(size.bytes)} | ${humanBytes(size.last)} | `);
    }
    await deleteTag(REPO, 'merged');
    const m = runner();
    const merged = ok(await m.main({ image: IMAGE, mode: 'merge', digests: Object.values(legs).join('\n'), tags: 'type=raw,value=merged', driver: 'docker' }));
    ok(await m.post());
    expect(merged.summary).toMatch(/^## muslrust-chef: manifest list: merged and pushed$/m);
    for (const [platform, digest] of Object.entries(legs)) {
      const size = registrySize(`${IMAGE}@${digest}`);
      expect(merged.summary).toContain(`| ${platform} | ${humanBytes(size.bytes)} | ${humanBytes(size.last)} | first push | \`${digest.slice(0, 19)}…\` |`);
    }
    expect(merged.outputs.digest).toBe(await registryDigest(REPO, 'merged'));
  });
});
