import path from 'node:path';
import { computeCacheKey, slug, type CacheKey } from '../cache/key.js';
import { ghaCacheEnvProblem } from '../cache/env.js';
import { layerCacheArgs } from '../cache/layer.js';
import { mountScope, SCOPE_ARG } from '../cache/mount-spec.js';
import type { RunContext } from '../read/context.js';
import type { PlanFiles } from '../read/plan-files.js';
import { InputError } from '../errors.js';
import { Input, type Inputs } from '../inputs.js';
import { computeMeta, type MetaResult } from '../meta/index.js';
import { builderCommands, checkBuilderInputs, isLocalDriver, parseAppend, type BuilderOptions } from './builder.js';
import { buildCommand, DIGEST_PLACEHOLDER, inspectCommand, loginCommand, mergeCommand, previousCommand, previousTag, qemuCommand, sbomExportCommand, type PlannedCommand } from './commands.js';
import { checkPushCredentials } from './auth.js';
import { ARTIFACTS_STAGE, DEFAULT_MUSLRUST_TAG, renderDockerfile, renderDockerignore, SCRIPTS_CONTEXT } from './dockerfile.js';
import { muslPreflight } from './preflight.js';
import { attestCommands, chooseSourceDate, planSigning, signCommands, SOURCE_DATE_EPOCH, type SignPlan, type SourceDate } from './supply.js';
import { configuredTargetDir, DEFAULT_TARGET_DIR } from './target-dir.js';
import { resolveToolchain, toolchainLines, type RustToolchain } from './toolchain.js';
import { isLocalRegistry } from './image-ref.js';
import type { BinTarget } from '../read/workspace.js';
import { pickBin } from './bins.js';
import { foreignPlatforms, platformWays, resolvePlatforms, type BuildWay, type Platform } from './platforms.js';

export interface Plan {
  mode: 'build' | 'merge';
  platforms: Platform[];
  platformsFrom: string;
  bin?: BinTarget;
  context: string;
  dockerfile: { path: string; content: string; generated: boolean; ignorePath?: string; ignoreContent?: string };
  muslrust?: { tag: string; why: string };
  /** The toolchain prepare, cook and build run under (generated Dockerfile only). */
  toolchain?: RustToolchain;
  cacheKey: CacheKey;
  meta: MetaResult;
  push: boolean;
  builder: string;
  registry: string;
  login: boolean;
  workDir: string;
  /** Stable per-image directory for persisted caches (its path is part of the Actions cache version). */
  cacheDir: string;
  /** Scope of the Cargo cache mount ids (repository + checkout directory), `cache-mounts: true` only. */
  mountScope?: string;
  metadataFile: string;
  /** Platforms QEMU is set up for on this runner (emulated ones, local drivers, qemu not false). */
  foreign: Platform[];
  /** Per platform: native, cross-compiled or emulated. */
  ways: Record<string, BuildWay>;
  /** Allocator found in Cargo.lock ('' when musl's own malloc will be used). */
  allocator: string;
  commands: PlannedCommand[];
  warnings: string[];
  /** Things the user should know that are not problems (logged as notices). */
  notices: string[];
  supply: SupplyPlan;
}

export interface SupplyPlan {
  /** SOURCE_DATE_EPOCH of a reproducible build (undefined: build time, nothing clamped). */
  sourceDate?: SourceDate;
  /** Where the crate SBOMs are written (one per platform), when made. */
  sbom?: { dir: string; exportDir: string; files: Array<{ platform: Platform; file: string }> };
  sign?: SignPlan;
}

export interface PlanIds {
  /** Per-run scratch directory under RUNNER_TEMP (Dockerfile, metadata file, docker config). */
  workDir: string;
  builder: string;
  /** Whether credentials for `registry` already exist (an earlier docker/login-action step). */
  hasStoredAuth: (registry: string) => boolean;
  /** The runner's own platform (nativePlatform()); every other one is cross-compiled or emulated. */
  native: Platform | undefined;
}


function allocatorOf(lock: string): string {
  for (const name of ['mimalloc', 'tikv-jemallocator', 'jemallocator', 'snmalloc-rs']) {
    if (new RegExp(`^name = "${name}"$`, 'm').test(lock)) return name;
  }
  return '';
}

