import * as core from '@actions/core';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { maskSignedUrls, signedUrlSecrets } from '../cache/env.js';
import { formatCacheKey } from '../cache/key.js';
import { mountsArgValue, withMountsArg } from '../cache/mount-spec.js';
import { restoreCacheMounts, restoreLocalCache } from './cache/persist.js';
import { readRunContext } from '../read/context.js';
import { Docker, type DockerRunner } from './docker.js';
import { errorMessage } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { parseInputs } from '../parse-inputs.js';
import { readRawInputs } from '../read/raw-inputs.js';
import type { PlannedCommand } from '../plan/commands.js';
import { buildPlan, type Plan } from '../plan/index.js';
import { DIGEST_PLACEHOLDER } from '../plan/commands.js';
import { describeWays, nativePlatform } from '../plan/platforms.js';
import { readPlanFiles } from '../read/plan-files.js';
import { warningAnnotations } from '../report/annotations.js';
import { readMetadata, setPlanOutputs, setResultOutputs } from '../report/outputs.js';
import { ProgressReader } from '../report/progress.js';
import { buildFailure, stageRows } from '../report/stages.js';
import { shellQuote, writeSummary, type PreviousImage, type RunReport } from '../report/summary.js';
import { markMainStarted, saveMainState, type MainState } from './state.js';
import { ensureBuildx } from './buildx.js';
import { hasStoredAuth, prepareDockerConfig } from './docker-config.js';
import { runQemu } from './qemu.js';
import { explainBuildFailure, exportedCacheBytes, imageSizes, runLogin } from './steps.js';
import { runSigning, writeCrateSboms } from './supply.js';

/** Recorded in the SBOM's tool entry. */
const ACTION_VERSION = 'v1';

function logPlan(plan: Plan, inputs: Inputs): void {
  core.startGroup('Cache key');
  for (const line of formatCacheKey(plan.cacheKey)) core.info(line);
  core.endGroup();
  core.startGroup(`Plan: ${plan.commands.length} docker command(s)${inputs.dryRun ? ' (dry run: none will run)' : ''}`);
  core.info(`platforms: ${plan.platforms.join(', ')} (from ${plan.platformsFrom})`);
  if (plan.mode === 'build') core.info(`build: ${describeWays(plan.ways)}; QEMU for: ${plan.foreign.join(', ') || 'none'}`);
  if (plan.bin) core.info(`binary: ${plan.bin.name} (package ${plan.bin.pkg} in ${plan.bin.member})`);
  if (plan.muslrust) core.info(`builder: clux/muslrust:${plan.muslrust.tag} (${plan.muslrust.why})`);
  core.info(`tags: ${plan.meta.tags.join(', ') || '(none)'}; push: ${plan.push}`);
  const sd = plan.supply.sourceDate;
  core.info(sd ? `SOURCE_DATE_EPOCH=${sd.seconds} (${new Date(sd.seconds * 1000).toISOString()}, from ${sd.from})` : 'SOURCE_DATE_EPOCH: none (the image carries the build time)');
  for (const c of plan.commands) core.info(`# ${c.note}\n${c.argv.map(shellQuote).join(' ')}${c.stdin ? ' <<< (token on stdin)' : ''}`);
  core.endGroup();
  if (plan.dockerfile.generated) {
    core.startGroup(`Dockerfile (${plan.dockerfile.path})`);
    core.info(plan.dockerfile.content);
    core.endGroup();
  }
}

/**
 * Cache errors can print signed blob URLs: the `sig=` never reaches our log, and registering it as a
 * secret makes the runner hide it in anything else that repeats it (e.g. the cache client's warnings).
 */
function maskBuildLine(line: string): string {
  for (const sig of signedUrlSecrets(line)) core.setSecret(sig);
  return maskSignedUrls(line);
}

/**
 * The image the push replaces, in flight while other steps run (the cache restore); never fails the
 * build. Awaited whole before the build: the push moves the tag, and the log of registry calls stays
 * in one order (the platform reads could overlap the build, but ~0.3 s is not worth a racy log).
 */
function readPrevious(docker: DockerRunner, ref: string, platform: string): Promise<PreviousImage | undefined> {
  return imageSizes(docker, ref, platform, true).then(
    (s) => ({ ref, sizes: s?.sizes }),
    (e: unknown) => {
      core.info(`Could not read ${ref} for the size change: ${errorMessage(e)}`);
      return undefined;
    },
  );
}

/** Dockerfile check warnings as annotations; a committed Dockerfile gets its file and line. */
function annotate(plan: Plan, warnings: Parameters<typeof warningAnnotations>[0], workspace: string): void {
  const rel = plan.dockerfile.generated ? undefined : path.relative(workspace, plan.dockerfile.path);
  for (const a of warningAnnotations(warnings, rel && !rel.startsWith('..') ? rel : undefined)) {
    const { message, ...props } = a;
    core.warning(message, props);
  }
}

