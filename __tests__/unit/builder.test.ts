import { builderCommands, checkBuilderInputs, parseAppend, type BuilderOptions } from '../../src/plan/builder.js';

// The builder argv for the distributed engines, exactly as docker/setup-buildx-action builds it
// (getCreateArgs / getAppendArgs): driver opts, then --platform, then the endpoint last.
const base: BuilderOptions = { builder: 'b', driver: 'docker-container', localRegistry: false, endpoint: '', driverOpts: [], append: [] };
const argvs = (o: Partial<BuilderOptions>): string[][] => builderCommands({ ...base, ...o }).map((c) => c.argv);

describe('builderCommands', () => {
  test.each<[string, Partial<BuilderOptions>, string[][]]>([
    ['remote BuildKit with TLS files', { driver: 'remote', endpoint: 'tcp://bk.example:1234', driverOpts: ['cacert=/c/ca.pem', 'cert=/c/cert.pem', 'key=/c/key.pem'] }, [
      ['docker', 'buildx', 'version'],
      ['docker', 'buildx', 'create', '--name', 'b', '--driver', 'remote', '--driver-opt', 'cacert=/c/ca.pem', '--driver-opt', 'cert=/c/cert.pem', '--driver-opt', 'key=/c/key.pem', '--bootstrap', 'tcp://bk.example:1234'],
    ]],
    ['kubernetes with options, no endpoint (current kube context)', { driver: 'kubernetes', driverOpts: ['namespace=buildkit', 'replicas=2'] }, [
      ['docker', 'buildx', 'version'],
      ['docker', 'buildx', 'create', '--name', 'b', '--driver', 'kubernetes', '--driver-opt', 'namespace=buildkit', '--driver-opt', 'replicas=2', '--bootstrap'],
    ]],
    ['Docker Build Cloud', { driver: 'cloud', endpoint: 'acme/default' }, [
      ['docker', 'buildx', 'version'],
      ['docker', 'buildx', 'create', '--name', 'b', '--driver', 'cloud', '--bootstrap', 'acme/default'],
    ]],
    ['a container builder plus a native arm64 node appended, booted once at the end', {
      localRegistry: true,
      append: [{ name: 'arm64', endpoint: 'tcp://arm64.example:1234', platforms: ['linux/arm64'], driverOpts: ['env.BUILDKIT_STEP_LOG_MAX_SIZE=-1'] }],
    }, [
      ['docker', 'buildx', 'version'],
      ['docker', 'buildx', 'create', '--name', 'b', '--driver', 'docker-container', '--driver-opt', 'network=host'],
      ['docker', 'buildx', 'create', '--name', 'b', '--append', '--node', 'arm64', '--driver-opt', 'env.BUILDKIT_STEP_LOG_MAX_SIZE=-1', '--platform', 'linux/arm64', 'tcp://arm64.example:1234'],
      ['docker', 'buildx', 'inspect', '--bootstrap', '--builder', 'b'],
    ]],
    ['the user\'s own network= option wins over host network', { localRegistry: true, driverOpts: ['network=bridge'] }, [
      ['docker', 'buildx', 'version'],
      ['docker', 'buildx', 'create', '--name', 'b', '--driver', 'docker-container', '--driver-opt', 'network=bridge', '--bootstrap'],
    ]],
  ])('%s', (_name, o, want) => expect(argvs(o)).toEqual(want));

  test('append notes say which platforms the node builds natively', () => {
    const cmds = builderCommands({ ...base, driver: 'remote', endpoint: 'tcp://a:1', append: [{ name: 'arm', endpoint: 'tcp://b:1', platforms: ['linux/arm64'], driverOpts: [] }] });
    expect(cmds.map((c) => c.id)).toEqual(['buildx-version', 'builder-create', 'builder-append', 'builder-boot']);
    expect(cmds[2]?.note).toBe('append node arm: builds linux/arm64 natively');
  });
});

describe('checkBuilderInputs', () => {
  test.each<[Partial<BuilderOptions>, RegExp]>([
    [{ driver: 'remote' }, /Input 'endpoint' is empty, but the remote driver needs one.*tcp:\/\/buildkitd\.example:1234/],
    [{ driver: 'cloud' }, /Input 'endpoint' is empty, but the cloud driver needs one.*ORG\/BUILDER/],
    [{ driver: 'docker', endpoint: 'tcp://x:1' }, /Input 'endpoint' needs a builder the action creates, but driver is docker.*"tcp:\/\/x:1".*driver: docker-container, remote, kubernetes or cloud/],
    [{ driver: 'docker', append: [{ platforms: [], driverOpts: [] }] }, /Input 'append'.*driver is docker/],
    [{ driver: 'docker', driverOpts: ['network=host'] }, /Input 'driver-opts'.*driver is docker/],
  ])('%p is refused', (o, re) => expect(() => checkBuilderInputs({ ...base, ...o })).toThrow(re));
  test('a remote endpoint, a plain container builder and kubernetes without endpoint pass', () => {
    expect(() => checkBuilderInputs({ ...base, driver: 'remote', endpoint: 'tcp://a:1' })).not.toThrow();
    expect(() => checkBuilderInputs(base)).not.toThrow();
    expect(() => checkBuilderInputs({ ...base, driver: 'kubernetes' })).not.toThrow();
  });
});

describe('parseAppend (setup-buildx-action\'s YAML)', () => {
  test('nodes with name, endpoint, platforms (string or list, aliases normalised) and driver-opts', () => {
    const yaml = [
      '- name: arm64',
      '  endpoint: tcp://arm64.example:1234',
      '  platforms: aarch64',
      '  driver-opts:',
      '    - cacert=/c/ca.pem',
      '- endpoint: ssh://builder@amd.example',
      '  platforms: [linux/amd64]',
    ].join('\n');
    expect(parseAppend(yaml)).toEqual([
      { name: 'arm64', endpoint: 'tcp://arm64.example:1234', platforms: ['linux/arm64'], driverOpts: ['cacert=/c/ca.pem'] },
      { name: undefined, endpoint: 'ssh://builder@amd.example', platforms: ['linux/amd64'], driverOpts: [] },
    ]);
    expect(parseAppend('  ')).toEqual([]);
  });
  test.each<[string, RegExp]>([
    ['name: a', /Input 'append'.*is not a YAML list/],
    ['- [1, 2]', /entry #1 that is not a mapping/],
    ['- name: a\n  platform: linux/arm64', /entry #1 has unknown key\(s\) platform.*name, endpoint, platforms and driver-opts/],
    ['- platforms: linux/riscv64', /Input 'platforms'.*linux\/riscv64/],
    ['- name: [unclosed', /is not valid YAML/],
  ])('%p is refused', (raw, re) => expect(() => parseAppend(raw)).toThrow(re));
});
