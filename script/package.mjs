#!/usr/bin/env node
// `npm run package`: bundle src/ into dist/index.js with ncc, and record which sources it was built
// from (a hash of src/, package-lock.json and tsconfig.json, next to the hash of dist/index.js).
// The bundle and engine tests call freshBundle() first (their jest globalSetup), so a local
// `npm test` never runs a dist/ older than the sources: it rebuilds when either hash differs.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist', 'index.js');
const STAMP = path.join(ROOT, 'node_modules', '.cache', 'muslrust-chef', 'bundle-sources.json');

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function sourcesHash() {
  const h = crypto.createHash('sha256');
  for (const f of [...files(path.join(ROOT, 'src')).sort(), path.join(ROOT, 'package-lock.json'), path.join(ROOT, 'tsconfig.json')]) {
    h.update(`${path.relative(ROOT, f)}\0`).update(fs.readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

const distHash = () => (fs.existsSync(DIST) ? crypto.createHash('sha256').update(fs.readFileSync(DIST)).digest('hex') : '');

export function buildBundle() {
  const ncc = path.join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
  const r = spawnSync(process.execPath, [ncc, 'build', 'src/index.ts', '-o', 'dist', '--no-cache', '--license', 'licenses.txt'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`ncc build failed (exit ${r.status})`);
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  fs.writeFileSync(STAMP, JSON.stringify({ sources: sourcesHash(), dist: distHash() }));
}

/** Rebuild dist/ unless the stamp says it was built from exactly these sources and not touched since. */
export function freshBundle() {
  let stamp = {};
  try {
    stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
  } catch {
    // no stamp yet: build
  }
  if (stamp.sources === sourcesHash() && stamp.dist === distHash()) return false;
  buildBundle();
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildBundle();
