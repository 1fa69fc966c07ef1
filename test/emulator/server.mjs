// A small emulator of GitHub's Actions cache service, for tests only (never shipped in dist/).
//
// It speaks what the two clients we care about speak:
//   - @actions/cache 6 (our own cache-mount and local-layer persistence) and
//   - BuildKit's type=gha backend (go-actions-cache), for engine tests.
//
// Protocols
//   v2 twirp JSON  POST …/twirp/github.actions.results.api.v1.CacheService/<Method>
//                  CreateCacheEntry, FinalizeCacheEntryUpload, GetCacheEntryDownloadURL
//   v1 REST        GET  …/_apis/artifactcache/cache?keys=a,b&version=V   (204 on a miss)
//                  POST …/_apis/artifactcache/caches  {key, version}    -> {cacheId}
//                  PATCH …/_apis/artifactcache/caches/<id>  (Content-Range: bytes s-e/*)
//                  POST …/_apis/artifactcache/caches/<id>   {size}
// Routes match on the path SUFFIX: go-actions-cache keeps a path prefix of ACTIONS_RESULTS_URL /
// ACTIONS_CACHE_URL, @actions/cache drops it. Both must land here.
//
// Blob data lives in Azurite (the well-known devstoreaccount1 account); v2 clients get SAS URLs and
// talk to Azurite directly, v1 chunks are buffered here and written to Azurite on commit. Entry
// metadata is in memory, so a restart starts empty.
//
// Control endpoints (no auth):
//   GET  /_emulator/health    {ok:true}
//   GET  /_emulator/stats     call counters, e.g. {"CreateCacheEntry 200": 3, "GetCacheEntryDownloadURL 200 miss": 1, entries: 3}
//   GET  /_emulator/entries   [{id, key, version, size, finalized, created}]
//   POST /_emulator/reset     forget every entry (and delete its blob) and all counters
//   POST /_emulator/reset-stats
//   POST /_emulator/config    {failAll?: number|0, rateLimitCreate?: number|0, rateLimitWindowMs?: number, retryAfter?: number|0}
//
// Environment
//   PORT (0 = any free port; the URL is printed on stdout as "LISTENING <url>"), HOST (127.0.0.1)
//   BLOB_ENDPOINT (http://127.0.0.1:10000/devstoreaccount1), CONTAINER (actions-cache)
//   PUBLIC_BLOB_BASE  base used in handed-out SAS URLs instead of BLOB_ENDPOINT (e.g. a
//                     *.blob.core.windows.net host resolved locally, to exercise the Azure SDK path)
//   EXPECTED_TOKEN    require "Authorization: Bearer <EXPECTED_TOKEN>" (default: any bearer)
//   RATE_LIMIT_CREATE, RATE_LIMIT_WINDOW_MS (60000)
//                     answer 429 once more than N entries were created in the window
//                     (GitHub: 200 uploads per minute per repository)
//   RETRY_AFTER       seconds to send as Retry-After with every 429 (default: no header)
//   FAIL_ALL          outage switch: every cache API call gets this HTTP status ("1" means 503)
//   QUIET=1           no per-request log on stderr; LOG_HEADERS=1 adds (truncated) request headers
import http from 'node:http';
import { createHash } from 'node:crypto';
import {
  BlobSASPermissions,
  BlobServiceClient,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';

// Azurite's published development account: not a secret.
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const env = process.env;
const BLOB_ENDPOINT = env.BLOB_ENDPOINT || `http://127.0.0.1:10000/${ACCOUNT}`;
const CONTAINER = env.CONTAINER || 'actions-cache';
const PUBLIC_BLOB_BASE = (env.PUBLIC_BLOB_BASE || '').replace(/\/$/, '');
const EXPECTED_TOKEN = env.EXPECTED_TOKEN || '';
const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/';
const V1 = '/_apis/artifactcache/';

const parseFail = (v) => (v === undefined || v === '' || v === '0' ? 0 : v === '1' ? 503 : Number(v) || 503);
const config = {
  failAll: parseFail(env.FAIL_ALL),
  rateLimitCreate: Number(env.RATE_LIMIT_CREATE || 0),
  rateLimitWindowMs: Number(env.RATE_LIMIT_WINDOW_MS || 60_000),
  retryAfter: Number(env.RETRY_AFTER || 0),
};

const credential = new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY);
const container = new BlobServiceClient(BLOB_ENDPOINT, credential).getContainerClient(CONTAINER);
await container.createIfNotExists();

