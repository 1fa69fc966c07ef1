import type { GitContext } from '../../../src/read/context.js';
import { computeMeta } from '../../../src/meta/index.js';
import type { CargoMeta } from '../../../src/meta/labels.js';
import { git, RUN, SHA } from './helpers.js';

// OCI labels: crate first, repository second, user labels last (and winning).

interface Row {
  name: string;
  run: GitContext;
  cargo: CargoMeta;
  labels?: Array<readonly [string, string]>;
  tags?: string;
  want: Record<string, string>;
}

const base = {
  'org.opencontainers.image.created': '2026-01-10T15:25:50.123Z',
  'org.opencontainers.image.revision': SHA,
  'org.opencontainers.image.source': 'https://github.com/octo/app',
  'org.opencontainers.image.url': 'https://github.com/octo/app',
};
const hello: CargoMeta = { name: 'hello', description: 'Says hi', license: 'MIT OR Apache-2.0', version: '1.2.3' };

const rows: Row[] = [
  {
    name: 'release tag, everything from the crate',
    run: { ...RUN.release, description: 'repo text', license: 'GPL-3.0' },
    cargo: hello,
    want: {
      ...base,
      'org.opencontainers.image.description': 'Says hi',
      'org.opencontainers.image.licenses': 'MIT OR Apache-2.0',
      'org.opencontainers.image.title': 'hello',
      'org.opencontainers.image.version': '1.2.3',
    },
  },
  {
    name: 'crate fields missing: repository name, description, SPDX license',
    run: git({ description: 'repo text', license: 'Apache-2.0' }),
    cargo: {},
    want: {
      ...base,
      'org.opencontainers.image.description': 'repo text',
      'org.opencontainers.image.licenses': 'Apache-2.0',
      'org.opencontainers.image.title': 'app',
      'org.opencontainers.image.version': 'main',
    },
  },
  {
    name: 'NOASSERTION is not a license; empty values are omitted',
    run: git({ license: 'NOASSERTION' }),
    cargo: { name: 'hello', description: '' },
    tags: 'type=semver,pattern={{version}}',
    want: { ...base, 'org.opencontainers.image.title': 'hello' },
  },
  {
    name: 'version label follows the computed version, not Cargo.toml',
    run: RUN.pr,
    cargo: hello,
    want: {
      ...base,
      'org.opencontainers.image.description': 'Says hi',
      'org.opencontainers.image.licenses': 'MIT OR Apache-2.0',
      'org.opencontainers.image.title': 'hello',
      'org.opencontainers.image.version': 'pr-7',
    },
  },
  {
    name: 'user labels override and add, with templates',
    run: RUN.feature,
    cargo: { name: 'hello' },
    labels: [
      ['org.opencontainers.image.title', 'Custom title'],
      ['org.opencontainers.image.vendor', 'Octo Inc'],
      ['com.example.build', '{{branch}}@{{sha}}'],
      ['com.example.blank', ''],
    ],
    want: {
      'com.example.blank': '',
      'com.example.build': 'feature/x@860c190',
      ...base,
      'org.opencontainers.image.title': 'Custom title',
      'org.opencontainers.image.vendor': 'Octo Inc',
      'org.opencontainers.image.version': 'feature-x',
    },
  },
  {
    name: 'PR head sha becomes the revision when asked',
    run: { ...RUN.pr, env: { DOCKER_METADATA_PR_HEAD_SHA: 'TRUE' } },
    cargo: { name: 'hello' },
    tags: 'type=ref,event=pr',
    want: {
      ...base,
      'org.opencontainers.image.revision': 'abcdef0123456789abcdef0123456789abcdef01',
      'org.opencontainers.image.title': 'hello',
      'org.opencontainers.image.version': 'pr-7',
    },
  },
  {
    name: 'GHES server url',
    run: git({ serverUrl: 'https://ghe.example.com', repository: 'team/tool' }),
    cargo: {},
    tags: 'type=raw,value=',
    want: {
      'org.opencontainers.image.created': '2026-01-10T15:25:50.123Z',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.source': 'https://ghe.example.com/team/tool',
      'org.opencontainers.image.title': 'tool',
      'org.opencontainers.image.url': 'https://ghe.example.com/team/tool',
    },
  },
];

describe('labels', () => {
  test.each(rows.map((r) => [r.name, r] as const))('%s', (_n, r) => {
    const res = computeMeta({ images: ['org/app'], tags: r.tags ?? '', flavor: '', labels: r.labels ?? [], git: r.run, cargo: r.cargo });
    expect(res.labels).toEqual(r.want);
    // Keys come out sorted, like metadata-action's labels output.
    expect(Object.keys(res.labels)).toEqual(Object.keys(r.want).sort());
  });
});
