import { GHA_TIMEOUT, ghaScope, layerCacheArgs, localCacheDirs, registryCacheRef, type LayerCacheOptions } from '../../../src/cache/layer.js';
import { parseImage } from '../../../src/plan/image-ref.js';
import type { Platform } from '../../../src/plan/platforms.js';

const img = (s: string) => parseImage('image', s);
const BOTH: Platform[] = ['linux/amd64', 'linux/arm64'];
const ARM: Platform[] = ['linux/arm64'];
const AMD: Platform[] = ['linux/amd64'];
const o = (over: Partial<LayerCacheOptions>): LayerCacheOptions => ({
  cache: 'gha',
  mode: 'max',
  images: [img('ghcr.io/org/app')],
  platforms: BOTH,
  localDir: '/runner/_temp/muslrust-chef-layers',
  ...over,
});

describe('layerCacheArgs', () => {
  test('the gha timeout is bounded well under BuildKit default of 10m', () => {
    // BuildKit's own default is 10m: a cache service that hangs must not cost a job ten minutes.
    expect(GHA_TIMEOUT).toMatch(/^[1-5]m$/);
  });

  test.each<[string, Partial<LayerCacheOptions>, string[]]>([
    [
      'gha, multi-platform: one scope per image',
      {},
      [
        '--cache-from',
        'type=gha,scope=muslrust-chef-ghcr.io-org-app,timeout=2m',
        '--cache-to',
        'type=gha,scope=muslrust-chef-ghcr.io-org-app,mode=max,ignore-error=true,timeout=2m',
      ],
    ],
    [
      'gha, single-platform leg: scope per platform',
      { platforms: ARM },
      [
        '--cache-from',
        'type=gha,scope=muslrust-chef-ghcr.io-org-app-linux-arm64,timeout=2m',
        '--cache-to',
        'type=gha,scope=muslrust-chef-ghcr.io-org-app-linux-arm64,mode=max,ignore-error=true,timeout=2m',
      ],
    ],
    [
      'gha, mode=min',
      { mode: 'min', platforms: AMD },
      [
        '--cache-from',
        'type=gha,scope=muslrust-chef-ghcr.io-org-app-linux-amd64,timeout=2m',
        '--cache-to',
        'type=gha,scope=muslrust-chef-ghcr.io-org-app-linux-amd64,mode=min,ignore-error=true,timeout=2m',
      ],
    ],
    [
      'gha, several images: one build, one scope named after the first image',
      { images: [img('org/app'), img('ghcr.io/org/app')] },
      ['--cache-from', 'type=gha,scope=muslrust-chef-org-app,timeout=2m', '--cache-to', 'type=gha,scope=muslrust-chef-org-app,mode=max,ignore-error=true,timeout=2m'],
    ],
    [
      'registry, multi-platform: :buildcache next to the first image',
      { cache: 'registry', images: [img('ghcr.io/org/app'), img('org/app')] },
      [
        '--cache-from',
        'type=registry,ref=ghcr.io/org/app:buildcache',
        '--cache-to',
        'type=registry,ref=ghcr.io/org/app:buildcache,mode=max,oci-mediatypes=true,image-manifest=true,ignore-error=true',
      ],
    ],
    [
      'registry, single-platform leg, mode=min, Docker Hub name as written',
      { cache: 'registry', mode: 'min', images: [img('docker.io/org/app')], platforms: ARM },
      [
        '--cache-from',
        'type=registry,ref=docker.io/org/app:buildcache-linux-arm64',
        '--cache-to',
        'type=registry,ref=docker.io/org/app:buildcache-linux-arm64,mode=min,oci-mediatypes=true,image-manifest=true,ignore-error=true',
      ],
    ],
    [
      'registry, local registry with a port',
      { cache: 'registry', images: [img('localhost:5000/app')] },
      [
        '--cache-from',
        'type=registry,ref=localhost:5000/app:buildcache',
        '--cache-to',
        'type=registry,ref=localhost:5000/app:buildcache,mode=max,oci-mediatypes=true,image-manifest=true,ignore-error=true',
      ],
    ],
    [
      'local: read the restored dir, write a fresh one (cache-to last)',
      { cache: 'local', localDir: '/runner/_temp/muslrust-chef-layers/' },
      [
        '--cache-from',
        'type=local,src=/runner/_temp/muslrust-chef-layers',
        '--cache-to',
        'type=local,dest=/runner/_temp/muslrust-chef-layers-new,mode=max,ignore-error=true',
      ],
    ],
    ['none', { cache: 'none' }, []],
  ])('%s', (_name, over, argv) => {
    expect(layerCacheArgs(o(over))).toEqual(argv);
  });

  test('gha scopes of matrix legs never collide, and differ from the multi-platform scope', () => {
    const images = [img('ghcr.io/org/app')];
    const scopes = new Set([ghaScope(images, AMD), ghaScope(images, ARM), ghaScope(images, BOTH)]);
    expect(scopes.size).toBe(3);
  });

  test('different images get different scopes and refs', () => {
    expect(ghaScope([img('org/a')], BOTH)).not.toBe(ghaScope([img('org/b')], BOTH));
    expect(registryCacheRef([img('org/a')], BOTH)).toBe('org/a:buildcache');
  });

  test('attribute values never contain a comma or =', () => {
    const scope = ghaScope([img('registry.example.com:5000/team/sub/app')], ARM);
    expect(scope).toBe('muslrust-chef-registry.example.com-5000-team-sub-app-linux-arm64');
    expect(scope).not.toMatch(/[,=]/);
  });

  test('localCacheDirs', () => {
    expect(localCacheDirs('/t/layers')).toEqual({ from: '/t/layers', to: '/t/layers-new' });
  });

  test('no image is a programming error', () => {
    expect(() => layerCacheArgs(o({ images: [] }))).toThrow(/at least one image/);
  });
});
