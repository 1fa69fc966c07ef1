import { InputError } from './errors.js';

// Strict parsers for action inputs. YAML 1.2 booleans only: a typo such as `ture` is an error,
// never a silent `false` (the house style forbids `=== 'true'`).
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

export function parseBool(input: string, raw: string): boolean {
  const v = raw.trim();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new InputError(input, raw, 'is not a boolean', `Use true or false.`);
}

export function parseEnum<T extends string>(input: string, raw: string, allowed: readonly T[]): T {
  const v = raw.trim().toLowerCase();
  const hit = allowed.find((a) => a === v);
  if (hit === undefined) {
    throw new InputError(input, raw, 'is not one of the accepted values', `Use one of: ${allowed.join(', ')}.`);
  }
  return hit;
}

/** Newline and/or comma separated list; blank entries and `#` comment lines dropped. */
export function parseList(raw: string, opts: { comma?: boolean } = { comma: true }): string[] {
  const out: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const parts = opts.comma === false ? [t] : t.split(',');
    for (const p of parts) {
      const s = p.trim();
      if (s !== '') out.push(s);
    }
  }
  return out;
}

/** Newline-only list (values may contain commas, e.g. build args and labels). */
export function parseLines(raw: string): string[] {
  return parseList(raw, { comma: false });
}

/** `KEY=VALUE` lines; the key must look like an identifier so a typo cannot smuggle flags in. */
export function parseKeyValues(input: string, raw: string, keyPattern = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/): Array<[string, string]> {
  return parseLines(raw).map((line) => {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (eq <= 0 || !keyPattern.test(key)) {
      throw new InputError(input, line, 'has a line that is not KEY=VALUE', `Write one KEY=VALUE per line, e.g. RUST_LOG=info.`);
    }
    return [key, line.slice(eq + 1)];
  });
}
