import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.js';
import { isLocalRegistry, type ImageName } from './image-ref.js';

/** One registry login: docker/login-action's `registry-auth` entry (registry, username, password). */
export interface RegistryAuth {
  /** Host as docker keys it, e.g. docker.io, ghcr.io, localhost:5000. */
  registry: string;
  username: string;
  password: string;
}

const HOST = /^[a-z0-9.-]+(:\d{1,5})?$/;
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const EXAMPLE = 'e.g.\n  registry-auth: |\n    - registry: docker.io\n      username: ${{ vars.DOCKERHUB_USERNAME }}\n      password: ${{ secrets.DOCKERHUB_TOKEN }}\n    - registry: ghcr.io\n      username: ${{ github.actor }}\n      password: ${{ secrets.GITHUB_TOKEN }}';

/** `https://index.docker.io/v1/`, `Index.Docker.io` → `docker.io`; `ghcr.io` stays. Undefined when not a host. */
export function normalizeRegistry(raw: string): string | undefined {
  const host = raw.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (!HOST.test(host)) return undefined;
  return DOCKER_HUB.has(host) ? 'docker.io' : host;
}

/**
 * The passwords of a raw `registry-auth` value, to mask before anything can print them: from the
 * parsed entries (a list, or a lone mapping), and from `password:` lines when the YAML is broken.
 */
export function registryAuthSecrets(raw: string): string[] {
  const out = new Set<string>();
  try {
    const doc: unknown = parseYaml(raw);
    for (const e of Array.isArray(doc) ? doc : [doc]) {
      const p = typeof e === 'object' && e !== null ? (e as { password?: unknown }).password : undefined;
      if (typeof p === 'string' && p !== '') out.add(p);
    }
  } catch {
    for (const m of raw.matchAll(/password:\s*(.+?)\s*$/gm)) out.add((m[1] ?? '').replace(/^(["'])(.*)\1$/, '$2'));
  }
  return [...out].filter((p) => p !== '');
}

/**
 * docker/login-action's `registry-auth`: a YAML list of {registry, username, password}; registry
 * defaults to docker.io. Errors never show the value (it holds passwords): only the entry's number
 * and registry. `scope` and `ecr` (login-action's AWS/scoped logins) are refused rather than ignored.
 */
export function parseRegistryAuth(input: string, raw: string): RegistryAuth[] {
  const bad = (problem: string, fix: string): never => {
    throw new InputError(input, '', problem, fix, { secret: true });
  };
  let doc: unknown;
  try {
    doc = parseYaml(raw);
  } catch (e) {
    return bad(`is not valid YAML (${(e as Error).message.split('\n')[0]?.replace(/".*"/, '…')})`, `Write a YAML list, ${EXAMPLE}`);
  }
  if (!Array.isArray(doc) || doc.length === 0) return bad('is not a YAML list of registries', `Write one entry per registry, ${EXAMPLE}`);
  const seen = new Set<string>();
  return doc.map((e: unknown, i): RegistryAuth => {
    const n = `entry ${i + 1}`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return bad(`${n} is not a mapping`, `Give registry, username and password per entry, ${EXAMPLE}`);
    const o = e as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => !['registry', 'username', 'password'].includes(k));
    if (extra.length > 0) bad(`${n} has ${extra.join(', ')}, which this action does not support`, 'Use registry, username and password only (for ECR or scoped logins, log in with docker/login-action in an earlier step).');
    const rawRegistry = o.registry === undefined ? 'docker.io' : o.registry;
    const registry = typeof rawRegistry === 'string' ? normalizeRegistry(rawRegistry) : undefined;
    if (!registry) return bad(`${n} has registry ${JSON.stringify(rawRegistry)}, not a registry host`, 'Use a host such as docker.io, ghcr.io or localhost:5000.');
    if (typeof o.username !== 'string' || o.username.trim() === '') bad(`${n} (${registry}) has no username`, `Set username for ${registry}.`);
    if (typeof o.password !== 'string' || o.password === '') bad(`${n} (${registry}) has no password`, `Set password for ${registry} (an access token secret; an empty secret means it is not available to this workflow).`);
    if (seen.has(registry)) bad(`lists ${registry} twice`, 'Keep one entry per registry.');
    seen.add(registry);
    return { registry, username: (o.username as string).trim(), password: o.password as string };
  });
}

/**
 * Every registry the build pushes to needs a login: from our inputs, or an earlier step's (the
 * user's docker config). Fails before any docker command, naming the registry and the image.
 */
export function checkPushCredentials(images: readonly ImageName[], auths: readonly RegistryAuth[], hasStoredAuth: (r: string) => boolean, input: string): void {
  for (const image of images) {
    const r = image.registry;
    if (isLocalRegistry(r) || auths.some((a) => a.registry === r) || hasStoredAuth(r)) continue;
    throw new InputError(
      input,
      image.name,
      `is pushed to ${r}, but there are no credentials for ${r}${auths.length > 0 ? ` (logins: ${auths.map((a) => a.registry).join(', ')})` : ''}`,
      `Give one login per registry with registry-auth, ${EXAMPLE}\nor log in to ${r} in an earlier step (docker/login-action), or set push: false.`,
    );
  }
}
