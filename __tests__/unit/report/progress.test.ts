import fs from 'node:fs';
import path from 'node:path';
import { renderDockerfile } from '../../../src/plan/dockerfile.js';
import { parseProgress, ProgressReader } from '../../../src/report/progress.js';
import { fixture, statusLine } from '../../helpers/rawjson.js';
import { ROOT } from '../../helpers/action-runner.js';


const status = statusLine;

describe('ProgressReader on recorded engine output', () => {
  test('multi-platform push: every step with its times, not cached, cargo output per step', () => {
    const p = parseProgress(fixture('multi-platform-push'));
    const cook = p.vertices.find((v) => v.name.startsWith('[linux/arm64 builder 2/4] RUN cargo chef cook'));
    expect(cook).toBeDefined();
    expect(cook!.cached).toBe(false);
    expect(cook!.completed! - cook!.started!).toBeGreaterThan(1000); // the stand-in cook sleeps 2 s
    expect(cook!.log.join('\n')).toContain('Compiling dependencies of recipe');
    const build = p.vertices.find((v) => v.name.startsWith('[linux/amd64 builder 4/4] RUN cargo build'));
    expect(build!.log).toContain('/out/hello: statically linked (ELF64 x86-64, static executable, no program interpreter)');
    expect(p.vertices.map((v) => v.name)).toContain('exporting to image');
    expect(p.warnings).toEqual([]);
  });

  test('a re-run: the steps come from the cache', () => {
    const p = parseProgress(fixture('multi-platform-cached'));
    const steps = p.vertices.filter((v) => /^\[linux\/(amd|arm)64 (planner|builder|runtime) \d\/\d\] (?!FROM)/.test(v.name));
    expect(steps).toHaveLength(14);
    expect(steps.every((v) => v.cached)).toBe(true);
  });

  test('failure: the step error, cargo\'s own lines, and the Dockerfile check warning', () => {
    const p = parseProgress(fixture('cargo-error-lint-warning'));
    const failed = p.vertices.filter((v) => v.error);
    const build = failed.find((v) => /^\[linux\/amd64 builder 4\/4\] RUN cargo build .*--bin nope/.test(v.name));
    expect(build!.error).toMatch(/did not complete successfully: exit code: 101$/);
    expect(build!.log[0]).toBe('error: no bin target named `nope` in the workspace');
    // Whatever else was running is cancelled, and says so.
    for (const v of failed.filter((x) => x !== build)) expect(v.error).toMatch(/context canceled$/);
    expect(p.warnings).toEqual([
      {
        short: "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
        detail: ["The 'as' keyword should match the case of the 'from' keyword"],
        url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
        file: 'Dockerfile.fail',
        line: 1,
      },
    ]);
  });

  test('renders a plain-style log: numbered steps, their output, DONE / CACHED / ERROR, and buildx\'s own text lines', () => {
    const r = new ProgressReader();
    const out = fixture('cargo-error-lint-warning').split('\n').flatMap((l) => r.push(l));
    const n = /^#(\d+) \[linux\/amd64 builder 4\/4\] RUN cargo build/m.exec(out.join('\n'))?.[1];
    expect(n).toBeDefined();
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^#${n} \\d+\\.\\d{3} error: no bin target named \`nope\``)));
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^#${n} ERROR: process .*exit code: 101$`)));
    expect(out).toContainEqual(expect.stringMatching(/^#\d+ CACHED$/));
    expect(out).toContainEqual(expect.stringMatching(/^WARNING: FromAsCasing: /));
    expect(out[out.length - 1]).toMatch(/^ERROR: failed to build: failed to solve: process/);
    expect(out.some((l) => l.startsWith('{'))).toBe(false);
  });
});

describe('ProgressReader details', () => {
  const v = { digest: 'sha256:1', name: '[builder 4/4] RUN cargo build', started: '2026-01-01T00:00:00Z' };
  test('log chunks split mid-line are joined; a last line without newline counts when the step ends; cargo Compiling lines are counted', () => {
    const r = new ProgressReader();
    r.push(status({ vertexes: [v] }));
    r.push(status({ logs: [{ vertex: 'sha256:1', data: '   Compiling serde v1.0.2', timestamp: '2026-01-01T00:00:01Z' }] }));
    r.push(status({ logs: [{ vertex: 'sha256:1', data: '19\n   Compiling app v0.1.0 (/volume/app)\n\x1b[1m\x1b[32m   Compiling\x1b[0m clap v4.5.0\n    Finished', timestamp: '2026-01-01T00:00:02Z' }] }));
    r.push(status({ vertexes: [{ ...v, completed: '2026-01-01T00:00:03Z' }] }));
    const [x] = r.result().vertices;
    expect(x!.log).toEqual(['   Compiling serde v1.0.219', '   Compiling app v0.1.0 (/volume/app)', '   Compiling clap v4.5.0', '    Finished']);
    expect(x!.compiled).toBe(3);
    expect(x!.completed! - x!.started!).toBe(3000);
  });

  test('not-JSON and broken JSON lines pass through; blank lines vanish', () => {
    const r = new ProgressReader();
    expect(r.push('Dockerfile:13')).toEqual(['Dockerfile:13']);
    expect(r.push('{"vertexes":[')).toEqual(['{"vertexes":[']);
    expect(r.push('   ')).toEqual([]);
  });

  test('a vertex started twice keeps its first start and is announced once', () => {
    const r = new ProgressReader();
    const a = r.push(status({ vertexes: [{ digest: 'd', name: 'x', started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:00:00.5Z' }, { digest: 'd', name: 'x', started: '2026-01-01T00:00:01Z' }] }));
    const b = r.push(status({ vertexes: [{ digest: 'd', name: 'x', started: '2026-01-01T00:00:01Z', completed: '2026-01-01T00:00:02Z' }] }));
    expect([...a, ...b]).toEqual(['#1 x', '#1 DONE 0.5s']);
    expect(r.result().vertices[0]!.started).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(r.result().vertices[0]!.completed).toBe(Date.parse('2026-01-01T00:00:02Z'));
  });
});

test('the recordings were made with the Dockerfile the action generates for a prebuilt builder image', () => {
  const steps = (df: string) => df.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const generated = renderDockerfile({ bin: 'hello', profile: 'release', features: [], builderImage: '127.0.0.1:5000/muslrust-chef-standin:test', muslrustTag: '', runtimeImage: 'chainguard/static:latest', cacheMounts: false, reproducible: false, remapPaths: false, auditable: false });
  expect(steps(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rawjson', 'Dockerfile'), 'utf8'))).toEqual(steps(generated));
  const rust = renderDockerfile({ bin: 'app', profile: 'release', features: [], builderImage: '127.0.0.1:5000/muslrust-chef-rust:test', muslrustTag: '', runtimeImage: 'chainguard/static:latest', cacheMounts: false, reproducible: false, remapPaths: false, auditable: false });
  expect(steps(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rawjson', 'Dockerfile.rust'), 'utf8'))).toEqual(steps(rust));
});
