import * as core from '@actions/core';
import { InputError } from './errors.js';
import { parseBool, parseEnum, parseKeyValues, parseList } from './parse.js';
import { parseBuildxVersionInput } from './execute/buildx-release.js';
import { parseBaseImage, parseImage, type ImageName } from './plan/image-ref.js';

/** Every input name, once. action.yml must declare exactly these (a test checks). */
export const Input = {
  Image: 'image',
  Platforms: 'platforms',
  Bin: 'bin',
  Context: 'context',
  Dockerfile: 'dockerfile',
  BuilderImage: 'builder-image',
  RuntimeImage: 'runtime-image',
  Features: 'features',
  Profile: 'profile',
  Tags: 'tags',
  Flavor: 'flavor',
  Labels: 'labels',
  Push: 'push',
  PushByDigest: 'push-by-digest',
  Registry: 'registry',
  Username: 'username',
  Password: 'password',
  Cache: 'cache',
  CacheMode: 'cache-mode',
  CacheMounts: 'cache-mounts',
  Qemu: 'qemu',
  BuildxVersion: 'buildx-version',
  Driver: 'driver',
  Provenance: 'provenance',
  Sbom: 'sbom',
  BuildArgs: 'build-args',
  DryRun: 'dry-run',
  Mode: 'mode',
  Digests: 'digests',
  Summary: 'summary',
  Reproducible: 'reproducible',
  Auditable: 'auditable',
  Sign: 'sign',
  CosignKey: 'cosign-key',
  CosignPassword: 'cosign-password',
  TransparencyLog: 'transparency-log',
} as const;
export type InputName = (typeof Input)[keyof typeof Input];

/**
 * Defaults, identical to action.yml's (a test checks). The runner applies action.yml defaults; we
 * apply them again so `node dist/index.js` with a bare environment behaves the same.
 */
export const DEFAULTS: Record<InputName, string> = {
  image: '',
  platforms: '',
  bin: '',
  context: '.',
  dockerfile: '',
  'builder-image': '',
  'runtime-image': 'chainguard/static:latest',
  features: '',
  profile: 'release',
  tags: '',
  flavor: '',
  labels: '',
  push: 'auto',
  'push-by-digest': 'false',
  registry: '',
  username: '',
  password: '',
  cache: 'gha',
  'cache-mode': 'max',
  'cache-mounts': 'false',
  qemu: 'auto',
  'buildx-version': '',
  driver: 'docker-container',
  provenance: 'false',
  sbom: 'true',
  'build-args': '',
  'dry-run': 'false',
  mode: 'build',
  digests: '',
  summary: 'true',
  reproducible: 'true',
  auditable: 'true',
  sign: 'false',
  'cosign-key': '',
  'cosign-password': '',
  'transparency-log': 'true',
};

export const CACHE_TYPES = ['gha', 'registry', 'local', 'none'] as const;
export const DRIVERS = ['docker-container', 'docker'] as const;
export const MODES = ['build', 'merge'] as const;
export const PROVENANCE = ['false', 'true', 'min', 'max'] as const;
/** true = the crate SBOM (from the auditable data); buildkit = that plus BuildKit's own scanner attestation. */
export const SBOM = ['true', 'false', 'buildkit'] as const;

