import { InputError } from '../errors.js';
import { didYouMean, entryLines, splitFields } from './fields.js';

// Parse the `tags` input (docker/metadata-action rule lines) into typed rules, sorted the way
// metadata-action sorts them. Unlike metadata-action, a key it would silently ignore (`patern=`),
// a bad `priority` or a bare word where no value is expected is an error: a typo in a release
// rule otherwise shows up as a missing tag on release day.

export type RuleType = 'schedule' | 'semver' | 'match' | 'edge' | 'ref' | 'raw' | 'sha';
export type RefEvent = 'branch' | 'tag' | 'pr';

interface Common {
  /** The line as written (or the built-in default), quoted back in errors and warnings. */
  line: string;
  priority: number;
  /** Template that must render to `true` or `false`. */
  enable: string;
  /** Per-rule prefix/suffix; when absent the flavor's apply (present-but-empty overrides it). */
  prefix: string | undefined;
  suffix: string | undefined;
}

export type Rule = Common &
  (
    | { type: 'schedule'; pattern: string }
    | { type: 'semver'; pattern: string; value: string; match: string; skipMajorZero: boolean }
    | { type: 'match'; pattern: RegExp; group: number; value: string }
    | { type: 'edge'; branch: string }
    | { type: 'ref'; event: RefEvent }
    | { type: 'raw'; value: string }
    | { type: 'sha'; format: 'short' | 'long' }
  );

export const DEFAULT_PRIORITY: Readonly<Record<RuleType, number>> = {
  schedule: 1000,
  semver: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};

/**
 * Ours, not metadata-action's (theirs is schedule + ref branch/tag/pr): release tags get the
 * semver trio instead of the verbatim git tag, and every build gets a sha tag to pin.
 */
export const DEFAULT_TAG_RULES: readonly string[] = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=semver,pattern={{major}}',
  'type=sha',
];

const COMMON_KEYS = ['type', 'enable', 'priority', 'prefix', 'suffix'] as const;
const TYPE_KEYS: Readonly<Record<RuleType, readonly string[]>> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  match: ['pattern', 'group', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format'],
};
const TYPES = Object.keys(TYPE_KEYS) as RuleType[];

function isType(t: string): t is RuleType {
  return (TYPES as string[]).includes(t);
}

function oneOf<T extends string>(line: string, key: string, value: string, allowed: readonly T[]): T {
  const hit = allowed.find((a) => a === value);
  if (hit === undefined) {
    throw new InputError('tags', line, `has ${key}=${value}, which is not allowed`, `Use ${key}=${allowed.join(' or ')}.${didYouMean(value, allowed)}`);
  }
  return hit;
}

function toRegExp(line: string, pattern: string): RegExp {
  // type=match accepts `/re/flags` as well as a bare expression, like metadata-action.
  const slashed = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  try {
    return slashed ? new RegExp(slashed[1] ?? '', slashed[2]) : new RegExp(pattern);
  } catch (e) {
    throw new InputError('tags', line, `has an invalid regular expression: ${e instanceof Error ? e.message : String(e)}`, 'Fix the pattern (JavaScript RegExp syntax).');
  }
}

