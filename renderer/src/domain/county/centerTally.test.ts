import { describe, expect, it } from 'vitest';
import { DEFAULT_CENTER_SETTINGS, type CenterDoc, type ChildDoc, type ConsentDoc } from '@sync/schema/documents';
import { attendanceBand, centerTally, openDays, sameCounts, timesBand } from './centerTally';
import { periodBounds, periodMonths, periodsOf } from './periods';

const meta = { centerId: 'qingshan', schemaVersion: 1 as const, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00', deviceId: 'k' };
const center: CenterDoc = { _id: 'center:qingshan', type: 'center', ...meta, name: '青山', county: '云溪县', township: '石桥镇', village: '青山村', defaultLocale: 'zh-CN', settings: DEFAULT_CENTER_SETTINGS };
const ID = ['01HZZZZZZZZZZZZZZZZZZZZZZ1', '01HZZZZZZZZZZZZZZZZZZZZZZ2', '01HZZZZZZZZZZZZZZZZZZZZZZ3'];
const child = (id: string, group: ChildDoc['groupHistory'][number]['group']): ChildDoc => ({
  _id: `child:${id}`, type: 'child', ...meta, schemaVersion: 2, birthMonth: '2016-05', gender: 'female', grade: 4, school: '村小', groupHistory: [{ from: '2026-09-01', group, caregiver: 'grandparent' }],
  surrogateParentStaffId: null, enrolledOn: '2026-09-01', leftOn: null, archived: false, avatar: { animal: 'panda', color: '#123456' },
});
const consent = (childId: string, action: 'grant' | 'withdraw', on: string): ConsentDoc => ({
  _id: `consent:${childId}:${on}`, type: 'consent', ...meta, childId, action, scopes: ['county-stats'], givenBy: { relation: 'father', isLegalGuardian: true }, method: 'phone', effectiveOn: on, recordedByStaffId: ID[0]!, note: '',
});

describe('reporting periods', () => {
  it('knows months, school terms and years', () => {
    expect(periodBounds('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodBounds('2026-autumn')).toEqual({ from: '2026-09-01', to: '2027-01-31' });
    expect(periodMonths('2027-spring')).toEqual(['2027-02', '2027-03', '2027-04', '2027-05', '2027-06', '2027-07']);
    expect(periodsOf('2027-01-15')).toEqual({ month: '2027-01', term: '2026-autumn', year: '2027' });
    expect(() => periodBounds('2026-13')).toThrow(RangeError);
  });
});

describe('a center tally', () => {
  // October 2026: weekdays only; the 1st–7th are the national holiday, recorded as not held.
  const days = ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'].map((date) => ({ date, held: false }));
  const open = openDays(center, days, '2026-10-01', '2026-10-31');
  const present = (childId: string, dates: string[]) => dates.map((date) => ({ childId, date, status: 'present' }));

  it('counts distinct children by group, regular attenders, long gaps and services, with consent only', () => {
    expect(open).toHaveLength(17);
    const records = {
      center,
      children: [child(ID[0]!, 'migrant'), child(ID[1]!, 'left-behind-both-away'), child(ID[2]!, 'left-behind-both-away')],
      consents: [consent(ID[0]!, 'grant', '2026-09-01'), consent(ID[1]!, 'grant', '2026-09-01'), consent(ID[2]!, 'grant', '2026-09-01'), consent(ID[2]!, 'withdraw', '2026-10-20')],
      staff: [],
      followups: [],
      days: days.map((d) => ({ ...d, _id: `day:${d.date}`, type: 'day' as const, ...meta, reason: '国庆' })),
      // Child 0 every open day; child 1 only the first three open days (then 14 open days away); child 2 withdrew county statistics.
      attendance: [...present(ID[0]!, open), ...present(ID[1]!, open.slice(0, 3)), ...present(ID[2]!, open)],
      activities: [{ date: '2026-10-12', serviceType: 'surrogate-parent-visit' as const, participants: [{ childId: ID[1]!, snapshot: { group: 'left-behind-both-away' as const, ageBand: '9-11' as const, gender: 'female' as const, countyOk: true } }] }],
    };
    const tally = centerTally(records, '2026-10', '2026-11-05', 'k', '2026-11-05T10:00:00+08:00');
    expect(tally._id).toBe('ctally:qingshan:2026-10');
    expect(tally.openDays).toBe(17);
    expect(tally.byGroup).toEqual([
      {
        group: 'left-behind-both-away', enrolled: 1, reached: 1, regular: 0, longGap: 1, surrogateVisit: 1, parentContact: 0,
        // 3 of 17 open days: under 25 %; one surrogate-parent visit, no contact.
        attendNone: 0, attendUnder25: 1, attend25to49: 0, attend50to74: 0, attend75up: 0,
        visits0: 0, visits1: 1, visits2to3: 0, visits4up: 0, contacts0: 1, contacts1: 0, contacts2to3: 0, contacts4up: 0,
      },
      // Migrant children: attendance bands only (visits and contacts are counted for left-behind children).
      { group: 'migrant', enrolled: 1, reached: 1, regular: 1, longGap: 0, surrogateVisit: 0, parentContact: 0, attendNone: 0, attendUnder25: 0, attend25to49: 0, attend50to74: 0, attend75up: 1 },
    ]);
    expect(JSON.stringify(tally)).not.toMatch(new RegExp(ID.join('|')));
  });

  it('sorts children into attendance bands and by how often a surrogate parent visited and parents called', () => {
    const LB = ['01HZZZZZZZZZZZZZZZZZZZZZZ4', '01HZZZZZZZZZZZZZZZZZZZZZZ5', '01HZZZZZZZZZZZZZZZZZZZZZZ6', '01HZZZZZZZZZZZZZZZZZZZZZZ7'];
    const session = (date: string, serviceType: 'surrogate-parent-visit' | 'parent-child-contact', who: string[]) => ({ date, serviceType, participants: who.map((childId) => ({ childId })) });
    const records = {
      center,
      children: LB.map((id) => child(id, 'left-behind-father-away')),
      consents: LB.map((id) => consent(id, 'grant', '2026-09-01')),
      staff: [],
      followups: [],
      days: days.map((d) => ({ ...d, _id: `day:${d.date}`, type: 'day' as const, ...meta, reason: '国庆' })),
      // 4, 5, 9 and 0 of the 17 open days (from the first): 16 < 17 (under 25 %), 20 >= 17 but 10 < 17 (25–49 %), 36 < 51 (50–74 %),
      // none; the runs of absence after them are 13, 12, 8 and 17 open days: three long gaps.
      attendance: [...present(LB[0]!, open.slice(0, 4)), ...present(LB[1]!, open.slice(0, 5)), ...present(LB[2]!, open.slice(0, 9))],
      activities: [
        // Child 0: one visit; child 1: two contact sessions (listed twice in one of them: counted once); child 2: four contacts and
        // two visits; child 3: nothing. A contact in September is outside the period.
        session('2026-10-09', 'surrogate-parent-visit', [LB[0]!, LB[2]!]),
        session('2026-10-16', 'surrogate-parent-visit', [LB[2]!]),
        session('2026-10-10', 'parent-child-contact', [LB[1]!, LB[1]!, LB[2]!]),
        session('2026-10-17', 'parent-child-contact', [LB[1]!, LB[2]!]),
        session('2026-10-24', 'parent-child-contact', [LB[2]!]),
        session('2026-10-31', 'parent-child-contact', [LB[2]!]),
        session('2026-09-30', 'parent-child-contact', [LB[3]!]),
      ],
    };
    const [g] = centerTally(records, '2026-10', '2026-11-05', 'k', '2026-11-05T10:00:00+08:00').byGroup;
    expect(g).toEqual({
      group: 'left-behind-father-away', enrolled: 4, reached: 3, regular: 1, longGap: 3, surrogateVisit: 2, parentContact: 2,
      attendNone: 1, attendUnder25: 1, attend25to49: 1, attend50to74: 1, attend75up: 0,
      visits0: 2, visits1: 1, visits2to3: 1, visits4up: 0,
      contacts0: 2, contacts1: 0, contacts2to3: 1, contacts4up: 1,
    });
  });

  it('draws the band edges at exactly 25, 50 and 75 per cent, and 1, 2–3, 4 or more times', () => {
    expect([[0, 10], [3, 0], [2, 10], [3, 12], [5, 11], [6, 12], [8, 11], [9, 12], [12, 12]].map(([p, o]) => attendanceBand(p!, o!))).toEqual([
      'attendNone', 'attendNone', 'attendUnder25', 'attend25to49', 'attend25to49', 'attend50to74', 'attend50to74', 'attend75up', 'attend75up',
    ]);
    expect([0, 1, 2, 3, 4, 9].map(timesBand)).toEqual([0, 1, 2, 2, 3, 3]);
  });

  it('rewrites a tally from an older kiosk that lacks the bands', () => {
    const records = { center, children: [child(ID[0]!, 'migrant')], consents: [consent(ID[0]!, 'grant', '2026-09-01')], staff: [], followups: [], days: [], attendance: [], activities: [] };
    const now = centerTally(records, '2026-10', '2026-11-05', 'k', '2026-11-05T10:00:00+08:00');
    const older = { ...now, byGroup: now.byGroup.map(({ group, enrolled, reached, regular, longGap, surrogateVisit, parentContact }) => ({ group, enrolled, reached, regular, longGap, surrogateVisit, parentContact })) };
    expect(sameCounts(now, { ...now, byGroup: now.byGroup.map((g) => Object.fromEntries(Object.entries(g).reverse()) as typeof g) })).toBe(true);
    expect(sameCounts(now, older)).toBe(false);
  });
});
