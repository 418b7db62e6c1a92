import { afterAll, describe, expect, it } from 'vitest';
import { buildReport, NO_FILTERS, type CountyData, type ReportTable, type ViewRow } from './report';
import { isHidden } from './suppression';

// The county's machines keep Beijing time; "last data" is that local date (Node reads TZ when it changes).
// Set before the tables below are built (at collection time).
const savedTz = process.env.TZ;
process.env.TZ = 'Asia/Shanghai';
afterAll(() => {
  process.env.TZ = savedTz;
});

const LB = 'left-behind-both-away';
/** Qingshan's kiosk counts the bands; Baiyun's is an older version whose tally has none of them. */
const tallies: ViewRow[] = [
  ...Object.entries({ enrolled: 26, regular: 11, attendNone: 5, attendUnder25: 5, attend25to49: 5, attend50to74: 5, attend75up: 6, visits0: 10, visits1: 9, visits2to3: 5, visits4up: 2, contacts0: 0, contacts1: 10, contacts2to3: 8, contacts4up: 8 }).map(
    ([m, v]) => ({ key: ['2026-10', 'qingshan', m, LB], value: v }),
  ),
  ...Object.entries({ enrolled: 10, attendNone: 0, attendUnder25: 0, attend25to49: 5, attend50to74: 0, attend75up: 5 }).map(([m, v]) => ({ key: ['2026-10', 'qingshan', m, 'migrant'], value: v })),
  { key: ['2026-10', 'baiyun', 'enrolled', LB], value: 9 },
  { key: ['2026-10', 'baiyun', 'regular', LB], value: 4 },
];
const data = (rows: ViewRow[], only?: string): CountyData => ({
  countyId: 'yunxi', period: '2026-10', fetchedAt: '2026-11-02T10:00:00+08:00',
  centers: [['石桥镇', '青山村', 'qingshan', '青山'], ['石桥镇', '白云村', 'baiyun', '白云']].filter((k) => !only || k[2] === only).map((key) => ({ key, value: 1 })),
  sessions: [], services: [],
  moods: [
    { key: ['2026-10', 'qingshan', LB, 5], value: 12 }, { key: ['2026-10', 'baiyun', LB, 5], value: 8 }, { key: ['2026-10', 'qingshan', 'migrant', 1], value: 6 }, { key: ['2026-10', 'qingshan', 'migrant', 5], value: 30 },
  ],
  screenings: [
    { key: ['2026-10', 'qingshan', LB, 'attention'], value: 6 }, { key: ['2026-10', 'baiyun', 'migrant', 'attention'], value: 5 }, { key: ['2026-10', 'qingshan', 'migrant', 'none'], value: 40 },
  ],
  tallies: rows,
  // Qingshan last sent a count on 2 November at 07:30 Beijing time (1 November 23:30 UTC).
  freshness: [{ key: ['qingshan'], value: { sum: 0, count: 1, min: 0, max: Date.parse('2026-11-02T07:30:00+08:00') } }],
});
const table = (sections: ReturnType<typeof buildReport>, id: string): ReportTable => sections.flatMap((s) => s.tables).find((t) => t.id === id)!;
const row = (t: ReportTable, key: string) => t.rows.find((r) => 'k' in r.label && r.label.k === `group.${key}`)!.cells;

