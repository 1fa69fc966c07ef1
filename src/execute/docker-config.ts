import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A per-job DOCKER_CONFIG: our login never lands in ~/.docker (shared by later steps and, on
 * self-hosted runners, later jobs) and post deletes it whole. It starts as a copy of the user's
 * config so an earlier docker/login-action step still counts; plugins and contexts are linked.
 */
export function prepareDockerConfig(dir: string, home: string = process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker')): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cfg = path.join(home, 'config.json');
  const ours = path.join(dir, 'config.json');
  if (fs.existsSync(cfg)) fs.copyFileSync(cfg, ours);
  else fs.writeFileSync(ours, '{}\n', { mode: 0o600 });
  for (const sub of ['cli-plugins', 'contexts']) {
    const src = path.join(home, sub);
    const dst = path.join(dir, sub);
    if (fs.existsSync(src) && !fs.existsSync(dst)) fs.symlinkSync(src, dst);
  }
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
