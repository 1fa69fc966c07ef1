// The buildx probe that main starts early: ensureBuildx uses its answer instead of asking again (one
// `docker buildx version` per run), and asks itself when no probe was started.
import type { DockerRunner, RunResult } from '../../src/execute/docker.js';
import { ensureBuildx, MIN_BUILDX, probeBuildx } from '../../src/execute/buildx.js';

function recorder(stdout: string): DockerRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run: async (argv: readonly string[]): Promise<RunResult> => {
      calls.push(argv.join(' '));
      return { exitCode: 0, stdout, stderr: '' };
    },
  };
}
const opts = { requested: '', dockerConfig: '/nonexistent', env: {} };

describe('buildx probe', () => {
  it('probeBuildx reads the version from `docker buildx version`', async () => {
    const d = recorder('github.com/docker/buildx v0.29.1 a1b2c3d\n');
    await expect(probeBuildx(d)).resolves.toBe('0.29.1');
    expect(d.calls).toEqual(['docker buildx version']);
  });

  it('ensureBuildx takes the answer of a probe already started, without a second docker call', async () => {
    const d = recorder('never asked');
    await expect(ensureBuildx(d, { ...opts, probe: Promise.resolve('0.29.1') })).resolves.toEqual({ version: '0.29.1', installed: false });
    expect(d.calls).toEqual([]);
  });

  it('ensureBuildx probes itself when no probe was started', async () => {
    const d = recorder(`github.com/docker/buildx v${MIN_BUILDX} x\n`);
    await expect(ensureBuildx(d, opts)).resolves.toEqual({ version: MIN_BUILDX, installed: false });
    expect(d.calls).toEqual(['docker buildx version']);
  });
});
