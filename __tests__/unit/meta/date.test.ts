import { formatDate } from '../../../src/meta/date.js';

// The moment-style subset behind {{date}} / {{commit_date}}.

const at = new Date('2026-03-04T05:06:07.089Z');

describe('formatDate', () => {
  test.each([
    ['YYYYMMDD', 'UTC', '20260304'],
    ['YYYY-MM-DD HH:mm:ss.SSS', 'UTC', '2026-03-04 05:06:07.089'],
    ['YY M D H m s', 'UTC', '26 3 4 5 6 7'],
    ['hh:mm A', 'UTC', '05:06 AM'],
    ['h a', 'America/New_York', '12 am'],
    ['YYYYMMDD-HHmmss', 'Asia/Tokyo', '20260304-140607'],
    ['YYYYMMDD-HHmmss', 'America/Los_Angeles', '20260303-210607'],
    ['[build-]YYYY[T]', 'UTC', 'build-2026T'],
    ['YYYY.MM-DD_', 'UTC', '2026.03-04_'],
  ])('%s in %s', (format, tz, want) => {
    expect(formatDate(at, format, tz)).toBe(want);
  });

  test.each([
    ['Do', "date format token 'Do' is not supported"],
    ['MMMM', "date format token 'MMMM' is not supported"],
    ['x', "date format token 'x' is not supported"],
  ])('%s is refused', (format, msg) => {
    expect(() => formatDate(at, format)).toThrow(msg);
  });

  test('unknown zone', () => {
    expect(() => formatDate(at, 'YYYY', 'Nowhere/Land')).toThrow("unknown time zone 'Nowhere/Land'");
  });
});
