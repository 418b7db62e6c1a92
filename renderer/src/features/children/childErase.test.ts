import { describe, expect, it } from 'vitest';
import { countyKept, kioskRemoved } from './childErase';

describe('the erasure confirmation in a child file', () => {
  const counts = { attendance: 120, childPrivate: 1, child: 1, consent: 3, countyAttendance: 118, countyMood: 40, countyScreening: 2, mood: 41, followup: 0 };

  it('counts every record of the child on the kiosk as removed, largest kinds first, none of zero', () => {
    const r = kioskRemoved(counts);
    expect(r.total).toBe(326);
    expect(r.byType[0]).toEqual(['attendance', 120]);
    expect(r.byType.map(([t]) => t)).not.toContain('followup');
  });

  it('says the county keeps its de-identified screening copies, and not the retired per-check-in copies an older kiosk wrote', () => {
    const k = countyKept(counts);
    expect(k.total).toBe(2);
    expect(k.byType).toEqual([['countyScreening', 2]]);
    expect(countyKept({ attendance: 3, child: 1 })).toEqual({ total: 0, byType: [] });
  });
});
