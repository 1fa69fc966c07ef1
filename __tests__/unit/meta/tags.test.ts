import type { GitContext } from '../../../src/read/context.js';
import { computeMeta } from '../../../src/meta/index.js';
import { git, RUN, SHA, SHORT } from './helpers.js';

// Expected values come from the rules in docker/metadata-action's README (and, for empty `tags`,
// from our own default rule set), written out in full: version, every tag name, in order.

interface Row {
  name: string;
  run: GitContext;
  tags?: string;
  flavor?: string;
  names: string[];
  /** Defaults to names[0] (or '' when there are none). */
  version?: string;
}

const run = (r: Row) => computeMeta({ images: [], tags: r.tags ?? '', flavor: r.flavor ?? '', labels: [], git: r.run, cargo: {} });

const defaultRules: Row[] = [
  { name: 'push to the default branch', run: RUN.main, names: ['main', SHORT] },
  { name: 'workflow_dispatch on main', run: git({ eventName: 'workflow_dispatch' }), names: ['main', SHORT] },
  { name: 'branch with a slash is sanitised', run: RUN.feature, names: ['feature-x', SHORT] },
  { name: 'branch with odd characters', run: git({ ref: 'refs/heads/Fix/#12 café' }), names: ['Fix-12-caf-', SHORT] },
  { name: 'release tag v1.2.3', run: RUN.release, names: ['1.2.3', '1.2', '1', SHORT, 'latest'] },
  { name: 'prerelease tag: full version only, no latest', run: RUN.rc, names: ['2.0.0-rc.1', SHORT] },
  { name: '0.y.z: no `0` tag from the default {{major}} rule', run: RUN.zero, names: ['0.3.1', '0.3', SHORT, 'latest'] },
  { name: 'build metadata is dropped by {{version}}', run: git({ ref: 'refs/tags/v1.2.3+build.5' }), names: ['1.2.3', '1.2', '1', SHORT, 'latest'] },
  { name: 'non-semver tag: only the sha', run: RUN.oddTag, names: [SHORT] },
  { name: 'tag with a slash is not semver', run: git({ ref: 'refs/tags/release/v1.2.3' }), names: [SHORT] },
  { name: 'pull request', run: RUN.pr, names: ['pr-7', SHORT] },
  { name: 'schedule on main', run: RUN.nightly, names: ['nightly', 'main', SHORT] },
  { name: 'release tag without a sha', run: git({ ref: 'refs/tags/v1.2.3', sha: '' }), names: ['1.2.3', '1.2', '1', 'latest'] },
  { name: 'comment-only tags input means defaults', run: RUN.release, tags: '# nothing yet\n\n', names: ['1.2.3', '1.2', '1', SHORT, 'latest'] },
];

