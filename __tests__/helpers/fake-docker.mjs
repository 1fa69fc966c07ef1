#!/usr/bin/env node
// A recorder standing in for the docker CLI in bundle tests: the process boundary is ours (the action
// only ever spawns `docker`), so the bundle runs unmodified and we see every argv and stdin it sends.
// It appends one JSON line per call to $FAKE_DOCKER_LOG and answers like docker would.
// $FAKE_DOCKER_FAIL: JSON {"<argv substring>": {"code": n, "stderr": "...", "times": k}} to fail calls.
// $FAKE_DOCKER_DAEMON=down: every command that needs the daemon fails the way docker does without one.
// $FAKE_BUILDX_VERSION: what `docker buildx version` reports (default v0.30.1); `none` = no buildx plugin.
// $FAKE_CREDENTIAL_STORE: a JSON file standing in for the OS keychain behind a credential helper. As in
// docker's configfile.GetCredentialsStore, login/logout use the helper named by credHelpers[key] (when
// the key exists, even as "") or else credsStore, and the config file only when that is empty.
// A successful `buildx build --progress=rawjson` replays $FAKE_BUILDX_PROGRESS (default: the real engine's
// recorded two-platform push, test/fixtures/rawjson/multi-platform-push.jsonl) on stderr, as buildx does.
// `imagetools inspect REF --raw` answers an index of two platforms (REF:missing = no such tag); a
// platform manifest (@sha256:b…, @sha256:c…) has two layers. Sizes and digests are made up.
import fs from 'node:fs';
import path from 'node:path';
import { depV0, makeElf } from './elf.mjs';

const args = process.argv.slice(2);
const line = args.join(' ');
let stdin = '';
if (!process.stdin.isTTY) {
  try {
    stdin = fs.readFileSync(0, 'utf8');
  } catch {
    stdin = '';
  }
}
const log = process.env.FAKE_DOCKER_LOG;
if (log) fs.appendFileSync(log, JSON.stringify({ argv: ['docker', ...args], stdin, dockerConfig: process.env.DOCKER_CONFIG ?? '' }) + '\n');

const fail = (stderr, code = 1) => {
  process.stderr.write(stderr);
  process.exit(code);
};

if (args[0] === 'buildx' && args[1] === 'version' && process.env.FAKE_BUILDX_VERSION === 'none') {
  fail("docker: 'buildx' is not a docker command.\nSee 'docker --help'\n");
}

// What the real CLI says when the socket is missing. Client-only commands (buildx version, login's
// credential store, imagetools talking to a registry) still work without a daemon.
const DAEMON_DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
if (process.env.FAKE_DOCKER_DAEMON === 'down') {
  if (args[0] === 'run') fail(`docker: ${DAEMON_DOWN}\n\nRun 'docker run --help' for more information\n`, 125);
  if (args[0] === 'buildx' && ['create', 'build', 'rm', 'inspect'].includes(args[1] ?? '')) fail(`ERROR: ${DAEMON_DOWN}\n`);
}

const fails = JSON.parse(process.env.FAKE_DOCKER_FAIL || '{}');
for (const [pattern, f] of Object.entries(fails)) {
  if (!line.includes(pattern)) continue;
  const counter = `${log}.count.${Buffer.from(pattern).toString('hex')}`;
  const n = fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0;
  fs.writeFileSync(counter, String(n + 1));
  if (f.times === undefined || n < f.times) fail(f.stderr ?? 'ERROR: simulated failure\n', f.code ?? 1);
}

/** docker login/logout keep credentials in $DOCKER_CONFIG/config.json, base64(user:password), as docker does. */
function editAuths(edit) {
  const dir = process.env.DOCKER_CONFIG;
  if (!dir) return;
  const file = path.join(dir, 'config.json');
  const cfg = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8') || '{}') : {};
  cfg.auths = cfg.auths ?? {};
  edit(cfg.auths);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(cfg, null, '\t'));
}
function helperFor(key) {
  const file = path.join(process.env.DOCKER_CONFIG ?? '', 'config.json');
  const cfg = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8') || '{}') : {};
  if (cfg.credHelpers && key in cfg.credHelpers) return cfg.credHelpers[key];
  return cfg.credsStore ?? '';
}
function editStore(edit) {
  const file = process.env.FAKE_CREDENTIAL_STORE;
  if (!file) fail('fake docker: a credential helper is configured but FAKE_CREDENTIAL_STORE is not set\n');
  const st = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  edit(st);
  fs.writeFileSync(file, JSON.stringify(st));
}
const authKey = (registry) => (!registry || registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry);

