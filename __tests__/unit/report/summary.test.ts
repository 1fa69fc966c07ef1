import { parseProgress } from '../../../src/report/progress.js';
import { buildFailure, stageRows } from '../../../src/report/stages.js';
import { mountsLine, renderSummary, type MountsRestore, type RunReport } from '../../../src/report/summary.js';
import { helloPlan as plan } from '../../helpers/plan.js';
import { fixture } from '../../helpers/rawjson.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const amd = { platform: 'linux/amd64', digest: D('b'), bytes: 3_500_000, lastLayer: 2_900_000 };
const arm = { platform: 'linux/arm64', digest: D('c'), bytes: 3_300_000, lastLayer: 2_700_000 };
const report = (over: Partial<RunReport>): RunReport => ({ dryRun: false, sizes: [], buildSeconds: 9.5, ...over });

/** The Markdown up to the first folded block: what a reader sees without clicking. */
const visible = (md: string): string => md.slice(0, md.indexOf('<details>'));
const tables = (md: string): number => md.split('\n').filter((l) => /^\|---/.test(l)).length;

describe('job summary', () => {
  test('single platform, pushed: sizes (a plain manifest has them too) with the change against the tag it replaces', () => {
    const p = plan();
    const stages = stageRows(parseProgress(fixture('single-platform-registry-cache')), true);
    const md = renderSummary(p, report({ digest: D('b'), sizes: [amd], previous: { ref: '127.0.0.1:5000/hello:latest', sizes: [{ ...amd, bytes: 3_240_000, lastLayer: 2_640_000 }] }, stages }));
    const top = visible(md);
    expect(top).toMatch(/^## muslrust-chef: `hello`: built and pushed in 9\.5 s\n/);
    expect(top).toContain('| platform | image (compressed) | binary layer | vs `latest` | digest |');
    expect(top).toContain('| linux/amd64 | 3.34 MiB | 2.77 MiB | +253.9 KiB (+8 %) (binary +253.9 KiB (+10 %)) | `sha256:bbbbbbbbbbbb…` |');
    // The recorded build: first use of the registry cache, a source change (cook cached, build rebuilt).
    expect(top).toMatch(/^Time: cache import [\d.]+ s \(nothing to import\) · chef [\d.]+ s \(cached\) · planner [\d.]+ s \(built\) · cook [\d.]+ s \(cached\) · build [\d.]+ s \(built\) · runtime [\d.]+ s \(cached\) · export\/push [\d.]+ s · cache export [\d.]+ s \(14 layers written\)$/m);
    expect(tables(top)).toBe(1); // compact: one table on success
    expect(md).toContain('<details><summary>Where the time went, per stage</summary>');
    expect(md).toMatch(/^\| cook \| [\d.]+ s \| cached \| {2}\|$/m);
    expect(md).toContain('| static check | passed');
  });

  test('multi-platform, first push of the tag: both platforms, "first push"', () => {
    const md = renderSummary(plan({ platforms: 'linux/amd64,linux/arm64' }), report({ sizes: [amd, arm], previous: { ref: '127.0.0.1:5000/hello:latest' } }));
    expect(visible(md)).toContain('| linux/amd64 | 3.34 MiB | 2.77 MiB | first push |');
    expect(visible(md)).toContain('| linux/arm64 | 3.15 MiB | 2.57 MiB | first push |');
  });

  test('a platform the previous image did not have', () => {
    const md = renderSummary(plan({ platforms: 'linux/amd64,linux/arm64' }), report({ sizes: [amd, arm], previous: { ref: 'r:latest', sizes: [amd] } }));
    expect(md).toContain('| linux/amd64 | 3.34 MiB | 2.77 MiB | unchanged |');
    expect(md).toContain('| linux/arm64 | 3.15 MiB | 2.57 MiB | new platform |');
  });

  test('a build column appears when platforms say how they were built', () => {
    const md = renderSummary(plan(), report({ sizes: [{ ...amd, how: 'native' }] }));
    expect(md).toContain('| platform | build | image (compressed) | binary layer | digest |');
    expect(md).toContain('| linux/amd64 | native | 3.34 MiB |');
  });

  test('merge: the manifest list, its platforms and the change', () => {
    const p = plan({ mode: 'merge', digests: `${D('b')}\n${D('c')}`, platforms: 'linux/amd64,linux/arm64' });
    const md = renderSummary(p, report({ buildSeconds: undefined, digest: D('f'), sizes: [amd, arm], previous: { ref: '127.0.0.1:5000/hello:latest', sizes: [{ ...amd, bytes: 4_000_000 }, arm] } }));
    expect(md).toMatch(/^## muslrust-chef: manifest list: merged and pushed\n/);
    expect(md).toContain('| linux/amd64 | 3.34 MiB | 2.77 MiB | -488.3 KiB (-13 %) |');
    expect(md).toContain('| linux/arm64 | 3.15 MiB | 2.57 MiB | unchanged |');
    expect(md).not.toContain('static check');
  });

  test('dry run: says nothing was built, no sizes, the commands folded', () => {
    const p = plan();
    const md = renderSummary(p, { dryRun: true, sizes: [] });
    expect(md).toMatch(/^## muslrust-chef: `hello`: dry run: nothing was built\n/);
    expect(visible(md)).not.toContain('| platform |');
    expect(md).toContain('<details><summary>Commands</summary>');
    expect(md).toContain('docker buildx build --builder b');
    expect(md).not.toContain('static check');
  });

  test('not pushed: says why there are no sizes', () => {
    const md = renderSummary(plan({ push: 'false' }), report({ sizesNote: 'not pushed, so the registry has none (push is off for this event)' }));
    expect(md).toContain('built (not pushed) in 9.5 s');
    expect(md).toContain('Would push: `127.0.0.1:5000/hello:1.2.3`');
    expect(md).toContain('Sizes: not pushed, so the registry has none (push is off for this event).');
  });

  test('failure: names the stage and platform, shows cargo\'s lines, where the time went, no sizes', () => {
    const progress = parseProgress(fixture('cargo-error-lint-warning'));
    const f = buildFailure(progress, true)!;
    const md = renderSummary(plan({ platforms: 'linux/amd64,linux/arm64' }), report({ failure: { ...f, message: 'x' }, stages: stageRows(progress, true), warnings: progress.warnings }));
    const top = visible(md);
    expect(top).toMatch(/^## muslrust-chef: `hello`: failed in the build stage \(linux\/amd64\)\n/);
    expect(top).toContain('```text\nerror: no bin target named `nope` in the workspace\nnote: this is the muslrust-chef STAND-IN cargo');
    expect(top).toMatch(/build [\d.]+ s \(failed\)/);
    expect(top).toContain("> Dockerfile check: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1) ([docs](https://docs.docker.com/go/dockerfile/rule/from-as-casing/))");
    expect(top).not.toContain('| platform |');
    expect(md).not.toContain('static check | passed');
    expect(md).not.toContain('[!TIP]'); // advice waits for a build that works
  });
});

test('real Rust, cold: the crates cargo compiled, per stage, at a glance', () => {
  const md = renderSummary(plan(), report({ sizes: [amd], stages: stageRows(parseProgress(fixture('rust-cold')), true) }));
  expect(visible(md)).toMatch(/cook [\d.]+ (s|min [\d]+ s) \(built, 27 crates\) · build [\d.]+ s \(built, 2 crates\)/);
  expect(md).toMatch(/^\| cook \| [^|]+ \| built \| 27 \|$/m);
});

describe('cache-mount restore line', () => {
  test.each<[MountsRestore, string]>([
    [{ hit: true, matchedKey: 'k1', level: 'exact', files: 12034, bytes: 325_000_000, seconds: 9.44, loaded: true }, 'Cache mounts: exact hit `k1`: 12,034 files, 309.9 MiB in 9.4 s'],
    [{ hit: false, matchedKey: 'k0', level: 'environment', bytes: 2048, seconds: 1, loaded: true }, 'Cache mounts: restored `k0` (environment match): 2.00 KiB in 1.0 s'],
    [{ hit: false, seconds: 0.4 }, 'Cache mounts: nothing restored: cargo starts cold in 0.4 s'],
    [{ hit: false, matchedKey: 'k0', loaded: false }, 'Cache mounts: nothing restored (`k0` found but not loaded): cargo starts cold'],
  ])('%j', (m, want) => expect(mountsLine(m)).toBe(want));

  test('it is shown without unfolding', () => {
    const md = renderSummary(plan({ 'cache-mounts': 'true' }), report({ cacheMounts: { hit: true, matchedKey: 'k1', loaded: true } }));
    expect(visible(md)).toContain('Cache mounts: exact hit `k1`');
  });
});
