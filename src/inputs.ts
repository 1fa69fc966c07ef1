import type { RegistryAuth } from './plan/auth.js';
import type { ImageName } from './plan/image-ref.js';

// The action's inputs: names, defaults and the validated shape. Reading them is read/raw-inputs.ts,
// validating them is parse-inputs.ts.

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
  RegistryAuth: 'registry-auth',
  Cache: 'cache',
  CacheMode: 'cache-mode',
  CacheMounts: 'cache-mounts',
  Qemu: 'qemu',
  BuildxVersion: 'buildx-version',
  Driver: 'driver',
  Endpoint: 'endpoint',
  DriverOpts: 'driver-opts',
  Append: 'append',
  Cross: 'cross',
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
  'runtime-image': 'cgr.dev/chainguard/static:latest',
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
  'registry-auth': '',
  cache: 'gha',
  'cache-mode': 'max',
  'cache-mounts': 'false',
  qemu: 'auto',
  'buildx-version': '',
  driver: 'docker-container',
  endpoint: '',
  'driver-opts': '',
  append: '',
  cross: 'auto',
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
export const DRIVERS = ['docker-container', 'docker', 'remote', 'kubernetes', 'cloud'] as const;
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
  /** Every login to make, one per registry: `registry-auth`, or username/password for `registry`. */
  readonly auths: readonly RegistryAuth[];
  readonly cache: (typeof CACHE_TYPES)[number];
  readonly cacheMode: 'min' | 'max';
  readonly cacheMounts: boolean;
  readonly qemu: 'auto' | 'true' | 'false';
  readonly buildxVersion: string;
  readonly driver: (typeof DRIVERS)[number];
  /** buildx create's endpoint: a remote BuildKit address, a kube context, a Build Cloud ORG/BUILDER. */
  readonly endpoint: string;
  readonly driverOpts: readonly string[];
  /** Raw `append` YAML; parsed (and checked) by plan/builder.ts. */
  readonly append: string;
  /** auto: cross-compile platforms foreign to the build machine; true: also trust a custom Dockerfile to; false: QEMU. */
  readonly cross: 'auto' | 'true' | 'false';
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
