import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../../test/emulator/harness.mjs';
import { withService, ARCH, sha256, MOUNTS, statsLine, FAKE_BUILDX, leftovers, downloadAttempts, PUSH_500, PULL_DENIED, CARGO_FAIL, NOT_STATIC, fail, DEBUG, cleanedUp, type Case } from './case-kit.js';
import { serveFiles, TOKEN } from './observe.js';

// Rows: faults of docker, buildx, the registry and the build itself.
export const DOCKER_FAULT_CASES: Case[] = [
  // ---- Faults ---------------------------------------------------------------------------------------------
  {
    name: 'Docker daemon unreachable (QEMU setup, right after the login)',
    group: 'Faults',
    expected: 'exit 1 with docker\'s own "Cannot connect to the Docker daemon" and what to do; post cleans up',
    inputs: { qemu: 'true', cross: 'false' },
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
    expect: { kind: 'fails', error: /^Static check failed for linux\/amd64: \/out\/hello is dynamically linked \(interpreter / },
  },
];
