import { describe, expect, it } from 'vitest';
import type { CountyData } from '@/domain/county/report';
import { landingMonth } from './countyFilters';

/** A month's read as the dashboard gets it: sessions rows reach GAP_MONTHS back ([month, center, type, provider] → [sessions, minutes]). */
const read = (period: string, months: Record<string, number>): Pick<CountyData, 'period' | 'sessions'> => ({
  period,
  sessions: Object.entries(months).map(([m, n]) => ({ key: [m, 'qingshan', 'homework', 'school'], value: [n, n * 60] as const })),
});

describe('the month the dashboard lands on', () => {
  it('early in a month with no session yet: the newest month that has sessions, not the empty current one', () => {
    expect(landingMonth('2026-12-02', read('2026-12', { '2026-10': 30, '2026-11': 12 }))).toBe('2026-11');
    expect(landingMonth('2026-12-02', read('2026-12', { '2026-10': 30, '2026-11': 0 }))).toBe('2026-10');
  });
  it('stays on the current month once it has a session', () => {
    expect(landingMonth('2026-12-20', read('2026-12', { '2026-11': 40, '2026-12': 1 }))).toBeNull();
  });
  it('with no session in the months read: the previous full month (January goes back a year)', () => {
    expect(landingMonth('2027-01-03', read('2027-01', {}))).toBe('2026-12');
  });
  it('decides nothing before the current month is read, or from another period', () => {
    expect(landingMonth('2026-12-02', null)).toBeNull();
    expect(landingMonth('2026-12-02', read('2026-11', { '2026-11': 3 }))).toBeNull();
  });
  it('reads summed tallies and results cached before design-document version 8 (stats: count = sessions)', () => {
    const old = { period: '2026-12', sessions: [{ key: ['2026-11', 'a', 'homework', 'school'], value: { sum: 600, count: 10, min: 60, max: 60, sumsqr: 36000 } }] };
    expect(landingMonth('2026-12-02', old)).toBe('2026-11');
  });
});
