import { describe, expect, it } from 'vitest';
import { countyQueries, testCoordinator, viewQueryString, type CoordinatorVerdict } from './countyClient';
import { problemWords, verdictWords } from './countyLabels';
import { createAppI18n } from '../../i18n';
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

describe('the coordinator verdicts', () => {
  const verdicts = ['ok', 'bad-url', 'unreachable', 'wrong-password', 'locked', 'not-this-center', 'server-too-old', 'center-account', 'not-coordinator', 'no-views'] as const satisfies readonly CoordinatorVerdict[];
  const translators = { 'zh-CN': createAppI18n('zh-CN').global.t, en: createAppI18n('en').global.t } as const;

  it('say a malformed address is one, without asking the network', async () => {
    for (const url of ['not a url', 'county.example:6984', 'http://', 'ftp://county.example'])
      expect((await testCoordinator({ url, username: 'coord-li', password: 'x' })).verdict, url).toBe('bad-url');
  });

  it('word a server that cannot be reached without the browser’s message ("Failed to fetch")', async () => {
    // A closed port on this machine: fetch fails at once with the runtime's own message.
    const res = await testCoordinator({ url: 'http://127.0.0.1:9', username: 'coord-li', password: 'x' });
    expect(res.verdict).toBe('unreachable');
    expect(res.detail).not.toBe('');
    for (const t of Object.values(translators)) expect(verdictWords(t, res.verdict)).not.toContain(res.detail);
  });

  it('are every one our own words in both languages: no library message, command, database name or placeholder', () => {
    for (const [lang, t] of Object.entries(translators))
      for (const v of verdicts) {
        const text = verdictWords(t, v);
        expect(text, `${lang} ${v}`).not.toBe(`countyWalk10.verdict.${v}`);
        expect(text, `${lang} ${v}`).not.toMatch(/Failed to fetch|not a url|npm|provision|county_|coordinator:|HTTP \d|\{|TypeError|CouchDB/);
      }
    for (const [lang, t] of Object.entries(translators))
      expect(problemWords(t, 'no-views'), lang).not.toMatch(/npm|provision|county_/);
  });
});
