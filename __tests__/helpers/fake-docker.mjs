#!/usr/bin/env node
// A recorder standing in for the docker CLI in bundle tests: the process boundary is ours (the action
// only ever spawns `docker`), so the bundle runs unmodified and we see every argv and stdin it sends.
// It appends one JSON line per call to $FAKE_DOCKER_LOG and answers like docker would.
// $FAKE_DOCKER_FAIL: JSON {"<argv substring>": {"code": n, "stderr": "...", "times": k}} to fail calls.
import fs from 'node:fs';

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

const fails = JSON.parse(process.env.FAKE_DOCKER_FAIL || '{}');
for (const [pattern, f] of Object.entries(fails)) {
  if (!line.includes(pattern)) continue;
  const counter = `${log}.count.${Buffer.from(pattern).toString('hex')}`;
  const n = fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0;
  fs.writeFileSync(counter, String(n + 1));
  if (f.times === undefined || n < f.times) {
    process.stderr.write(f.stderr ?? 'ERROR: simulated failure\n');
    process.exit(f.code ?? 1);
  }
}

const DIGEST = 'sha256:' + 'a'.repeat(64);
const AMD = 'sha256:' + 'b'.repeat(64);
const ARM = 'sha256:' + 'c'.repeat(64);
if (args[0] === 'buildx' && args[1] === 'version') {
  process.stdout.write(`github.com/docker/buildx ${process.env.FAKE_BUILDX_VERSION ?? 'v0.30.1'} 0123456\n`);
} else if (args[0] === 'buildx' && args[1] === 'build') {
  const i = args.indexOf('--metadata-file');
  if (i >= 0) fs.writeFileSync(args[i + 1], JSON.stringify({ 'containerimage.digest': DIGEST, 'containerimage.config.digest': 'sha256:' + 'd'.repeat(64), 'image.name': 'x' }));
  process.stderr.write('#1 [internal] load build definition from Dockerfile\n#20 DONE 0.1s\n');
} else if (args[0] === 'buildx' && args[1] === 'imagetools' && args[2] === 'inspect') {
  const ref = args[3];
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
  process.stdout.write('Login Succeeded\n');
}
process.exit(0);
