// Sessions from a date on, read by id range (issue 19), against the whole history read and filtered.
import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../storage/memory/MemoryDocStore';
import { emptyChildForm, saveChild } from '../features/children/childrenService';
import { saveService, type ServiceForm } from '../features/services/serviceService';
import { loadRoster } from './roster';
import { activitiesFrom, activitiesOfMonth } from './activities';

/** A center with one child, and `record(recordedAt, date)`: a service session for that child dated `date`, saved at `recordedAt`. */
async function oneChildCenter() {
  const docs = new MemoryDocStore();
  let clock = new Date('2026-09-01T09:00:00+08:00');
  const p = { docs, deviceId: 'k1', now: () => clock };
  await saveChild(p, 'qingshan', { ...emptyChildForm('2026-09-01'), fullName: '王小明', gender: 'male', birthMonth: '2015-04', enrolledOn: '2026-09-01', situationFrom: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }, null);
  const roster = await loadRoster(docs);
  const form = (date: string): ServiceForm => ({
    date, startTime: '16:00', durationMin: 60, serviceType: 'educational-support', providerKind: 'volunteer-group', providerName: '', facilitatorStaffIds: [], childIds: [roster[0]!.childId], photos: [], notes: '',
  });
  const record = async (recordedAt: string, date: string) => {
    clock = new Date(recordedAt);
    return (await saveService(p, 'qingshan', roster, form(date)))._id;
  };
  return { docs, record };
}

describe('activitiesFrom', () => {
  it('finds every session dated from a day on — also those recorded days later or just after midnight — and none before', async () => {
    const { docs, record } = await oneChildCenter();
    const old = await record('2026-10-20T17:00:00+08:00', '2026-10-20');
    const lastDayBefore = await record('2026-10-31T23:59:00+08:00', '2026-10-31');
    // Recorded a week late: dated before the month, recorded in it.
    const lateOld = await record('2026-11-07T10:00:00+08:00', '2026-10-30');
    // Just after local midnight on the 1st: still the 31st in UTC.
    const firstMinute = await record('2026-11-01T00:01:00+08:00', '2026-11-01');
    const inMonth = await record('2026-11-15T16:00:00+08:00', '2026-11-15');
    // Recorded in December for a day in November.
    const lateInMonth = await record('2026-12-02T09:00:00+08:00', '2026-11-28');
    const found = (await activitiesFrom(docs, '2026-11-01')).map((a) => a._id).sort();
    expect(found).toEqual([firstMinute, inMonth, lateInMonth].sort());
    const everything = (await docs.list('activity', 'activity:')).filter((a) => a.date >= '2026-11-01').map((a) => a._id).sort();
    expect(found).toEqual(everything);
    expect(found).not.toContain(old);
    expect(found).not.toContain(lastDayBefore);
    expect(found).not.toContain(lateOld);
  });
});

describe('activitiesOfMonth', () => {
  it('finds every session dated in a month — recorded late, just after midnight, or months later — window by window, none of other months', async () => {
    const { docs, record } = await oneChildCenter();
    await record('2026-09-30T17:00:00+08:00', '2026-09-30');
    const firstMinute = await record('2026-10-01T00:01:00+08:00', '2026-10-01');
    const inMonth = await record('2026-10-15T16:00:00+08:00', '2026-10-15');
    await record('2026-11-02T16:00:00+08:00', '2026-11-02');
    // Recorded in January for a day in October: found in the last window.
    const monthsLate = await record('2027-01-20T09:00:00+08:00', '2026-10-31');
    const now = new Date('2027-01-25T12:00:00+08:00');
    const windows: [number, number][] = [];
    const found = (await activitiesOfMonth(docs, '2026-10', now, (done, total) => windows.push([done, total]))).map((a) => a._id).sort();
    expect(found).toEqual([firstMinute, inMonth, monthsLate].sort());
    const everything = (await docs.list('activity', 'activity:')).filter((a) => a.date.startsWith('2026-10')).map((a) => a._id).sort();
    expect(found).toEqual(everything);
    // Four months of recording time, one window each, counted up to the total.
    expect(windows.length).toBeGreaterThanOrEqual(4);
    expect(windows.map(([d]) => d)).toEqual(windows.map((_, i) => i + 1));
    expect(windows.every(([, total]) => total === windows.length)).toBe(true);
    // This month is one window.
    const thisMonth: number[] = [];
    expect((await activitiesOfMonth(docs, '2027-01', now, (d) => thisMonth.push(d))).map((a) => a._id)).toEqual([]);
    expect(thisMonth).toEqual([1]);
    // Also on the last evening of a 31-day month.
    const lastDay: number[] = [];
    await activitiesOfMonth(docs, '2027-01', new Date('2027-01-31T23:30:00+08:00'), (d, total) => lastDay.push(total));
    expect(lastDay).toEqual([1]);
  });
});