const customRules: Row[] = [
  // metadata-action's own defaults, spelled out: the git tag verbatim, and latest even for an rc.
  { name: 'metadata-action defaults on v1.2.3', run: RUN.release, tags: 'type=schedule\ntype=ref,event=branch\ntype=ref,event=tag\ntype=ref,event=pr', names: ['v1.2.3', 'latest'] },
  { name: 'metadata-action defaults on an rc (latest!)', run: RUN.rc, tags: 'type=schedule\ntype=ref,event=branch\ntype=ref,event=tag\ntype=ref,event=pr', names: ['v2.0.0-rc.1', 'latest'] },
  { name: 'explicit {{major}} on 0.y.z does make `0`', run: git({ ref: 'refs/tags/v0.1.2' }), tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}', names: ['0.1.2', '0.1', '0', 'latest'] },
  { name: '{{raw}} keeps the v', run: RUN.release, tags: 'type=semver,pattern={{raw}}', names: ['v1.2.3', 'latest'] },
  { name: '{{raw}} on a prerelease', run: git({ ref: 'refs/tags/v2.0.8-beta.67' }), tags: 'type=semver,pattern={{raw}}', names: ['v2.0.8-beta.67'] },
  { name: 'v{{major}} and {{minor}} and {{patch}}', run: RUN.release, tags: 'type=semver,pattern=v{{major}}\ntype=semver,pattern={{minor}}\ntype=semver,pattern={{patch}}', names: ['v1', '2', '3', 'latest'] },
  { name: 'partials collapse to {{version}} on a prerelease', run: git({ ref: 'refs/tags/v2.0.8-beta.67' }), tags: 'type=semver,pattern=v{{major}}\ntype=semver,pattern={{major}}.{{minor}}', names: ['2.0.8-beta.67'] },
  { name: 'semver value= on a branch', run: RUN.main, tags: 'type=semver,pattern={{version}},value=v3.4.5', names: ['3.4.5', 'latest'] },
  { name: 'semver match= picks group 1 before the slash rule', run: git({ ref: 'refs/tags/app/v1.2.3' }), tags: 'type=semver,pattern={{major}}.{{minor}},match=app/v(.*)', names: ['1.2', 'latest'] },
  { name: 'semver on a branch does nothing', run: RUN.main, tags: 'type=semver,pattern={{version}}', names: [] },
  { name: 'higher-priority raw becomes version and decides latest', run: RUN.release, tags: 'type=semver,pattern={{version}}\ntype=raw,value=foo,priority=1000', names: ['foo', '1.2.3'] },
  { name: 'equal priorities keep input order', run: RUN.main, tags: 'type=raw,value=b\ntype=raw,value=a\ntype=raw,value=c,priority=201', names: ['c', 'b', 'a'] },
  { name: 'sha above ref by priority', run: RUN.main, tags: 'type=ref,event=branch\ntype=sha,priority=601', names: [SHORT, 'main'] },
  { name: 'ref event=tag on an rc after semver: semver decides (no latest)', run: RUN.rc, tags: 'type=ref,event=tag\ntype=semver,pattern={{version}}', names: ['2.0.0-rc.1', 'v2.0.0-rc.1'] },
  { name: 'duplicates removed, first kept', run: RUN.main, tags: 'type=raw,value=a\ntype=raw,value=a\ntype=raw,value=b\na', names: ['a', 'b'] },
  { name: 'plain lines and bare values are raw tags', run: RUN.main, tags: 'stable\ntype=raw,edge-ish', names: ['stable', 'edge-ish'] },
  { name: 'quoted field may hold a comma', run: RUN.main, tags: 'type=raw,"value=a,b"', names: ['a-b'] },
  { name: 'value keeps everything after the first =', run: RUN.main, tags: 'type=raw,value=a=b', names: ['a-b'] },
  { name: 'raw with branch and sha templates', run: RUN.feature, tags: 'type=raw,value={{branch}}-{{sha}}', names: ['feature-x-860c190'] },
  { name: 'empty template value gives nothing (even with a prefix)', run: RUN.main, tags: 'type=raw,value={{tag}},prefix=t-', names: [] },
  { name: '{{tag}} on a tag push', run: RUN.release, tags: 'type=raw,value=release-{{tag}}', names: ['release-v1.2.3'] },
  { name: '{{base_ref}} on a PR', run: RUN.pr, tags: 'type=raw,value=into-{{base_ref}}', names: ['into-main'] },
  // raw (200) sorts after ref (600), so the branch name is the version.
  { name: 'latest on the default branch via enable', run: RUN.main, tags: 'type=raw,value=latest,enable={{is_default_branch}}\ntype=ref,event=branch', names: ['main', 'latest'] },
  { name: 'latest skipped off the default branch', run: RUN.feature, tags: 'type=raw,value=latest,enable={{is_default_branch}}\ntype=ref,event=branch', names: ['feature-x'] },
  { name: 'is_not_default_branch', run: RUN.feature, tags: 'type=raw,value=dev,enable={{is_not_default_branch}}', names: ['dev'] },
  { name: 'is_default_branch is false on a tag push', run: RUN.release, tags: 'type=raw,value=x,enable={{is_default_branch}}', names: [] },
  { name: 'is_default_branch is true for schedule events', run: git({ eventName: 'schedule', ref: 'refs/heads/other' }), tags: 'type=raw,value=x,enable={{is_default_branch}}', names: ['x'] },
  { name: 'enable=false', run: RUN.main, tags: 'type=raw,value=x,enable=false\ntype=raw,value=y', names: ['y'] },
  { name: 'edge on the default branch', run: RUN.main, tags: 'type=edge\ntype=ref,event=branch', names: ['edge', 'main'] },
  { name: 'edge with branch= elsewhere', run: git({ ref: 'refs/heads/develop' }), tags: 'type=edge,branch=develop', names: ['edge'] },
  { name: 'edge not on another branch', run: RUN.feature, tags: 'type=edge', names: [] },
  { name: 'pr with own prefix', run: RUN.pr, tags: 'type=ref,event=pr,prefix=pull-', names: ['pull-7'] },
  { name: 'pr with empty prefix', run: RUN.pr, tags: 'type=ref,event=pr,prefix=', names: ['7'] },
  { name: 'branch with suffix', run: RUN.main, tags: 'type=ref,event=branch,suffix=-musl', names: ['main-musl'] },
  { name: 'sha long', run: RUN.main, tags: 'type=sha,format=long', names: [`sha-${SHA}`] },
  { name: 'sha without prefix', run: RUN.main, tags: 'type=sha,prefix=', names: ['860c190'] },
  { name: 'sha with a branch prefix template', run: RUN.feature, tags: 'type=sha,prefix={{branch}}-', names: ['feature-x-860c190'] },
  { name: 'DOCKER_METADATA_SHORT_SHA_LENGTH', run: git({ env: { DOCKER_METADATA_SHORT_SHA_LENGTH: '12' } }), tags: 'type=sha\ntype=raw,value=b-{{sha}}', names: ['b-860c1904a1ce', 'sha-860c1904a1ce'] },
  { name: 'DOCKER_METADATA_PR_HEAD_SHA=true uses the PR head', run: { ...RUN.pr, env: { DOCKER_METADATA_PR_HEAD_SHA: 'true' } }, tags: 'type=sha', names: ['sha-abcdef0'] },
  { name: 'DOCKER_METADATA_PR_HEAD_SHA is ignored off PRs', run: git({ prHeadSha: 'abcdef0123', env: { DOCKER_METADATA_PR_HEAD_SHA: 'true' } }), tags: 'type=sha', names: [SHORT] },
  { name: 'match group 1', run: git({ ref: 'refs/tags/v2.0.8-beta.67' }), tags: 'type=match,pattern=v(.*),group=1', names: ['2.0.8-beta.67', 'latest'] },
  { name: 'match group 0', run: git({ ref: 'refs/tags/20200110-RC2' }), tags: 'type=match,pattern=\\d+', names: ['20200110', 'latest'] },
  { name: 'match /re/flags form', run: git({ ref: 'refs/tags/V1.2' }), tags: 'type=match,pattern=/v(\\d+)/i,group=1', names: ['1', 'latest'] },
  { name: 'schedule with a date pattern', run: RUN.nightly, tags: "type=schedule,pattern={{date 'YYYYMMDD'}}", names: ['20260110'] },
  { name: 'schedule date in a time zone', run: RUN.nightly, tags: "type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", names: ['20260111-002550'] },
  { name: 'schedule rule silent on push', run: RUN.main, tags: 'type=schedule', names: [] },
  { name: 'commit_date falls back to now', run: RUN.main, tags: "type=raw,value={{commit_date 'YYYY.MM.DD'}}", names: ['2026.01.10'] },
  { name: 'commit_date from the payload', run: git({ commitDate: new Date('2025-12-31T23:59:59Z') }), tags: "type=raw,value=c{{commit_date 'YYYYMMDDHHmm'}}", names: ['c202512312359'] },
  { name: 'invalid docker tag is skipped (leading dot)', run: RUN.main, tags: 'type=raw,value=.hidden\ntype=raw,value=ok', names: ['ok'] },
  { name: 'tag longer than 128 characters is skipped', run: RUN.main, tags: `type=raw,value=${'x'.repeat(129)}\ntype=raw,value=ok`, names: ['ok'] },
  { name: 'no rule produced anything', run: RUN.pr, tags: 'type=ref,event=branch', names: [], version: '' },
];

