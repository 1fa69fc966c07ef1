import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startCacheService, type CacheService, type EmulatorEntry } from '../../test/emulator/harness.mjs';
import { ActionRunner, describeStep, errors, type StepResult } from '../helpers/action-runner.js';
import { AMD64, buildSteps, ranSummary, type BuildStep } from './build-log.js';
import { docker, REGISTRY, registryDigest, type EngineStatus } from './helpers.js';

// What the engine cache tests share: the registry's view of a pushed image, a "fresh runner"
// (pruned builder), and cacheSuite(): the cache-service emulator, the runners and the measurements
// of one test file, printed as a table when the file ends.

// ------------------------------------------------------------------ registry and daemon

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export async function registryGet(repo: string, what: string): Promise<string> {
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/${what}`, { headers: { Accept: MANIFEST_ACCEPT } });
  if (!res.ok) throw new Error(`registry GET ${repo}/${what}: HTTP ${res.status}`);
  return res.text();
}

export interface Manifest {
  mediaType?: string;
  config: { digest: string; mediaType?: string };
  layers: Array<{ digest: string }>;
  manifests?: undefined;
}
export interface Index {
  manifests: Array<{ digest: string; platform?: { os: string; architecture: string } }>;
}
export interface Config {
  created?: string;
  history?: Array<{ created?: string }>;
  [k: string]: unknown;
}
export interface PlatformImage {
  manifest: string;
  layers: string[];
  config: Config;
}

/** What the registry holds for REPO:TAG, per platform: manifest digest, layer digests, config. */
export async function pushedImages(repo: string, tag: string, platforms: readonly string[]): Promise<Record<string, PlatformImage>> {
  const top = JSON.parse(await registryGet(repo, `manifests/${tag}`)) as Manifest | Index;
  const out: Record<string, PlatformImage> = {};
  const add = async (platform: string, digest: string, m: Manifest): Promise<void> => {
    out[platform] = { manifest: digest, layers: m.layers.map((l) => l.digest), config: JSON.parse(await registryGet(repo, `blobs/${m.config.digest}`)) as Config };
  };
  if (top.manifests) {
    for (const d of top.manifests) {
      if (!d.platform || d.platform.os === 'unknown') continue;
      await add(`${d.platform.os}/${d.platform.architecture}`, d.digest, JSON.parse(await registryGet(repo, `manifests/${d.digest}`)) as Manifest);
    }
  } else {
    // One platform: the docker driver pushes a plain image manifest.
    await add(platforms[0] ?? AMD64, (await registryDigest(repo, tag)) ?? '', top);
  }
  return out;
}

/** A config without its timestamps (`created`, `history[].created`): what may differ on a cached rebuild. */
export function timeless(c: Config): Config {
  const copy = JSON.parse(JSON.stringify(c)) as Config;
  delete copy.created;
  for (const h of copy.history ?? []) delete h.created;
  return copy;
}

/**
 * A fresh runner's builder: no build cache and no image of REPOS in the daemon. `buildx prune -af`
 * also empties the cache mounts. The stand-in base images stay (they are images, not build cache).
 */
export function freshBuilder(repos: readonly string[]): void {
  docker(['buildx', 'prune', '--builder', 'default', '-af']);
  const refs = docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])
    .stdout.split('\n')
    .map((l) => l.trim())
    .filter((ref) => repos.some((repo) => ref.startsWith(`${REGISTRY}/${repo}:`)) && !ref.endsWith(':<none>'));
  if (refs.length > 0) docker(['image', 'rm', ...refs]);
}

export function editSource(runner: ActionRunner): void {
  fs.appendFileSync(path.join(runner.workspace, 'crates', 'hello', 'src', 'main.rs'), `\n// engine test edit ${crypto.randomUUID()}\n`);
}

export interface Measured {
  build: string;
  seconds: number;
  uploads?: number;
  blobs?: number;
  index?: number;
  lookups?: number;
  ran: string;
}

export interface Build {
  main: StepResult;
  /** `::warning::` lines of the main step. */
  warnings: string[];
  steps: BuildStep[];
  /** Cache entries this build created (empty when no emulator is involved). */
  created: EmulatorEntry[];
  uploads: number;
}

/**
 * Call inside a describe: starts the emulator before its tests (when the engine is up and the file
 * needs it), stops it, cleans the runners up and prints the measurements after.
 */
export function cacheSuite(engine: EngineStatus, o: { emulator: boolean } = { emulator: true }) {
  let svc: CacheService | undefined;
  const service = (): CacheService => {
    if (!svc) throw new Error('the cache-service emulator did not start (see beforeAll)');
    return svc;
  };
  const measured: Measured[] = [];
  const runners: ActionRunner[] = [];
  const newRunner = (): ActionRunner => {
    const r = new ActionRunner({ fixture: 'examples/hello', docker: 'real' });
    runners.push(r);
    return r;
  };

  /**
   * Runs the main step and records its wall time, the cache entries it created (uploads: layer blobs
   * and index entries) and the lookups. Fails on a non-zero exit or an ::error::.
   */
  /**
   * Runs the main step and records its wall time, the cache entries it created (uploads: layer blobs
   * and index entries) and the lookups. Fails on a non-zero exit or an ::error::.
   */
  async function build(label: string, runner: ActionRunner, inputs: Record<string, string>, env: Record<string, string>, gha = true): Promise<Build> {
    const before = gha ? await service().entries() : [];
    if (gha) await service().resetStats();
    const main = await runner.main(inputs, env);
    if (main.code !== 0) throw new Error(`${label}: main step failed: ${describeStep(main)}`);
    expect(errors(main)).toEqual([]);
    const steps = buildSteps(main.stdout, inputs.platforms ?? '');
    const ran = ranSummary(steps);
    const warnings = main.stdout.split('\n').filter((l) => l.startsWith('::warning'));
    if (!gha) {
      measured.push({ build: label, seconds: main.seconds, ran });
      return { main, warnings, steps, created: [], uploads: 0 };
    }
    const stats = await service().stats();
    const sum = (prefix: string): number => Object.entries(stats).reduce((a, [k, v]) => a + (k.startsWith(prefix) ? v : 0), 0);
    const created = (await service().entries()).filter((e) => !before.some((b) => b.id === e.id));
    const uploads = sum('CreateCacheEntry 200');
    measured.push({
      build: label,
      seconds: main.seconds,
      uploads,
      blobs: created.filter((e) => e.key.startsWith('buildkit-blob-')).length,
      index: created.filter((e) => e.key.startsWith('index-')).length,
      lookups: sum('GetCacheEntryDownloadURL'),
      ran,
    });
    return { main, warnings, steps, created, uploads };
  }

  beforeAll(async () => {
    if (engine.state === 'up' && o.emulator) svc = await startCacheService();
  });
  afterAll(async () => {
    await svc?.stop();
    for (const r of runners) r.cleanup();
    if (measured.length > 0) {
      const cell = (v: number | undefined): string => (v === undefined ? '-' : String(v));
      const rows = measured.map(
        (m) => `| ${m.build} | ${m.seconds.toFixed(1)} s | ${cell(m.uploads)} | ${cell(m.blobs)} | ${cell(m.index)} | ${cell(m.lookups)} | ${m.ran} |`,
      );
      console.info(
        ['cache engine measurements (main step wall time; uploads = CreateCacheEntry):', '| build | main | uploads | blobs | index | lookups | steps that ran |', '|---|---|---|---|---|---|---|', ...rows].join('\n'),
      );
    }
  });
  return { service, newRunner, build, measured };
}
