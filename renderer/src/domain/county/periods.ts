/**
 * Reporting periods of the county dashboard: a month (`2026-10`), a school term
 * (`2026-autumn` = September to January, `2027-spring` = February to July, as
 * Chinese schools run them) or a calendar year (`2026`). Pure.
 */
import { addDays } from '../dates';

export type PeriodKind = 'month' | 'term' | 'year';
export const PERIOD_RE = /^\d{4}(-(0[1-9]|1[0-2])|-spring|-autumn)?$/;

export function periodKind(period: string): PeriodKind {
  if (!PERIOD_RE.test(period)) throw new RangeError(`not a reporting period: ${period}`);
  if (/^\d{4}$/.test(period)) return 'year';
  return /-(spring|autumn)$/.test(period) ? 'term' : 'month';
}

function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return addDays(next, -1);
}

/** First and last day (inclusive) of a period. @throws RangeError for a malformed period. */
export function periodBounds(period: string): { from: string; to: string } {
  const kind = periodKind(period);
  const year = Number(period.slice(0, 4));
  if (kind === 'year') return { from: `${year}-01-01`, to: `${year}-12-31` };
  if (kind === 'month') return { from: `${period}-01`, to: lastDayOfMonth(period) };
  return period.endsWith('autumn') ? { from: `${year}-09-01`, to: lastDayOfMonth(`${year + 1}-01`) } : { from: `${year}-02-01`, to: `${year}-07-31` };
}

/** The months (yyyy-mm) a period covers, in order. */
export function periodMonths(period: string): string[] {
  const { from, to } = periodBounds(period);
  const out: string[] = [];
  for (let m = from.slice(0, 7); m <= to.slice(0, 7); ) {
    out.push(m);
    const [y, mm] = m.split('-').map(Number) as [number, number];
    m = mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
  }
  return out;
}

/** The month, term and year a date falls in. */
export function periodsOf(date: string): { month: string; term: string; year: string } {
  const year = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const term = m >= 9 ? `${year}-autumn` : m === 1 ? `${year - 1}-autumn` : `${year}-spring`;
  return { month: date.slice(0, 7), term, year: String(year) };
}

/** The month before `month`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
