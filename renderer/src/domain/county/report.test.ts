import { describe, expect, it } from 'vitest';
import { buildReport, COUNTY_FIELDS, NO_FILTERS, SECTION_FIELDS, type CountyData, type CountyField, type Filters, type ReportSection } from './report';
import { isHidden } from './suppression';

const PERIOD = '2026-10';
const TODAY = '2026-10-31';
const CENTERS = [['石桥镇', '青山村', 'qs', '青山'], ['石桥镇', '河口村', 'hk', '河口'], ['云岭乡', '白云村', 'by', '白云']] as const;
const GROUPS = ['left-behind-father-away', 'migrant', 'local'] as const;
const MONTHS = ['2026-08', '2026-09', '2026-10'] as const;

/** View rows for three centers, every field filled, counts of 5 and more (so no cell hides behind "<5"). */
function countyData(): CountyData {
  const n = (...xs: number[]) => 5 + (xs.reduce((s, x) => s * 7 + x, 3) % 11);
  return {
    countyId: 'yunxi', period: PERIOD, fetchedAt: `${TODAY}T10:00:00.000Z`,
    centers: CENTERS.map((c) => ({ key: [...c], value: 1 })),
    sessions: MONTHS.flatMap((m, mi) => CENTERS.flatMap(([, , c], ci) => [
      { key: [m, c, 'educational-support', 'school'], value: [n(mi, ci, 1), 60] as const },
      { key: [m, c, 'educational-support', 'volunteer-group'], value: [n(mi, ci, 2), 90] as const },
      ...(ci === 2 && m === PERIOD ? [] : [{ key: [m, c, 'counselling-individual', 'social-organisation'], value: [n(mi, ci, 3), 45] as const }]),
    ])),
    services: CENTERS.flatMap(([, , c], ci) => GROUPS.flatMap((g, gi) => [
      { key: [PERIOD, c, g, 'educational-support', 'school'], value: n(ci, gi, 4) },
      { key: [PERIOD, c, g, 'counselling-individual', 'social-organisation'], value: n(ci, gi, 5) },
    ])),
    moods: CENTERS.flatMap(([, , c], ci) => GROUPS.flatMap((g, gi) => [1, 2, 3, 4, 5].map((f) => ({ key: [PERIOD, c, g, f], value: n(ci, gi, f) })))),
    screenings: CENTERS.flatMap(([, , c], ci) => GROUPS.flatMap((g, gi) => ['none', 'attention', 'prompt'].map((l, li) => ({ key: [PERIOD, c, g, l], value: n(ci, gi, li) })))),
    tallies: CENTERS.flatMap(([, , c], ci) => [
      ...['openDays', 'staffActive', 'volunteersActive', 'followupsOpen', 'followupsOverdue'].map((m, mi) => ({ key: [PERIOD, c, m, ''], value: n(ci, mi) })),
      ...GROUPS.flatMap((g, gi) => ['enrolled', 'reached', 'regular', 'longGap', 'surrogateVisit', 'parentContact'].map((m, mi) => ({ key: [PERIOD, c, m, g], value: 20 + n(ci, gi, mi) }))),
    ]),
    freshness: CENTERS.map(([, , c], ci) => ({ key: [c], value: { sum: 0, count: 1, min: 0, max: Date.parse(`2026-10-${20 + ci}T10:00:00Z`) } })),
  };
}

const without = (data: CountyData, fields: readonly CountyField[]): CountyData => ({ ...data, ...Object.fromEntries(fields.map((f) => [f, []])) });
const sectionOf = (data: CountyData, id: ReportSection['id'], filters: Filters = NO_FILTERS) => buildReport(data, filters, TODAY).find((s) => s.id === id)!;

