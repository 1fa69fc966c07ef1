import { postEnv } from '../../helpers/action-runner.js';
import { withService, MOUNTS, statsLine, fail, DEBUG, BASE, type Case } from './case-kit.js';
import { slowProxy } from './observe.js';

// Rows: faults of the Actions cache service, and of the post step's cleanup.
export const CACHE_FAULT_CASES: Case[] = [
  {
    name: 'cache service up: mounts saved, then restored exactly (control, debug logging on)',
    group: 'Faults',
    expected: 'run 1 saves the Cargo cache mounts in post; run 2 restores them (cache-hit=true) and skips the save',
    inputs: MOUNTS,
    env: DEBUG,
    prepare: (c) =>
      withService(async (svc) => ({
        check: async (o) => {
          const first = await svc.stats();
          expect(first.entries).toBe(1);
          // Same runner, same RUNNER_TEMP: the directory is part of the cache version.
          const env = c.r.inputEnv({ ...BASE, ...MOUNTS }, { ...svc.clientEnv, ...DEBUG });
          const main = await c.r.stepAsync(env);
          const post = await c.r.stepAsync(postEnv(env, main));
          c.more.push({ main, post });
          expect(o.main.outputs['cache-hit']).toBe('false');
          expect(main.outputs['cache-hit']).toBe('true');
          expect(post.stdout).toContain('Not saving the Cargo cache mounts');
          return [`run 1: cache-hit=${o.main.outputs['cache-hit']}, entries after post: ${first.entries}`, `run 2: cache-hit=${main.outputs['cache-hit']}, exit ${main.code}, post skipped the save`];
        },
      })),
    expect: { kind: 'ok' },
  },
  {
    name: 'cache service down (connection refused), cache mounts on',
    group: 'Faults',
    expected: 'a warning, the build continues without the mounts, exit 0; post does not fail',
    inputs: MOUNTS,
    prepare: () => withService(async (svc) => void (await svc.stopEmulator())),
    expect: { kind: 'ok' },
    warnings: [/Failed to restore: .*ECONNREFUSED/],
  },
  {
    name: 'cache service outage (503) during main, back for post, cache mounts on',
    group: 'Faults',
    expected: 'a warning once @actions/cache gives up (5 attempts, about 25–35 s), the build continues, exit 0; post saves the mounts',
    inputs: MOUNTS,
    prepare: () =>
      withService(async (svc) => {
        await svc.configure({ failAll: 503 });
        return {
          between: async () => void (await svc.configure({ failAll: 0 })),
          check: async () => {
            const s = await svc.stats();
            expect(s['outage 503']).toBe(5);
            expect(s.entries).toBe(1);
            return [statsLine(s)];
          },
        };
      }),
    expect: { kind: 'ok' },
    warnings: [/Failed to restore: .*after 5 attempts.*503/],
  },
  {
    name: 'cache service slow (2 s per call), cache mounts on',
    group: 'Faults',
    expected: 'the build waits and continues, exit 0; the mounts are still saved',
    inputs: MOUNTS,
    prepare: () =>
      withService(async (svc) => {
        const proxy = await slowProxy(svc.url, 2000);
        return {
          env: { ACTIONS_RESULTS_URL: `${proxy.url}/` },
          check: async () => {
            const s = await svc.stats();
            expect(s.entries).toBe(1);
            return [`calls through the slow proxy: ${proxy.hits.length}`, statsLine(s)];
          },
          cleanup: () => proxy.close(),
        };
      }),
    expect: { kind: 'ok' },
  },
  {
    name: 'cache service hangs up (connection reset), cache mounts on',
    group: 'Faults',
    expected: 'a warning, the build continues, exit 0; post does not fail',
    inputs: MOUNTS,
    prepare: () =>
      withService(async (svc) => {
        const proxy = await slowProxy(svc.url, 300, true);
        return { env: { ACTIONS_RESULTS_URL: `${proxy.url}/` }, cleanup: () => proxy.close() };
      }),
    expect: { kind: 'ok' },
    warnings: [/Failed to restore: .*ECONNRESET/],
  },
  {
    name: 'cache service rate limit (429) on save, cache mounts on',
    group: 'Faults',
    expected: 'the build succeeds; post reports the rate limit (warning) and does not fail',
    inputs: MOUNTS,
    prepare: () =>
      withService(async (svc) => {
        await svc.configure({ rateLimitCreate: 1, retryAfter: 30 });
        // Use up the window's one creation, so this run's save gets 429.
        const res = await fetch(`${svc.url}twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${svc.clientEnv.ACTIONS_RUNTIME_TOKEN}` },
          body: JSON.stringify({ key: 'another-job', version: 'v' }),
        });
        expect(res.status).toBe(200);
        return {
          check: async () => {
            const s = await svc.stats();
            expect(s['CreateCacheEntry 429']).toBe(1);
            return [statsLine(s)];
          },
        };
      }),
    expect: { kind: 'ok' },
    warnings: [/rate limit will reset in 30 seconds/],
  },
  {
    name: 'cache: gha outside a runner (no cache variables)',
    group: 'Faults',
    expected: 'a warning that buildx would silently skip the gha cache, with the alternatives; the build continues',
    inputs: { cache: 'gha' },
    expect: { kind: 'ok' },
    warnings: [/ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL .*'cache: registry'/],
  },
  {
    name: 'post-step cleanup fails (docker logout and buildx rm)',
    group: 'Faults',
    expected: 'warnings only, post exits 0, and the job\'s DOCKER_CONFIG is still deleted',
    env: fail({ logout: { stderr: 'Error: failed to erase credentials: exit status 1\n' }, 'buildx rm': { stderr: 'ERROR: failed to remove builder: context deadline exceeded\n' } }),
    expect: { kind: 'ok' },
    warnings: [/Cleanup: docker logout docker\.io failed/, /Cleanup: removing builder muslrust-chef-[0-9a-f]{8} failed/],
  },
];
