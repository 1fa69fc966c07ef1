#!/usr/bin/env node
// Install the locked dependencies: `npm test` runs this first so the README's second command works
// on a fresh clone, and .ci/run runs it with --force. A no-op when node_modules is current.
//
// Why not plain `npm ci`: jest 30's resolver (unrs-resolver) lists a binding per OS/CPU as optional
// dependencies, and registries that serve only some platforms (as this project's mirror does) leave
// the others out of package-lock.json, which `npm ci` then rejects as "Missing ... from lock file".
// `npm install --no-save` installs the same locked versions without rewriting the lockfile; we
// fall back to it only for that error and check the lockfile did not change.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const lock = 'package-lock.json';
const marker = 'node_modules/.package-lock.json';
const force = process.argv.includes('--force');
const stale = !fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs;
if (!force && !stale) process.exit(0);

const npm = (args) => spawnSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
console.log('installing the locked dependencies: npm ci');
const ci = npm(['ci', '--no-audit', '--no-fund']);
process.stdout.write(ci.stdout);
if (ci.status === 0) process.exit(0);
if (!/Missing: @unrs\/resolver-binding-[^ ]+ from lock file/.test(ci.stderr)) {
  process.stderr.write(ci.stderr);
  process.exit(ci.status ?? 1);
}
console.log('npm ci rejected the lockfile only for platform bindings this registry does not serve: npm install --no-save');
const before = fs.readFileSync(lock, 'utf8');
const inst = npm(['install', '--no-save', '--no-audit', '--no-fund']);
process.stdout.write(inst.stdout);
if (inst.status !== 0) {
  process.stderr.write(inst.stderr);
  process.exit(inst.status ?? 1);
}
if (fs.readFileSync(lock, 'utf8') !== before) {
  console.error('npm install changed package-lock.json: the lockfile is out of date; run npm install and commit it.');
  process.exit(1);
}
