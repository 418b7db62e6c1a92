import { describe, expect, it } from 'vitest';
import { DEFAULT_CENTER_SETTINGS, type CenterDoc, type ChildDoc, type ConsentDoc } from '@sync/schema/documents';
import { centerTally, openDays } from './centerTally';
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
      { group: 'left-behind-both-away', enrolled: 1, reached: 1, regular: 0, longGap: 1, surrogateVisit: 1, parentContact: 0 },
      { group: 'migrant', enrolled: 1, reached: 1, regular: 1, longGap: 0, surrogateVisit: 0, parentContact: 0 },
    ]);
    expect(JSON.stringify(tally)).not.toMatch(new RegExp(ID.join('|')));
  });
});
