import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DockerRunner } from '../../src/execute/docker.js';
import { exportedCacheBytes } from '../../src/execute/steps.js';

// No docker here: the local cache is read from disk, and the cases below must not call docker at all.
const noDocker: DockerRunner = {
  run: (argv) => Promise.reject(new Error(`unexpected docker call: ${argv.join(' ')}`)),
};

describe('exported layer cache size', () => {
  test('local cache: the bytes of its blobs on disk (the index is not cache content)', async () => {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-'));
    fs.mkdirSync(path.join(dest, 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(path.join(dest, 'blobs', 'sha256', 'a'), Buffer.alloc(1000));
    fs.writeFileSync(path.join(dest, 'blobs', 'sha256', 'b'), Buffer.alloc(24));
    fs.writeFileSync(path.join(dest, 'index.json'), '{}');
    const argv = ['docker', 'buildx', 'build', '--cache-from', 'type=local,src=/x', '--cache-to', `type=local,dest=${dest},mode=max,ignore-error=true`, '.'];
    expect(await exportedCacheBytes(noDocker, argv, '{}')).toBe(1024);
    fs.rmSync(dest, { recursive: true, force: true });
  });

  test.each([
    ['gha: not readable from here', ['--cache-to', 'type=gha,scope=x,mode=max'], '{}'],
    ['no cache export', ['--push'], '{}'],
    ['registry without a cache.manifest in the metadata (the export was skipped)', ['--cache-to', 'type=registry,ref=r/x:buildcache,mode=max'], '{"containerimage.digest":"sha256:1"}'],
  ])('%s: unknown, no registry call', async (_name, args, meta) => {
    expect(await exportedCacheBytes(noDocker, ['docker', 'buildx', 'build', ...args, '.'], meta)).toBeUndefined();
  });
});
