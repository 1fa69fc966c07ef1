import Handlebars from 'handlebars';
import { InputError } from '../errors.js';
import { formatDate } from './date.js';
import type { EventFacts } from './event.js';

// Handlebars rendering for rule attributes, the way metadata-action does it, with two deliberate
// differences that only ever turn silent surprises into errors or plain text:
//  - strict mode: `{{brnach}}` is an error naming the rule, not an empty string that quietly
//    drops a tag (metadata-action renders unknown names as '');
//  - no HTML escaping: a tag or label value is not HTML, so `&` must not become `&amp;`.

/** Where a template came from, for the error message. */
export interface TemplateSite {
  input: 'tags' | 'flavor' | 'labels';
  line: string;
  attr: string;
}

type Hash = { hash?: Record<string, unknown> };

function dateHelper(name: string, date: Date) {
  return (format: unknown, options?: Hash): string => {
    if (typeof format !== 'string') {
      throw new Error(`${name} needs a quoted format, e.g. {{${name} 'YYYYMMDD'}}`);
    }
    let tz = 'UTC';
    for (const [k, v] of Object.entries(options?.hash ?? {})) {
      if (k !== 'tz') throw new Error(`${name} has an unknown attribute '${k}' (only tz='Zone/Name' is accepted)`);
      tz = String(v);
    }
    return formatDate(date, format, tz);
  };
}

// Handlebars' own messages mention `[object Object]` and column numbers; say it in template terms.
function explain(message: string): string {
  const unknown = /^"([^"]+)" not defined/.exec(message);
  if (unknown) return `{{${unknown[1]}}} is not a known name`;
  if (message.startsWith('Parse error')) return 'it is not a well-formed template (an unclosed or malformed {{...}})';
  return message.split('\n')[0] ?? message;
}

export function render(text: string, vars: Record<string, string>, ev: Pick<EventFacts, 'now' | 'commitDate'>, site: TemplateSite): string {
  // Most attributes are plain text; skip the compiler for them (and for their error paths).
  if (!text.includes('{{')) return text;
  try {
    const tpl = Handlebars.compile(text, { strict: true, noEscape: true });
    return tpl(vars, {
      helpers: { date: dateHelper('date', ev.now), commit_date: dateHelper('commit_date', ev.commitDate) },
    });
  } catch (e) {
    const why = explain(e instanceof Error ? e.message : String(e));
    const names = Object.keys(vars)
      .map((n) => `{{${n}}}`)
      .join(', ');
    throw new InputError(
      site.input,
      site.line,
      `has a template error in ${site.attr}: ${why}`,
      `Templates may use ${names}, {{date 'FORMAT'}} and {{commit_date 'FORMAT'}} (optionally with tz='Area/City').`,
    );
  }
}

/** metadata-action keeps a prerelease's `{{raw}}` only when the pattern is exactly that one name. */
export function isRawOnly(pattern: string): boolean {
  return /^\{\{\s*raw\s*\}\}$/.test(pattern.trim());
}
