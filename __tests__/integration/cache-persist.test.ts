/**
 * The cache-mount and local-layer persistence through the REAL @actions/cache client, against our
 * own cache-service emulator (test/emulator: twirp v2 + v1, blobs in Azurite).
 *
 * Docker is replaced at the one process seam we own (DockerRunner): FakeBuilder plays BuildKit's
 * cache mounts as directories. It records every argv, reads the generated Dockerfile, honours only
 * the cache mounts that Dockerfile declares, and performs what the inject build (`cp -a` from the
 * context into the mounts) and the extract build (`--output type=local`) would do. The image build in
 * between is simulated by `compile()` writing into the mounts. Real-engine runs of the dance belong to
 * the engine suite.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { startCacheService, type CacheService } from '../../test/emulator/harness.mjs';
import { computeCacheKey, type CacheKey } from '../../src/cache/key.js';
import { CACHE_MOUNTS, mountId } from '../../src/cache/mount-spec.js';
import {
  UTILITY_IMAGE,
  extractDockerfile,
  injectDockerfile,
  restoreCacheMounts,
  restoreLocalCache,
  saveCacheMounts,
  saveLocalCache,
  type Log,
  type MountsState,
} from '../../src/execute/cache/persist.js';
import type { DockerRunner, RunResult } from '../../src/execute/docker.js';

const BOTH = ['linux/amd64', 'linux/arm64'];

// ---- the fake builder (process boundary) -------------------------------------------------------------
class FakeBuilder implements DockerRunner {
  readonly calls: Array<{ argv: string[]; kind: 'inject' | 'extract'; dockerfile: string; ms: number }> = [];
  fail: { on: 'inject' | 'extract'; stderr: string } | undefined;
  readonly stamps = new Set<string>();

  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  mount(name: string, arch: string): string {
    return path.join(this.root, `${name}-${arch}`);
  }

  /** The image build: cargo writing into the cache mounts. */
  compile(arch: string, name: string, files: Record<string, string | Buffer>): void {
    for (const [rel, data] of Object.entries(files)) {
      const p = path.join(this.mount(name, arch), rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, data);
    }
  }

  read(arch: string, name: string, rel: string): string | undefined {
    const p = path.join(this.mount(name, arch), rel);
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined;
  }

  async run(argv: readonly string[]): Promise<RunResult> {
    const t0 = Date.now();
    const a = [...argv];
    const flag = (f: string): string => {
      const i = a.indexOf(f);
      if (i < 0 || i + 1 >= a.length) throw new Error(`fake builder: ${f} missing in ${a.join(' ')}`);
      return a[i + 1] as string;
    };
    expect(a.slice(0, 3)).toEqual(['docker', 'buildx', 'build']);
    // BuildKit gives a --no-cache build EMPTY cache mounts: the dance must never use it. A fresh
    // stamp build arg each time is what makes BuildKit run the RUN instead of answering from cache.
    expect(a).not.toContain('--no-cache');
    const stamp = flag('--build-arg');
    expect(stamp).toMatch(/^MUSLRUST_CHEF_DANCE=\S+$/);
    expect(this.stamps.has(stamp)).toBe(false);
    this.stamps.add(stamp);
    const output = flag('--output');
    const kind = output === 'type=cacheonly' ? 'inject' : 'extract';
    const dockerfile = fs.readFileSync(flag('-f'), 'utf8');
    const context = a[a.length - 1] as string;
    if (this.fail?.on === kind) {
      this.calls.push({ argv: a, kind, dockerfile, ms: Date.now() - t0 });
      return { exitCode: 1, stdout: '', stderr: this.fail.stderr };
    }
    for (const p of flag('--platform').split(',')) {
      const arch = p.split('/')[1] as string;
      for (const m of CACHE_MOUNTS) {
        // Only mounts the generated Dockerfile really declares are touched.
        if (!dockerfile.includes(`--mount=type=cache,id=${mountId(m, '${TARGETARCH}')},target=/cache/${m.name},sharing=locked`)) continue;
        const mnt = this.mount(m.name, arch);
        fs.mkdirSync(mnt, { recursive: true });
        if (kind === 'inject') {
          // --mount=type=bind,source=${TARGETARCH}/<name> fails in BuildKit when the source is missing.
          const src = path.join(context, arch, m.name);
          if (!fs.existsSync(src)) return { exitCode: 1, stdout: '', stderr: `ERROR: failed to compute cache key: "/${arch}/${m.name}": not found` };
          fs.cpSync(src, mnt, { recursive: true });
        } else {
          const dest = (/^type=local,dest=([^,]+),platform-split=false$/.exec(output) ?? [])[1];
          if (!dest) throw new Error(`fake builder: unexpected --output ${output}`);
          const out = path.join(dest, arch, m.name);
          fs.cpSync(mnt, out, { recursive: true });
          if (m.name === 'cargo-registry') fs.rmSync(path.join(out, 'src'), { recursive: true, force: true });
        }
      }
    }
    this.calls.push({ argv: a, kind, dockerfile, ms: Date.now() - t0 });
    return { exitCode: 0, stdout: '', stderr: '' };
  }
}

