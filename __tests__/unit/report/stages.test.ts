import { parseProgress } from '../../../src/report/progress.js';
import { buildFailure, cacheState, errorExcerpt, parseStepName, stageOf, stageRows, unionMs, type StageRow } from '../../../src/report/stages.js';
import { fixture, statusLine as status } from '../../helpers/rawjson.js';

describe('step names as BuildKit writes them', () => {
  test.each([
    ['[linux/arm64 builder 2/4] RUN cargo chef cook --release', { platform: 'linux/arm64', stage: 'builder', instruction: 'RUN cargo chef cook --release', kind: 'step' }, 'cook'],
    ['[builder 4/4] RUN cargo build --release', { stage: 'builder', instruction: 'RUN cargo build --release', kind: 'step' }, 'build'],
    ['[linux/amd64 builder 1/4] COPY --from=planner /volume/recipe.json recipe.json', { platform: 'linux/amd64', stage: 'builder', kind: 'step' }, 'cook'],
    ['[linux/amd64 builder 3/4] COPY . .', { stage: 'builder', kind: 'step' }, 'build'],
    ['[chef 1/2] FROM 127.0.0.1:5000/x@sha256:1', { stage: 'chef', kind: 'step' }, 'chef'],
    ['[2/3] COPY app /app', { stage: 'image', kind: 'step' }, 'image'],
    ['[linux/arm/v7 runtime 2/2] COPY --from=builder /out/hello /usr/local/bin/hello', { platform: 'linux/arm/v7', stage: 'runtime', kind: 'step' }, 'runtime'],
    ['[internal] load build context', { kind: 'setup' }, 'setup'],
    ['[linux/arm64 internal] load metadata for docker.io/chainguard/static:latest', { platform: 'linux/arm64', kind: 'setup' }, 'setup'],
    ['[auth] library/busybox:pull token for registry-1.docker.io', { kind: 'setup' }, 'setup'],
    ['importing cache manifest from 127.0.0.1:5000/h:buildcache', { kind: 'cache-import' }, 'cache import'],
    ['exporting cache to registry', { kind: 'cache-export' }, 'cache export'],
    ['exporting to image', { kind: 'export' }, 'export/push'],
    ['resolving provenance for metadata file', { kind: 'export' }, 'export/push'],
  ])('%s', (name, want, stage) => {
    const s = parseStepName(name);
    expect(s).toMatchObject(want);
    expect(stageOf(s, true)).toBe(stage);
  });

  test('a Dockerfile of your own keeps its stage names (no cook/build split)', () => {
    expect(stageOf(parseStepName('[builder 2/4] RUN cargo chef cook'), false)).toBe('builder');
  });
});

test.each<[Array<[number, number]>, number]>([
  [[], 0],
  [[[0, 10]], 10],
  [[[0, 10], [5, 15]], 15],
  [[[0, 10], [2, 3], [20, 25]], 15],
  [[[20, 25], [0, 10]], 15],
])('unionMs %j = %d (parallel platforms are not counted twice)', (spans, want) => expect(unionMs(spans)).toBe(want));

const row = (name: string, rows: StageRow[]): StageRow => {
  const r = rows.find((x) => x.stage === name);
  if (!r) throw new Error(`no ${name} row in ${rows.map((x) => x.stage).join(', ')}`);
  return r;
};

