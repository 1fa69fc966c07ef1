import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareDockerConfig } from '../../src/execute/docker-config.js';
import { normalizeRegistry, parseRegistryAuth, registryAuthSecrets } from '../../src/plan/auth.js';

describe('registry-auth (docker/login-action format)', () => {
  test('a list of registry/username/password; registry defaults to docker.io; Docker Hub spellings are one registry', () => {
    expect(parseRegistryAuth('registry-auth', '- username: a\n  password: p1\n- registry: GHCR.io\n  username: b\n  password: p2\n')).toEqual([
      { registry: 'docker.io', username: 'a', password: 'p1' },
      { registry: 'ghcr.io', username: 'b', password: 'p2' },
    ]);
    expect(['https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io'].map(normalizeRegistry)).toEqual(['docker.io', 'docker.io', 'docker.io']);
  });
  test.each<[string, string, RegExp]>([
    ['not a list', 'registry: ghcr.io\nusername: u\npassword: s3cret', /is not a YAML list of registries/],
    ['missing password (a secret this workflow cannot read is empty)', '- registry: ghcr.io\n  username: u\n  password: ""\n', /entry 1 \(ghcr.io\) has no password/],
    ['missing username', '- registry: ghcr.io\n  password: s3cret\n', /entry 1 \(ghcr.io\) has no username/],
    ['login-action keys we do not do', '- registry: 123.dkr.ecr.us-east-1.amazonaws.com\n  username: u\n  password: s3cret\n  ecr: true\n', /entry 1 has ecr, which this action does not support.*docker\/login-action in an earlier step/],
    ['a registry twice', '- username: u\n  password: s3cret\n- registry: index.docker.io\n  username: v\n  password: s3cret\n', /lists docker.io twice/],
    ['bad YAML', '- registry: [ghcr.io\n  password: s3cret', /is not valid YAML/],
  ])('%s fails, never showing the value', (_n, raw, msg) => {
    let err: Error | undefined;
    try {
      parseRegistryAuth('registry-auth', raw);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(msg);
    expect(err?.message).toMatch(/^Input 'registry-auth' .*\(got \*\*\*\)/s);
    expect(err?.message).not.toContain('s3cret');
  });
  test('every password is found for masking, even in an entry that is wrong otherwise', () => {
    expect(registryAuthSecrets('- registry: ghcr.io\n  password: one\n- password: two\n  ecr: x\n')).toEqual(['one', 'two']);
    expect(registryAuthSecrets('registry: ghcr.io\npassword: lone\n')).toEqual(['lone']);
    expect(registryAuthSecrets('- registry: [ghcr.io\n  password: "broken"\n')).toEqual(['broken']);
  });
});

describe('the per-job docker config', () => {
  const home = (config: object) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mca-home-'));
    fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify(config));
    return d;
  };
  test('with credsStore, our logins are kept in the file (post logout cannot erase the user\'s keychain entry)', () => {
    const h = home({ credsStore: 'pass', credHelpers: { 'gcr.io': 'gcloud' }, auths: { 'https://index.docker.io/v1/': {} } });
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mca-cfg-')), 'docker-config');
    prepareDockerConfig(dir, ['docker.io', 'ghcr.io'], h);
    const c = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { credsStore: string; credHelpers: Record<string, string> };
    // docker's getConfiguredCredentialStore: an existing credHelpers entry, even "", wins over credsStore.
    expect(c.credHelpers).toEqual({ 'gcr.io': 'gcloud', 'https://index.docker.io/v1/': '', 'docker.io': '', 'ghcr.io': '' });
    expect(c.credsStore).toBe('pass');
    expect(JSON.parse(fs.readFileSync(path.join(h, 'config.json'), 'utf8'))).not.toHaveProperty('credHelpers.ghcr\\.io');
  });
  test('a plain config is copied unchanged', () => {
    const h = home({ auths: { 'ghcr.io': { auth: 'eDp5' } } });
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mca-cfg-')), 'docker-config');
    prepareDockerConfig(dir, ['docker.io'], h);
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(fs.readFileSync(path.join(h, 'config.json'), 'utf8'));
  });
});
