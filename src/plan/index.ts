import fs from 'node:fs';
import path from 'node:path';
import { computeCacheKey, slug, type CacheKey } from '../cache/key.js';
import { layerCacheArgs } from '../cache/layer.js';
import type { RunContext } from '../context.js';
import { InputError } from '../errors.js';
import { Input, type Inputs } from '../inputs.js';
import { computeMeta, type MetaResult } from '../meta/index.js';
import { builderCommands, buildCommand, DIGEST_PLACEHOLDER, inspectCommand, loginCommand, mergeCommand, previousCommand, previousTag, qemuCommand, type PlannedCommand } from './commands.js';
import { muslrustTagFor, renderDockerfile, renderDockerignore, SCRIPTS_CONTEXT } from './dockerfile.js';
import { isLocalRegistry } from './image-ref.js';
import { foreignPlatforms, nativePlatform, resolvePlatforms, type Platform } from './platforms.js';
import { pickBin, readWorkspace, type BinTarget, type Workspace } from './workspace.js';

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
}

function inside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function resolveContext(inputs: Inputs, ctx: RunContext): string {
  const dir = path.resolve(ctx.workspace, inputs.context);
  if (!inside(path.resolve(ctx.workspace), dir)) {
    throw new InputError(Input.Context, inputs.context, 'points outside the workspace', 'Use a path inside the repository checkout, e.g. `.` or `services/api`.');
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new InputError(Input.Context, inputs.context, 'is not a directory', 'Check out the repository first (actions/checkout) and point `context` at the Cargo workspace directory.');
  }
  return dir;
}

function allocatorOf(lock: string): string {
  for (const name of ['mimalloc', 'tikv-jemallocator', 'jemallocator', 'snmalloc-rs']) {
    if (new RegExp(`^name = "${name}"$`, 'm').test(lock)) return name;
  }
  return '';
}

export function buildPlan(inputs: Inputs, ctx: RunContext, ids: PlanIds): Plan {
  const warnings: string[] = [];
  const { from, platforms } = resolvePlatforms(inputs.platformsRaw, ctx.env.MUSLRUST_PLATFORMS);
  const context = resolveContext(inputs, ctx);
  const native = nativePlatform();
  // qemu=true forces the binfmt install even when emulators look registered; false never installs.
  const foreign = inputs.qemu === 'false' ? [] : foreignPlatforms(platforms, native);

  let ws: Workspace | undefined;
  let bin: BinTarget | undefined;
  let dockerfile: Plan['dockerfile'];
  let muslrust: Plan['muslrust'];
  const buildContexts: Record<string, string> = {};
  if (inputs.dockerfile !== '') {
    const p = path.resolve(ctx.workspace, inputs.dockerfile);
    if (!fs.existsSync(p) || !fs.statSync(p).isFile()) {
      throw new InputError(Input.Dockerfile, inputs.dockerfile, 'does not exist', `Give a path relative to the workspace (${ctx.workspace}), or leave it empty to use the generated cargo-chef Dockerfile.`);
    }
    dockerfile = { path: p, content: fs.readFileSync(p, 'utf8'), generated: false };
    // Your own Dockerfile need not build a Cargo workspace (e.g. the builder image itself).
    if (fs.existsSync(path.join(context, 'Cargo.toml'))) ws = readWorkspace(context);
  } else if (inputs.mode === 'build') {
    ws = readWorkspace(context);
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
    const userIgnore = path.join(context, '.dockerignore');
    dockerfile = {
      path: dfPath,
      content,
      generated: true,
      ignorePath: `${dfPath}.dockerignore`,
      ignoreContent: renderDockerignore(fs.existsSync(userIgnore) ? fs.readFileSync(userIgnore, 'utf8') : undefined),
    };
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
