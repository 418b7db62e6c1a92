import { describe, expect, it } from 'vitest';
import { monthCalendar, servicesByType, weekStart, weeklyMood } from './childFile';

describe('child file figures', () => {
  it('groups moods by week, leaving gaps as null', () => {
    expect(weekStart('2026-11-29')).toBe('2026-11-23');
    expect(weekStart('2026-11-30')).toBe('2026-11-30');
    const m = (date: string, face: number | null) => ({ date, face }) as never;
    expect(weeklyMood([m('2026-11-24', 2), m('2026-11-26', 4), m('2026-11-30', 5), m('2026-11-10', null)], '2026-11-30', 3)).toEqual([
      { week: '2026-11-16', avg: null },
      { week: '2026-11-23', avg: 3 },
      { week: '2026-11-30', avg: 5 },
    ]);
  });
  it('counts services the child took part in', () => {
    const a = (serviceType: string, date: string, ids: string[]) => ({ serviceType, date, participants: ids.map((childId) => ({ childId })) }) as never;
    expect(servicesByType([a('parent-child-contact', '2026-11-04', ['x']), a('parent-child-contact', '2026-11-18', ['x', 'y']), a('community-space', '2026-11-06', ['y'])], 'x')).toEqual([
      { serviceType: 'parent-child-contact', count: 2, last: '2026-11-18' },
    ]);
  });
  it('lays a month out Monday first', () => {
    const cal = monthCalendar('2026-11', new Map([['2026-11-02', { status: 'present' } as never]]));
    expect(cal.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(cal[6]).toEqual({ date: '2026-11-01', mark: 'none' });
    expect(cal[7]).toEqual({ date: '2026-11-02', mark: 'present' });
    expect(cal.filter(Boolean)).toHaveLength(30);
  });
});