describe('the dashboard tables of issue 9, second walk', () => {
  const report = buildReport(data(tallies), NO_FILTERS, '2026-11-02');

  it('shows attendance regularity in bands by group, leaving out (and naming) a center whose tally lacks them', () => {
    const t = table(report, 'continuity-regularity');
    expect(t.columns.map((c) => ('k' in c ? c.k : ''))).toEqual(['countyBands.attend.None', 'countyBands.attend.Under25', 'countyBands.attend.25to49', 'countyBands.attend.50to74', 'countyBands.attend.75up', 'county.total']);
    // Qingshan's 26 left-behind children only: Baiyun's 9 are not counted as "never attended" or anything else.
    expect(row(t, LB)).toEqual([5, 5, 5, 5, 6, 26]);
    expect(t.totals).toEqual([5, 5, 10, 5, 11, 36]);
    expect(row(t, 'migrant')).toEqual([0, 0, 5, 0, 5, 10]);
    expect(t.note).toEqual({ k: 'countyBands.regularityDefinitionMissing', p: { centers: '白云' } });
  });

  it('reads the view as it answers now: no row for a band of 0, the group marked as counted (_bands)', () => {
    const asTheViewAnswers = [
      ...tallies.filter((r) => r.value !== 0),
      { key: ['2026-10', 'qingshan', '_bands', LB], value: 1 },
      { key: ['2026-10', 'qingshan', '_bands', 'migrant'], value: 1 },
    ];
    const qingshan = buildReport(data(asTheViewAnswers, 'qingshan'), NO_FILTERS, '2026-11-02');
    // Counted zeros stay 0 (not "no data"), and qingshan is not named as lacking the bands.
    expect(row(table(qingshan, 'continuity-regularity'), 'migrant')).toEqual([0, 0, 5, 0, 5, 10]);
    expect(row(table(qingshan, 'continuity-contacts'), LB)[0]).toBe(0);
    expect(table(qingshan, 'continuity-regularity').note).toEqual({ k: 'countyBands.regularityDefinition' });
  });

  it('says "no data", never 0, where no center in scope sent the bands', () => {
    const baiyun = buildReport(data(tallies, 'baiyun'), NO_FILTERS, '2026-11-02');
    expect(row(table(baiyun, 'continuity-regularity'), LB)).toEqual(Array(6).fill('countyBands.noData'));
    expect(row(table(baiyun, 'continuity-contacts'), LB)).toEqual(Array(5).fill('countyBands.noData'));
    // A group with no child anywhere is a true 0.
    expect(row(table(baiyun, 'continuity-regularity'), 'migrant')).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('counts left-behind children by how often a surrogate parent visited and parents were in contact', () => {
    const visits = table(report, 'continuity-visits');
    expect(visits.rows.map((r) => ('k' in r.label ? r.label.k : ''))).toEqual(['group.left-behind-father-away', 'group.left-behind-mother-away', `group.${LB}`]);
    // Two children with 4 or more visits: hidden, and a second cell with it so the total does not give them away.
    const lb = row(visits, LB);
    expect(lb.filter(isHidden).length).toBeGreaterThanOrEqual(2);
    expect(lb).not.toContain(2);
    expect(lb[3]).toBe('<5');
    expect(row(table(report, 'continuity-contacts'), LB)).toEqual([0, 10, 8, 8, 26]);
  });

  it('shows mood check-ins by group and face, and screening levels by month', () => {
    const moods = table(report, 'wellbeing-moods-groups');
    expect(row(moods, LB)).toEqual([0, 0, 0, 0, 20, 20]);
    expect(moods.note).toEqual({ k: 'countyBands.moodsDefinition' });
    expect(row(moods, 'migrant')).toEqual([6, 0, 0, 0, 30, 36]);
    const byMonth = table(report, 'wellbeing-screenings-months');
    expect(byMonth.rows.map((r) => ('text' in r.label ? r.label.text : ''))).toEqual(['2026-10']);
    expect(byMonth.columns.map((c) => ('k' in c ? c.k : ''))).toEqual(['screenings.level.none', 'screenings.level.attention', 'screenings.level.prompt', 'county.total']);
    expect(byMonth.rows[0]!.cells).toEqual([40, 11, 0, 51]);
    expect(JSON.stringify(byMonth)).not.toMatch(/score/i);
  });

  it('prints "last data" as the local date of the newest count a center sent', () => {
    const fresh = table(report, 'freshness-centers');
    expect(fresh.rows.find((r) => 'text' in r.label && r.label.text === '青山')!.cells).toEqual(['2026-11-02', 0, 'county.status.ok']);
    expect(fresh.note).toEqual({ k: 'countyBands.freshnessDefinition', p: { n: 7 } });
  });
});

describe('tables that sum over centers cannot be compared across scopes (issue 9)', () => {
  // 白云 (云岭乡) gave 7 left-behind children homework help, 青山 (石桥镇) 2: the county shows 9.
  const two: CountyData = {
    countyId: 'yunxi', period: '2026-10', fetchedAt: '2026-11-02T10:00:00+08:00',
    centers: [{ key: ['石桥镇', '青山村', 'qingshan', '青山'], value: 1 }, { key: ['云岭乡', '白云村', 'baiyun', '白云'], value: 1 }],
    sessions: [],
    services: [
      { key: ['2026-10', 'baiyun', LB, 'educational-support'], value: 7 },
      { key: ['2026-10', 'qingshan', LB, 'educational-support'], value: 2 },
      { key: ['2026-10', 'baiyun', 'migrant', 'educational-support'], value: 30 },
      { key: ['2026-10', 'qingshan', 'migrant', 'educational-support'], value: 25 },
    ],
    moods: [], screenings: [], tallies: [], freshness: [],
  };
  const cell = (filters: Parameters<typeof buildReport>[1]) => {
    const t = table(buildReport(two, filters, '2026-11-02'), 'mix-groups');
    return t.rows[0]!.cells[t.columns.findIndex((c) => 'k' in c && c.k === `group.${LB}`)];
  };

  it('the township alone does not show 7 where the county shows 9', () => {
    const county = cell(NO_FILTERS);
    const yunling = cell({ ...NO_FILTERS, township: '云岭乡' });
    const baiyun = cell({ ...NO_FILTERS, centerId: 'baiyun' });
    // Whatever the county shows, 云岭乡's and 白云's cells are hidden: else 9 - 7 = 2.
    expect(isHidden(yunling)).toBe(true);
    expect(isHidden(baiyun)).toBe(true);
    expect(cell({ ...NO_FILTERS, township: '石桥镇' })).toBe('<5');
    if (typeof county === 'number') expect(county).toBe(9);
  });
});