export async function runMain(): Promise<void> {
  markMainStarted();
  const inputs = parseInputs(readRawInputs());
  const ctx = readRunContext();
  fs.mkdirSync(ctx.runnerTemp, { recursive: true });
  const workDir = fs.mkdtempSync(path.join(ctx.runnerTemp, 'muslrust-chef-'));
  const files = readPlanFiles(inputs, ctx.workspace);
  const plan = buildPlan(inputs, ctx, files, {
    workDir,
    builder: `muslrust-chef-${crypto.randomBytes(4).toString('hex')}`,
    hasStoredAuth: (r) => hasStoredAuth(r),
    native: nativePlatform(),
  });
  if (plan.dockerfile.generated) {
    fs.writeFileSync(plan.dockerfile.path, plan.dockerfile.content);
    if (plan.dockerfile.ignorePath) fs.writeFileSync(plan.dockerfile.ignorePath, plan.dockerfile.ignoreContent ?? '');
  }
  logPlan(plan, inputs);
  for (const n of plan.notices) core.notice(n);
  for (const w of plan.warnings) core.warning(w);
  setPlanOutputs(plan);
  const report: RunReport = { dryRun: inputs.dryRun, sizes: [] };
  if (inputs.dryRun) {
    core.info('dry-run: true, so no docker command was run.');
    if (inputs.summary) await writeSummary(plan, report);
    return;
  }

  const dockerConfig = path.join(workDir, 'docker-config');
  prepareDockerConfig(dockerConfig, inputs.auths.map((a) => a.registry));
  // Later steps reach the builder (buildx history) and the logged-in registries through this directory.
  core.setOutput('docker-config', dockerConfig);
  const state: MainState = { dockerConfig, loggedIn: [], buildSucceeded: false };
  saveMainState(state);
  const docker = new Docker({ DOCKER_CONFIG: dockerConfig });

  let metadata = '{}';
  let cacheHit = false;
  const signing: PlannedCommand[] = [];
  let previous: Promise<PreviousImage | undefined> | undefined;
  // A plain (single-platform) manifest does not name its platform; the plan does.
  const onePlatform = plan.platforms.length === 1 ? (plan.platforms[0] ?? 'image') : 'image';
  for (const cmd of plan.commands) {
    switch (cmd.id) {
      case 'qemu':
        await core.group('QEMU', () => runQemu(docker, cmd, inputs.qemu === 'true'));
        break;
      case 'buildx-version': {
        const bx = await core.group('buildx', () => ensureBuildx(docker, { requested: inputs.buildxVersion, dockerConfig, env: ctx.env }));
        report.buildxVersion = `${bx.version}${bx.installed ? ' (installed, checksum verified)' : ''}`;
        break;
      }
      case 'builder-create':
        await core.group('Builder', () => docker.run(cmd.argv, { context: 'creating the buildx builder' }));
        state.builder = plan.builder;
        saveMainState(state);
        break;
      case 'builder-append':
      case 'builder-boot':
        await core.group('Builder', () => docker.run(cmd.argv, { context: cmd.id === 'builder-append' ? 'appending a builder node' : 'booting the builder nodes' }));
        break;
      case 'login': {
        const registry = cmd.argv[cmd.argv.length - 1] ?? '';
        await runLogin(docker, cmd, inputs.auths.find((a) => a.registry === registry)?.password ?? '');
        state.loggedIn.push(registry);
        saveMainState(state);
        break;
      }
      case 'previous':
        // Read while the cache mounts are restored; awaited before anything is pushed.
        previous = readPrevious(docker, cmd.argv[4] ?? '', onePlatform);
        break;
      case 'build': {
        let argv = cmd.argv;
        if (inputs.cacheMounts) {
          const { key, restoreKeys } = plan.cacheKey;
          const r = await core.group('Restore Cargo cache mounts', () =>
            restoreCacheMounts({ key, restoreKeys, scope: plan.mountScope, dir: path.join(plan.cacheDir, 'mounts'), platforms: plan.platforms, builder: plan.builder, docker }),
          );
          state.cacheMounts = r.state;
          cacheHit = r.hit;
          report.cacheMounts = { hit: r.hit, matchedKey: r.matchedKey, level: r.level, loaded: r.loaded, files: r.files, bytes: r.bytes, seconds: r.seconds };
          report.cacheNote = `cache mounts: ${r.hit ? 'exact hit' : r.loaded ? `restored ${r.matchedKey} (${r.level})` : 'cold'}`;
          // Tell the cook step what its mounts hold, so it re-runs when they were not restored.
          if (plan.dockerfile.generated) argv = withMountsArg(argv, mountsArgValue(r.loaded ? r.matchedKey : undefined, `${ctx.runId}-${ctx.runAttempt}-${Date.now()}`));
          saveMainState(state);
        }
        if (inputs.cache === 'local') {
          const r = await core.group('Restore local layer cache', () => restoreLocalCache({ key: plan.cacheKey.key, restoreKeys: plan.cacheKey.restoreKeys, dir: path.join(plan.cacheDir, 'layers') }));
          state.localCache = r.state;
          saveMainState(state);
        }
        report.cacheNote = [`layers: ${inputs.cache}${inputs.cache === 'none' ? '' : ` (mode ${inputs.cacheMode})`}`, report.cacheNote].filter(Boolean).join('; ');
        if (previous) report.previous = await previous;
        const t0 = Date.now();
        const progress = new ProgressReader();
        core.startGroup(`Build ${plan.platforms.join(', ')}`);
        // rawjson progress rendered as a plain-style log; cache errors can print signed blob URLs, so
        // every printed line is masked. allowFailure: explaining a failure needs buildx's whole output.
        const echo = (line: string) => {
          for (const out of progress.push(line)) process.stdout.write(`${maskBuildLine(out)}\n`);
        };
        const res = await docker.run(argv, { context: 'build', mask: maskBuildLine, echo, allowFailure: true }).finally(() => core.endGroup());
        report.buildSeconds = (Date.now() - t0) / 1000;
        const built = progress.result();
        report.stages = stageRows(built, plan.dockerfile.generated);
        report.warnings = built.warnings;
        annotate(plan, built.warnings, ctx.workspace);
        if (res.exitCode !== 0) {
          // Name what was being pushed: the tags, or the image itself for a push by digest (no tags).
          const refs = !plan.push ? [] : inputs.pushByDigest ? inputs.images.map((i) => `${i.name} (by digest)`) : plan.meta.tags;
          const found = buildFailure(built, plan.dockerfile.generated);
          // A single-platform build's steps carry no platform in their names: the plan knows it.
          const failure = found && !found.platform && plan.platforms.length === 1 ? { ...found, platform: plan.platforms[0] } : found;
          const err = explainBuildFailure(maskSignedUrls(res.stderr || res.stdout), failure, plan.platforms, refs);
          report.failure = { stage: 'build', step: 'docker buildx build', error: err.message, lines: [], ...failure, message: err.message };
          if (inputs.summary) await writeSummary(plan, report);
          throw err;
        }
        if (fs.existsSync(plan.metadataFile)) metadata = fs.readFileSync(plan.metadataFile, 'utf8');
        const exportRow = report.stages.find((r) => r.stage === 'cache export');
        if (exportRow) exportRow.exportedBytes = await exportedCacheBytes(docker, cmd.argv, metadata);
        if (!plan.push) report.sizesNote = 'not pushed, so the registry has none (push is off for this event)';
        break;
      }
      case 'sbom': {
        await core.group('Crate SBOM', async () => {
          // Silent: an all-cached rerun of the build whose log would repeat the build's (and confuse readers of it).
          await docker.run(cmd.argv, { context: 'exporting the binaries for the SBOM', mask: maskBuildLine, silent: true });
          const r = writeCrateSboms(plan, ACTION_VERSION);
          if (r) report.sbom = r;
        });
        break;
      }
      case 'sign':
      case 'attest':
        signing.push(cmd);
        break;
      case 'merge':
        if (previous) report.previous = await previous;
        await core.group('Merge', () => docker.run(cmd.argv, { context: 'creating the manifest list' }));
        break;
      case 'inspect': {
        let ref = cmd.argv[4] ?? '';
        if (ref.endsWith(DIGEST_PLACEHOLDER)) {
          const digest = readMetadata(metadata).digest;
          if (!digest) {
            report.sizesNote = 'buildx reported no digest in its metadata file';
            break;
          }
          ref = ref.replace(DIGEST_PLACEHOLDER, digest);
        }
        const r = await imageSizes(docker, ref, onePlatform);
        report.sizes = r?.sizes ?? [];
        report.digest = r?.digest;
        break;
      }
    }
  }
  const meta = readMetadata(metadata);
  report.digest = meta.digest ?? report.digest;
  if (signing.length > 0) {
    // A single-platform push is a manifest, not an index: its digest is that platform's.
    const perPlatform = Object.fromEntries(report.sizes.map((s) => [s.platform, s.digest]));
    const only = plan.platforms[0];
    if (plan.platforms.length === 1 && only && !perPlatform[only] && report.digest) perPlatform[only] = report.digest;
    await core.group('Sign', () => runSigning(signing, { inputs, dockerConfig, workDir, env: ctx.env, digest: report.digest, platformDigests: perPlatform, docker }));
    report.signed = signing.filter((c) => c.id === 'sign').length;
  }
  state.buildSucceeded = true;
  saveMainState(state);
  setResultOutputs({ digest: report.digest, imageid: meta.imageid, metadata: meta.raw, cacheHit, sbom: report.sbom });
  if (inputs.summary) await writeSummary(plan, report);
}
