import { previousTag } from '../../../src/plan/commands.js';
import { humanBytes, parseManifest, platformManifests, sizeChange, sizeOf } from '../../../src/report/sizes.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('manifests as imagetools inspect --raw prints them', () => {
  test('an index: platform manifests, attestation manifests left out', () => {
    const idx = parseManifest(JSON.stringify({
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { digest: d('b'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        { digest: d('c'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
        { digest: d('e'), size: 1, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      ],
    }));
    expect(platformManifests(idx)).toEqual([{ platform: 'linux/amd64', digest: d('b') }, { platform: 'linux/arm/v7', digest: d('c') }]);
  });

  test('a plain single-platform manifest: all layers, the last one is the binary', () => {
    const m = parseManifest(JSON.stringify({ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { size: 9 }, layers: [{ digest: d('1'), size: 700 }, { digest: d('2'), size: 300 }] }));
    expect(platformManifests(m)).toEqual([]);
    expect(sizeOf('linux/amd64', d('a'), m)).toEqual({ platform: 'linux/amd64', digest: d('a'), bytes: 1000, lastLayer: 300 });
  });

  test.each(['{}', '[]', 'null', '{"schemaVersion":2}'])('%s is not a manifest', (raw) => {
    expect(() => parseManifest(raw)).toThrow(/not an image manifest or index/);
  });
});

test.each<[number, number, string]>([
  [11_000_000, 9_900_000, '+1.05 MiB (+11 %)'],
  [10_800_000, 10_000_000, '+781.3 KiB (+8 %)'],
  [9_000_000, 10_000_000, '-976.6 KiB (-10 %)'],
  [10_000_300, 10_000_000, '+300 B (+0.0 %)'],
  [10_050_000, 10_000_000, '+48.8 KiB (+0.5 %)'],
  [5, 5, 'unchanged'],
  [5, 0, '+5 B'],
])('sizeChange(%d, %d) = %s', (now, before, want) => expect(sizeChange(now, before)).toBe(want));

test.each<[number, string]>([
  [0, '0 B'], [1023, '1023 B'], [1024, '1.00 KiB'], [3_500_000, '3.34 MiB'], [25 * 1024 * 1024, '25.0 MiB'], [-2048, '-2.00 KiB'],
])('humanBytes(%d) = %s', (n, want) => expect(humanBytes(n)).toBe(want));

test.each<[string[], string | undefined]>([
  [['org/app:1.2.3', 'org/app:1.2', 'org/app:1', 'org/app:sha-0123456', 'org/app:latest'], 'org/app:latest'],
  [['org/app:main', 'org/app:sha-0123456'], 'org/app:main'],
  [['org/app:sha-0123456'], undefined],
  [['127.0.0.1:5000/app:edge'], '127.0.0.1:5000/app:edge'],
  [[], undefined],
])('previousTag(%j) = %s', (tags, want) => expect(previousTag(tags)).toBe(want));