const flavors: Row[] = [
  { name: 'latest=false', run: RUN.release, flavor: 'latest=false', names: ['1.2.3', '1.2', '1', SHORT] },
  { name: 'latest=true on a branch', run: RUN.main, flavor: 'latest=true', names: ['main', SHORT, 'latest'] },
  { name: 'latest=true on a prerelease', run: RUN.rc, flavor: 'latest=true', names: ['2.0.0-rc.1', SHORT, 'latest'] },
  { name: 'latest=true but nothing produced', run: RUN.pr, tags: 'type=ref,event=branch', flavor: 'latest=true', names: [] },
  // The sha rule has its own default prefix (sha-), which wins over the flavor's.
  { name: 'prefix (not on latest, not on sha)', run: RUN.release, flavor: 'prefix=app-', names: ['app-1.2.3', 'app-1.2', 'app-1', SHORT, 'latest'] },
  { name: 'prefix with onlatest=true', run: RUN.release, flavor: 'prefix=app-,onlatest=true', names: ['app-1.2.3', 'app-1.2', 'app-1', SHORT, 'app-latest'] },
  { name: 'suffix applies to sha too', run: RUN.release, flavor: 'suffix=-musl', names: ['1.2.3-musl', '1.2-musl', '1-musl', `${SHORT}-musl`, 'latest'] },
  { name: 'suffix with onlatest=true', run: RUN.release, flavor: 'suffix=-musl,onlatest=true', names: ['1.2.3-musl', '1.2-musl', '1-musl', `${SHORT}-musl`, 'latest-musl'] },
  { name: 'prefix and suffix on separate lines, onlatest per key', run: RUN.release, flavor: 'latest=auto\nprefix=a-,onlatest=true\nsuffix=-z', names: ['a-1.2.3-z', 'a-1.2-z', 'a-1-z', `${SHORT}-z`, 'a-latest'] },
  { name: 'PR keeps pr- over the flavor prefix', run: RUN.pr, flavor: 'prefix=app-', names: ['pr-7', SHORT] },
  { name: 'an empty rule prefix overrides the flavor', run: RUN.main, tags: 'type=ref,event=branch,prefix=\ntype=raw,value=x', flavor: 'prefix=p-', names: ['main', 'p-x'] },
  { name: 'flavor prefix is templated', run: RUN.release, tags: 'type=semver,pattern={{version}}', flavor: 'prefix={{branch}}x', names: ['x1.2.3', 'latest'] },
  { name: 'latest already produced by a rule is not repeated', run: RUN.release, tags: 'type=semver,pattern={{version}}\ntype=raw,value=latest', names: ['1.2.3', 'latest'] },
];

