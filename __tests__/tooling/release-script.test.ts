import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// script/release, run for real against a throwaway git repository (never the project's own).
//
// `npm` is replaced by a stub on PATH: the real `npm run package` needs the whole toolchain and
// a minute of ncc, and what is under test here is the script's gatekeeping, not the bundler. The
// stub does nothing (dist/ already matches, i.e. "rebuilding changes nothing") unless a test sets
// FAKE_NPM_WRITES, in which case it rewrites dist/index.js to play a stale dist/.

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../script/release');

let root: string;
let repo: string;
let env: NodeJS.ProcessEnv;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' }).trim();
}

function release(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('bash', [path.join(repo, 'script/release'), ...args], { cwd: repo, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function commitAll(message: string): void {
  git('add', '-A');
  git('commit', '-q', '-m', message);
}

function setVersion(v: string): void {
  fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'fixture', version: v, private: true }, null, 2) + '\n');
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'release-script-'));
  repo = path.join(root, 'repo');
  const bin = path.join(root, 'bin');
  fs.mkdirSync(path.join(repo, 'script'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'dist'));
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\nif [ -n "$FAKE_NPM_WRITES" ]; then echo "$FAKE_NPM_WRITES" > dist/index.js; fi\n', { mode: 0o755 });
  fs.copyFileSync(SCRIPT, path.join(repo, 'script/release'));
  fs.writeFileSync(path.join(repo, 'dist/index.js'), 'built\n');
  env = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    // Keep the developer's git config (signing, hooks, default branch) out of the fixture.
    HOME: root,
    GIT_CONFIG_GLOBAL: path.join(root, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Release Test',
    GIT_AUTHOR_EMAIL: 'release@example.com',
    GIT_COMMITTER_NAME: 'Release Test',
    GIT_COMMITTER_EMAIL: 'release@example.com',
    FAKE_NPM_WRITES: '',
  };
  fs.writeFileSync(env.GIT_CONFIG_GLOBAL as string, '');
  git('init', '-q', '-b', 'main');
  setVersion('1.2.3');
  commitAll('initial');
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('script/release', () => {
  test('tags vX.Y.Z and vX, and prints the push commands', () => {
    const r = release('v1.2.3');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(git('tag', '--list').split('\n')).toEqual(['v1', 'v1.2.3']);
    expect(git('cat-file', '-t', 'v1.2.3')).toBe('tag'); // annotated, not lightweight
    expect(git('rev-parse', 'v1^{commit}')).toBe(git('rev-parse', 'HEAD'));
    expect(r.out).toContain('  git push origin refs/tags/v1.2.3\n  git push --force origin refs/tags/v1\n');
  });

  test('the next release moves the major tag and leaves the old release tag alone', () => {
    expect(release('v1.2.3').code).toBe(0);
    const first = git('rev-parse', 'HEAD');
    setVersion('1.3.0');
    commitAll('bump');
    expect(release('v1.3.0').code).toBe(0);
    expect(git('tag', '--list').split('\n')).toEqual(['v1', 'v1.2.3', 'v1.3.0']);
    expect(git('rev-parse', 'v1^{commit}')).toBe(git('rev-parse', 'HEAD'));
    expect(git('rev-parse', 'v1.2.3^{commit}')).toBe(first);
  });

  test('--push publishes both tags, force-moving the major one', () => {
    const remote = path.join(root, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote], { env });
    git('remote', 'add', 'origin', remote);
    expect(release('--push', 'v1.2.3').code).toBe(0);
    setVersion('1.2.4');
    commitAll('bump');
    const r = release('v1.2.4', '--push');
    expect(r.code).toBe(0);
    const remoteTags = execFileSync('git', ['ls-remote', '--tags', remote], { env, encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter((l) => !l.endsWith('^{}'))
      .map((l) => l.split('\t')[1]);
    expect(remoteTags).toEqual(['refs/tags/v1', 'refs/tags/v1.2.3', 'refs/tags/v1.2.4']);
    const remoteV1 = execFileSync('git', ['rev-parse', 'v1^{commit}'], { cwd: remote, env, encoding: 'utf8' }).trim();
    expect(remoteV1).toBe(git('rev-parse', 'HEAD'));
  });

  test.each([
    ['version differs from package.json', ['v1.2.4'], "'v1.2.4' does not match package.json version '1.2.3'"],
    ['not vX.Y.Z', ['1.2.3'], "'1.2.3' is not vX.Y.Z"],
    ['prerelease', ['v1.2.3-rc.1'], "'v1.2.3-rc.1' is not vX.Y.Z"],
  ])('refuses: %s', (_n, args, message) => {
    const r = release(...args);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`release: ${message}`);
    expect(git('tag', '--list')).toBe('');
  });

  test('refuses without a version', () => {
    const r = release();
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: script/release [--push] vX.Y.Z');
  });

  test('refuses on a dirty tree (modified file)', () => {
    fs.appendFileSync(path.join(repo, 'dist/index.js'), 'local edit\n');
    const r = release('v1.2.3');
    expect(r.code).toBe(1);
    expect(r.err).toContain('release: the working tree is not clean');
    expect(git('tag', '--list')).toBe('');
  });

  test('refuses on a dirty tree (untracked file)', () => {
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'x\n');
    const r = release('v1.2.3');
    expect(r.code).toBe(1);
    expect(r.err).toContain('release: the working tree is not clean');
    expect(git('tag', '--list')).toBe('');
  });

  test('refuses when rebuilding changes dist/', () => {
    env.FAKE_NPM_WRITES = 'rebuilt differently';
    const r = release('v1.2.3');
    expect(r.code).toBe(1);
    expect(r.err).toContain('release: dist/ is out of date with src/');
    expect(git('tag', '--list')).toBe('');
  });

  test('refuses when the tag already exists', () => {
    git('tag', 'v1.2.3');
    const r = release('v1.2.3');
    expect(r.code).toBe(1);
    expect(r.err).toContain('release: tag v1.2.3 already exists');
    expect(git('tag', '--list')).toBe('v1.2.3');
  });
});
