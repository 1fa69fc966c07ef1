import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.js';
import { DRIVERS, Input } from '../inputs.js';
import type { PlannedCommand } from './commands.js';
import { resolvePlatforms, type Platform } from './platforms.js';

/**
 * The buildx builder: a BuildKit container on the runner (docker-container), the daemon's own
 * BuildKit (docker), or an existing distributed engine the team runs (remote BuildKit, BuildKit pods
 * on kubernetes, Docker Build Cloud), optionally with more nodes appended — a native arm64 node
 * makes linux/arm64 native in the same one-step build. The argv follows docker/setup-buildx-action
 * (`getCreateArgs`, `getAppendArgs`).
 */
export type Driver = (typeof DRIVERS)[number];

/** Drivers whose BuildKit runs on this runner: QEMU registered here reaches it. */
export const isLocalDriver = (d: Driver): boolean => d === 'docker' || d === 'docker-container';

/** One `append` entry, as setup-buildx-action's `append` input spells it. */
export interface BuilderNode {
  name?: string;
  endpoint?: string;
  platforms: Platform[];
  driverOpts: string[];
}

const NODE_KEYS = new Set(['name', 'endpoint', 'platforms', 'driver-opts']);
const APPEND_FIX = 'Give a YAML list of nodes, e.g.\n- name: arm64\n  endpoint: tcp://arm64-builder:1234\n  platforms: linux/arm64';

/** The `append` input: a YAML list of {name, endpoint, platforms, driver-opts}. */
export function parseAppend(raw: string): BuilderNode[] {
  if (raw.trim() === '') return [];
  let doc: unknown;
  try {
    doc = parseYaml(raw);
  } catch (e) {
    throw new InputError(Input.Append, raw, `is not valid YAML (${(e as Error).message.split('\n')[0]})`, APPEND_FIX);
  }
  if (!Array.isArray(doc)) throw new InputError(Input.Append, raw, 'is not a YAML list', APPEND_FIX);
  return doc.map((n: unknown, i) => {
    if (n === null || typeof n !== 'object' || Array.isArray(n)) throw new InputError(Input.Append, raw, `has an entry #${i + 1} that is not a mapping`, APPEND_FIX);
    const o = n as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !NODE_KEYS.has(k));
    if (unknown.length) throw new InputError(Input.Append, raw, `entry #${i + 1} has unknown key(s) ${unknown.join(', ')}`, `Use only name, endpoint, platforms and driver-opts (as docker/setup-buildx-action's append).`);
    const str = (k: string): string | undefined => (o[k] === undefined || o[k] === null ? undefined : String(o[k]).trim() || undefined);
    const list = (k: string): string[] => (Array.isArray(o[k]) ? (o[k] as unknown[]).map(String) : str(k)?.split(/[,\n]/) ?? []).map((s) => s.trim()).filter(Boolean);
    const platforms = list('platforms').join(',');
    return {
      name: str('name'),
      endpoint: str('endpoint'),
      platforms: platforms ? resolvePlatforms(platforms, undefined).platforms : [],
      driverOpts: list('driver-opts'),
    };
  });
}

export interface BuilderOptions {
  builder: string;
  driver: Driver;
  localRegistry: boolean;
  endpoint: string;
  driverOpts: readonly string[];
  append: readonly BuilderNode[];
}

/** Problems with the builder inputs, found before any docker command runs. */
export function checkBuilderInputs(o: BuilderOptions): void {
  if (o.driver === 'docker') {
    const extra = o.append.length ? [Input.Append, 'nodes'] : o.endpoint ? [Input.Endpoint, o.endpoint] : o.driverOpts.length ? [Input.DriverOpts, o.driverOpts.join('\n')] : undefined;
    if (extra) throw new InputError(extra[0] as string, extra[1] as string, 'needs a builder the action creates, but driver is docker (the daemon\'s own BuildKit)', 'Use driver: docker-container, remote, kubernetes or cloud, or drop this input.');
  }
  if ((o.driver === 'remote' || o.driver === 'cloud') && o.endpoint === '') {
    const example = o.driver === 'remote' ? 'tcp://buildkitd.example:1234 (TLS files via driver-opts cacert=,cert=,key=)' : 'ORG/BUILDER (your Docker Build Cloud builder; log in to Docker Hub first)';
    throw new InputError(Input.Endpoint, '', `is empty, but the ${o.driver} driver needs one`, `Set endpoint, e.g. ${example}.`);
  }
}

export function builderCommands(o: BuilderOptions): PlannedCommand[] {
  const version: PlannedCommand = { id: 'buildx-version', argv: ['docker', 'buildx', 'version'], note: 'buildx >= 0.21 is needed (GitHub cache service v2); older → pinned install' };
  if (o.driver === 'docker') return [version];
  const argv = ['docker', 'buildx', 'create', '--name', o.builder, '--driver', o.driver];
  for (const opt of o.driverOpts) argv.push('--driver-opt', opt);
  // A BuildKit container cannot reach the runner's localhost registry without the host network.
  if (o.driver === 'docker-container' && o.localRegistry && !o.driverOpts.some((d) => d.startsWith('network='))) argv.push('--driver-opt', 'network=host');
  // Booting happens once, after the last node is appended.
  if (o.append.length === 0) argv.push('--bootstrap');
  if (o.endpoint) argv.push(o.endpoint);
  const where = o.driver === 'docker-container' ? 'a BuildKit container on this runner' : `the ${o.driver} builder${o.endpoint ? ` at ${o.endpoint}` : ''}`;
  const cmds: PlannedCommand[] = [version, { id: 'builder-create', argv, note: `${where}; removed in post (a remote engine itself stays)` }];
  for (const n of o.append) {
    const a = ['docker', 'buildx', 'create', '--name', o.builder, '--append'];
    if (n.name) a.push('--node', n.name);
    for (const opt of n.driverOpts) a.push('--driver-opt', opt);
    if (n.platforms.length) a.push('--platform', n.platforms.join(','));
    if (n.endpoint) a.push(n.endpoint);
    const plats = n.platforms.length ? `: builds ${n.platforms.join(', ')} natively` : '';
    cmds.push({ id: 'builder-append', argv: a, note: `append node ${n.name ?? n.endpoint ?? '(unnamed)'}${plats}` });
  }
  if (o.append.length) cmds.push({ id: 'builder-boot', argv: ['docker', 'buildx', 'inspect', '--bootstrap', '--builder', o.builder], note: 'boot every node of the builder' });
  return cmds;
}
