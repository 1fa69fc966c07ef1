import * as core from '@actions/core';
import fs from 'node:fs';
import { Docker } from './docker.js';
import { errorMessage } from '../errors.js';
import { saveCacheMounts, saveLocalCache } from './cache/persist.js';
import { loadMainState } from './state.js';

/** Each cleanup in its own try: a failed logout must not keep the builder alive, and nothing fails the job. */
async function attempt(what: string, fn: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    core.warning(`Cleanup: ${what} failed: ${errorMessage(e)}`);
  }
}

export async function runPost(): Promise<void> {
  const state = loadMainState();
  if (!state) {
    core.info('Nothing to clean up (main step stopped before any docker command).');
    return;
  }
  const docker = new Docker(state.dockerConfig ? { DOCKER_CONFIG: state.dockerConfig } : {});
  // Saving reads the builder's cache mounts, so it comes before the builder is removed.
  if (state.cacheMounts) {
    const mounts = state.cacheMounts;
    await attempt('saving the Cargo cache mounts', () => saveCacheMounts(mounts, docker, { buildSucceeded: state.buildSucceeded }));
  }
  if (state.localCache) {
    const local = state.localCache;
    await attempt('saving the local layer cache', () => saveLocalCache(local, { buildSucceeded: state.buildSucceeded }));
  }
  for (const registry of state.loggedIn) {
    await attempt(`docker logout ${registry}`, () => docker.run(['docker', 'logout', registry], { silent: true }));
  }
  if (state.builder) {
    const builder = state.builder;
    await attempt(`removing builder ${builder}`, () => docker.run(['docker', 'buildx', 'rm', builder], { silent: true }));
  }
  if (state.dockerConfig) {
    const dir = state.dockerConfig;
    await attempt(`removing ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  core.info('Cleanup done.');
}
