import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../../src/errors.js';
import { DEFAULTS, Input, type RawInputs } from '../../src/inputs.js';
import { parseInputs } from '../../src/parse-inputs.js';
import { readRawInputs } from '../../src/read/raw-inputs.js';
import { parseBool, parseEnum, parseKeyValues, parseList } from '../../src/parse.js';
import { ROOT } from '../helpers/action-runner.js';

const raw = (over: Partial<RawInputs> = {}): RawInputs => ({ ...DEFAULTS, image: 'org/app', ...over });

describe('action.yml and inputs.ts agree', () => {
  const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string; description: string }>; outputs: Record<string, unknown> };
  test('same input names', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort());
  });
  test.each(Object.values(Input))('default of %s', (name) => {
    expect(action.inputs[name]?.default ?? '').toBe(DEFAULTS[name]);
    expect(action.inputs[name]?.description.length).toBeGreaterThan(20);
  });
  test('README documents every input and output', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const n of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) expect(readme).toContain(`| \`${n}\``);
  });
});

describe('strict parsers', () => {
  test.each([
    ['true', true], ['True', true], ['TRUE', true], [' false ', false], ['False', false],
  ])('bool %p', (v, want) => expect(parseBool('push', v)).toBe(want));
  test.each(['yes', 'ture', '1', 'on', ''])('bool %p is an error naming the input', (v) => {
    expect(() => parseBool('sbom', v)).toThrow(/Input 'sbom' is not a boolean.*Use true or false/);
  });
  test('enum', () => {
    expect(parseEnum('cache', 'GHA', ['gha', 'none'] as const)).toBe('gha');
    expect(() => parseEnum('cache', 'ghcr', ['gha', 'none'] as const)).toThrow(/Input 'cache'.*"ghcr".*one of: gha, none/);
  });
  test.each([
    ['a,b\nc', ['a', 'b', 'c']],
    [' a , , b ', ['a', 'b']],
    ['# comment\n\nx', ['x']],
    ['', []],
  ])('list %p', (v, want) => expect(parseList(v)).toEqual(want));
  test('key values keep = and commas in values, reject bad keys', () => {
    expect(parseKeyValues('labels', 'a=b=c\nk.x=1,2')).toEqual([['a', 'b=c'], ['k.x', '1,2']]);
    expect(() => parseKeyValues('build-args', '--push=x')).toThrow(/Input 'build-args'.*KEY=VALUE/);
    expect(() => parseKeyValues('labels', 'novalue')).toThrow(InputError);
  });
});

describe('parseInputs', () => {
  test('defaults', () => {
    const i = parseInputs(raw());
    expect(i).toMatchObject({ cache: 'gha', cacheMode: 'max', driver: 'docker-container', push: 'auto', profile: 'release', dryRun: false, mode: 'build', provenance: 'false' });
    expect(Object.isFrozen(i)).toBe(true);
  });
  test.each<[Partial<RawInputs>, RegExp]>([
    [{ image: '' }, /Input 'image' is required/],
    [{ image: 'Org/App' }, /Input 'image'.*upper-case.*"org\/app"/],
    [{ image: 'org/app:1.0' }, /Input 'image'.*carries a tag/],
    [{ image: 'org/my app' }, /Input 'image'.*white space/],
    [{ image: 'bad_host:99999x/app' }, /Input 'image'/],
    [{ 'dry-run': 'yes' }, /Input 'dry-run' is not a boolean/],
    [{ cache: 's3' }, /Input 'cache'.*gha, registry, local, none/],
    [{ mode: 'merge' }, /Input 'digests' is empty but mode is merge/],
    [{ digests: 'sha256:abc' }, /Input 'digests'.*sha256:<64 hex>/],
    [{ profile: 'rel ease' }, /Input 'profile'/],
    [{ features: 'a;rm -rf /' }, /Input 'features'/],
    [{ password: 'x' }, /Input 'username' is empty while the other credential is set/],
    [{ username: 'u' }, /Input 'password' is empty/],
    [{ 'buildx-version': 'latest-ish' }, /Input 'buildx-version'/],
    [{ registry: 'https://ghcr.io' }, /Input 'registry'/],
    [{ bin: 'a b' }, /Input 'bin'/],
  ])('%p fails with a message naming the input', (over, re) => {
    expect(() => parseInputs(raw(over))).toThrow(re);
  });
  test('a password never appears in an error', () => {
    try {
      parseInputs(raw({ password: 'hunter2-token' }));
    } catch (e) {
      expect(String(e)).not.toContain('hunter2-token');
    }
    expect.assertions(1);
  });
  test('readRawInputs applies defaults to empty inputs', () => {
    const r = readRawInputs((n) => (n === 'image' ? 'org/app' : n === 'cache' ? '   ' : ''));
    expect(r.cache).toBe('gha');
    expect(r.context).toBe('.');
  });
});