// ---- helpers --------------------------------------------------------------------------------------------
function recorder(): Log & { infos: string[]; warnings: string[] } {
  const infos: string[] = [];
  const warnings: string[] = [];
  return { infos, warnings, info: (m) => infos.push(m), warning: (m) => warnings.push(m) };
}

const lockWith = (deps: Array<[string, string]>): string =>
  'version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n' +
  deps.map(([n, v]) => `\n[[package]]\nname = "${n}"\nversion = "${v}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${n}${v}"\n`).join('');

const keyFor = (lock: string, platforms = BOTH): CacheKey =>
  computeCacheKey({ lock, configFiles: {}, dockerfile: 'FROM x\n', profile: 'release', features: [], platforms, bin: 'app', image: 'ghcr.io/org/app' });

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out.sort();
}

// ---- environment: a fresh "runner" per test ----------------------------------------------------------
let svc: CacheService;
let tmp: string;
let mountsDir: string;
let stdout: string[] = [];
const savedEnv = { ...process.env };
const timings: Record<string, number> = {};

beforeAll(async () => {
  const t0 = Date.now();
  svc = await startCacheService();
  timings['start azurite + emulator'] = Date.now() - t0;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'persist-it-'));
  for (const k of ['ACTIONS_CACHE_URL', 'ACTIONS_CACHE_SERVICE_V2', 'GITHUB_SERVER_URL', 'ACTIONS_CACHE_SERVICE_V1']) delete process.env[k];
  Object.assign(process.env, svc.clientEnv, { RUNNER_TEMP: path.join(tmp, 'runner-temp'), GITHUB_WORKSPACE: path.join(tmp, 'workspace') });
  fs.mkdirSync(process.env.RUNNER_TEMP as string, { recursive: true });
  fs.mkdirSync(process.env.GITHUB_WORKSPACE as string, { recursive: true });
  mountsDir = path.join(process.env.RUNNER_TEMP as string, 'muslrust-chef-mounts');
});

afterAll(async () => {
  if (svc) await svc.stop();
  process.env = savedEnv;
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  // Measured timings, for the report (jest prints console.log of the suite).
  console.log(`cache persistence timings (ms): ${JSON.stringify(timings)}`);
});