describe('computeMeta tag names and version', () => {
  test.each([...defaultRules, ...customRules, ...flavors].map((r) => [r.name, r] as const))('%s', (_n, r) => {
    const res = run(r);
    expect(res.tagNames).toEqual(r.names);
    expect(res.version).toBe(r.version ?? r.names[0] ?? '');
    expect(res.tags).toEqual(r.names); // no images: bare names, as metadata-action does
  });
});

describe('images', () => {
  test('every image gets every tag, latest last per image', () => {
    const res = computeMeta({ images: ['org/app', 'ghcr.io/org/app'], tags: '', flavor: '', labels: [], git: RUN.release, cargo: {} });
    expect(res.tags).toEqual([
      'org/app:1.2.3',
      'org/app:1.2',
      'org/app:1',
      `org/app:${SHORT}`,
      'org/app:latest',
      'ghcr.io/org/app:1.2.3',
      'ghcr.io/org/app:1.2',
      'ghcr.io/org/app:1',
      `ghcr.io/org/app:${SHORT}`,
      'ghcr.io/org/app:latest',
    ]);
    expect(res.tagNames).toEqual(['1.2.3', '1.2', '1', SHORT, 'latest']);
  });

  test('no tags at all when nothing was produced', () => {
    const res = computeMeta({ images: ['org/app'], tags: 'type=semver,pattern={{version}}', flavor: '', labels: [], git: RUN.main, cargo: {} });
    expect(res.tags).toEqual([]);
    expect(res.version).toBe('');
  });
});

describe('warnings', () => {
  test('a non-semver git tag warns once per semver rule', () => {
    expect(run({ name: '', run: RUN.oddTag, names: [] }).warnings).toEqual([
      "tags rule 'type=semver,pattern={{version}}': 'foo' is not a semver version (https://semver.org); rule skipped",
      "tags rule 'type=semver,pattern={{major}}.{{minor}}': 'foo' is not a semver version (https://semver.org); rule skipped",
      "tags rule 'type=semver,pattern={{major}}': 'foo' is not a semver version (https://semver.org); rule skipped",
    ]);
  });

  test('a release tag with the defaults warns about nothing', () => {
    expect(run({ name: '', run: RUN.release, names: [] }).warnings).toEqual([]);
  });

  test('a tag that cannot be a docker tag is reported', () => {
    expect(run({ name: '', run: RUN.main, tags: 'type=raw,value=-x', names: [] }).warnings).toEqual([
      "tags rule 'type=raw,value=-x': gives '-x', which is not a valid Docker tag (first character a letter, digit or '_', at most 128 characters); tag skipped",
    ]);
  });

  test('semver match= that does not match uses the whole value', () => {
    const res = run({ name: '', run: RUN.release, tags: 'type=semver,pattern={{version}},match=^x(.*)', names: [] });
    expect(res.tagNames).toEqual(['1.2.3', 'latest']);
    expect(res.warnings).toEqual(["tags rule 'type=semver,pattern={{version}},match=^x(.*)': match=^x(.*) does not match 'v1.2.3'; using it whole"]);
  });

  test('match pattern that does not match', () => {
    const res = run({ name: '', run: RUN.release, tags: 'type=match,pattern=^x', names: [] });
    expect(res.tagNames).toEqual([]);
    expect(res.warnings).toEqual(["tags rule 'type=match,pattern=^x': pattern /^x/ does not match 'v1.2.3'; rule skipped"]);
  });

  test('edge without a known default branch', () => {
    const res = run({ name: '', run: git({ defaultBranch: undefined }), tags: 'type=edge', names: [] });
    expect(res.tagNames).toEqual([]);
    expect(res.warnings).toEqual(["tags rule 'type=edge': the repository default branch is unknown (no event payload); add branch=NAME; rule skipped"]);
  });
});