/** @type {Map<number, {id:number,key:string,version:string,blob:string,finalized:boolean,size:number,created:number,chunks?:Array<{start:number,data:Buffer}>}>} */
const entries = new Map();
let nextId = 1;
let createdAt = [];
const stats = {};
const count = (k) => (stats[k] = (stats[k] || 0) + 1);
const log = (...a) => {
  if (!env.QUIET) console.error('[cache-emulator]', ...a);
};

function overRateLimit() {
  if (!config.rateLimitCreate) return false;
  const now = Date.now();
  createdAt = createdAt.filter((t) => now - t < config.rateLimitWindowMs);
  if (createdAt.length >= config.rateLimitCreate) return true;
  createdAt.push(now);
  return false;
}

function signedUrl(blob, permissions) {
  const sas = generateBlobSASQueryParameters(
    {
      containerName: CONTAINER,
      blobName: blob,
      permissions: BlobSASPermissions.parse(permissions),
      startsOn: new Date(Date.now() - 5 * 60_000),
      expiresOn: new Date(Date.now() + 60 * 60_000),
    },
    credential,
  ).toString();
  const base = PUBLIC_BLOB_BASE ? `${PUBLIC_BLOB_BASE}/${CONTAINER}/${blob}` : container.getBlockBlobClient(blob).url;
  return `${base}?${sas}`;
}

// GitHub's documented lookup order: for each key in turn (the primary key, then each restore key),
// an exact match first, then the newest entry whose key starts with it. Versions must be equal.
function lookup(keys, version) {
  const live = [...entries.values()]
    .filter((e) => e.finalized && e.version === version)
    .sort((a, b) => b.created - a.created || b.id - a.id);
  for (const k of keys) {
    const hit = live.find((e) => e.key === k) || live.find((e) => e.key.startsWith(k));
    if (hit) return hit;
  }
  return undefined;
}

const sameEntry = (key, version) => [...entries.values()].find((e) => e.key === key && e.version === version);

function newEntry(key, version, blobPrefix) {
  const id = nextId++;
  const blob = `${blobPrefix}${id}-${createHash('sha256').update(`${key}\n${version}`).digest('hex').slice(0, 16)}`;
  const e = { id, key, version, blob, finalized: false, size: 0, created: Date.now() };
  entries.set(id, e);
  return e;
}

