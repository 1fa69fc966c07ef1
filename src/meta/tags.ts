import semver from 'semver';
import { InputError } from '../errors.js';
import { globals, type EventFacts } from './event.js';
import type { Flavor } from './flavor.js';
import type { Rule } from './rules.js';
import { isRawOnly, render, type TemplateSite } from './template.js';

// Turn sorted rules into tag names with metadata-action's decision procedure: walk rules by
// priority; the first rule that yields a value is the version, later values are partials
// (deduplicated), and the first yielding rule alone decides `latest` under latest=auto.

export interface Version {
  /** metadata-action's "main" version; undefined when no rule produced anything. */
  main: string | undefined;
  partials: string[];
  latest: boolean;
  /** Tag names in output order: main, partials, then latest (with flavor prefix/suffix if onlatest). */
  names: string[];
  warnings: string[];
}

const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** metadata-action's tag sanitiser: every run of characters a tag cannot hold becomes one '-'. */
export function sanitizeTag(s: string): string {
  return s.replace(/[^a-zA-Z0-9._-]+/g, '-');
}

interface Produced {
  value: string;
  /** What latest=auto would decide if this rule is the first to produce. */
  latest: boolean;
}

// Stand-in version used to check semver patterns on every run, so a broken pattern fails on a
// branch push instead of on the release tag.
const SAMPLE_SEMVER = { raw: 'v1.2.3', version: '1.2.3', major: '1', minor: '2', patch: '3' };

