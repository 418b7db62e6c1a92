import { describe, expect, it } from 'vitest';
import { countyQueries, viewQueryString } from './countyClient';
import { COUNTY_VIEW_REDUCERS } from '@sync/schema/countyViews';

describe('the dashboard’s view queries', () => {
  it('read only views a table draws: days present (the largest view of a county) are not read', () => {
    const queries = countyQueries('2026-10');
    expect(queries.map((q) => q.view).sort()).toEqual(['centers', 'freshness', 'month_moods', 'month_screenings', 'month_services', 'month_sessions', 'period_tallies']);
    expect(queries.map((q) => q.view)).not.toContain('month_attendance');
    for (const q of queries) expect(Object.keys(COUNTY_VIEW_REDUCERS)).toContain(q.view);
  });

  it('ask each per-event view for the period’s months only, grouped to what the tables draw', () => {
    const byView = (period: string) => new Map(countyQueries(period).map((q) => [q.view, q.params]));
    const month = byView('2026-10');
    for (const v of ['month_services', 'month_moods', 'month_screenings'])
      expect(month.get(v), v).toEqual({ startkey: ['2026-10'], endkey: ['2026-10', {}], group_level: 4 });
    // Sessions reach back two more months: a gap is a service missing for three months.
    expect(month.get('month_sessions')).toEqual({ startkey: ['2026-08'], endkey: ['2026-10', {}], group_level: 4 });
    expect(month.get('period_tallies')).toEqual({ startkey: ['2026-10'], endkey: ['2026-10', {}], group_level: 4 });
    const term = byView('2026-autumn');
    expect(term.get('month_services')).toEqual({ startkey: ['2026-09'], endkey: ['2027-01', {}], group_level: 4 });
    expect(term.get('period_tallies')).toEqual({ startkey: ['2026-autumn'], endkey: ['2026-autumn', {}], group_level: 4 });
  });

  it('send keys as JSON and other parameters as they are', () => {
    expect(viewQueryString({ startkey: ['2026-10'], endkey: ['2026-10', {}], group_level: 4 })).toBe(
      `startkey=${encodeURIComponent('["2026-10"]')}&endkey=${encodeURIComponent('["2026-10",{}]')}&group_level=4`,
    );
    expect(viewQueryString({ key: 'a', reduce: false })).toBe(`key=${encodeURIComponent('"a"')}&reduce=false`);
  });
});
