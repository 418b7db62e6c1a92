import { describe, expect, it } from 'vitest';
import { checkIn, checkOut, mark, moodCheckIn, openFollowup, pickupRequired, canChildUndo, stillHere, type ChildRecord } from './events';
import { ConsentRequiredError } from './consent';
import { parseAnyDoc, type ChildDoc, type ConsentDoc } from '@sync/schema/documents';

const child: ChildDoc = {
  _id: 'child:01JCDEFGHJKMNPQRSTVWXYZ012', type: 'child', centerId: 'qingshan', schemaVersion: 2, createdAt: '2026-09-01T08:00:00+08:00',
  updatedAt: '2026-09-01T08:00:00+08:00', deviceId: 'k', birthMonth: '2018-03', gender: 'female', grade: 2, school: '村小学',
  groupHistory: [{ from: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }], surrogateParentStaffId: null,
  enrolledOn: '2026-09-01', leftOn: null, archived: false, avatar: { animal: 'panda', color: '#e57373' },
};
const consent = (scopes: ConsentDoc['scopes'], action: 'grant' | 'withdraw' = 'grant', effectiveOn = '2026-09-01'): ConsentDoc => ({
  _id: `consent:01JCDEFGHJKMNPQRSTVWXYZ012:01JCDEFGHJKMNPQRSTVWXYZ0${action === 'grant' ? '13' : '14'}`, type: 'consent', centerId: 'qingshan',
  schemaVersion: 1, createdAt: `${effectiveOn}T08:00:00+08:00`, updatedAt: `${effectiveOn}T08:00:00+08:00`, deviceId: 'k', childId: '01JCDEFGHJKMNPQRSTVWXYZ012',
  action, scopes, givenBy: { relation: 'father', isLegalGuardian: true }, method: 'phone', effectiveOn, recordedByStaffId: '01JCDEFGHJKMNPQRSTVWXYZ099', note: '',
});
const full: ChildRecord = { child, consents: [consent(['attendance', 'mood', 'screening', 'county-stats'])] };
const ctx = (at: string) => ({ centerId: 'qingshan', deviceId: 'k1', at, date: '2026-11-30' });

describe('attendance events', () => {
  it('checks in once: a second tap keeps the first time', () => {
    const a = checkIn(null, full, ctx('2026-11-30T16:30:00+08:00'), 'kiosk');
    parseAnyDoc(a);
    expect(a._id).toBe('att:2026-11-30:01JCDEFGHJKMNPQRSTVWXYZ012');
    expect(a.snapshot).toEqual({ group: 'left-behind-both-away', ageBand: '6-8', gender: 'female', countyOk: true });
    const b = checkIn({ ...a, _rev: '1-x' }, full, ctx('2026-11-30T16:45:00+08:00'), 'kiosk');
    expect(b.checkInAt).toBe('2026-11-30T16:30:00+08:00');
    expect(b._rev).toBe('1-x');
    expect(b.createdAt).toBe(a.createdAt);
  });
  it('checks out with who picked the child up', () => {
    const a = checkOut(checkIn(null, full, ctx('2026-11-30T16:30:00+08:00'), 'kiosk'), full, ctx('2026-11-30T18:05:00+08:00'), 'grandmother', 'register');
    expect(a).toMatchObject({ checkInAt: '2026-11-30T16:30:00+08:00', checkOutAt: '2026-11-30T18:05:00+08:00', pickedUpBy: 'grandmother', source: 'kiosk' });
  });
  it('a second check-out naming nobody keeps who picked the child up (walk12: it erased the grandmother)', () => {
    const first = checkOut(checkIn(null, full, ctx('2026-11-30T16:30:00+08:00'), 'kiosk'), full, ctx('2026-11-30T18:05:00+08:00'), 'grandmother', 'register');
    const second = checkOut(first, full, ctx('2026-11-30T18:10:00+08:00'), null, 'register');
    expect(second).toMatchObject({ checkOutAt: '2026-11-30T18:10:00+08:00', pickedUpBy: 'grandmother' });
    // Naming someone else is a correction, and is kept.
    expect(checkOut(first, full, ctx('2026-11-30T18:12:00+08:00'), 'father', 'register').pickedUpBy).toBe('father');
    expect(stillHere(checkIn(null, full, ctx('2026-11-30T16:30:00+08:00'), 'kiosk'))).toBe(true);
    expect(stillHere(first)).toBe(false);
    expect(stillHere(mark(null, full, ctx('2026-11-30T17:00:00+08:00'), 'absent', false))).toBe(false);
    expect(stillHere(null)).toBe(false);
  });
  it('marks absent by clearing times and present keeping them', () => {
    const a = mark(checkIn(null, full, ctx('2026-11-30T16:30:00+08:00'), 'kiosk'), full, ctx('2026-11-30T17:00:00+08:00'), 'excused', false);
    expect(a).toMatchObject({ status: 'excused', checkInAt: null });
    const b = mark(null, full, ctx('2026-11-30T17:00:00+08:00'), 'present', true);
    expect(b).toMatchObject({ status: 'present', late: true, checkInAt: '2026-11-30T17:00:00+08:00', source: 'register' });
  });
  it('refuses attendance without consent, and after a withdrawal', () => {
    expect(() => checkIn(null, { child, consents: [] }, ctx('2026-11-30T16:30:00+08:00'), 'kiosk')).toThrow(ConsentRequiredError);
    const withdrawn = { child, consents: [consent(['attendance', 'mood']), consent(['attendance'], 'withdraw', '2026-11-01')] };
    expect(() => checkIn(null, withdrawn, ctx('2026-11-30T16:30:00+08:00'), 'kiosk')).toThrow(ConsentRequiredError);
    expect(() => moodCheckIn(withdrawn, ctx('2026-11-30T16:30:00+08:00'), 'check-in', 4, false, null)).not.toThrow();
  });
  it('requires pick-up for young children when the center says so', () => {
    expect(pickupRequired(child, '2026-11-30', 9)).toBe(true);
    expect(pickupRequired(child, '2026-11-30', 8)).toBe(false);
  });
});

describe('mood and follow-ups', () => {
  it('records a face and keeps a talk request once made', () => {
    const m = moodCheckIn(full, ctx('2026-11-30T16:30:00+08:00'), 'check-in', 2, true, null);
    parseAnyDoc(m);
    expect(m._id).toBe('mood:2026-11-30:check-in:01JCDEFGHJKMNPQRSTVWXYZ012');
    expect(moodCheckIn(full, ctx('2026-11-30T16:31:00+08:00'), 'check-in', 4, false, m).wantsTalk).toBe(true);
    expect(() => moodCheckIn({ child, consents: [consent(['attendance'])] }, ctx('2026-11-30T16:30:00+08:00'), 'check-in', 3, false, null)).toThrow(ConsentRequiredError);
  });
  it('opens a follow-up even without consent: a child asking for help is heard', () => {
    const f = openFollowup({ child, consents: [] }, ctx('2026-11-30T16:30:00+08:00'), 'talk-request', false, null, '2026-11-30');
    parseAnyDoc(f);
    expect(f).toMatchObject({ status: 'open', reason: 'talk-request', childId: '01JCDEFGHJKMNPQRSTVWXYZ012' });
    expect(f.snapshot.countyOk).toBe(false);
  });
  it('lets a child undo within a minute only', () => {
    const at = '2026-11-30T16:30:00+08:00';
    expect(canChildUndo(at, Date.parse(at) + 59_000)).toBe(true);
    expect(canChildUndo(at, Date.parse(at) + 61_000)).toBe(false);
  });
});
