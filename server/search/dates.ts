// FHIR date/dateTime/instant strings → closed epoch-ms ranges at their precision.
// Independent of lib/search (the harness oracle): never import from there.
//
// R5 search.html, date: "Date parameters may be used with the date, dateTime, instant, Period, or Timing data types.
// Every date in search matches against an implicit range of dates, based on the precision of the value."
//
// Choices:
// - A time without a zone (`2020-01-01T10:00`) is taken as UTC. So is a plain date/month/year: `2020-01-01` is the UTC
//   day [2020-01-01T00:00:00.000Z, 2020-01-01T23:59:59.999Z]. (The spec leaves zone-less times to the server.)
// - Precision below the millisecond is truncated to the millisecond.
// - Ranges are closed, in whole ms: high = (start of the next unit) - 1.

export interface DateRange {
  low: number;
  high: number;
}

/** Stands in for an open Period end (-∞ / +∞): beyond every real date (JS dates stop at ±8.64e15). */
export const NEG_INF = -9e15;
export const POS_INF = 9e15;

const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo, d);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

function daysIn(y: number, m: number): number {
  return new Date(utc(y, m, 1) - 1).getUTCDate() || 31;
}

export function parseDateRange(s: string): DateRange | null {
  const m = DATE_RE.exec(s.trim());
  if (!m) return null;
  const y = Number(m[1]);
  if (m[2] === undefined) return { low: utc(y, 0, 1), high: utc(y + 1, 0, 1) - 1 };
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return null;
  if (m[3] === undefined) return { low: utc(y, mo - 1, 1), high: utc(y, mo, 1) - 1 };
  const d = Number(m[3]);
  if (d < 1 || d > daysIn(y, mo)) return null;
  if (m[4] === undefined) return { low: utc(y, mo - 1, d), high: utc(y, mo - 1, d + 1) - 1 };
  const h = Number(m[4]);
  const mi = Number(m[5]);
  if (h > 23 || mi > 59) return null;
  let offsetMs = 0;
  const tz = m[8];
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const th = Number(tz.slice(1, 3));
    const tm = Number(tz.slice(4, 6));
    if (th > 14 || tm > 59) return null;
    offsetMs = sign * (th * 60 + tm) * 60_000;
  }
  let unit: number;
  let sec = 0;
  let ms = 0;
  if (m[6] === undefined) unit = 60_000;
  else {
    sec = Number(m[6]);
    if (sec > 59) return null;
    const frac = m[7];
    if (frac === undefined) unit = 1000;
    else {
      ms = Number(frac.slice(0, 3).padEnd(3, '0'));
      unit = frac.length >= 3 ? 1 : 10 ** (3 - frac.length);
    }
  }
  const low = utc(y, mo - 1, d, h, mi, sec, ms) - offsetMs;
  return { low, high: low + unit - 1 };
}
