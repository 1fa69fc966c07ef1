// Start and stop the cache-service emulator (server.mjs) plus Azurite (blob storage) on free ports,
// from jest (beforeAll/afterAll) or from a shell:
//
//   import { startCacheService } from '../../test/emulator/harness.mjs'
//   const svc = await startCacheService()
//   Object.assign(process.env, svc.clientEnv)    // what @actions/cache and buildx read
//   ... await svc.stats(); await svc.reset(); await svc.configure({ failAll: 503 })
//   await svc.stop()
//
//   node test/emulator/harness.mjs     # prints `export …` lines, runs until Ctrl-C / SIGTERM
//
// Both services are child processes of the caller and are stopped by PID only (SIGTERM, then SIGKILL
// after 5 s). Azurite runs with --inMemoryPersistence in a temp cwd, so nothing is written to the repo.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** A port nobody listens on right now (tiny race window; fine for tests). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/**
 * An unsigned JWT shaped like the runner's ACTIONS_RUNTIME_TOKEN. @actions/cache accepts any
 * non-empty string; BuildKit's go-actions-cache parses (without verifying) the `ac` claim to learn
 * the ref scopes it may read and write, and checks exp/nbf.
 */
export function fakeRuntimeToken(scopes = [{ Scope: 'refs/heads/main', Permission: 3 }]) {
  const claims = { ac: JSON.stringify(scopes), exp: 4102444800, nbf: 1700000000 };
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.${b64url('sig')}`;
}

/** JSON over a fresh connection (no keep-alive, so nothing keeps the caller's event loop busy). */
function request(method, url, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      url,
      { method, agent: false, headers: { Connection: 'close', ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}) } },
      (res) => {
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString();
          if ((res.statusCode || 0) >= 400) return reject(new Error(`${method} ${url} -> ${res.statusCode}: ${text}`));
          resolve(text === '' ? undefined : JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Spawn `node <script> …args` and resolve once `ready` matches stdout. */
function startChild(name, script, args, env, ready, cwd, timeoutMs = 30_000) {
  const t0 = Date.now();
  const child = spawn(process.execPath, [script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => {
    err = (err + c).slice(-20_000);
    if (env.HARNESS_VERBOSE) process.stderr.write(c);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} not ready after ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    const onEarlyExit = (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited early (code ${code}, signal ${sig})\nstdout: ${out}\nstderr: ${err}`));
    };
    child.once('exit', onEarlyExit);
    let isReady = false;
    child.stdout.on('data', (c) => {
      out = (out + c).slice(-20_000);
      if (env.HARNESS_VERBOSE) process.stderr.write(c);
      const m = isReady ? null : ready.exec(out);
      if (m) {
        isReady = true;
        clearTimeout(timer);
        child.off('exit', onEarlyExit);
        resolve({ child, match: m, ms: Date.now() - t0, logs: () => err });
      }
    });
  });
}

/** SIGTERM, wait up to 5 s, then SIGKILL. Resolves with what happened. */
function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve('not running');
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', (code, sig) => {
      clearTimeout(kill);
      resolve(sig === 'SIGKILL' ? 'killed after 5 s' : `exited (${code ?? sig})`);
    });
    child.kill('SIGTERM');
  });
}

const live = new Set();
let exitHookInstalled = false;
function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort if a test run dies without calling stop(): never leave our own children behind.
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/**
 * Start Azurite and the emulator. Options:
 *   emulatorEnv  extra env for server.mjs (FAIL_ALL, RATE_LIMIT_CREATE, EXPECTED_TOKEN, PUBLIC_BLOB_BASE, …)
 *   verbose      pass both services' stderr through (or set HARNESS_VERBOSE=1)
 *   token        runtime token to hand out in clientEnv (default: fakeRuntimeToken())
 */
export async function startCacheService(opts = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-emulator-'));
  const baseEnv = { ...process.env, ...(opts.verbose ? { HARNESS_VERBOSE: '1' } : {}) };
  // The emulator must not inherit a runner's cache variables (it IS the cache service).
  for (const k of ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_CACHE_SERVICE_V2']) delete baseEnv[k];

  const azuriteMain = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js');
  const az = await startChild(
    'azurite',
    azuriteMain,
    ['--blobHost', '127.0.0.1', '--blobPort', '0', '--disableTelemetry', '--skipApiVersionCheck', '--inMemoryPersistence', '--silent'],
    baseEnv,
    /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/,
    tmp,
  );
  track(az.child);
  const blobEndpoint = `http://127.0.0.1:${az.match[1]}/devstoreaccount1`;

  let port = 0;
  let emu;
  const startEmulator = async () => {
    emu = await startChild(
      'cache emulator',
      path.join(here, 'server.mjs'),
      [],
      { ...baseEnv, BLOB_ENDPOINT: blobEndpoint, PORT: String(port), QUIET: baseEnv.HARNESS_VERBOSE ? '' : '1', ...(opts.emulatorEnv || {}) },
      /LISTENING http:\/\/127\.0\.0\.1:(\d+)\//,
      tmp,
    );
    track(emu.child);
    // First start: any free port; a restart reuses it so clients keep their URL.
    port = Number(emu.match[1]);
    return emu.ms;
  };
  const emulatorMs = await startEmulator();
  const url = `http://127.0.0.1:${port}/`;
  const token = opts.token || fakeRuntimeToken();

  return {
    url,
    blobEndpoint,
    /** Env for the cache clients: @actions/cache (v2) and buildx/BuildKit type=gha. */
    clientEnv: { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: url, ACTIONS_RUNTIME_TOKEN: token },
    timings: { azuriteMs: az.ms, emulatorMs },
    pids: () => ({ azurite: az.child.pid, emulator: emu.child.pid }),
    logs: () => ({ azurite: az.logs(), emulator: emu.logs() }),
    stats: () => request('GET', `${url}_emulator/stats`),
    entries: () => request('GET', `${url}_emulator/entries`),
    reset: () => request('POST', `${url}_emulator/reset`, {}),
    resetStats: () => request('POST', `${url}_emulator/reset-stats`, {}),
    /** {failAll: 503 | 0, rateLimitCreate: n | 0, rateLimitWindowMs} at run time. */
    configure: (cfg) => request('POST', `${url}_emulator/config`, cfg),
    /** Stop only the emulator (Azurite keeps its blobs); the URL then refuses connections. */
    stopEmulator: () => stopChild(emu.child),
    /** Start the emulator again on the same port; its in-memory index starts empty. */
    startEmulator,
    stopAzurite: () => stopChild(az.child),
    async stop() {
      const r = { emulator: await stopChild(emu.child), azurite: await stopChild(az.child) };
      fs.rmSync(tmp, { recursive: true, force: true });
      return r;
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const svc = await startCacheService({ verbose: process.env.HARNESS_VERBOSE === '1' });
  for (const [k, v] of Object.entries(svc.clientEnv)) console.log(`export ${k}=${v}`);
  console.log(`# azurite ${svc.timings.azuriteMs} ms, emulator ${svc.timings.emulatorMs} ms; pids ${JSON.stringify(svc.pids())}`);
  console.log(`# stats: curl -s ${svc.url}_emulator/stats ; stop: kill ${process.pid}`);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, async () => {
      console.log(JSON.stringify(await svc.stop()));
      process.exit(0);
    });
  }
}
