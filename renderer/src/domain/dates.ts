/** Calendar helpers on local yyyy-mm-dd strings: a center's day is its local day. */

/** The local calendar date of `d` as yyyy-mm-dd. */
export function localDate(d: Date): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

/** Parses yyyy-mm-dd as local midnight. */
export function parseLocalDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y ?? NaN, (m ?? NaN) - 1, d ?? NaN);
}

export function addDays(date: string, days: number): string {
  const d = parseLocalDate(date);
  d.setDate(d.getDate() + days);
  return localDate(d);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return parseLocalDate(date).getDay();
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((parseLocalDate(b).getTime() - parseLocalDate(a).getTime()) / 86_400_000);
}

/** Every date from `from` to `to` inclusive. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Whether yyyy-mm-dd names a day that exists (no 2026-02-30, no month 13). */
export function isCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

const WEEKDAYS_ZH = ['日', '一', '二', '三', '四', '五', '六'];
const WEEKDAYS_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * The kiosk home's date line ("12月1日星期二" / "Tuesday, December 1"), written out without
 * Intl: the first Intl.DateTimeFormat of a page loads the locale's calendar data, tens of
 * milliseconds of the kiosk's cold start on a slow machine (issue 19). Same text as
 * `Intl.DateTimeFormat(locale, { month: 'long', day: 'numeric', weekday: 'long' })` gives,
 * with `year: 'numeric'` when `withYear` (dates.test.ts compares them).
 */
export function homeDate(d: Date, locale: string, withYear = false): string {
  const [y, m, day, w] = [d.getFullYear(), d.getMonth(), d.getDate(), d.getDay()];
  if (locale.startsWith('zh')) return `${withYear ? `${y}年` : ''}${m + 1}月${day}日星期${WEEKDAYS_ZH[w]}`;
  return `${WEEKDAYS_EN[w]}, ${MONTHS_EN[m]} ${day}${withYear ? `, ${y}` : ''}`;
}