function reply(res, status, body, headers = {}) {
  const retry = status === 429 && config.retryAfter ? { 'Retry-After': String(config.retryAfter) } : {};
  res.writeHead(status, { 'Content-Type': 'application/json', ...retry, ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

async function readBody(req) {
  const parts = [];
  for await (const c of req) parts.push(c);
  return Buffer.concat(parts);
}

async function readJson(req) {
  const text = (await readBody(req)).toString();
  return text === '' ? {} : JSON.parse(text);
}

// ---- v2 (twirp) ----------------------------------------------------------------------------------
// Each handler returns [status, body]. Twirp errors are {code, msg}; an ok:false body is a soft "no".
const twirp = {
  async CreateCacheEntry({ key, version }) {
    if (!key || !version) return [400, { code: 'invalid_argument', msg: 'key and version are required' }];
    if (overRateLimit()) return [429, { code: 'resource_exhausted', msg: 'cache entry upload rate limit exceeded (emulated)' }];
    // 409 already_exists: go-actions-cache maps it to os.ErrExist ("someone else stored it, fine");
    // @actions/cache reports "another job may be creating this cache" at info level.
    if (sameEntry(key, version)) return [409, { code: 'already_exists', msg: 'cache entry with the same key, version, and scope already exists' }];
    const e = newEntry(key, version, '');
    return [200, { ok: true, signed_upload_url: signedUrl(e.blob, 'cw') }];
  },
  async FinalizeCacheEntryUpload({ key, version, size_bytes }) {
    const e = [...entries.values()].find((x) => x.key === key && x.version === version && !x.finalized);
    if (!e) return [404, { code: 'not_found', msg: 'no pending cache entry for this key and version' }];
    const props = await container
      .getBlockBlobClient(e.blob)
      .getProperties()
      .catch(() => undefined);
    if (!props) return [200, { ok: false, message: 'the blob was never uploaded' }];
    // @actions/cache sends size_bytes as a string (int64), BuildKit as a number: accept both.
    if (size_bytes !== undefined && Number(size_bytes) !== props.contentLength) {
      return [200, { ok: false, message: `size mismatch: client says ${size_bytes}, blob has ${props.contentLength}` }];
    }
    Object.assign(e, { finalized: true, size: props.contentLength ?? 0, created: Date.now() });
    // entry_id must be a JSON string: go-actions-cache's struct expects one.
    return [200, { ok: true, entry_id: String(e.id) }];
  },
  async GetCacheEntryDownloadURL({ key, restore_keys = [], version }) {
    const e = lookup([key, ...restore_keys], version);
    if (!e) return [200, { ok: false }];
    return [200, { ok: true, signed_download_url: signedUrl(e.blob, 'r'), matched_key: e.key }];
  },
};

async function handleTwirp(req, res, method) {
  if (req.method !== 'POST' || !Object.hasOwn(twirp, method)) {
    return reply(res, 404, { code: 'bad_route', msg: `no handler for ${req.method} ${method}` });
  }
  if (!String(req.headers['content-type'] || '').startsWith('application/json')) {
    return reply(res, 415, { code: 'bad_route', msg: 'only application/json is implemented' });
  }
  const body = await readJson(req);
  const [status, out] = await twirp[method](body);
  const tag = method === 'GetCacheEntryDownloadURL' && status === 200 ? (out.ok ? ' hit' : ' miss') : '';
  count(`${method} ${status}${tag}`);
  log(method, JSON.stringify(body), '->', status, JSON.stringify(out).replace(/sig=[^&"]+/g, 'sig=***'));
  return reply(res, status, out);
}

// ---- v1 (legacy REST, still used on GHES) ---------------------------------------------------------
async function handleV1(req, res, rest, url) {
  if (req.method === 'GET' && rest === 'cache') {
    const keys = (url.searchParams.get('keys') || '').split(',').filter(Boolean);
    const e = lookup(keys, url.searchParams.get('version'));
    if (!e) return reply(res, 204);
    return reply(res, 200, {
      cacheKey: e.key,
      scope: 'refs/heads/main',
      archiveLocation: signedUrl(e.blob, 'r'),
      creationTime: new Date(e.created).toISOString(),
    });
  }
  if (req.method === 'GET' && rest === 'caches') return reply(res, 200, { totalCount: 0, artifactCaches: [] });
  if (req.method === 'POST' && rest === 'caches') {
    const { key, version } = await readJson(req);
    if (!key || !version) return reply(res, 400, { message: 'key and version are required' });
    if (overRateLimit()) return reply(res, 429, { message: 'cache entry upload rate limit exceeded (emulated)' });
    if (sameEntry(key, version)) {
      return reply(res, 409, { message: `Cache already exists. Scope: refs/heads/main, Key: ${key}, Version: ${version}` });
    }
    const e = newEntry(key, version, 'v1-');
    e.chunks = [];
    return reply(res, 201, { cacheId: e.id });
  }
  const m = /^caches\/(\d+)$/.exec(rest);
  const e = m ? entries.get(Number(m[1])) : undefined;
  if (!e || !e.chunks) return reply(res, 404, { message: 'no pending cache with this id' });
  if (req.method === 'PATCH') {
    const range = /bytes (\d+)-(\d+)/.exec(String(req.headers['content-range'] || ''));
    e.chunks.push({ start: range ? Number(range[1]) : 0, data: await readBody(req) });
    return reply(res, 204);
  }
  if (req.method === 'POST') {
    const { size } = await readJson(req);
    const data = Buffer.concat(e.chunks.sort((a, b) => a.start - b.start).map((c) => c.data));
    if (data.length !== size) return reply(res, 400, { message: `size mismatch: ${data.length} != ${size}` });
    await container.getBlockBlobClient(e.blob).uploadData(data);
    Object.assign(e, { finalized: true, size, chunks: undefined, created: Date.now() });
    return reply(res, 204);
  }
  return reply(res, 405, { message: 'method not allowed' });
}

// ---- control ----------------------------------------------------------------------------------------
async function handleControl(req, res, name) {
  if (name === 'health') return reply(res, 200, { ok: true });
  if (name === 'stats') return reply(res, 200, { ...stats, entries: entries.size });
  if (name === 'entries') {
    const pub = (e) => ({ id: e.id, key: e.key, version: e.version, size: e.size, finalized: e.finalized, created: e.created });
    return reply(res, 200, [...entries.values()].map(pub));
  }
  if (req.method !== 'POST') return reply(res, 405, { message: 'use POST' });
  if (name === 'reset-stats') {
    for (const k of Object.keys(stats)) delete stats[k];
    createdAt = [];
    return reply(res, 200, {});
  }
  if (name === 'reset') {
    const blobs = [...entries.values()].map((e) => e.blob);
    entries.clear();
    for (const k of Object.keys(stats)) delete stats[k];
    createdAt = [];
    await Promise.all(blobs.map((b) => container.getBlockBlobClient(b).deleteIfExists().catch(() => undefined)));
    return reply(res, 200, {});
  }
  if (name === 'config') {
    const c = await readJson(req);
    if (c.failAll !== undefined) config.failAll = c.failAll ? Number(c.failAll) : 0;
    if (c.rateLimitCreate !== undefined) config.rateLimitCreate = Number(c.rateLimitCreate) || 0;
    if (c.rateLimitWindowMs !== undefined) config.rateLimitWindowMs = Number(c.rateLimitWindowMs) || 60_000;
    if (c.retryAfter !== undefined) config.retryAfter = Number(c.retryAfter) || 0;
    createdAt = [];
    return reply(res, 200, config);
  }
  return reply(res, 404, { message: `unknown control endpoint ${name}` });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url || '/', 'http://emulator');
  const path = url.pathname;
  const t0 = Date.now();
  if (!path.startsWith('/_emulator/')) {
    res.on('finish', () => {
      const hdrs = env.LOG_HEADERS
        ? ' ' + JSON.stringify({ ...req.headers, authorization: String(req.headers.authorization || '').slice(0, 16) + '…' })
        : '';
      log('[req]', req.method, path, '->', res.statusCode, `${Date.now() - t0}ms${hdrs}`);
    });
  }
  try {
    if (path.startsWith('/_emulator/')) return await handleControl(req, res, path.slice('/_emulator/'.length));
    const ti = path.indexOf(TWIRP);
    const vi = path.indexOf(V1);
    if (ti < 0 && vi < 0) return reply(res, 404, { code: 'bad_route', msg: `unknown path ${path}` });
    if (config.failAll) {
      count(`outage ${config.failAll}`);
      return reply(res, config.failAll, { code: 'unavailable', msg: 'emulated cache service outage', message: 'emulated cache service outage' });
    }
    const auth = String(req.headers.authorization || '');
    if (!auth.startsWith('Bearer ') || (EXPECTED_TOKEN && auth !== `Bearer ${EXPECTED_TOKEN}`)) {
      count('unauthenticated 401');
      return reply(res, 401, { code: 'unauthenticated', msg: 'missing or wrong bearer token' });
    }
    if (ti >= 0) return await handleTwirp(req, res, path.slice(ti + TWIRP.length));
    res.on('finish', () => count(`v1 ${req.method} ${path.slice(vi + V1.length).replace(/\d+$/, ':id')} ${res.statusCode}`));
    return await handleV1(req, res, path.slice(vi + V1.length), url);
  } catch (err) {
    log('error', err);
    if (!res.headersSent) return reply(res, 500, { code: 'internal', msg: String((err && err.message) || err) });
    res.destroy();
  }
});

server.listen(Number(env.PORT || 0), env.HOST || '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  console.log(`LISTENING http://${env.HOST || '127.0.0.1'}:${port}/`);
});

// dockerd's HTTP client keeps idle keep-alive connections; server.close() alone would wait for them,
// and a "stopped" emulator would keep answering on pooled connections. Drop everything and exit.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