/** Pure: everything from disk comes in `files` (read/plan-files.ts), every id and host fact in `ids`. */
export function buildPlan(inputs: Inputs, ctx: RunContext, files: PlanFiles, ids: PlanIds): Plan {
  const warnings: string[] = [];
  const notices = inputs.images.flatMap((i) =>
    i.lowercasedFrom ? [`Input 'image': ${i.lowercasedFrom} is pushed as ${i.name} (registries only take lower-case repository names; docker/metadata-action lower-cases them too).`] : [],
  );
  const { from, platforms } = resolvePlatforms(inputs.platformsRaw, ctx.env.MUSLRUST_PLATFORMS);
  const context = files.context;
  const append = parseAppend(inputs.append);
  const local = isLocalDriver(inputs.driver);
  // The build machine: the runner for local drivers; unknown for a remote engine (its nodes decide).
  const buildMachine = local ? ids.native : undefined;
  const nodePlatforms = append.flatMap((n) => n.platforms);
  // Only the generated Dockerfile is known to cross-compile; `cross: true` vouches for a custom one.
  const crossCompiles = inputs.mode === 'build' && (inputs.cross === 'true' || (inputs.cross === 'auto' && !files.userDockerfile));
  const ways = platformWays(platforms, { native: buildMachine, nodePlatforms, crossCompiles });
  const foreignToBuilder = foreignPlatforms(platforms, buildMachine).filter((p) => ways[p] !== 'native');
  // QEMU only for what is emulated, and only where it can reach the builder (this runner's kernel).
  // qemu=true forces the binfmt install even when emulators look registered; false never installs.
  const foreign = inputs.qemu === 'false' || !local ? [] : platforms.filter((p) => ways[p] === 'emulated');

  const ws = files.workspace;
  let bin: BinTarget | undefined;
  let dockerfile: Plan['dockerfile'];
  let muslrust: Plan['muslrust'];
  let toolchain: RustToolchain | undefined;
  const buildContexts: Record<string, string> = {};
  if (files.userDockerfile) {
    dockerfile = { ...files.userDockerfile, generated: false };
  } else if (inputs.mode === 'build' && ws) {
    bin = pickBin(ws, inputs.bin);
    warnings.push(...muslPreflight(ws.lock, { builderImage: inputs.builderImage !== '' }));
    toolchain = resolveToolchain(ws.toolchain, { builderImage: inputs.builderImage !== '', defaultTag: DEFAULT_MUSLRUST_TAG, lock: ws.lock });
    warnings.push(...toolchain.warnings);
    muslrust = inputs.builderImage ? undefined : { tag: toolchain.muslrustTag, why: toolchain.why };
    // Where cargo writes: the config's [build] target-dir; with cache mounts in a prebuilt builder, pinned
    // to the mount's path so a CARGO_TARGET_DIR in that image cannot send the output past the mount.
    const targetDir = configuredTargetDir(ws.configFiles) ?? (inputs.cacheMounts && inputs.builderImage ? DEFAULT_TARGET_DIR : undefined);
    const content = renderDockerfile({
      bin: bin.name,
      profile: inputs.profile,
      features: inputs.features,
      builderImage: inputs.builderImage,
      muslrustTag: muslrust?.tag ?? '',
      toolchainLines: toolchainLines(toolchain),
      runtimeImage: inputs.runtimeImage,
      cacheMounts: inputs.cacheMounts,
      cross: crossCompiles && foreignToBuilder.length > 0 ? { platforms, foreign: foreignToBuilder } : undefined,
      targetDir,
      reproducible: inputs.reproducible,
      remapPaths: inputs.reproducible,
      auditable: inputs.auditable,
    });
    const dfPath = path.join(ids.workDir, 'Dockerfile');
    dockerfile = { path: dfPath, content, generated: true, ignorePath: `${dfPath}.dockerignore`, ignoreContent: renderDockerignore(files.dockerignore, targetDir) };
    // The scripts context also carries muslrust-chef-mounts, which the cache-mounts build runs.
    if (!inputs.builderImage || inputs.cacheMounts) buildContexts[SCRIPTS_CONTEXT] = path.join(ctx.actionRoot, 'image', 'scripts');
  } else {
    dockerfile = { path: '', content: '', generated: false };
  }

  const userEpoch = inputs.buildArgs.find(([k]) => k === SOURCE_DATE_EPOCH)?.[1];
  let sourceDate: SourceDate | undefined;
  if (inputs.reproducible && inputs.mode === 'build') {
    sourceDate = chooseSourceDate({ buildArg: userEpoch, commitEpoch: files.commitEpoch, eventCommitDate: ctx.git.commitDate });
    if (!sourceDate) warnings.push('reproducible: true, but there is no commit time (no git history in the checkout, no head commit in the event): the image carries the build time. Check out the repository with actions/checkout first.');
  }
  const buildArgs = sourceDate && userEpoch === undefined ? [...inputs.buildArgs, [SOURCE_DATE_EPOCH, String(sourceDate.seconds)] as const] : inputs.buildArgs;

  const pkg = bin ? ws?.packages.find((p) => p.name === bin.pkg) : ws?.packages[0];
  const meta = computeMeta({
    images: inputs.images.map((i) => i.name),
    tags: inputs.tags,
    flavor: inputs.flavor,
    labels: [...inputs.labels],
    git: ctx.git,
    cargo: pkg ?? {},
    created: sourceDate ? new Date(sourceDate.seconds * 1000) : undefined,
  });
  warnings.push(...meta.warnings);

  const cacheKey = computeCacheKey({
    lock: ws?.lock ?? '',
    configFiles: ws?.configFiles ?? {},
    manifests: ws?.manifests ?? {},
    dockerfile: dockerfile.content,
    profile: inputs.profile,
    features: inputs.features,
    platforms,
    bin: bin?.name ?? '',
    image: inputs.images[0]?.name ?? '',
  });
  warnings.push(...cacheKey.warnings);

  const isPr = ctx.git.eventName === 'pull_request' || ctx.git.eventName === 'pull_request_target';
  const push = inputs.mode === 'merge' || inputs.pushByDigest || (inputs.push === 'auto' ? !isPr : inputs.push === 'true');
  if (inputs.pushByDigest && inputs.images.length !== 1) {
    throw new InputError(Input.PushByDigest, 'true', `needs exactly one image, but 'image' lists ${inputs.images.length}`, 'A matrix leg pushes one image by digest; list the other names in the merge step instead.');
  }
  const registry = inputs.auths[0]?.registry ?? (inputs.registry || inputs.images[0]?.registry || 'docker.io');
  const login = inputs.auths.length > 0;
  if (push && !login) {
    const missing = inputs.images.find((i) => !isLocalRegistry(i.registry) && !ids.hasStoredAuth(i.registry));
    if (missing) {
      throw new InputError(
        Input.Username,
        '',
        `is empty, but pushing to ${missing.registry} needs credentials`,
        'Set username and password (for Docker Hub: a DOCKERHUB_TOKEN access token secret), registry-auth for several registries, log in in an earlier step, or set push: false.',
      );
    }
  }
  if (push) checkPushCredentials(inputs.images, inputs.auths, ids.hasStoredAuth, Input.Image);
  if (push && inputs.mode === 'build' && meta.tags.length === 0 && !inputs.pushByDigest) {
    throw new InputError(Input.Tags, inputs.tags, 'produced no tag for this event, so there is nothing to push', 'Add a rule that fires on this ref (e.g. type=sha or type=raw,value=latest), or set push: false.');
  }

  // A plan warning, so dry-run shows it too: buildx drops the gha cache without a word when these are missing.
  const ghaProblem = inputs.cache === 'gha' && inputs.mode === 'build' ? ghaCacheEnvProblem(ctx.env) : undefined;
  if (ghaProblem) warnings.push(ghaProblem);

  const metadataFile = path.join(ids.workDir, 'metadata.json');
  const cacheDir = path.join(ctx.runnerTemp, 'muslrust-chef-cache', slug(inputs.images[0]?.name ?? 'image'));
  const builder = inputs.driver === 'docker' ? 'default' : ids.builder;
  const localRegistry = inputs.images.some((i) => isLocalRegistry(i.registry));
  const sign = planSigning(inputs, ctx.env, push, warnings);
  const supply: SupplyPlan = { sourceDate, sign };
  if (inputs.sbom !== 'false' && inputs.mode === 'build' && bin && dockerfile.generated) {
    if (inputs.auditable) {
      const dir = path.join(ids.workDir, 'sbom');
      const files = platforms.map((p) => ({ platform: p, file: path.join(dir, `${bin.name}_${p.replace(/\//g, '_')}.cdx.json`) }));
      supply.sbom = { dir, exportDir: path.join(ids.workDir, 'artifacts'), files };
    } else {
      warnings.push('auditable: false, so no crate SBOM is made (it is read from the binary\'s cargo-auditable data): set sbom: false to silence this.');
    }
  }
  const scope = inputs.cacheMounts && inputs.mode === 'build' ? mountScope(ctx.git.repository, context) : undefined;
  const builderOpts: BuilderOptions = { builder, driver: inputs.driver, localRegistry, endpoint: inputs.endpoint, driverOpts: inputs.driverOpts, append };
  checkBuilderInputs(builderOpts);
  // Logins first: QEMU's binfmt image, the BuildKit image and the FROM images are pulled authenticated
  // (Docker Hub's anonymous pull limit is per IP, shared by every job on a hosted runner's address).
  const commands: PlannedCommand[] = inputs.auths.map((a) => loginCommand(a.registry, a.username));
  if (inputs.mode === 'build' && foreign.length > 0) commands.push(qemuCommand(foreign));
  // Merge mode only talks to registries (buildx imagetools): it checks buildx, but creates, bootstraps
  // (one more image pull) and removes no builder.
  const builderCmds = builderCommands(builderOpts);
  commands.push(...(inputs.mode === 'merge' ? builderCmds.filter((c) => c.id === 'buildx-version') : builderCmds));
  // Read before pushing (the push moves the tag); a push by digest replaces no tag.
  const prev = push && !inputs.pushByDigest ? previousTag(meta.tags) : undefined;
  if (prev) commands.push(previousCommand(prev));
  if (inputs.mode === 'merge') {
    const image = inputs.images[0];
    if (image) commands.push(mergeCommand({ tags: meta.tags, image, digests: inputs.digests }));
  } else {
    const cacheArgs = layerCacheArgs({ cache: inputs.cache, mode: inputs.cacheMode, images: [...inputs.images], platforms, localDir: path.join(cacheDir, 'layers') });
    const build = buildCommand({
        builder,
        dockerfile: dockerfile.path,
        context,
        platforms,
        tags: meta.tags,
        labels: meta.labels,
        buildArgs: scope ? [...buildArgs, [SCOPE_ARG, scope] as const] : buildArgs,
        buildContexts,
        provenance: inputs.provenance,
        sbom: inputs.sbom === 'buildkit',
        // dockerd's own BuildKit (driver docker, containerd store) forces `unpack`, which conflicts
        // with it before Docker 29.1; the Dockerfile clamps the binary layer's times itself anyway.
        rewriteTimestamp: sourceDate !== undefined && inputs.driver === 'docker-container',
        cacheArgs,
        metadataFile,
        push,
        pushByDigest: inputs.pushByDigest,
        images: inputs.images,
      });
    commands.push(build);
    if (supply.sbom) commands.push(sbomExportCommand(build, { target: ARTIFACTS_STAGE, dest: supply.sbom.exportDir }));
  }
  const firstTag = meta.tags[0];
  const image = inputs.images[0]?.name;
  if (push && inputs.mode === 'merge' && firstTag) commands.push(inspectCommand(firstTag));
  else if (push && image) commands.push(inspectCommand(`${image}@${DIGEST_PLACEHOLDER}`));
  if (sign) {
    const names = inputs.images.map((i) => i.name);
    commands.push(...signCommands(sign, names));
    if (supply.sbom) commands.push(...attestCommands(sign, names, supply.sbom.files));
  }

  return {
    mode: inputs.mode, platforms, platformsFrom: from, bin, context, dockerfile, muslrust, toolchain, cacheKey, meta, push, builder,
    registry, login, workDir: ids.workDir, cacheDir, mountScope: scope, metadataFile, foreign, ways, allocator: ws ? allocatorOf(ws.lock) : '', commands, warnings, notices, supply,
  };
}
