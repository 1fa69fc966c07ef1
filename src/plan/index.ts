import path from 'node:path';
import { computeCacheKey, slug, type CacheKey } from '../cache/key.js';
import { layerCacheArgs } from '../cache/layer.js';
import type { RunContext } from '../read/context.js';
import type { PlanFiles } from '../read/plan-files.js';
import { InputError } from '../errors.js';
import { Input, type Inputs } from '../inputs.js';
import { computeMeta, type MetaResult } from '../meta/index.js';
import { builderCommands, buildCommand, DIGEST_PLACEHOLDER, inspectCommand, loginCommand, mergeCommand, previousCommand, previousTag, qemuCommand, type PlannedCommand } from './commands.js';
import { muslrustTagFor, renderDockerfile, renderDockerignore, SCRIPTS_CONTEXT } from './dockerfile.js';
import { isLocalRegistry } from './image-ref.js';
import type { BinTarget } from '../read/workspace.js';
import { pickBin } from './bins.js';
import { foreignPlatforms, resolvePlatforms, type Platform } from './platforms.js';

export interface Plan {
  mode: 'build' | 'merge';
  platforms: Platform[];
  platformsFrom: string;
  bin?: BinTarget;
  context: string;
  dockerfile: { path: string; content: string; generated: boolean; ignorePath?: string; ignoreContent?: string };
  muslrust?: { tag: string; why: string };
  cacheKey: CacheKey;
  meta: MetaResult;
  push: boolean;
  builder: string;
  registry: string;
  login: boolean;
  workDir: string;
  /** Stable per-image directory for persisted caches (its path is part of the Actions cache version). */
  cacheDir: string;
  metadataFile: string;
  foreign: Platform[];
  /** Allocator found in Cargo.lock ('' when musl's own malloc will be used). */
  allocator: string;
  commands: PlannedCommand[];
  warnings: string[];
}

export interface PlanIds {
  /** Per-run scratch directory under RUNNER_TEMP (Dockerfile, metadata file, docker config). */
  workDir: string;
  builder: string;
  /** Whether credentials for `registry` already exist (an earlier docker/login-action step). */
  hasStoredAuth: (registry: string) => boolean;
  /** The runner's own platform (nativePlatform()); every other one needs QEMU. */
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
  const { from, platforms } = resolvePlatforms(inputs.platformsRaw, ctx.env.MUSLRUST_PLATFORMS);
  const context = files.context;
  // qemu=true forces the binfmt install even when emulators look registered; false never installs.
  const foreign = inputs.qemu === 'false' ? [] : foreignPlatforms(platforms, ids.native);

  const ws = files.workspace;
  let bin: BinTarget | undefined;
  let dockerfile: Plan['dockerfile'];
  let muslrust: Plan['muslrust'];
  const buildContexts: Record<string, string> = {};
  if (files.userDockerfile) {
    dockerfile = { ...files.userDockerfile, generated: false };
  } else if (inputs.mode === 'build' && ws) {
    bin = pickBin(ws, inputs.bin);
    muslrust = inputs.builderImage ? undefined : muslrustTagFor(ws.toolchainChannel);
    const content = renderDockerfile({
      bin: bin.name,
      profile: inputs.profile,
      features: inputs.features,
      builderImage: inputs.builderImage,
      muslrustTag: muslrust?.tag ?? '',
      runtimeImage: inputs.runtimeImage,
      cacheMounts: inputs.cacheMounts,
    });
    const dfPath = path.join(ids.workDir, 'Dockerfile');
    dockerfile = { path: dfPath, content, generated: true, ignorePath: `${dfPath}.dockerignore`, ignoreContent: renderDockerignore(files.dockerignore) };
    if (!inputs.builderImage) buildContexts[SCRIPTS_CONTEXT] = path.join(ctx.actionRoot, 'image', 'scripts');
  } else {
    dockerfile = { path: '', content: '', generated: false };
  }

  const pkg = bin ? ws?.packages.find((p) => p.name === bin.pkg) : ws?.packages[0];
  const meta = computeMeta({
    images: inputs.images.map((i) => i.name),
    tags: inputs.tags,
    flavor: inputs.flavor,
    labels: [...inputs.labels],
    git: ctx.git,
    cargo: pkg ?? {},
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
  const registry = inputs.registry || inputs.images[0]?.registry || 'docker.io';
  const login = inputs.username !== '';
  const needsAuth = push && inputs.images.some((i) => !isLocalRegistry(i.registry));
  if (needsAuth && !login && !ids.hasStoredAuth(registry)) {
    throw new InputError(
      Input.Username,
      '',
      `is empty, but pushing to ${registry} needs credentials`,
      'Set username and password (for Docker Hub: a DOCKERHUB_TOKEN access token secret), log in in an earlier step, or set push: false.',
    );
  }
  if (push && inputs.mode === 'build' && meta.tags.length === 0 && !inputs.pushByDigest) {
    throw new InputError(Input.Tags, inputs.tags, 'produced no tag for this event, so there is nothing to push', 'Add a rule that fires on this ref (e.g. type=sha or type=raw,value=latest), or set push: false.');
  }

  const metadataFile = path.join(ids.workDir, 'metadata.json');
  const cacheDir = path.join(ctx.runnerTemp, 'muslrust-chef-cache', slug(inputs.images[0]?.name ?? 'image'));
  const builder = inputs.driver === 'docker' ? 'default' : ids.builder;
  const localRegistry = inputs.images.some((i) => isLocalRegistry(i.registry));
  const commands: PlannedCommand[] = [];
  if (inputs.mode === 'build' && foreign.length > 0) commands.push(qemuCommand(foreign));
  commands.push(...builderCommands({ builder, driver: inputs.driver, localRegistry }));
  if (login) commands.push(loginCommand(registry, inputs.username));
  // Read before pushing (the push moves the tag); a push by digest replaces no tag.
  const prev = push && !inputs.pushByDigest ? previousTag(meta.tags) : undefined;
  if (prev) commands.push(previousCommand(prev));
  if (inputs.mode === 'merge') {
    const image = inputs.images[0];
    if (image) commands.push(mergeCommand({ tags: meta.tags, image, digests: inputs.digests }));
  } else {
    const cacheArgs = layerCacheArgs({ cache: inputs.cache, mode: inputs.cacheMode, images: [...inputs.images], platforms, localDir: path.join(cacheDir, 'layers') });
    commands.push(
      buildCommand({
        builder,
        dockerfile: dockerfile.path,
        context,
        platforms,
        tags: meta.tags,
        labels: meta.labels,
        buildArgs: inputs.buildArgs,
        buildContexts,
        provenance: inputs.provenance,
        sbom: inputs.sbom,
        cacheArgs,
        metadataFile,
        push,
        pushByDigest: inputs.pushByDigest,
        images: inputs.images,
      }),
    );
  }
  const firstTag = meta.tags[0];
  const image = inputs.images[0]?.name;
  if (push && inputs.mode === 'merge' && firstTag) commands.push(inspectCommand(firstTag));
  else if (push && image) commands.push(inspectCommand(`${image}@${DIGEST_PLACEHOLDER}`));

  return {
    mode: inputs.mode, platforms, platformsFrom: from, bin, context, dockerfile, muslrust, cacheKey, meta, push, builder,
    registry, login, workDir: ids.workDir, cacheDir, metadataFile, foreign, allocator: ws ? allocatorOf(ws.lock) : '', commands, warnings,
  };
}
