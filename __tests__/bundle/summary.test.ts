import { ActionRunner, errors } from '../helpers/action-runner.js';
import { fixture } from '../helpers/rawjson.js';

// The job summary and the build log as the bundled action writes them. docker is the recorder
// (helpers/fake-docker.mjs): a successful build replays the real engine's recorded rawjson progress
// of a two-platform push; `imagetools inspect --raw` answers a two-platform index with made-up sizes.
const base = { image: '127.0.0.1:5000/hello', context: 'examples/hello', driver: 'docker' };

describe('bundled action: job summary', () => {
  let r: ActionRunner;
  beforeEach(() => {
    r = new ActionRunner();
  });
  afterEach(() => r.cleanup());

  test('build and push: the replaced tag is read before the build, sizes after it, the log rendered from BuildKit\'s progress', () => {
    const { main } = r.mainAndPost(base);
    expect(main.code).toBe(0);
    const inspects = r.calls().map((c) => c.argv.join(' ')).filter((c) => c.includes('imagetools inspect') || c.includes('buildx build'));
    // The replaced tag and its platform manifests are read before the build (the push moves the
    // tag); the pushed index by its digest after it.
    expect(inspects[0]).toBe('docker buildx imagetools inspect 127.0.0.1:5000/hello:latest --raw');
    const build = inspects.findIndex((c) => /^docker buildx build .*--progress=rawjson /.test(c));
    const pushed = inspects.indexOf(`docker buildx imagetools inspect 127.0.0.1:5000/hello@sha256:${'a'.repeat(64)} --raw`);
    expect(build).toBeGreaterThan(0);
    expect(build).toBe(3);
    expect(pushed).toBeGreaterThan(build);
    expect(inspects.filter((c) => /@sha256:[bc]{64} --raw$/.test(c))).toHaveLength(4); // two platforms, twice
    // 3 reads before, the build, the SBOM export (a second, fully cached build of the artifacts stage), 3 reads after.
    expect(inspects.filter((c) => c.startsWith('docker buildx build '))).toHaveLength(2);
    expect(inspects).toHaveLength(8);
    expect(main.summary).toMatch(/^## muslrust-chef: `hello`: built and pushed in [\d.]+ s$/m);
    expect(main.summary).toContain('| linux/amd64 | 1.91 MiB | 1.24 MiB | unchanged | `sha256:bbbbbbbbbbbb…` |');
    expect(main.summary).toMatch(/^Time: .*cook [\d.]+ s \(built\) · build [\d.]+ s \(built\)/m);
    expect(main.stdout).toMatch(/^#\d+ \[linux\/arm64 builder 2\/4\] RUN cargo chef cook/m);
    expect(main.stdout).not.toMatch(/^\{"vertexes"/m);
  });

  test('a failed build: the stage, platform and cargo\'s lines in the summary and the one error; the Dockerfile check as a warning', () => {
    const fail = { 'buildx build': { code: 1, stderr: fixture('cargo-error-lint-warning') } };
    const { main } = r.mainAndPost(base, { FAKE_DOCKER_FAIL: JSON.stringify(fail) });
    expect(main.code).toBe(1);
    expect(errors(main)).toEqual(['::error::cargo failed in the build stage for linux/amd64: error: no bin target named `nope` in the workspace%0Anote: this is the muslrust-chef STAND-IN cargo of the engine tests, not real cargo']);
    expect(main.stdout).toContain("::warning title=The 'as' keyword should match the case of the 'from' keyword::FromAsCasing: 'as' and 'FROM' keywords' casing do not match%0AMore info: https://docs.docker.com/go/dockerfile/rule/from-as-casing/");
    expect(main.summary).toMatch(/^## muslrust-chef: `hello`: failed in the build stage \(linux\/amd64\)$/m);
    expect(main.summary).toContain('```text\nerror: no bin target named `nope` in the workspace\n');
  });

  test('summary: false writes nothing, on success and on failure', () => {
    expect(r.mainAndPost({ ...base, summary: 'false' }).main.summary).toBe('');
    const fail = { 'buildx build': { code: 1, stderr: fixture('cargo-error-lint-warning') } };
    const failed = r.mainAndPost({ ...base, summary: 'false' }, { FAKE_DOCKER_FAIL: JSON.stringify(fail) }).main;
    expect(failed.code).toBe(1);
    expect(failed.summary).toBe('');
  });
});
