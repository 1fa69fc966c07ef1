import { InputError } from './errors.js';
import { CACHE_TYPES, DRIVERS, Input, MODES, PROVENANCE, type Inputs, type RawInputs } from './inputs.js';
import { parseBool, parseEnum, parseKeyValues, parseList } from './parse.js';
import { parseBuildxVersionInput } from './plan/buildx-release.js';
import { parseBaseImage, parseImage } from './plan/image-ref.js';

const PROFILE = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
const FEATURE = /^[a-zA-Z0-9_][a-zA-Z0-9_+\-./]*$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Validate raw strings into one frozen typed object. Every error names the input, value and fix. */
export function parseInputs(raw: RawInputs): Inputs {
  const images = parseList(raw.image).map((i) => parseImage(Input.Image, i));
  if (images.length === 0) {
    throw new InputError(Input.Image, raw.image, 'is required', 'Name the image to build, e.g. `image: org/app` (Docker Hub) or `image: ghcr.io/org/app`.');
  }
  const profile = raw.profile.trim();
  if (!PROFILE.test(profile)) {
    throw new InputError(Input.Profile, raw.profile, 'is not a Cargo profile name', 'Use release (default), dev, or a custom [profile.NAME] from Cargo.toml.');
  }
  const features = parseList(raw.features);
  for (const f of features) {
    if (!FEATURE.test(f)) throw new InputError(Input.Features, f, 'is not a Cargo feature name', 'List features separated by commas or newlines, e.g. `features: tls,metrics`.');
  }
  const bin = raw.bin.trim();
  if (bin !== '' && !/^[a-zA-Z0-9_][a-zA-Z0-9_-]*$/.test(bin)) {
    throw new InputError(Input.Bin, raw.bin, 'is not a Cargo binary name', 'Use the name of a [[bin]] target or package with src/main.rs.');
  }
  const buildxVersion = parseBuildxVersionInput(Input.BuildxVersion, raw['buildx-version']);
  const digests = parseList(raw.digests);
  for (const d of digests) {
    if (!DIGEST.test(d)) throw new InputError(Input.Digests, d, 'is not an image digest', 'Pass the `digest` outputs of the matrix legs, each like sha256:<64 hex>.');
  }
  const mode = parseEnum(Input.Mode, raw.mode, MODES);
  if (mode === 'merge' && digests.length === 0) {
    throw new InputError(Input.Digests, raw.digests, 'is empty but mode is merge', 'Pass the `digest` output of every matrix leg (one per line), e.g. from needs.build.outputs.');
  }
  const password = raw.password;
  const username = raw.username.trim();
  if ((password === '') !== (username === '')) {
    // Only ever show the empty one: the other may be a token.
    const missing = password === '' ? Input.Password : Input.Username;
    throw new InputError(missing, '', 'is empty while the other credential is set', 'Set both username and password (a Docker Hub access token), or neither.');
  }
  const registry = raw.registry.trim();
  if (registry !== '' && !/^[a-zA-Z0-9.-]+(:\d{1,5})?$/.test(registry)) {
    throw new InputError(Input.Registry, raw.registry, 'is not a registry host', 'Use a host such as docker.io, ghcr.io or localhost:5000 (no scheme, no path).');
  }

  return Object.freeze({
    images,
    platformsRaw: raw.platforms,
    bin,
    context: raw.context.trim(),
    dockerfile: raw.dockerfile.trim(),
    builderImage: raw['builder-image'].trim() === '' ? '' : parseBaseImage(Input.BuilderImage, raw['builder-image'], 'org/muslrust-chef:1.98.0 (see docs/builder-image.md)'),
    runtimeImage: parseBaseImage(Input.RuntimeImage, raw['runtime-image'], 'chainguard/static:latest'),
    features,
    profile,
    tags: raw.tags,
    flavor: raw.flavor,
    labels: parseKeyValues(Input.Labels, raw.labels),
    push: parseEnum(Input.Push, raw.push, ['auto', 'true', 'false'] as const),
    pushByDigest: parseBool(Input.PushByDigest, raw['push-by-digest']),
    registry,
    username,
    password,
    cache: parseEnum(Input.Cache, raw.cache, CACHE_TYPES),
    cacheMode: parseEnum(Input.CacheMode, raw['cache-mode'], ['min', 'max'] as const),
    cacheMounts: parseBool(Input.CacheMounts, raw['cache-mounts']),
    qemu: parseEnum(Input.Qemu, raw.qemu, ['auto', 'true', 'false'] as const),
    buildxVersion,
    driver: parseEnum(Input.Driver, raw.driver, DRIVERS),
    provenance: parseEnum(Input.Provenance, raw.provenance, PROVENANCE),
    sbom: parseBool(Input.Sbom, raw.sbom),
    buildArgs: parseKeyValues(Input.BuildArgs, raw['build-args'], /^[A-Za-z_][A-Za-z0-9_]*$/),
    dryRun: parseBool(Input.DryRun, raw['dry-run']),
    mode,
    digests,
    summary: parseBool(Input.Summary, raw.summary),
  });
}