const DIGEST = 'sha256:' + 'a'.repeat(64);
const AMD = 'sha256:' + 'b'.repeat(64);
const ARM = 'sha256:' + 'c'.repeat(64);
if (args[0] === 'buildx' && args[1] === 'version') {
  process.stdout.write(`github.com/docker/buildx ${process.env.FAKE_BUILDX_VERSION ?? 'v0.30.1'} 0123456\n`);
} else if (args[0] === 'buildx' && args[1] === 'build') {
  const i = args.indexOf('--metadata-file');
  if (i >= 0) fs.writeFileSync(args[i + 1], JSON.stringify({ 'containerimage.digest': DIGEST, 'containerimage.config.digest': 'sha256:' + 'd'.repeat(64), 'image.name': 'x' }));
  // A local export (the cache-mount extract build) writes <dest>/<arch>/… like BuildKit with platform-split=false.
  const o = args.indexOf('--output');
  const dest = o >= 0 ? /^type=local,dest=([^,]+)/.exec(args[o + 1] ?? '')?.[1] : undefined;
  const target = args.indexOf('--target') >= 0 ? args[args.indexOf('--target') + 1] : undefined;
  if (dest && target) {
    // The crate-SBOM export: like BuildKit, copy the stage's files (the Dockerfile's `COPY --from=builder
    // /out/BIN /BIN` in stage TARGET) to <dest>/<os>_<arch>/ (platform-split); the "binary" is a tiny ELF
    // carrying a cargo-auditable section with two crates.
    const df = fs.readFileSync(args[args.indexOf('--file') + 1], 'utf8');
    const bin = new RegExp(`AS ${target}\\nCOPY --from=builder \\S+ /(\\S+)`).exec(df)?.[1] ?? 'app';
    const p = args.indexOf('--platform');
    for (const plat of (p >= 0 ? args[p + 1] ?? '' : 'linux/amd64').split(',')) {
      const dir = path.join(dest, plat.replace('/', '_'));
      fs.mkdirSync(dir, { recursive: true });
      const pkgs = [{ name: bin, version: '0.1.0', source: 'local', dependencies: [1], root: true }, { name: 'serde', version: '1.0.0', source: 'crates.io' }];
      fs.writeFileSync(path.join(dir, bin), makeElf([{ name: '.dep-v0', data: depV0(pkgs) }]));
    }
  } else if (dest) {
    const p = args.indexOf('--platform');
    for (const plat of (p >= 0 ? args[p + 1] ?? '' : 'linux/amd64').split(',')) {
      const dir = path.join(dest, plat.split('/')[1] ?? plat, 'cargo-registry', 'cache');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'serde-1.0.0.crate'), `fake crate for ${plat}\n`);
    }
  }
  if (args.includes('--progress=rawjson')) {
    const here = path.dirname(new URL(import.meta.url).pathname);
    const rec = process.env.FAKE_BUILDX_PROGRESS || path.join(here, '..', '..', 'test', 'fixtures', 'rawjson', 'multi-platform-push.jsonl');
    process.stderr.write(fs.readFileSync(rec, 'utf8'));
  } else {
    process.stderr.write('#1 [internal] load build definition from Dockerfile\n#20 DONE 0.1s\n');
  }
} else if (args[0] === 'buildx' && args[1] === 'imagetools' && args[2] === 'inspect') {
  const ref = args[3];
  if (ref.endsWith(':missing')) fail(`ERROR: ${ref}: not found\n`);
  if (args.includes('--raw')) {
    if (ref.includes('@sha256:b') || ref.includes('@sha256:c')) {
      process.stdout.write(JSON.stringify({ layers: [{ size: 700000 }, { size: 1300000 }] }));
    } else {
      process.stdout.write(JSON.stringify({ manifests: [
        { digest: AMD, size: 500, platform: { os: 'linux', architecture: 'amd64' } },
        { digest: ARM, size: 500, platform: { os: 'linux', architecture: 'arm64' } },
      ] }));
    }
  } else {
    process.stdout.write(JSON.stringify({ digest: DIGEST, mediaType: 'application/vnd.oci.image.index.v1+json' }));
  }
} else if (args[0] === 'login') {
  const u = args.indexOf('--username');
  const user = u >= 0 ? args[u + 1] : '';
  const key = authKey(args[args.length - 1]);
  const auth = Buffer.from(`${user}:${stdin}`).toString('base64');
  const helper = helperFor(key);
  if (helper) editStore((st) => (st[key] = { helper, auth }));
  editAuths((a) => {
    a[key] = helper ? {} : { auth };
  });
  process.stdout.write('Login Succeeded\n');
} else if (args[0] === 'logout') {
  const key = authKey(args[1]);
  if (helperFor(key)) editStore((st) => delete st[key]);
  editAuths((a) => {
    delete a[key];
  });
  process.stdout.write(`Removing login credentials for ${authKey(args[1])}\n`);
}
process.exit(0);