export interface Inputs {
  readonly images: readonly ImageName[];
  /** Raw platforms input; resolved against MUSLRUST_PLATFORMS in the plan. */
  readonly platformsRaw: string;
  readonly bin: string;
  readonly context: string;
  readonly dockerfile: string;
  readonly builderImage: string;
  readonly runtimeImage: string;
  readonly features: readonly string[];
  readonly profile: string;
  readonly tags: string;
  readonly flavor: string;
  readonly labels: ReadonlyArray<readonly [string, string]>;
  readonly push: 'auto' | 'true' | 'false';
  readonly pushByDigest: boolean;
  readonly registry: string;
  readonly username: string;
  readonly password: string;
  readonly cache: (typeof CACHE_TYPES)[number];
  readonly cacheMode: 'min' | 'max';
  readonly cacheMounts: boolean;
  readonly qemu: 'auto' | 'true' | 'false';
  readonly buildxVersion: string;
  readonly driver: (typeof DRIVERS)[number];
  readonly provenance: (typeof PROVENANCE)[number];
  readonly sbom: (typeof SBOM)[number];
  readonly buildArgs: ReadonlyArray<readonly [string, string]>;
  readonly dryRun: boolean;
  readonly mode: (typeof MODES)[number];
  readonly digests: readonly string[];
  readonly summary: boolean;
  readonly reproducible: boolean;
  readonly auditable: boolean;
  readonly sign: boolean;
  /** cosign private key (PEM); '' = keyless (GitHub OIDC). Secret. */
  readonly cosignKey: string;
  readonly cosignPassword: string;
  readonly transparencyLog: boolean;
}

export type RawInputs = Record<InputName, string>;

/** Read every input once (the only caller of core.getInput). Secrets are masked before anything else. */
export function readRawInputs(get: (name: string) => string = (n) => core.getInput(n)): RawInputs {
  const raw = {} as RawInputs;
  for (const name of Object.values(Input)) {
    const v = get(name);
    raw[name] = v.trim() === '' ? DEFAULTS[name] : v;
  }
  for (const secret of [raw.password, raw['cosign-key'], raw['cosign-password']]) maskSecret(secret);
  return raw;
}

/**
 * The runner masks a multi-line secret only as a whole: a PEM key echoed line by line (a tool's error
 * quoting one line) would show. Each line of the body is registered too; the armor lines are public.
 */
export function maskSecret(value: string, set: (v: string) => void = (v) => core.setSecret(v)): void {
  if (value === '') return;
  set(value);
  for (const line of value.split(/\r?\n/).map((l) => l.trim())) {
    if (line !== value.trim() && line.length >= 8 && !line.startsWith('-----')) set(line);
  }
}

const PROFILE = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
const FEATURE = /^[a-zA-Z0-9_][a-zA-Z0-9_+\-./]*$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** reproducible / auditable / sign and the signing key: checks that need no workspace or environment. */
function parseSupplyChain(raw: RawInputs): Pick<Inputs, 'reproducible' | 'auditable' | 'sign' | 'cosignKey' | 'cosignPassword' | 'transparencyLog'> {
  const sign = parseBool(Input.Sign, raw.sign);
  const cosignKey = raw['cosign-key'].trim();
  const transparencyLog = parseBool(Input.TransparencyLog, raw['transparency-log']);
  if (cosignKey !== '' && !/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(cosignKey)) {
    throw new InputError(Input.CosignKey, '', 'is not a PEM private key', 'Pass the contents of cosign.key (from `cosign generate-key-pair`) from a secret, e.g. `cosign-key: ${{ secrets.COSIGN_KEY }}`.', { secret: true });
  }
  if (raw['cosign-password'] !== '' && cosignKey === '') {
    throw new InputError(Input.CosignKey, '', 'is empty while cosign-password is set', 'Pass the encrypted key too, or drop cosign-password for keyless signing.', { secret: true });
  }
  if (!transparencyLog && cosignKey === '') {
    throw new InputError(Input.TransparencyLog, raw['transparency-log'], 'is false without a cosign-key', 'Keyless signatures are only verifiable through the Rekor transparency log: keep it true, or sign with a key (cosign-key).');
  }
  return { reproducible: parseBool(Input.Reproducible, raw.reproducible), auditable: parseBool(Input.Auditable, raw.auditable), sign, cosignKey, cosignPassword: raw['cosign-password'], transparencyLog };
}

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
    sbom: parseEnum(Input.Sbom, raw.sbom, SBOM),
    buildArgs: parseKeyValues(Input.BuildArgs, raw['build-args'], /^[A-Za-z_][A-Za-z0-9_]*$/),
    dryRun: parseBool(Input.DryRun, raw['dry-run']),
    mode,
    digests,
    summary: parseBool(Input.Summary, raw.summary),
    ...parseSupplyChain(raw),
  });
}

