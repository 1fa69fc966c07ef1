import { InputError } from '../errors.js';
import { parseList } from '../parse.js';

/** What clux/muslrust ships: x86_64 and aarch64 musl toolchains, nothing else. */
export const SUPPORTED = ['linux/amd64', 'linux/arm64'] as const;
export type Platform = (typeof SUPPORTED)[number];
export const DEFAULT_PLATFORMS: readonly Platform[] = SUPPORTED;

const ALIASES: Record<string, Platform> = {
  amd64: 'linux/amd64',
  x86_64: 'linux/amd64',
  'x86-64': 'linux/amd64',
  x64: 'linux/amd64',
  arm64: 'linux/arm64',
  aarch64: 'linux/arm64',
  'arm64/v8': 'linux/arm64',
};

function normaliseOne(input: string, raw: string): Platform {
  const v = raw.trim().toLowerCase();
  const bare = v.startsWith('linux/') ? v.slice('linux/'.length) : v;
  const hit = ALIASES[bare];
  if (hit) return hit;
  const near = bare.includes('arm') ? ' (32-bit arm is not shipped by muslrust; did you mean arm64?)' : '';
  throw new InputError(
    input,
    raw,
    `names a platform muslrust does not ship${near}`,
    `Use linux/amd64 and/or linux/arm64 (amd64, x86_64, arm64 and aarch64 are accepted too).`,
  );
}

export interface PlatformSource {
  /** Where the list came from, for logs and errors. */
  from: 'input' | 'MUSLRUST_PLATFORMS' | 'default';
  platforms: Platform[];
}

/**
 * Resolve platforms: the `platforms` input, else the MUSLRUST_PLATFORMS environment variable (how an
 * org variable reaches a step), else both. Normalised, de-duplicated, in SUPPORTED order.
 */
export function resolvePlatforms(inputRaw: string, envRaw: string | undefined): PlatformSource {
  let from: PlatformSource['from'] = 'default';
  let raw = '';
  if (inputRaw.trim() !== '') {
    from = 'input';
    raw = inputRaw;
  } else if (envRaw !== undefined && envRaw.trim() !== '') {
    from = 'MUSLRUST_PLATFORMS';
    raw = envRaw;
  }
  if (from === 'default') return { from, platforms: [...DEFAULT_PLATFORMS] };
  const name = from === 'input' ? 'platforms' : 'platforms (from MUSLRUST_PLATFORMS)';
  const items = parseList(raw);
  if (items.length === 0) {
    throw new InputError(name, raw, 'lists no platform', 'Give at least one of linux/amd64, linux/arm64, or leave it empty for both.');
  }
  const set = new Set(items.map((p) => normaliseOne(name, p)));
  return { from, platforms: SUPPORTED.filter((p) => set.has(p)) };
}

/** The runner's own platform, from Node's arch names. */
export function nativePlatform(arch: string = process.arch): Platform | undefined {
  if (arch === 'x64') return 'linux/amd64';
  if (arch === 'arm64') return 'linux/arm64';
  return undefined;
}

/** Platforms the runner can only run under QEMU. */
export function foreignPlatforms(platforms: readonly Platform[], native: Platform | undefined): Platform[] {
  return platforms.filter((p) => p !== native);
}

/** `linux/arm64` → `arm64` (binfmt name), `linux-arm64` (scope/pair name). */
export const archOf = (p: Platform): 'amd64' | 'arm64' => (p === 'linux/amd64' ? 'amd64' : 'arm64');
export const pairOf = (p: Platform): string => p.replace(/\//g, '-');

/** The Rust target muslrust builds for each platform. */
export const RUST_ARCH: Record<Platform, 'x86_64' | 'aarch64'> = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' };
export const rustTarget = (p: Platform): string => `${RUST_ARCH[p]}-unknown-linux-musl`;

/**
 * How each platform gets built. `native`: the build machine's own CPU (the runner's, or an appended
 * builder node that declares it); `cross`: build stages on the build platform, rustc emits code for
 * the target; `emulated`: every RUN of the build stages under QEMU.
 */
export type BuildWay = 'native' | 'cross' | 'emulated';
export const WAY_LABEL: Record<BuildWay, string> = { native: 'native', cross: 'cross-compiled', emulated: 'emulated (QEMU)' };

export interface WayOptions {
  /** The build machine's platform (the runner's for local drivers; undefined when unknown). */
  native: Platform | undefined;
  /** Platforms a builder node builds natively (appended nodes that declare `platforms`). */
  nodePlatforms: readonly Platform[];
  /** Whether the Dockerfile cross-compiles (the generated one with `cross` not false, or `cross: true`). */
  crossCompiles: boolean;
}

export function platformWays(platforms: readonly Platform[], o: WayOptions): Record<string, BuildWay> {
  const ways: Record<string, BuildWay> = {};
  for (const p of platforms) {
    if (p === o.native || o.nodePlatforms.includes(p)) ways[p] = 'native';
    else ways[p] = o.crossCompiles ? 'cross' : 'emulated';
  }
  return ways;
}

/** `linux/amd64 native, linux/arm64 cross-compiled`: one line for the log, the summary and the dry run. */
export function describeWays(ways: Readonly<Record<string, BuildWay>>): string {
  return Object.entries(ways)
    .map(([p, w]) => `${p} ${WAY_LABEL[w]}`)
    .join(', ');
}