export function computeVersion(rules: readonly Rule[], flavor: Flavor, ev: EventFacts): Version {
  const vars = globals(ev);
  const warnings: string[] = [];
  const warn = (rule: Rule, msg: string): void => {
    const w = `tags rule '${rule.line}': ${msg}`;
    if (!warnings.includes(w)) warnings.push(w);
  };
  const tpl = (text: string, rule: Rule, attr: string): string => render(text, vars, ev, { input: 'tags', line: rule.line, attr });
  const flavorSite = (attr: 'prefix' | 'suffix'): TemplateSite => ({ input: 'flavor', line: `${attr}=${flavor[attr]}`, attr });
  const flavorPrefix = render(flavor.prefix, vars, ev, flavorSite('prefix'));
  const flavorSuffix = render(flavor.suffix, vars, ev, flavorSite('suffix'));

  // Value of a tag-ref rule (semver/match): the `value=` attribute if given, else the git tag.
  const refOrValue = (rule: Rule & { value: string }): string | undefined => {
    if (rule.value !== '') return tpl(rule.value, rule, 'value');
    return ev.tag !== '' ? ev.tag : undefined;
  };

  const produce = (rule: Rule): Produced | undefined => {
    switch (rule.type) {
      case 'schedule': {
        const value = tpl(rule.pattern, rule, 'pattern');
        return /schedule/.test(ev.eventName) ? { value, latest: false } : undefined;
      }
      case 'semver': {
        const site = { input: 'tags', line: rule.line, attr: 'pattern' } as const;
        render(rule.pattern, SAMPLE_SEMVER, ev, site);
        let v = refOrValue(rule);
        if (v === undefined || v === '') return undefined;
        if (rule.match !== '') {
          const m = new RegExp(rule.match).exec(v);
          if (m) v = m[1] ?? m[0];
          else warn(rule, `match=${rule.match} does not match '${v}'; using it whole`);
        }
        v = v.replace(/\//g, '-');
        const parsed = semver.valid(v) ? semver.parse(v, { loose: true }) : null;
        if (!parsed) {
          warn(rule, `'${v}' is not a semver version (https://semver.org); rule skipped`);
          return undefined;
        }
        // Prereleases only ever get their full version: `2` or `2.0` must not move to an rc.
        if (parsed.prerelease.length > 0) return { value: isRawOnly(rule.pattern) ? v : parsed.version, latest: false };
        if (rule.skipMajorZero && parsed.major === 0) return undefined;
        const parts = { raw: v, version: parsed.version, major: String(parsed.major), minor: String(parsed.minor), patch: String(parsed.patch) };
        return { value: render(rule.pattern, parts, ev, site), latest: true };
      }
      case 'match': {
        const v = refOrValue(rule);
        if (v === undefined || v === '') return undefined;
        const m = v.match(rule.pattern);
        if (!m) {
          warn(rule, `pattern ${String(rule.pattern)} does not match '${v}'; rule skipped`);
          return undefined;
        }
        const g = m[rule.group];
        if (g === undefined) {
          warn(rule, `group ${rule.group} does not exist in pattern ${String(rule.pattern)}; rule skipped`);
          return undefined;
        }
        // metadata-action: any match on a tag counts as a release, prerelease or not.
        return { value: g, latest: true };
      }
      case 'edge': {
        if (ev.branch === '') return undefined;
        const target = rule.branch !== '' ? rule.branch : ev.defaultBranch;
        if (target === undefined) {
          warn(rule, 'the repository default branch is unknown (no event payload); add branch=NAME; rule skipped');
          return undefined;
        }
        return ev.branch === target ? { value: 'edge', latest: false } : undefined;
      }
      case 'ref': {
        const value = rule.event === 'branch' ? ev.branch : rule.event === 'tag' ? ev.tag : ev.pr;
        // A git tag is a release whether or not it looks like one (metadata-action #171 surprise).
        return value !== '' ? { value, latest: rule.event === 'tag' } : undefined;
      }
      case 'raw':
        return { value: tpl(rule.value, rule, 'value'), latest: false };
      case 'sha':
        if (ev.sha === '') return undefined;
        return { value: rule.format === 'long' ? ev.sha : ev.shortSha, latest: false };
    }
  };

  let main: string | undefined;
  const partials: string[] = [];
  let latest: boolean | undefined;
  for (const rule of rules) {
    const enabled = tpl(rule.enable, rule, 'enable').trim();
    if (enabled !== 'true' && enabled !== 'false') {
      throw new InputError('tags', rule.line, `has enable=${rule.enable}, which gives '${enabled}' instead of true or false`, 'Use enable=true, enable=false, or an expression such as enable={{is_default_branch}}.');
    }
    // Render affixes before deciding anything, so template mistakes fail on every run.
    const prefix = rule.prefix !== undefined ? tpl(rule.prefix, rule, 'prefix') : flavorPrefix;
    const suffix = rule.suffix !== undefined ? tpl(rule.suffix, rule, 'suffix') : flavorSuffix;
    const out = enabled === 'true' ? produce(rule) : undefined;
    // Unlike metadata-action, an empty value yields nothing even with a prefix: `{{branch}}` on a
    // tag push must not turn into a bare `pr-` or `foo-` tag.
    if (out === undefined || out.value === '') continue;
    const name = sanitizeTag(`${prefix}${out.value}${suffix}`);
    if (!DOCKER_TAG.test(name)) {
      warn(rule, `gives '${name}', which is not a valid Docker tag (first character a letter, digit or '_', at most 128 characters); tag skipped`);
      continue;
    }
    if (main === undefined) main = name;
    else if (name !== main && !partials.includes(name)) partials.push(name);
    if (latest === undefined) latest = flavor.latest === 'auto' ? out.latest : flavor.latest === 'true';
  }

  const names = main === undefined ? [] : [main, ...partials];
  if (main !== undefined && latest === true) {
    const l = sanitizeTag(`${flavor.prefixOnLatest ? flavorPrefix : ''}latest${flavor.suffixOnLatest ? flavorSuffix : ''}`);
    if (!DOCKER_TAG.test(l)) warnings.push(`flavor: the latest tag '${l}' is not a valid Docker tag; latest skipped`);
    else if (!names.includes(l)) names.push(l);
  }
  return { main, partials, latest: latest === true, names, warnings };
}
