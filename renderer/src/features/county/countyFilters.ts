/** The dashboard's filter choices (pure): which periods to offer, and filters to and from a route query. */
import { CHILD_GROUPS } from '@sync/schema/vocab';
import { PERIOD_RE, periodKind, periodsOf, previousMonth, type PeriodKind } from '@/domain/county/periods';
import { NO_FILTERS, sessionsOf, type CountyData, type Filters, type GroupFilter } from '@/domain/county/report';

/** Periods to choose from, newest first: 24 months, 4 terms or 3 years up to `today`'s. */
export function periodChoices(kind: PeriodKind, today: string): string[] {
  const now = periodsOf(today);
  if (kind === 'month') {
    const out = [now.month];
    while (out.length < 24) out.push(previousMonth(out.at(-1)!));
    return out;
  }
  if (kind === 'year') return [0, 1, 2].map((i) => String(Number(now.year) - i));
  const out = [now.term];
  while (out.length < 4) {
    const last = out.at(-1)!;
    const y = Number(last.slice(0, 4));
    out.push(last.endsWith('autumn') ? `${y}-spring` : `${y - 1}-autumn`);
  }
  return out;
}

const GROUP_FILTERS: readonly string[] = ['all', 'left-behind', ...CHILD_GROUPS];

export interface DashboardQuery {
  readonly period: string;
  readonly filters: Filters;
}

/**
 * The month the dashboard lands on when no period was asked for: the newest month up to
 * `today`'s with at least one session in `data` (the sessions rows of a month's read reach
 * GAP_MONTHS back, so the current month's read already says which recent months have data —
 * no extra query); the previous month when none has. Null while `data` is not the current
 * month's, or when the current month has sessions (stay).
 */
export function landingMonth(today: string, data: Pick<CountyData, 'period' | 'sessions'> | null): string | null {
  const current = periodsOf(today).month;
  if (!data || data.period !== current) return null;
  const months = new Set(data.sessions.filter((r) => sessionsOf(r.value) > 0).map((r) => String(r.key[0])));
  if (months.has(current)) return null;
  const newest = [...months].filter((m) => m < current).sort().at(-1);
  return newest ?? previousMonth(current);
}

/** Reads a route query; anything malformed falls back to the default (the current month, no filters). */
export function fromQuery(q: Record<string, unknown>, today: string): DashboardQuery {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const period = str(q.period);
  const group = str(q.group);
  return {
    period: period && PERIOD_RE.test(period) ? period : periodsOf(today).month,
    filters: {
      township: str(q.township) || NO_FILTERS.township,
      centerId: str(q.center) || NO_FILTERS.centerId,
      group: group && GROUP_FILTERS.includes(group) ? (group as GroupFilter) : 'all',
    },
  };
}

export function toQuery(d: DashboardQuery): Record<string, string> {
  return {
    period: d.period,
    ...(d.filters.township ? { township: d.filters.township } : {}),
    ...(d.filters.centerId ? { center: d.filters.centerId } : {}),
    ...(d.filters.group !== 'all' ? { group: d.filters.group } : {}),
  };
}

export { periodKind, GROUP_FILTERS };
