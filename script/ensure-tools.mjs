#!/usr/bin/env node
// The Debian packages `npm test` needs besides Node and npm (README, Contributing). `npm test` runs
// this first: when something is missing it installs the packages itself as root with apt-get, and
// otherwise stops at once with the one command to run, instead of failing dozens of tests later.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What each package is for, and how to tell it is there. */
export const TOOLS = [
  { pkg: 'git', why: 'the release script tests', present: () => onPath('git') },
  { pkg: 'shellcheck', why: 'shellcheck of the image scripts', present: () => onPath('shellcheck') },
  // Debian's non-static `busybox` also installs /bin/busybox: the static-check tests need the static one.
  { pkg: 'busybox-static', why: 'a static ELF and a busybox sh for the image script tests', present: () => dpkgHas('busybox-static') ?? ['/bin/busybox', '/usr/bin/busybox'].some((f) => fs.existsSync(f)) },
  { pkg: 'zstd', why: 'the Actions cache client (@actions/cache compresses with zstd)', present: () => onPath('zstd') },
];

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** true/false from dpkg where there is one; undefined elsewhere. */
function dpkgHas(pkg) {
  if (!onPath('dpkg-query')) return undefined;
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

const missing = () => TOOLS.filter((t) => !t.present());

function main() {
  let todo = missing();
  if (todo.length === 0) return 0;

  const names = todo.map((t) => t.pkg).join(' ');
  const command = `apt-get install -y --no-install-recommends ${names}`;
  for (const t of todo) console.error(`npm test needs ${t.pkg}: ${t.why}.`);
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    console.error(`\nInstall it and run npm test again:\n  ${isRoot ? '' : 'sudo '}${command}\n(Debian/Ubuntu package names.)`);
    return 1;
  }
  console.error(`root with apt-get: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...todo.map((t) => t.pkg)]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) {
      console.error(`apt-get ${args[0]} failed (exit ${r.status}); run it yourself:\n  ${command}`);
      return 1;
    }
  }
  todo = missing();
  if (todo.length > 0) {
    console.error(`still missing after apt-get: ${todo.map((t) => t.pkg).join(' ')}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
