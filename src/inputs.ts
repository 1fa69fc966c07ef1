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
  sbom: 'false',
  'build-args': '',
  'dry-run': 'false',
  mode: 'build',
  digests: '',
  summary: 'true',
};

export const CACHE_TYPES = ['gha', 'registry', 'local', 'none'] as const;
export const DRIVERS = ['docker-container', 'docker'] as const;
export const MODES = ['build', 'merge'] as const;
export const PROVENANCE = ['false', 'true', 'min', 'max'] as const;

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
  readonly sbom: boolean;
  readonly buildArgs: ReadonlyArray<readonly [string, string]>;
  readonly dryRun: boolean;
  readonly mode: (typeof MODES)[number];
  readonly digests: readonly string[];
  readonly summary: boolean;
}

export type RawInputs = Record<InputName, string>;