describe('SECTION_FIELDS: the rows each section is drawn from', () => {
  const data = countyData();
  const sections = buildReport(data, NO_FILTERS, TODAY).map((s) => s.id);

  it('names every section of the report', () => {
    expect(Object.keys(SECTION_FIELDS).sort()).toEqual([...sections].sort());
  });

  it.each(sections)('%s: drawn the same without the rows it does not name (so it can be drawn before they are read)', (id) => {
    const others = COUNTY_FIELDS.filter((f) => !SECTION_FIELDS[id].includes(f));
    for (const filters of [NO_FILTERS, { ...NO_FILTERS, township: '石桥镇' }, { ...NO_FILTERS, group: 'migrant' as const }])
      expect(sectionOf(without(data, others), id, filters)).toEqual(sectionOf(data, id, filters));
  });

  it.each(sections)('%s: every field it names changes what it draws (the list is no longer than needed)', (id) => {
    for (const field of SECTION_FIELDS[id]) expect(sectionOf(without(data, [field]), id), field).not.toEqual(sectionOf(data, id));
  });
});

describe('no Total column that repeats the one column beside it (the printed report, issue 9 leftovers)', () => {
  const data = countyData();
  const tableOf = (id: string, filters: Filters = NO_FILTERS) => buildReport(data, filters, TODAY).flatMap((s) => s.tables).find((t) => t.id === id)!;

  it('the gap table: one column of centers, no Total column and no totals row (a sum over services counts a center once per service it lacks)', () => {
    const gaps = tableOf('coordination-gaps');
    expect(gaps.columns).toEqual([{ k: 'county.m.centersWithout' }]);
    expect(gaps.totals).toBeNull();
    expect(gaps.rows.every((r) => r.cells.length === 1)).toBe(true);
    // 白云 had no individual counselling in the period's last month only: still served within the three months.
    expect(gaps.rows.find((r) => 'k' in r.label && r.label.k === 'services.type.educational-support')!.cells).toEqual([0]);
    expect(gaps.rows.find((r) => 'k' in r.label && r.label.k === 'services.type.after-school-care')!.cells).toEqual([3]);
    expect(gaps.note).toEqual({ k: 'county.gapDefinition', p: { n: 3, to: PERIOD } });
  });

  it('a view of one group: its one column, no Total beside it; two groups keep their Total', () => {
    const one = tableOf('reach-groups', { ...NO_FILTERS, group: 'migrant' });
    expect(one.columns).toEqual([{ k: 'group.migrant' }]);
    expect(one.rows.every((r) => r.cells.length === 1)).toBe(true);
    expect(one.totals).toHaveLength(1);
    const two = tableOf('reach-groups', { ...NO_FILTERS, group: 'left-behind' });
    expect(two.columns.at(-1)).toEqual({ k: 'county.total' });
    expect(two.columns).toHaveLength(4);
  });
});

describe('a filter that names no known center or township', () => {
  const SCOPED = ['mix-groups', 'reach-regular', 'continuity-groups', 'continuity-regularity', 'wellbeing-moods', 'wellbeing-moods-groups', 'wellbeing-screenings', 'wellbeing-screenings-months'];
  it.each([
    ['an unknown center', { ...NO_FILTERS, centerId: 'nowhere' }],
    ['an unknown township', { ...NO_FILTERS, township: '不存在镇' }],
    ['a center outside the chosen township', { ...NO_FILTERS, township: '云岭乡', centerId: 'qs' }],
  ] as const)('%s: the tables summing over centers count no center (every count 0, nothing hidden)', (_, filters) => {
    const tables = buildReport(countyData(), filters, TODAY).flatMap((s) => s.tables).filter((t) => SCOPED.includes(t.id));
    expect(tables.map((t) => t.id).sort()).toEqual([...SCOPED].sort());
    for (const t of tables) {
      const cells = [...t.rows.flatMap((r) => r.cells), ...(t.totals ?? [])];
      expect(cells.filter((c) => typeof c === 'number' && c !== 0), t.id).toEqual([]);
      expect(cells.filter(isHidden), t.id).toEqual([]);
    }
  });
});
