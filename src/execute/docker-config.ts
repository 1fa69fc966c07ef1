import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A per-job DOCKER_CONFIG: our login never lands in ~/.docker (shared by later steps and, on
 * self-hosted runners, later jobs) and post deletes it whole. It starts as a copy of the user's
 * config so an earlier docker/login-action step still counts; plugins and contexts are linked.
 */
export function prepareDockerConfig(dir: string, logins: readonly string[] = [], home: string = process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker')): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cfg = path.join(home, 'config.json');
  const ours = path.join(dir, 'config.json');
  if (fs.existsSync(cfg)) fs.copyFileSync(cfg, ours);
  else fs.writeFileSync(ours, '{}\n', { mode: 0o600 });
  keepLoginsInFile(ours, logins);
  for (const sub of ['cli-plugins', 'contexts']) {
    const src = path.join(home, sub);
    const dst = path.join(dir, sub);
    if (fs.existsSync(src) && !fs.existsSync(dst)) fs.symlinkSync(src, dst);
  }
}

/** The keys docker's credential code uses for a registry (Docker Hub's is its v1 index URL). */
const credentialKeys = (registry: string): string[] => (registry === 'docker.io' ? ['https://index.docker.io/v1/', 'docker.io'] : [registry]);

/**
 * A copied config with `credsStore` / `credHelpers` would send our `docker login` to the user's own
 * credential helper (the same keychain/pass store the copy points at), and post's `docker logout`
 * would then erase the user's login there. docker's getConfiguredCredentialStore takes an existing
 * credHelpers entry, even an empty one, over credsStore, and empty means the config file: so each
 * registry we log in to gets `""`, and other registries keep the user's helpers.
 */
function keepLoginsInFile(file: string, logins: readonly string[]): void {
  if (logins.length === 0) return;
  let c: { credsStore?: unknown; credHelpers?: Record<string, string> };
  try {
    c = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof c;
  } catch {
    return; // docker reports an unreadable config itself, naming the file
  }
  if (c.credsStore === undefined && c.credHelpers === undefined) return;
  c.credHelpers = { ...c.credHelpers };
  for (const r of logins) for (const k of credentialKeys(r)) c.credHelpers[k] = '';
  fs.rmSync(file); // the copy keeps the original's mode, which may be read-only
  fs.writeFileSync(file, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
}

/** Whether the user's docker config can already authenticate to `registry`. */
export function hasStoredAuth(registry: string, home: string = process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker')): boolean {
  const cfg = path.join(home, 'config.json');
  if (!fs.existsSync(cfg)) return false;
  try {
    const c = JSON.parse(fs.readFileSync(cfg, 'utf8')) as { auths?: Record<string, unknown>; credHelpers?: Record<string, unknown>; credsStore?: string };
    const names = registry === 'docker.io' ? ['docker.io', 'https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io'] : [registry, `https://${registry}`];
    return names.some((n) => (c.auths && n in c.auths) || (c.credHelpers && n in c.credHelpers)) || Boolean(c.credsStore && registry === 'docker.io');
  } catch {
    return false;
  }
}
