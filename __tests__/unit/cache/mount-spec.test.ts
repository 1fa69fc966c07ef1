import { mountFlags, mountId, mountScope, mountsArgValue, withMountsArg, CACHE_MOUNTS, MOUNTS_ARG, SCOPE_ARG } from '../../../src/cache/mount-spec.js';

describe('mount scope (issue 11 defect 3: one target/ per repository and checkout directory)', () => {
  test('12 hex, stable, different for another checkout directory or repository', () => {
    const a = mountScope('org/app', '/runner1/_work/app/app');
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(mountScope('org/app', '/runner1/_work/app/app')).toBe(a);
    expect(mountScope('org/app', '/runner2/_work/app/app')).not.toBe(a);
    expect(mountScope('org/other', '/runner1/_work/app/app')).not.toBe(a);
  });

  test('ids carry scope and arch; the Dockerfile flags read both from build args', () => {
    const target = CACHE_MOUNTS.find((m) => m.name === 'target')!;
    expect(mountId(target, 'amd64', 'abc')).toBe('muslrust-chef-abc-target-amd64');
    expect(mountFlags()).toContain(`--mount=type=cache,id=muslrust-chef-\${${SCOPE_ARG}}-target-\${TARGETARCH},target=/volume/target,sharing=locked`);
  });
});

describe('the cook step\'s mounts build arg (issue 11 defect 2)', () => {
  test('names the restored entry, so the same entry reuses the cook layer', () => {
    expect(mountsArgValue('muslrust-chef-v2-k', 'run-1')).toBe('restored:muslrust-chef-v2-k');
    expect(mountsArgValue('muslrust-chef-v2-k', 'run-2')).toBe(mountsArgValue('muslrust-chef-v2-k', 'run-1'));
  });

  test('unique per run when nothing was restored, so cook never comes empty from the layer cache', () => {
    expect(mountsArgValue(undefined, 'run-1')).not.toBe(mountsArgValue(undefined, 'run-2'));
    expect(mountsArgValue(undefined, 'run-1')).toMatch(/^not-restored:/);
  });

  test('inserted right after `build`, the rest of the argv untouched', () => {
    const argv = ['docker', 'buildx', 'build', '--builder', 'b', '/ctx'];
    expect(withMountsArg(argv, 'restored:k')).toEqual(['docker', 'buildx', 'build', '--build-arg', `${MOUNTS_ARG}=restored:k`, '--builder', 'b', '/ctx']);
    expect(argv).toHaveLength(6);
    expect(() => withMountsArg(['docker', 'login'], 'x')).toThrow(/not a build command/);
  });
});
