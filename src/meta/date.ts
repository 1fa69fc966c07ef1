// `{{date 'YYYYMMDD' tz='Asia/Tokyo'}}` and `{{commit_date ...}}` in tag templates.
//
// metadata-action formats these with moment-timezone. Bundling moment for a handful of tokens is
// not worth ~300 kB of dist, so this renders the subset of moment's tokens that make sense in a
// Docker tag, with time zones from the runtime's ICU data (Intl). A token we do not know is an
// error rather than being copied through: moment would have rendered it, so silently emitting the
// letters would give a different tag than the user expects.

/** Calendar fields of one instant as seen in one time zone. */
interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

function partsIn(date: Date, timeZone: string): Parts {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    // Intl throws a RangeError whose text varies by Node version; say it in our words.
    throw new Error(`unknown time zone '${timeZone}' (use an IANA name such as 'UTC' or 'Europe/Paris')`);
  }
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(fmt.formatToParts(date).find((p) => p.type === type)?.value ?? NaN);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    millisecond: date.getUTCMilliseconds(),
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

// Longest tokens first so `YYYY` is not read as two `YY`s. Moment tokens we do not render
// (`MMMM`, `Do`, `DDDD`...) are still matched whole so the error names them. Moment's
// `[literal]` escape is kept so users can put letters into a tag.
const TOKEN = /\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|DDDD|DDD|DD|Do|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|SSS|A|a|[A-Za-z]/g;

function token(tok: string, p: Parts): string {
  switch (tok) {
    case 'YYYY':
      return pad(p.year, 4);
    case 'YY':
      return pad(p.year % 100, 2);
    case 'MM':
      return pad(p.month, 2);
    case 'M':
      return String(p.month);
    case 'DD':
      return pad(p.day, 2);
    case 'D':
      return String(p.day);
    case 'HH':
      return pad(p.hour, 2);
    case 'H':
      return String(p.hour);
    case 'hh':
      return pad(p.hour % 12 === 0 ? 12 : p.hour % 12, 2);
    case 'h':
      return String(p.hour % 12 === 0 ? 12 : p.hour % 12);
    case 'mm':
      return pad(p.minute, 2);
    case 'm':
      return String(p.minute);
    case 'ss':
      return pad(p.second, 2);
    case 's':
      return String(p.second);
    case 'SSS':
      return pad(p.millisecond, 3);
    case 'A':
      return p.hour < 12 ? 'AM' : 'PM';
    case 'a':
      return p.hour < 12 ? 'am' : 'pm';
    default:
      throw new Error(
        `date format token '${tok}' is not supported (supported: YYYY YY MM M DD D HH H hh h mm m ss s SSS A a, and [text] for literal text)`,
      );
  }
}

/** Render `date` in `timeZone` with a moment-style `format`. Throws a plain Error the caller words. */
export function formatDate(date: Date, format: string, timeZone = 'UTC'): string {
  const p = partsIn(date, timeZone);
  return format.replace(TOKEN, (tok: string, literal: string | undefined) => (literal !== undefined ? literal : token(tok, p)));
}
