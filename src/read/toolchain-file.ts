import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { WorkspaceError } from '../errors.js';

/**
 * A workspace's rust-toolchain pin, read the way rustup reads it (src/config.rs): `rust-toolchain`
 * wins over `rust-toolchain.toml` when both exist; a one-line `rust-toolchain` is a bare channel,
 * anything else is TOML with a [toolchain] table of channel, components, targets, profile (path is
 * a local toolchain and cannot exist inside an image build).
 */
export interface ToolchainPin {
  /** The file it came from, relative to the workspace root. */
  file: string;
  /** Undefined when the file lists only components/targets (rustup then uses the default toolchain). */
  channel?: string;
  components: string[];
  /** Listed targets: not installed (only the musl target of each platform is), but shown in the plan. */
  targets: string[];
  profile?: 'minimal' | 'default' | 'complete';
}

// rustup's channel grammar (dist/mod.rs ParsedToolchainDesc): channel, optional -YYYY-MM-DD, optional
// host triple. A triple is rejected below: it is host specific and the image builds two hosts.
const VERSION = String.raw`[0-9]\.(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]?))?(?:-beta(?:\.[0-9]{1,2})?)?`;
const CHANNEL = new RegExp(String.raw`^(nightly|beta|stable|${VERSION})(?:-([0-9]{4}-[0-9]{2}-[0-9]{2}))?(?:-(.+))?$`);
const COMPONENT = /^[a-z0-9][a-z0-9._-]*$/;
const PROFILES = ['minimal', 'default', 'complete'] as const;

function fail(file: string, problem: string, fix: string): never {
  throw new WorkspaceError(`${file} ${problem}. ${fix}`);
}

function strings(file: string, key: string, v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(file, `has ${key} = ${JSON.stringify(v)}, not a list of strings`, `Write e.g. ${key} = ["rust-src"].`);
  const list = v as string[];
  for (const c of list) {
    if (!COMPONENT.test(c)) fail(file, `lists ${key.replace(/s$/, '')} ${JSON.stringify(c)}, which is not a rustup name`, `Use names like "rust-src" or "x86_64-unknown-linux-musl".`);
  }
  return list;
}

function checkChannel(file: string, channel: string): string {
  const m = CHANNEL.exec(channel);
  if (!m) fail(file, `pins channel ${JSON.stringify(channel)}, which rustup does not accept`, 'Use stable, beta, nightly, a version such as 1.85 or 1.85.1, or a dated nightly such as nightly-2025-06-01.');
  if (m[3] !== undefined) {
    fail(file, `pins channel ${JSON.stringify(channel)}, which names a host (${m[3]})`, `The image is built on linux/amd64 and linux/arm64 hosts: drop the host part, e.g. channel = "${m[1]}${m[2] ? `-${m[2]}` : ''}".`);
  }
  return channel;
}

/** The pin of the workspace at `root`, or undefined when it has no toolchain file. Bad files fail here. */
export function readToolchainPin(root: string): ToolchainPin | undefined {
  const legacy = path.join(root, 'rust-toolchain');
  const file = fs.existsSync(legacy) ? 'rust-toolchain' : fs.existsSync(path.join(root, 'rust-toolchain.toml')) ? 'rust-toolchain.toml' : undefined;
  if (file === undefined) return undefined;
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const lines = text.split(/\r?\n/).filter((l, i, a) => !(i === a.length - 1 && l === ''));
  if (lines.length === 0 || text.trim() === '') fail(file, 'is empty (rustup refuses it)', 'Remove it, or write [toolchain] with channel = "1.85.1".');
  if (file === 'rust-toolchain' && lines.length === 1) {
    const channel = text.trim();
    if (path.isAbsolute(channel)) fail(file, `points at a local toolchain directory (${channel})`, 'A path toolchain does not exist inside the image build: pin a channel such as 1.85.1 instead.');
    return { file, channel: checkChannel(file, channel), components: [], targets: [] };
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    return fail(file, `is not valid TOML: ${(e as Error).message.split('\n')[0]}`, 'Fix the syntax; rustup (and so cargo) would refuse it too.');
  }
  const t = doc.toolchain;
  if (typeof t !== 'object' || t === null || Array.isArray(t)) fail(file, 'has no [toolchain] table', 'Write [toolchain] with channel = "1.85.1" (and optionally components, targets, profile).');
  const tc = t as Record<string, unknown>;
  if (tc.path !== undefined) fail(file, `sets path = ${JSON.stringify(tc.path)}, a local toolchain`, 'A path toolchain does not exist inside the image build: pin a channel such as 1.85.1 instead.');
  if (tc.channel !== undefined && typeof tc.channel !== 'string') fail(file, `has channel = ${JSON.stringify(tc.channel)}, not a string`, 'Write channel = "1.85.1".');
  const channel = tc.channel === undefined ? undefined : checkChannel(file, tc.channel as string);
  const components = strings(file, 'components', tc.components);
  const targets = strings(file, 'targets', tc.targets);
  if (channel === undefined && tc.components === undefined && tc.targets === undefined) {
    fail(file, 'has a [toolchain] table without channel, components or targets (rustup refuses it)', 'Add channel = "1.85.1", or remove the file.');
  }
  let profile: ToolchainPin['profile'];
  if (tc.profile !== undefined) {
    profile = PROFILES.find((p) => p === tc.profile);
    if (!profile) fail(file, `has profile = ${JSON.stringify(tc.profile)}`, `Use one of ${PROFILES.join(', ')}.`);
  }
  return { file, channel, components, targets, profile };
}
