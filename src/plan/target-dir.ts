import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { WORKDIR } from '../cache/mount-spec.js';
import { WorkspaceError } from '../errors.js';

/** Where cargo writes inside the builder when nothing moves it: muslrust's WORKDIR + target. */
export const DEFAULT_TARGET_DIR = `${WORKDIR}/target`;

/**
 * `[build] target-dir` of the workspace's cargo config, as cargo resolves it inside the builder: a
 * relative path is relative to the directory holding `.cargo/` (the workspace root, /volume); cargo
 * reads `.cargo/config` over `.cargo/config.toml` when both exist. Undefined when it is not set.
 * The value goes into the Dockerfile (ENV and a --mount flag), so only plain path characters pass.
 */
export function configuredTargetDir(configFiles: Readonly<Record<string, string>>): string | undefined {
  for (const rel of ['.cargo/config', '.cargo/config.toml']) {
    const text = configFiles[rel];
    if (text === undefined) continue;
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(text) as Record<string, unknown>;
    } catch (e) {
      throw new WorkspaceError(`${rel} is not valid TOML: ${(e as Error).message.split('\n')[0]}. Fix it; cargo would refuse it too.`);
    }
    const build = doc.build;
    const dir = typeof build === 'object' && build !== null ? (build as Record<string, unknown>)['target-dir'] : undefined;
    if (dir === undefined) return undefined;
    if (typeof dir !== 'string' || !/^[A-Za-z0-9._/-]+$/.test(dir)) {
      throw new WorkspaceError(`${rel} sets [build] target-dir = ${JSON.stringify(dir)}, which the image build cannot use. Use a plain path (letters, digits, . _ - /), e.g. target-dir = "build/target".`);
    }
    return path.posix.resolve(WORKDIR, dir);
  }
  return undefined;
}
