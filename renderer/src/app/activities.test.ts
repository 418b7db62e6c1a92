// Sessions from a date on, read by id range (issue 19), against the whole history read and filtered.
import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../storage/memory/MemoryDocStore';
import { emptyChildForm, saveChild } from '../features/children/childrenService';
import { saveService, type ServiceForm } from '../features/services/serviceService';
import { loadRoster } from './roster';
import { activitiesFrom } from './activities';

describe('activitiesFrom', () => {
  it('finds every session dated from a day on — also those recorded days later or just after midnight — and none before', async () => {
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
