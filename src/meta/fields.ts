import { InputError } from '../errors.js';

// The `tags` and `flavor` inputs use metadata-action's line format: one entry per line, each a
// comma-separated list of `key=value` fields. This file only splits text; what the keys mean
// lives in rules.ts and flavor.ts.

/** Non-blank lines that are not `#` comments, trimmed (the text we quote back in errors). */
export function entryLines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export interface Field {
  /** Lower-cased key, or undefined for a bare field such as the `foo` in `type=raw,foo`. */
  key: string | undefined;
  value: string;
}

/**
 * Split one entry into fields. metadata-action reads entries as CSV, so a field may be wrapped in
 * double quotes to carry commas (`type=raw,"value=a,b"`, with `""` for a literal quote). A quote
 * anywhere else is an error, as it is for their CSV parser, rather than becoming part of a value.
 */
export function splitFields(input: string, line: string): Field[] {
  const raw: string[] = [];
  let i = 0;
  while (i <= line.length) {
    let text = '';
    while (i < line.length && /\s/.test(line.charAt(i))) i++;
    if (line.charAt(i) === '"') {
      i++;
      for (;;) {
        if (i >= line.length) {
          throw new InputError(input, line, 'has a quoted field that is never closed', 'Close the field with a double quote, e.g. "value=a,b".');
        }
        const c = line.charAt(i);
        if (c === '"' && line.charAt(i + 1) === '"') {
          text += '"';
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          text += c;
          i++;
        }
      }
      while (i < line.length && /\s/.test(line.charAt(i))) i++;
      if (i < line.length && line.charAt(i) !== ',') {
        throw new InputError(input, line, 'has text after a closing double quote', 'Quote the whole field: "key=value".');
      }
    } else {
      while (i < line.length && line.charAt(i) !== ',') {
        if (line.charAt(i) === '"') {
          throw new InputError(
            input,
            line,
            'has a double quote inside a field',
            'Quote the whole field instead ("value=a,b"); Docker tags cannot contain quotes anyway.',
          );
        }
        text += line.charAt(i);
        i++;
      }
    }
    raw.push(text);
    i++; // skip the comma (or step past the end)
  }
  const fields: Field[] = [];
  for (const f of raw) {
    if (f.trim() === '') continue; // `type=sha,` : a trailing comma is harmless
    const eq = f.indexOf('=');
    if (eq < 0) {
      fields.push({ key: undefined, value: f.trim() });
      continue;
    }
    const key = f.slice(0, eq).trim().toLowerCase();
    if (key === '') {
      throw new InputError(input, line, `has a field with no key before '=' ("${f.trim()}")`, 'Write key=value, e.g. value=foo.');
    }
    // Everything after the first '=' is the value, so `value=a=b` keeps `a=b`.
    fields.push({ key, value: f.slice(eq + 1).trim() });
  }
  return fields;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** " Did you mean 'pattern'?" for a near miss such as `patern`, else ''. */
export function didYouMean(word: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= 2 ? ` Did you mean '${best}'?` : '';
}