describe('stage rows from recorded engine builds', () => {
  test('cold-ish multi-platform push: stages in order, cook and build really ran, times from BuildKit', () => {
    const rows = stageRows(parseProgress(fixture('multi-platform-push')), true);
    expect(rows.map((r) => r.stage)).toEqual(['setup', 'chef', 'planner', 'cook', 'build', 'runtime', 'export/push']);
    expect(cacheState(row('cook', rows))).toBe('built');
    expect(cacheState(row('build', rows))).toBe('built');
    expect(row('cook', rows).steps).toBe(4); // recipe copy + cook, per platform
    // Both cooks (~2.5 s amd64, ~3 s arm64) overlap: the wall time is not their sum.
    expect(row('cook', rows).seconds).toBeGreaterThan(2.9);
    expect(row('cook', rows).seconds).toBeLessThan(5);
    expect(row('export/push', rows).seconds).toBeGreaterThan(0.3);
    expect(cacheState(row('export/push', rows))).toBe('');
  });

  test('nothing changed: every Dockerfile step cached', () => {
    const rows = stageRows(parseProgress(fixture('multi-platform-cached')), true);
    for (const s of ['chef', 'planner', 'cook', 'build', 'runtime']) expect([s, cacheState(row(s, rows))]).toEqual([s, 'cached']);
  });

  test('source change with a registry cache: cook from the cache, build rebuilt, cache import and export rows', () => {
    const rows = stageRows(parseProgress(fixture('single-platform-registry-cache')), true);
    expect(cacheState(row('cook', rows))).toBe('cached');
    expect(cacheState(row('build', rows))).toBe('built');
    expect(row('cache export', rows).seconds).toBeGreaterThan(0.1);
    expect(cacheState(row('cache export', rows))).toBe('14 layers written'); // mode=max: every stage's layers
    expect(rows.map((r) => r.stage)).toContain('cache import');
  });

  test('failure: build failed, the other platform\'s steps cancelled or never run', () => {
    const rows = stageRows(parseProgress(fixture('cargo-error-lint-warning')), true);
    // Cook was cached on both platforms (the recording follows a source change); amd64's build failed.
    expect(cacheState(row('cook', rows))).toBe('cached');
    expect(cacheState(row('build', rows))).toBe('failed');
    expect(cacheState(row('runtime', rows))).toBe('not run');
    expect(rows[rows.length - 1]!.stage).toBe('runtime'); // never ran: last, though its base was pulled first
    expect(row('planner', rows).failed).toBe(false); // cancelled (exit code 137: context canceled), not the cause
  });

  test('real Rust, cold: cargo compiled every crate in cook and only the workspace crates in build', () => {
    const rows = stageRows(parseProgress(fixture('rust-cold')), true);
    expect(row('cook', rows).crates).toEqual({ '': 27 });
    expect(row('build', rows).crates).toEqual({ '': 2 });
    expect(cacheState(row('cook', rows))).toBe('built');
    expect(row('cook', rows).seconds).toBeGreaterThan(row('build', rows).seconds);
  });

  test('crates compiled are counted per stage and platform', () => {
    const v = (d: string, name: string, log: string) => [
      status({ vertexes: [{ digest: d, name, started: '2026-01-01T00:00:00Z' }] }),
      status({ logs: [{ vertex: d, data: log }] }),
      status({ vertexes: [{ digest: d, name, started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:00:04Z' }] }),
    ];
    const lines = [
      ...v('a', '[linux/amd64 builder 2/4] RUN cargo chef cook', '   Compiling serde v1.0.0\n   Compiling anyhow v1.0.0\n'),
      ...v('b', '[linux/arm64 builder 2/4] RUN cargo chef cook', '   Compiling serde v1.0.0\n'),
      ...v('c', '[linux/amd64 builder 4/4] RUN cargo build', '   Compiling app v0.1.0 (/volume)\n    Finished `release`\n'),
    ];
    const rows = stageRows(parseProgress(lines.join('\n')), true);
    expect(row('cook', rows).crates).toEqual({ 'linux/amd64': 2, 'linux/arm64': 1 });
    expect(row('build', rows).crates).toEqual({ 'linux/amd64': 1 });
    expect(row('cook', rows).seconds).toBe(4);
  });
});

describe('failures a person can act on', () => {
  test('recorded cargo error: the stage, the platform, cargo\'s lines (not BuildKit\'s wrapper)', () => {
    const f = buildFailure(parseProgress(fixture('cargo-error-lint-warning')), true);
    expect(f).toMatchObject({ stage: 'build', platform: 'linux/amd64' });
    expect(f!.step).toMatch(/^\[linux\/amd64 builder 4\/4\] RUN cargo build/);
    expect(f!.lines).toEqual(['error: no bin target named `nope` in the workspace', 'note: this is the muslrust-chef STAND-IN cargo of the engine tests, not real cargo']);
  });

  test('real Rust: rustc\'s error from its first line to cargo\'s `could not compile`', () => {
    const f = buildFailure(parseProgress(fixture('rust-compile-error')), true)!;
    expect(f.stage).toBe('build');
    expect(f.lines[0]).toBe('error[E0425]: cannot find value `argz` in this scope');
    expect(f.lines[1]).toBe('  --> crates/app/src/main.rs:26:39');
    expect(f.lines[f.lines.length - 1]).toBe('error: could not compile `app` (bin "app") due to 1 previous error');
    expect(f.lines).not.toContain('   Compiling app v0.1.0 (/volume/crates/app)');
  });

  test('a successful build has no failure', () => {
    expect(buildFailure(parseProgress(fixture('multi-platform-push')), true)).toBeUndefined();
  });

  const cargo = [
    '   Compiling hello v0.1.0 (/volume/crates/hello)',
    'error[E0425]: cannot find value `greting` in this scope',
    ' --> crates/hello/src/main.rs:3:20',
    '  |',
    '3 |     println!("{}", greting);',
    '  |                    ^^^^^^^ help: a local variable with a similar name exists: `greeting`',
    '',
    'For more information about this error, try `rustc --explain E0425`.',
    'error: could not compile `hello` (bin "hello") due to 1 previous error',
    '',
  ];
  test.each<[string, string[], string[]]>([
    ['cargo: from the first error on', cargo, cargo.slice(1, 9)],
    ['the static check, not locate\'s warning and report before it (as the engine printed them)', ['muslrust-chef-locate: warning: strip not found', 'muslrust-chef-locate: ./target/x86_64-unknown-linux-musl/release/hello -> /out/hello: 27792 bytes (not stripped)', 'muslrust-chef-check-static: /out/hello is dynamically linked (interpreter /lib/ld.so)'], ['muslrust-chef-check-static: /out/hello is dynamically linked (interpreter /lib/ld.so)']],
    ['locate failing', ['muslrust-chef-locate: no binary hello under target/'], ['muslrust-chef-locate: no binary hello under target/']],
    ['no error line: the log\'s last 15 lines', Array.from({ length: 20 }, (_, i) => `line ${i}`), Array.from({ length: 15 }, (_, i) => `line ${i + 5}`)],
  ])('excerpt: %s', (_name, log, want) => expect(errorExcerpt(log)).toEqual(want));

  test('a long error keeps its head and its tail (the `could not compile` line)', () => {
    const log = ['error[E0308]: mismatched types', ...Array.from({ length: 60 }, (_, i) => `  detail ${i}`), 'error: could not compile `app` due to 9 previous errors'];
    const ex = errorExcerpt(log, 25);
    expect(ex).toHaveLength(25);
    expect(ex[0]).toBe('error[E0308]: mismatched types');
    expect(ex[18]).toBe('… 38 more lines …');
    expect(ex[24]).toBe('error: could not compile `app` due to 9 previous errors');
  });
});