beforeEach(() => {
  // @actions/core and @actions/cache log through process.stdout: capture it to assert on it.
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** A new job on a new runner: the host directory is gone (a fresh builder is made per test). */
function newRunner(): void {
  fs.rmSync(mountsDir, { recursive: true, force: true });
}

const K1 = keyFor(lockWith([['serde', '1.0.219']]));
const K2 = keyFor(lockWith([['serde', '1.0.219'], ['hex', '0.4.3']])); // Cargo.lock gained a dependency
const K3 = keyFor(lockWith([['serde', '1.0.220'], ['hex', '0.4.3']]));

describe('Cargo cache mounts through @actions/cache + the emulator', () => {
  let builder1: FakeBuilder;
  let state1: MountsState;

  test('miss on an empty service: nothing injected, cache-hit false', async () => {
    newRunner();
    builder1 = new FakeBuilder(path.join(tmp, 'builder1'));
    const log = recorder();
    const t0 = Date.now();
    const r = await restoreCacheMounts({ key: K1.key, restorePrefix: K1.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'b1', docker: builder1, log });
    timings['restore (miss)'] = Date.now() - t0;
    expect(r).toEqual({ hit: false, state: { key: K1.key, dir: mountsDir, platforms: BOTH, builder: 'b1' } });
    expect(builder1.calls).toEqual([]);
    expect(log.warnings).toEqual([]);
    expect(log.infos.join('\n')).toMatch(/No saved Cargo cache mounts/);
    expect(await svc.stats()).toMatchObject({ 'GetCacheEntryDownloadURL 200 miss': 1 });
    state1 = r.state;
  });

  test('save after a successful build: one extract build, then an entry under the key', async () => {
    builder1.compile('amd64', 'target', { 'x86_64-unknown-linux-musl/release/deps/libserde-1.rlib': 'amd64 serde' });
    builder1.compile('arm64', 'target', { 'aarch64-unknown-linux-musl/release/deps/libserde-1.rlib': 'arm64 serde' });
    for (const arch of ['amd64', 'arm64']) {
      builder1.compile(arch, 'cargo-registry', {
        'cache/index.crates.io-6f17d22bba15001f/serde-1.0.219.crate': 'crate bytes',
        'src/index.crates.io-6f17d22bba15001f/serde-1.0.219/lib.rs': 'extracted source',
      });
    }
    const log = recorder();
    const t0 = Date.now();
    const r = await saveCacheMounts(state1, builder1, { buildSucceeded: true, log });
    timings['save (extract + tar + upload)'] = Date.now() - t0;
    expect(r).toMatchObject({ outcome: 'saved', files: 4 });
    expect(log.warnings).toEqual([]);
    expect(builder1.calls.map((c) => c.kind)).toEqual(['extract']);
    const call = builder1.calls[0]!;
    expect(call.argv).toEqual([
      'docker', 'buildx', 'build', '--builder', 'b1', '--platform', 'linux/amd64,linux/arm64', '--build-arg', expect.stringMatching(/^MUSLRUST_CHEF_DANCE=/),
      '--output', `type=local,dest=${mountsDir},platform-split=false`, '-f', expect.stringMatching(/muslrust-chef-dance-.*\/Dockerfile\.extract$/), expect.any(String),
    ]);
    // The context is the (empty) dance dir, never the mounts dir itself.
    expect(call.argv[call.argv.length - 1]).not.toBe(mountsDir);
    expect(call.dockerfile).toBe(extractDockerfile());
    // registry/src is dropped (cargo re-extracts it from registry/cache).
    expect(files(mountsDir)).toEqual([
      'amd64/cargo-registry/cache/index.crates.io-6f17d22bba15001f/serde-1.0.219.crate',
      'amd64/target/x86_64-unknown-linux-musl/release/deps/libserde-1.rlib',
      'arm64/cargo-registry/cache/index.crates.io-6f17d22bba15001f/serde-1.0.219.crate',
      'arm64/target/aarch64-unknown-linux-musl/release/deps/libserde-1.rlib',
    ]);
    const entries = await svc.entries();
    expect(entries.map((e) => [e.key, e.finalized])).toEqual([[K1.key, true]]);
    // Generated Dancefiles were cleaned up.
    expect(fs.readdirSync(process.env.RUNNER_TEMP as string).filter((n) => n.startsWith('muslrust-chef-dance-'))).toEqual([]);
  });

  test('exact hit on the next run: injected into a new builder, cache-hit true, post skips the save', async () => {
    newRunner();
    const builder = new FakeBuilder(path.join(tmp, 'builder2'));
    const log = recorder();
    const t0 = Date.now();
    const r = await restoreCacheMounts({ key: K1.key, restorePrefix: K1.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'b2', docker: builder, log });
    timings['restore (exact hit + inject)'] = Date.now() - t0;
    expect(r).toMatchObject({ hit: true, matchedKey: K1.key, state: { key: K1.key, hitKey: K1.key, builder: 'b2' } });
    expect(log.warnings).toEqual([]);
    expect(stdout.join('')).toContain(`Cache hit for: ${K1.key}`);
    expect(builder.calls.map((c) => c.kind)).toEqual(['inject']);
    const inject = builder.calls[0]!;
    expect(inject.argv).toEqual([
      'docker', 'buildx', 'build', '--builder', 'b2', '--platform', 'linux/amd64,linux/arm64', '--build-arg', expect.stringMatching(/^MUSLRUST_CHEF_DANCE=/),
      '--output', 'type=cacheonly', '-f', expect.stringMatching(/Dockerfile\.inject$/), mountsDir,
    ]);
    expect(inject.dockerfile).toBe(injectDockerfile());
    expect(builder.read('amd64', 'target', 'x86_64-unknown-linux-musl/release/deps/libserde-1.rlib')).toBe('amd64 serde');
    expect(builder.read('arm64', 'target', 'aarch64-unknown-linux-musl/release/deps/libserde-1.rlib')).toBe('arm64 serde');
    // cargo-git had no content: its bind source was still created, so the inject did not fail.
    expect(fs.existsSync(path.join(mountsDir, 'amd64', 'cargo-git'))).toBe(true);

    const before = (await svc.entries()).length;
    const s = await saveCacheMounts(r.state, builder, { buildSucceeded: true, log });
    expect(s).toEqual({ outcome: 'exact-hit' });
    expect(builder.calls).toHaveLength(1); // no extract
    expect(await svc.entries()).toHaveLength(before);
  });

  test('Cargo.lock changed: the restore prefix brings back the old mounts, only the new dependency compiles, saved under the new key', async () => {
    expect(K2.restorePrefix).toBe(K1.restorePrefix);
    newRunner();
    const builder = new FakeBuilder(path.join(tmp, 'builder3'));
    const log = recorder();
    const r = await restoreCacheMounts({ key: K2.key, restorePrefix: K2.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'b3', docker: builder, log });
    expect(r).toMatchObject({ hit: false, matchedKey: K1.key });
    expect(r.state.hitKey).toBeUndefined();
    expect(stdout.join('')).toContain(`Cache hit for restore-key: ${K1.key}`);
    expect(log.infos.join('\n')).toContain(`an older entry (${K1.key})`);
    expect(builder.calls.map((c) => c.kind)).toEqual(['inject']);
    expect(builder.read('amd64', 'target', 'x86_64-unknown-linux-musl/release/deps/libserde-1.rlib')).toBe('amd64 serde');
    builder.compile('amd64', 'target', { 'x86_64-unknown-linux-musl/release/deps/libhex-1.rlib': 'amd64 hex' });
    builder.compile('arm64', 'target', { 'aarch64-unknown-linux-musl/release/deps/libhex-1.rlib': 'arm64 hex' });

    const s = await saveCacheMounts(r.state, builder, { buildSucceeded: true, log });
    expect(s.outcome).toBe('saved');
    expect((await svc.entries()).map((e) => e.key)).toEqual([K1.key, K2.key]);

    // The run after that: exact hit on K2 with old and new artefacts.
    newRunner();
    const next = new FakeBuilder(path.join(tmp, 'builder4'));
    const r2 = await restoreCacheMounts({ key: K2.key, restorePrefix: K2.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'b4', docker: next, log });
    expect(r2).toMatchObject({ hit: true, matchedKey: K2.key });
    expect(next.read('arm64', 'target', 'aarch64-unknown-linux-musl/release/deps/libhex-1.rlib')).toBe('arm64 hex');
    expect(next.read('arm64', 'target', 'aarch64-unknown-linux-musl/release/deps/libserde-1.rlib')).toBe('arm64 serde');
  });

  test('no save after a failed build (restored from the newest entry under the prefix)', async () => {
    newRunner();
    const builder = new FakeBuilder(path.join(tmp, 'builder5'));
    const log = recorder();
    const r = await restoreCacheMounts({ key: K3.key, restorePrefix: K3.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'b5', docker: builder, log });
    expect(r).toMatchObject({ hit: false, matchedKey: K2.key }); // newest entry wins
    builder.compile('amd64', 'target', { 'half-built': 'x' });
    const s = await saveCacheMounts(r.state, builder, { buildSucceeded: false, log });
    expect(s).toEqual({ outcome: 'build-failed' });
    expect(builder.calls.map((c) => c.kind)).toEqual(['inject']); // no extract
    expect((await svc.entries()).map((e) => e.key)).toEqual([K1.key, K2.key]);
    expect(log.infos.join('\n')).toMatch(/build did not succeed/);
  });

  test('a single-platform matrix leg has its own key and only touches its arch', async () => {
    newRunner();
    const leg = keyFor(lockWith([['serde', '1.0.219']]), ['linux/arm64']);
    expect(leg.restorePrefix).not.toBe(K1.restorePrefix);
    const builder = new FakeBuilder(path.join(tmp, 'builder-leg'));
    const log = recorder();
    const r = await restoreCacheMounts({ key: leg.key, restorePrefix: leg.restorePrefix, dir: mountsDir, platforms: ['linux/arm64'], builder: 'leg', docker: builder, log });
    expect(r.hit).toBe(false);
    expect(r.matchedKey).toBeUndefined();
    builder.compile('arm64', 'target', { 'a.rlib': 'arm64 only' });
    expect((await saveCacheMounts(r.state, builder, { buildSucceeded: true, log })).outcome).toBe('saved');
    expect(builder.calls[0]!.argv).toContain('linux/arm64');
    expect(files(mountsDir)).toEqual(['arm64/target/a.rlib']);
  });

  test('a failed inject is a warning (masked), the build goes on uncached', async () => {
    newRunner();
    const builder = new FakeBuilder(path.join(tmp, 'builder6'));
    builder.fail = {
      on: 'inject',
      stderr: 'ERROR: failed to solve: pull busybox: Get "https://blob.example/x?sv=1&sig=TOPSECRET%3D&sp=r": dial tcp: i/o timeout\n',
    };
    const log = recorder();
    const r = await restoreCacheMounts({ key: K1.key, restorePrefix: K1.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'b6', docker: builder, log });
    expect(r.hit).toBe(false); // an exact entry exists, but the builder does not have it
    expect(r.state.hitKey).toBe(K1.key); // so post does not try to save the same key again
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(/Could not load the restored Cargo cache mounts into builder 'b6'/);
    expect(log.warnings[0]).toContain('sig=***');
    expect(log.warnings[0]).not.toContain('TOPSECRET');
  });

  test('a failed extract is a warning and nothing is saved', async () => {
    newRunner();
    const k = keyFor(lockWith([['only-here', '1.0.0']]));
    const builder = new FakeBuilder(path.join(tmp, 'builder7'));
    builder.fail = { on: 'extract', stderr: 'ERROR: failed to solve: no space left on device\n' };
    const log = recorder();
    const before = (await svc.entries()).length;
    const s = await saveCacheMounts({ key: k.key, dir: mountsDir, platforms: BOTH, builder: 'b7' }, builder, { buildSucceeded: true, log });
    expect(s).toEqual({ outcome: 'extract-failed' });
    expect(log.warnings[0]).toMatch(/Could not copy the Cargo cache mounts out of builder 'b7': ERROR: failed to solve: no space left on device/);
    expect(await svc.entries()).toHaveLength(before);
  });

  test('an empty extract is not saved', async () => {
    const k = keyFor(lockWith([['empty', '1.0.0']]));
    const builder = new FakeBuilder(path.join(tmp, 'builder-empty'));
    const log = recorder();
    const s = await saveCacheMounts({ key: k.key, dir: mountsDir, platforms: BOTH, builder: 'be' }, builder, { buildSucceeded: true, log });
    expect(s).toMatchObject({ outcome: 'empty', files: 0 });
  });

  test('the utility image can be overridden (engine tests: the local mirror only has busybox:latest)', async () => {
    newRunner();
    const builder = new FakeBuilder(path.join(tmp, 'builder-img'));
    await restoreCacheMounts({ key: K1.key, restorePrefix: K1.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'bi', docker: builder, log: recorder(), utilityImage: 'busybox:latest' });
    expect(builder.calls[0]!.dockerfile).toContain('FROM --platform=$BUILDPLATFORM busybox:latest\n');
    expect(UTILITY_IMAGE).toMatch(/^busybox:\d+\.\d+\.\d+$/);
  });
});

describe('when the cache service is missing or failing, never a failure', () => {
  test('no service configured: one warning, no network, immediate', async () => {
    const url = process.env.ACTIONS_RESULTS_URL;
    delete process.env.ACTIONS_RESULTS_URL;
    try {
      newRunner();
      const builder = new FakeBuilder(path.join(tmp, 'builder-nosvc'));
      const log = recorder();
      const t0 = Date.now();
      const r = await restoreCacheMounts({ key: K1.key, restorePrefix: K1.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'n', docker: builder, log });
      const s = await saveCacheMounts(r.state, builder, { buildSucceeded: true, log });
      timings['no service: restore + save'] = Date.now() - t0;
      expect(Date.now() - t0).toBeLessThan(500);
      expect(r.hit).toBe(false);
      expect(s).toEqual({ outcome: 'no-service' });
      expect(log.warnings).toHaveLength(1);
      expect(log.warnings[0]).toMatch(/cache service is not available here .*every dependency compiles from scratch/);
      expect(builder.calls).toEqual([]);
    } finally {
      process.env.ACTIONS_RESULTS_URL = url;
    }
  });

  test('service down (connection refused): warnings from the client, no failure, fast', async () => {
    await svc.stopEmulator();
    try {
      newRunner();
      const builder = new FakeBuilder(path.join(tmp, 'builder-down'));
      const log = recorder();
      let t0 = Date.now();
      const r = await restoreCacheMounts({ key: K1.key, restorePrefix: K1.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'd', docker: builder, log });
      timings['service down: restore'] = Date.now() - t0;
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(r).toMatchObject({ hit: false });
      expect(stdout.join('')).toMatch(/::warning::Failed to restore: .*ECONNREFUSED/);

      builder.compile('amd64', 'target', { x: 'y' });
      t0 = Date.now();
      const s = await saveCacheMounts(r.state, builder, { buildSucceeded: true, log });
      timings['service down: save'] = Date.now() - t0;
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(s.outcome).toBe('not-saved');
      // @actions/cache turns every failed reservation into "another job may be creating this cache" (info).
      expect(stdout.join('')).toMatch(/Failed to save: Unable to reserve cache with key/);
      expect(log.infos.join('\n')).toMatch(/were not saved as .*next run restores an older entry or starts cold/);
      expect(stdout.join('')).not.toMatch(/::error::/);
    } finally {
      await svc.startEmulator(); // a new, empty index
    }
  });

  test('rate limited (429 on every call): warnings, no failure, fast', async () => {
    await svc.configure({ failAll: 429, retryAfter: 60 });
    try {
      newRunner();
      const builder = new FakeBuilder(path.join(tmp, 'builder-429'));
      const log = recorder();
      const t0 = Date.now();
      const r = await restoreCacheMounts({ key: K1.key, restorePrefix: K1.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'r', docker: builder, log });
      builder.compile('amd64', 'target', { x: 'y' });
      const s = await saveCacheMounts(r.state, builder, { buildSucceeded: true, log });
      timings['429: restore + save'] = Date.now() - t0;
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(r.hit).toBe(false);
      expect(s.outcome).toBe('not-saved');
      expect(stdout.join('')).toMatch(/::warning::You've hit a rate limit, your rate limit will reset in 60 seconds/);
      expect(stdout.join('')).toMatch(/::warning::Failed to restore: .*Rate limited/);
      expect(stdout.join('')).toMatch(/Failed to save: Unable to reserve cache with key/);
      expect(stdout.join('')).not.toMatch(/::error::/);
      expect(await svc.stats()).toMatchObject({ 'outage 429': 2 });
    } finally {
      await svc.configure({ failAll: 0, retryAfter: 0 });
    }
  });

  test('an unusable directory (file system error) is a warning, never a throw', async () => {
    const builder = new FakeBuilder(path.join(tmp, 'builder-fs'));
    const log = recorder();
    const bad = '/dev/null/muslrust-chef-mounts';
    const r = await restoreCacheMounts({ key: K1.key, restorePrefix: K1.restorePrefix, dir: bad, platforms: BOTH, builder: 'f', docker: builder, log });
    expect(r).toEqual({ hit: false, state: { key: K1.key, dir: bad, platforms: BOTH, builder: 'f' } });
    const s = await saveCacheMounts({ ...r.state, key: 'muslrust-chef-v1-other' }, builder, { buildSucceeded: true, log });
    expect(s).toEqual({ outcome: 'not-saved' });
    const l = await restoreLocalCache({ key: K1.key, restorePrefix: K1.restorePrefix, dir: bad, log });
    expect(l.hit).toBe(false);
    expect(log.warnings).toHaveLength(3);
    expect(log.warnings[0]).toMatch(/^Restoring the Cargo cache mounts failed: .*ENOTDIR.*The build does not depend on it\.$/);
    expect(log.warnings[1]).toMatch(/^Saving the Cargo cache mounts failed: /);
    expect(log.warnings[2]).toMatch(/^Restoring the local layer cache failed: /);
  });

  test('a second save of the same key (another job won the race) is only an info', async () => {
    await svc.reset();
    const k = keyFor(lockWith([['race', '1.0.0']]));
    for (const name of ['job-a', 'job-b']) {
      newRunner();
      const builder = new FakeBuilder(path.join(tmp, name));
      builder.compile('amd64', 'target', { [name]: name });
      const log = recorder();
      const s = await saveCacheMounts({ key: k.key, dir: mountsDir, platforms: BOTH, builder: name }, builder, { buildSucceeded: true, log });
      expect(s.outcome).toBe(name === 'job-a' ? 'saved' : 'not-saved');
      expect(log.warnings).toEqual([]);
    }
    expect(stdout.join('')).toMatch(/Failed to save: Unable to reserve cache with key .*another job may be creating this cache/);
    expect(stdout.join('')).not.toMatch(/::warning::/);
  });
});

describe('cache: local (layer cache directory)', () => {
  const layersDir = () => path.join(process.env.RUNNER_TEMP as string, 'muslrust-chef-layers');
  const fresh = () => {
    fs.rmSync(layersDir(), { recursive: true, force: true });
    fs.rmSync(`${layersDir()}-new`, { recursive: true, force: true });
  };
  /** What `--cache-to type=local,dest=<dir>-new` leaves behind. */
  const buildxWrites = (tag: string) => {
    fs.mkdirSync(path.join(`${layersDir()}-new`, 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(path.join(`${layersDir()}-new`, 'index.json'), `{"tag":"${tag}"}`);
    fs.writeFileSync(path.join(`${layersDir()}-new`, 'blobs', 'sha256', tag), tag);
  };

  test('miss, save, exact hit, restore-key hit; keys are separate from the mounts', async () => {
    await svc.reset();
    fresh();
    const log = recorder();
    const r1 = await restoreLocalCache({ key: K1.key, restorePrefix: K1.restorePrefix, dir: layersDir(), log });
    expect(r1.hit).toBe(false);
    expect(r1.state.key).toBe(K1.key.replace('muslrust-chef-v1-', 'muslrust-chef-v1-layers-'));
    expect(fs.existsSync(layersDir())).toBe(true); // --cache-from src= exists (empty) on a miss
    buildxWrites('one');
    expect(await saveLocalCache(r1.state, { buildSucceeded: true, log })).toMatchObject({ outcome: 'saved', files: 2 });
    expect(fs.existsSync(`${layersDir()}-new`)).toBe(false); // swapped into place

    fresh();
    const r2 = await restoreLocalCache({ key: K1.key, restorePrefix: K1.restorePrefix, dir: layersDir(), log });
    expect(r2).toMatchObject({ hit: true, matchedKey: r1.state.key });
    expect(fs.readFileSync(path.join(layersDir(), 'index.json'), 'utf8')).toBe('{"tag":"one"}');
    buildxWrites('two');
    expect(await saveLocalCache(r2.state, { buildSucceeded: true, log })).toEqual({ outcome: 'exact-hit' });

    fresh();
    const r3 = await restoreLocalCache({ key: K2.key, restorePrefix: K2.restorePrefix, dir: layersDir(), log });
    expect(r3).toMatchObject({ hit: false, matchedKey: r1.state.key });
    expect(await saveLocalCache(r3.state, { buildSucceeded: true, log })).toEqual({ outcome: 'empty' }); // buildx wrote nothing
    buildxWrites('three');
    expect(await saveLocalCache(r3.state, { buildSucceeded: false, log })).toEqual({ outcome: 'build-failed' });
    expect((await svc.entries()).map((e) => e.key)).toEqual([r1.state.key]);
    expect(log.warnings).toEqual([]);
  });
});

describe('GHES: the legacy v1 REST protocol', () => {
  test('save and exact restore through v1', async () => {
    const keep = { ...process.env };
    delete process.env.ACTIONS_CACHE_SERVICE_V2;
    delete process.env.ACTIONS_RESULTS_URL;
    process.env.ACTIONS_CACHE_URL = svc.url;
    try {
      await svc.reset();
      const k = keyFor(lockWith([['ghes', '1.0.0']]));
      newRunner();
      const b1 = new FakeBuilder(path.join(tmp, 'ghes1'));
      const log = recorder();
      const r = await restoreCacheMounts({ key: k.key, restorePrefix: k.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'g', docker: b1, log });
      expect(r.hit).toBe(false);
      b1.compile('amd64', 'target', { v1: 'legacy' });
      expect((await saveCacheMounts(r.state, b1, { buildSucceeded: true, log })).outcome).toBe('saved');
      newRunner();
      const b2 = new FakeBuilder(path.join(tmp, 'ghes2'));
      const r2 = await restoreCacheMounts({ key: k.key, restorePrefix: k.restorePrefix, dir: mountsDir, platforms: BOTH, builder: 'g', docker: b2, log });
      expect(r2.hit).toBe(true);
      expect(b2.read('amd64', 'target', 'v1')).toBe('legacy');
      expect(await svc.stats()).toMatchObject({ 'v1 POST caches 201': 1, 'v1 GET cache 200': 1, 'v1 GET cache 204': 1 });
    } finally {
      process.env = keep;
    }
  });
});

describe('timing with real data', () => {
  test('30 MB of incompressible target/ files: save and restore', async () => {
    await svc.reset();
    const k = keyFor(lockWith([['big', '1.0.0']]));
    newRunner();
    const b1 = new FakeBuilder(path.join(tmp, 'big1'));
    for (let i = 0; i < 30; i++) b1.compile('amd64', 'target', { [`release/deps/lib${i}.rlib`]: randomBytes(1024 * 1024) });
    const log = recorder();
    let t0 = Date.now();
    const s = await saveCacheMounts({ key: k.key, dir: mountsDir, platforms: ['linux/amd64'], builder: 'big' }, b1, { buildSucceeded: true, log });
    timings['30 MB save'] = Date.now() - t0;
    expect(s).toMatchObject({ outcome: 'saved', files: 30, bytes: 30 * 1024 * 1024 });
    newRunner();
    const b2 = new FakeBuilder(path.join(tmp, 'big2'));
    t0 = Date.now();
    const r = await restoreCacheMounts({ key: k.key, restorePrefix: k.restorePrefix, dir: mountsDir, platforms: ['linux/amd64'], builder: 'big', docker: b2, log });
    timings['30 MB restore + inject'] = Date.now() - t0;
    expect(r.hit).toBe(true);
    expect(fs.statSync(path.join(b2.mount('target', 'amd64'), 'release/deps/lib29.rlib')).size).toBe(1024 * 1024);
  });
});