export function parseRule(line: string): Rule {
  const attrs = new Map<string, string>();
  for (const f of splitFields('tags', line)) {
    // A bare word is metadata-action's shorthand for value=WORD (`type=raw,foo`, or just `foo`).
    const key = f.key ?? 'value';
    // metadata-action keeps the last one; a repeated key is far more likely a paste error.
    if (attrs.has(key)) throw new InputError('tags', line, `sets ${key} twice`, `Keep one ${key}= per rule.`);
    attrs.set(key, f.value);
  }
  const typeName = attrs.get('type') ?? 'raw';
  if (typeName === 'pep440') {
    throw new InputError('tags', line, 'uses type=pep440, which this action does not support', 'Cargo versions are semver: use type=semver (or type=match for custom schemes).');
  }
  if (!isType(typeName)) {
    throw new InputError('tags', line, `has an unknown rule type '${typeName}'`, `Use one of type=${TYPES.join(', type=')}.${didYouMean(typeName, TYPES)}`);
  }
  const type: RuleType = typeName;
  const known = [...COMMON_KEYS, ...TYPE_KEYS[type]];
  for (const key of attrs.keys()) {
    if (!known.includes(key)) {
      const what = key === 'value' ? 'a value (a bare word or value=)' : `an unknown key '${key}'`;
      throw new InputError('tags', line, `has ${what} in a type=${type} rule`, `Keys for type=${type}: ${known.join(', ')}.${didYouMean(key, known)}`);
    }
  }

  const priorityText = attrs.get('priority');
  if (priorityText !== undefined && !/^-?\d+$/.test(priorityText)) {
    throw new InputError('tags', line, `has priority=${priorityText}, which is not a whole number`, 'Use e.g. priority=950 (higher sorts first; semver is 900).');
  }
  const common: Common = {
    line,
    priority: priorityText !== undefined ? Number(priorityText) : DEFAULT_PRIORITY[type],
    enable: attrs.get('enable') ?? 'true',
    prefix: attrs.get('prefix'),
    suffix: attrs.get('suffix'),
  };
  const need = (key: string, example: string): string => {
    const v = attrs.get(key);
    if (v === undefined) throw new InputError('tags', line, `is a type=${type} rule without ${key}=`, `Add it, e.g. ${example}.`);
    return v;
  };

  switch (type) {
    case 'schedule':
      return { ...common, type, pattern: attrs.get('pattern') ?? 'nightly' };
    case 'semver': {
      const pattern = need('pattern', 'type=semver,pattern={{version}}');
      if (pattern === '') throw new InputError('tags', line, 'has an empty semver pattern', 'Use e.g. pattern={{version}} or pattern={{major}}.{{minor}}.');
      const match = attrs.get('match') ?? '';
      if (match !== '') toRegExp(line, match); // fail now, not on the first tag push
      return { ...common, type, pattern, value: attrs.get('value') ?? '', match, skipMajorZero: false };
    }
    case 'match': {
      const group = attrs.get('group') ?? '0';
      if (!/^\d+$/.test(group)) throw new InputError('tags', line, `has group=${group}, which is not a group number`, 'Use e.g. group=1 for the first (...) capture.');
      return { ...common, type, pattern: toRegExp(line, need('pattern', 'type=match,pattern=v(.*),group=1')), group: Number(group), value: attrs.get('value') ?? '' };
    }
    case 'edge':
      return { ...common, type, branch: attrs.get('branch') ?? '' };
    case 'ref': {
      const event = oneOf(line, 'event', need('event', 'type=ref,event=branch'), ['branch', 'tag', 'pr'] as const);
      // PR numbers alone would collide with version tags, hence metadata-action's default prefix.
      return { ...common, type, event, prefix: event === 'pr' ? (common.prefix ?? 'pr-') : common.prefix };
    }
    case 'raw':
      return { ...common, type, value: need('value', 'type=raw,value=stable') };
    case 'sha':
      return { ...common, type, prefix: common.prefix ?? 'sha-', format: oneOf(line, 'format', attrs.get('format') ?? 'short', ['short', 'long'] as const) };
  }
}

/**
 * All rules of a `tags` input in evaluation order: priority descending, ties kept in input order.
 * An input with no rule lines (empty, or comments only) means DEFAULT_TAG_RULES.
 */
export function parseTagRules(raw: string): Rule[] {
  const lines = entryLines(raw);
  const rules =
    lines.length > 0
      ? lines.map(parseRule)
      : DEFAULT_TAG_RULES.map((l) => {
          const r = parseRule(l);
          // metadata-action's README: a `0` tag should not be made for 0.y.z ("may change at any
          // time"); users of its engine add an enable= expression, our default does it for them.
          return r.type === 'semver' && r.pattern === '{{major}}' ? { ...r, skipMajorZero: true } : r;
        });
  return rules
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.priority - a.r.priority || a.i - b.i)
    .map(({ r }) => r);
}
