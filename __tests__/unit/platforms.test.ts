import { foreignPlatforms, nativePlatform, resolvePlatforms } from '../../src/plan/platforms.js';
import { isLocalRegistry, parseImage } from '../../src/plan/image-ref.js';

describe('resolvePlatforms', () => {
  test.each<[string, string | undefined, string[], string]>([
    ['', undefined, ['linux/amd64', 'linux/arm64'], 'default'],
    ['', 'linux/arm64', ['linux/arm64'], 'MUSLRUST_PLATFORMS'],
    ['', '  ', ['linux/amd64', 'linux/arm64'], 'default'],
    ['amd64', 'linux/arm64', ['linux/amd64'], 'input'],
    ['aarch64, x86_64', undefined, ['linux/amd64', 'linux/arm64'], 'input'],
    ['linux/arm64\nlinux/amd64\narm64', undefined, ['linux/amd64', 'linux/arm64'], 'input'],
    ['LINUX/AMD64', undefined, ['linux/amd64'], 'input'],
    ['arm64/v8', undefined, ['linux/arm64'], 'input'],
  ])('%p with env %p', (input, env, want, from) => {
    expect(resolvePlatforms(input, env)).toEqual({ from, platforms: want });
  });
  test.each<[string, string | undefined, RegExp]>([
    ['linux/386', undefined, /Input 'platforms'.*"linux\/386".*linux\/amd64/],
    ['linux/arm/v7', undefined, /32-bit arm.*arm64/],
    [',', undefined, /lists no platform/],
    ['', 'windows/amd64', /Input 'platforms \(from MUSLRUST_PLATFORMS\)'.*"windows\/amd64"/],
  ])('%p is an error', (input, env, re) => {
    expect(() => resolvePlatforms(input, env)).toThrow(re);
  });
  test('foreign platforms', () => {
    expect(nativePlatform('x64')).toBe('linux/amd64');
    expect(nativePlatform('arm64')).toBe('linux/arm64');
    expect(nativePlatform('s390x')).toBeUndefined();
    expect(foreignPlatforms(['linux/amd64', 'linux/arm64'], 'linux/amd64')).toEqual(['linux/arm64']);
    expect(foreignPlatforms(['linux/arm64'], 'linux/arm64')).toEqual([]);
  });
});

describe('parseImage', () => {
  test.each([
    ['org/app', { name: 'org/app', registry: 'docker.io', path: 'org/app' }],
    ['app', { name: 'app', registry: 'docker.io', path: 'app' }],
    ['docker.io/org/app', { name: 'docker.io/org/app', registry: 'docker.io', path: 'org/app' }],
    ['ghcr.io/org/sub/app', { name: 'ghcr.io/org/sub/app', registry: 'ghcr.io', path: 'org/sub/app' }],
    ['localhost:5000/app', { name: 'localhost:5000/app', registry: 'localhost:5000', path: 'app' }],
    ['127.0.0.1:5000/a-b_c.d', { name: '127.0.0.1:5000/a-b_c.d', registry: '127.0.0.1:5000', path: 'a-b_c.d' }],
    // metadata-action's latest08 case: ghcr.io/MyUSER/MyApp → ghcr.io/myuser/myapp
    ['ghcr.io/MyUSER/MyApp', { name: 'ghcr.io/myuser/myapp', registry: 'ghcr.io', path: 'myuser/myapp', lowercasedFrom: 'ghcr.io/MyUSER/MyApp' }],
  ])('%p', (v, want) => expect(parseImage('image', v)).toEqual(want));
  test.each([
    ['org/app:latest', /carries a tag \('latest'\)/],
    ['org/app@sha256:abc', /digest/],
    ['org/ app', /white space/],
    ['-bad.host/app', /invalid registry host/],
    ['org//app', /invalid path component/],
    ['org/app-', /invalid path component 'app-'/],
    ['', /is empty/],
  ])('%p rejected', (v, re) => {
    expect(() => parseImage('image', v)).toThrow(re);
    expect(() => parseImage('image', v)).toThrow(/A valid image is a name without tag/);
  });
  test.each([['localhost:5000', true], ['127.0.0.1:5000', true], ['docker.io', false], ['ghcr.io', false]])('local %p', (r, want) => expect(isLocalRegistry(r)).toBe(want));
});
