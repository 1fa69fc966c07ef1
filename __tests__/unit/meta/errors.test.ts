import type { GitContext } from '../../../src/read/context.js';
import { computeMeta } from '../../../src/meta/index.js';
import { git, inputError, RUN } from './helpers.js';

// Every malformed rule is an InputError naming the input and quoting the offending line, never a
// silently ignored key. Rows run on a plain branch push unless they say otherwise: errors must
// not wait for the release tag to show up.

interface Row {
  name: string;
  tags?: string;
  flavor?: string;
  labels?: Array<readonly [string, string]>;
  run?: GitContext;
  input: string;
  value: string;
  /** Fragments the message must contain (what is wrong, and the fix). */
  says: string[];
}

const rows: Row[] = [
  { name: 'unknown key with a suggestion', tags: 'type=semver,patern={{version}}', input: 'tags', value: 'type=semver,patern={{version}}', says: ["unknown key 'patern' in a type=semver rule", "Did you mean 'pattern'?"] },
  { name: 'key from another type', tags: 'type=sha,event=branch', input: 'tags', value: 'type=sha,event=branch', says: ["unknown key 'event' in a type=sha rule", 'Keys for type=sha: type, enable, priority, prefix, suffix, format'] },
  { name: 'unknown type with a suggestion', tags: 'type=semvr,pattern={{version}}', input: 'tags', value: 'type=semvr,pattern={{version}}', says: ["unknown rule type 'semvr'", "Did you mean 'semver'?"] },
  { name: 'pep440 is not supported', tags: 'type=pep440,pattern={{version}}', input: 'tags', value: 'type=pep440,pattern={{version}}', says: ['does not support', 'type=semver'] },
  { name: 'semver without pattern', tags: 'type=ref,event=branch\ntype=semver', input: 'tags', value: 'type=semver', says: ['type=semver rule without pattern=', 'type=semver,pattern={{version}}'] },
  { name: 'semver with empty pattern', tags: 'type=semver,pattern=', input: 'tags', value: 'type=semver,pattern=', says: ['empty semver pattern'] },
  { name: 'semver pattern typo caught on a branch push', tags: 'type=semver,pattern={{vesion}}', input: 'tags', value: 'type=semver,pattern={{vesion}}', says: ['template error in pattern', '{{vesion}} is not a known name', '{{version}}'] },
  { name: 'semver match= is not a regexp', tags: 'type=semver,pattern={{version}},match=v(', input: 'tags', value: 'type=semver,pattern={{version}},match=v(', says: ['invalid regular expression'] },
  { name: 'ref without event', tags: 'type=ref', input: 'tags', value: 'type=ref', says: ['without event='] },
  { name: 'ref with a bad event', tags: 'type=ref,event=brnch', input: 'tags', value: 'type=ref,event=brnch', says: ['event=brnch, which is not allowed', 'event=branch or tag or pr', "Did you mean 'branch'?"] },
  { name: 'sha with a bad format', tags: 'type=sha,format=medium', input: 'tags', value: 'type=sha,format=medium', says: ['format=medium', 'format=short or long'] },
  { name: 'raw without value', tags: 'type=raw', input: 'tags', value: 'type=raw', says: ['without value='] },
  { name: 'bare word where no value is expected', tags: 'type=sha,foo', input: 'tags', value: 'type=sha,foo', says: ['has a value (a bare word or value=) in a type=sha rule'] },
  { name: 'match without pattern', tags: 'type=match,group=1', input: 'tags', value: 'type=match,group=1', says: ['without pattern='] },
  { name: 'match with a bad group', tags: 'type=match,pattern=v(.*),group=one', input: 'tags', value: 'type=match,pattern=v(.*),group=one', says: ['group=one'] },
  { name: 'match with a bad regexp', tags: 'type=match,pattern=(', input: 'tags', value: 'type=match,pattern=(', says: ['invalid regular expression'] },
  { name: 'priority not a number', tags: 'type=raw,value=x,priority=high', input: 'tags', value: 'type=raw,value=x,priority=high', says: ['priority=high, which is not a whole number'] },
  { name: 'enable not a boolean', tags: 'type=raw,value=x,enable=yes', input: 'tags', value: 'type=raw,value=x,enable=yes', says: ["gives 'yes' instead of true or false"] },
  { name: 'enable template typo', tags: 'type=raw,value=x,enable={{is_default}}', input: 'tags', value: 'type=raw,value=x,enable={{is_default}}', says: ['template error in enable', '{{is_default_branch}}'] },
  { name: 'enable checked even when the rule would not fire', tags: 'type=semver,pattern={{version}},enable=1', input: 'tags', value: 'type=semver,pattern={{version}},enable=1', says: ["gives '1'"] },
  { name: 'value template typo', tags: 'type=raw,value={{brnach}}', input: 'tags', value: 'type=raw,value={{brnach}}', says: ['template error in value', '{{brnach}} is not a known name'] },
  { name: 'prefix template syntax error', tags: 'type=raw,value=x,prefix={{oops', input: 'tags', value: 'type=raw,value=x,prefix={{oops', says: ['template error in prefix', 'not a well-formed template'] },
  { name: 'date without a format', tags: 'type=raw,value={{date}}', input: 'tags', value: 'type=raw,value={{date}}', says: ["date needs a quoted format, e.g. {{date 'YYYYMMDD'}}"] },
  { name: 'date with an unknown token', tags: "type=raw,value={{date 'Do MMMM'}}", input: 'tags', value: "type=raw,value={{date 'Do MMMM'}}", says: ["date format token 'Do' is not supported"] },
  { name: 'date with a bad time zone', tags: "type=raw,value={{date 'YYYY' tz='Mars/Base'}}", input: 'tags', value: "type=raw,value={{date 'YYYY' tz='Mars/Base'}}", says: ["unknown time zone 'Mars/Base'"] },
  { name: 'date with an unknown attribute', tags: "type=raw,value={{date 'YYYY' zone='UTC'}}", input: 'tags', value: "type=raw,value={{date 'YYYY' zone='UTC'}}", says: ["unknown attribute 'zone'"] },
  { name: 'schedule pattern typo on schedule', run: RUN.nightly, tags: 'type=schedule,pattern={{nightly}}', input: 'tags', value: 'type=schedule,pattern={{nightly}}', says: ['template error in pattern'] },
  { name: 'unclosed quote', tags: 'type=raw,"value=a', input: 'tags', value: 'type=raw,"value=a', says: ['quoted field that is never closed'] },
  { name: 'quote inside a field', tags: 'type=raw,value="a,b"', input: 'tags', value: 'type=raw,value="a,b"', says: ['double quote inside a field'] },
  { name: 'key given twice', tags: 'type=raw,value=a,value=b', input: 'tags', value: 'type=raw,value=a,value=b', says: ['sets value twice'] },
  { name: 'bare word and value=', tags: 'type=raw,a,value=b', input: 'tags', value: 'type=raw,a,value=b', says: ['sets value twice'] },
  { name: 'empty key', tags: 'type=raw,=x', input: 'tags', value: 'type=raw,=x', says: ["no key before '='"] },
  { name: 'flavor latest value', flavor: 'latest=maybe', input: 'flavor', value: 'latest=maybe', says: ['latest=maybe', 'latest=auto, latest=true or latest=false'] },
  { name: 'flavor unknown key with a suggestion', flavor: 'lastest=true', input: 'flavor', value: 'lastest=true', says: ["unknown key 'lastest'", "Did you mean 'latest'?"] },
  { name: 'flavor onlatest on its own', flavor: 'onlatest=true', input: 'flavor', value: 'onlatest=true', says: ['onlatest= without a prefix= or suffix= before it'] },
  { name: 'flavor onlatest value', flavor: 'suffix=-x,onlatest=yes', input: 'flavor', value: 'suffix=-x,onlatest=yes', says: ['onlatest=yes'] },
  { name: 'flavor bare word', flavor: 'musl', input: 'flavor', value: 'musl', says: ["'musl' without a key"] },
  { name: 'flavor prefix template typo', flavor: 'prefix={{brnach}}-', input: 'flavor', value: 'prefix={{brnach}}-', says: ['template error in prefix'] },
  { name: 'label template typo', labels: [['org.example.ref', '{{shaa}}']], input: 'labels', value: 'org.example.ref={{shaa}}', says: ['template error in org.example.ref'] },
  { name: 'short sha length not a number', run: git({ env: { DOCKER_METADATA_SHORT_SHA_LENGTH: 'abc' } }), input: 'DOCKER_METADATA_SHORT_SHA_LENGTH', value: 'abc', says: ['not a positive whole number'] },
  { name: 'short sha length zero', run: git({ env: { DOCKER_METADATA_SHORT_SHA_LENGTH: '0' } }), input: 'DOCKER_METADATA_SHORT_SHA_LENGTH', value: '0', says: ['not a positive whole number'] },
  { name: 'PR head sha switch not a boolean', run: git({ env: { DOCKER_METADATA_PR_HEAD_SHA: 'yes' } }), input: 'DOCKER_METADATA_PR_HEAD_SHA', value: 'yes', says: ['not a boolean'] },
];

describe('input errors', () => {
  test.each(rows.map((r) => [r.name, r] as const))('%s', (_n, r) => {
    const err = inputError(() =>
      computeMeta({ images: ['org/app'], tags: r.tags ?? '', flavor: r.flavor ?? '', labels: r.labels ?? [], git: r.run ?? RUN.main, cargo: {} }),
    );
    expect(err.input).toBe(r.input);
    expect(err.value).toBe(r.value);
    expect(err.message.startsWith(`Input '${r.input}' `)).toBe(true);
    for (const s of r.says) expect(err.message).toContain(s);
  });

  test('the quoted line is the one that is wrong, not the first', () => {
    const err = inputError(() =>
      computeMeta({ images: [], tags: 'type=ref,event=branch\n# fine so far\ntype=sha,lenght=12', flavor: '', labels: [], git: RUN.main, cargo: {} }),
    );
    expect(err.message).toBe(
      `Input 'tags' has an unknown key 'lenght' in a type=sha rule (got "type=sha,lenght=12"). Keys for type=sha: type, enable, priority, prefix, suffix, format.`,
    );
  });
});
