import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FollowupDoc } from '@sync/schema/documents';
import { waitingSafety, waitingTalks } from './safety';
import type { AttendanceFields } from './attendance';
import { mergeAttendance } from './attendance';
import { ageBand, ageOn, groupOn, snapshotOf, withPeriod } from './child';
import { consentOn, assertConsent, ConsentRequiredError } from './consent';
import { addDays, dateRange, daysBetween, weekday } from './dates';
import { hashPin, isGuessablePin, isValidPin, lockoutMs, verifyPin, waitBeforeAttempt } from './pin';
import { msUntilLock, shouldLock } from './lock';
import { can } from './roles';

const snap = { group: 'local', ageBand: '9-11', gender: 'female', countyOk: true } as const;
function att(over: Partial<AttendanceFields>): AttendanceFields {
  return {
    type: 'attendance', centerId: 'c1', schemaVersion: 1, createdAt: '2026-10-01T16:30:00+08:00', updatedAt: '2026-10-01T16:30:00+08:00',
    deviceId: 'k1', childId: '01J0000000000000000000000A', date: '2026-10-01', status: 'present', checkInAt: null, checkOutAt: null,
    late: false, pickedUpBy: null, source: 'kiosk', notes: [], snapshot: snap, ...over,
  };
}

describe('attendance merge rule', () => {
  const a = att({ deviceId: 'k1', checkInAt: '2026-10-01T16:35:00+08:00', notes: ['brought homework'], updatedAt: '2026-10-01T16:35:00+08:00' });
  const b = att({ deviceId: 'k2', checkInAt: '2026-10-01T16:31:00+08:00', checkOutAt: '2026-10-01T18:10:00+08:00', pickedUpBy: 'grandmother', notes: ['late bus'], late: true, updatedAt: '2026-10-01T18:10:00+08:00' });

  it('keeps the earliest check-in, latest check-out, pick-up, lateness and every note', () => {
    const m = mergeAttendance(a, b);
    expect(m.checkInAt).toBe('2026-10-01T16:31:00+08:00');
    expect(m.checkOutAt).toBe('2026-10-01T18:10:00+08:00');
    expect(m.pickedUpBy).toBe('grandmother');
    expect(m.late).toBe(true);
    expect(m.notes).toEqual(['brought homework', 'late bus']);
  });

  it('is commutative so every kiosk converges', () => {
    expect(mergeAttendance(a, b)).toEqual(mergeAttendance(b, a));
  });

  it('prefers present over absent: someone saw the child', () => {
    expect(mergeAttendance(att({ status: 'absent' }), att({ status: 'present' })).status).toBe('present');
    expect(mergeAttendance(att({ status: 'excused' }), att({ status: 'absent' })).status).toBe('excused');
  });
});

describe('child facts', () => {
  const history = [
    { from: '2026-09-01', group: 'local' as const, caregiver: 'parent' as const },
    { from: '2026-11-01', group: 'left-behind-mother-away' as const, caregiver: 'grandparent' as const },
  ];
  it('computes age from the birth month', () => {
    expect(ageOn('2015-06', '2026-05-31')).toBe(10);
    expect(ageOn('2015-06', '2026-06-01')).toBe(11);
    expect(ageBand(5)).toBe('under-6');
    expect(ageBand(8)).toBe('6-8');
    expect(ageBand(9)).toBe('9-11');
    expect(ageBand(12)).toBe('12-15');
    expect(ageBand(16)).toBe('over-15');
  });
  it('uses the group in force at the date of each event', () => {
    expect(groupOn({ groupHistory: history }, '2026-10-31')).toBe('local');
    expect(groupOn({ groupHistory: history }, '2026-11-01')).toBe('left-behind-mother-away');
    expect(groupOn({ groupHistory: history }, '2026-01-01')).toBe('local');
    expect(snapshotOf({ groupHistory: history, birthMonth: '2014-03', gender: 'male' }, '2026-11-02', false)).toEqual({
      group: 'left-behind-mother-away', ageBand: '12-15', gender: 'male', countyOk: false,
    });
  });
  it('replaces a same-day period and keeps history sorted', () => {
    const h = withPeriod(history, { from: '2026-10-01', group: 'migrant', caregiver: 'parent' });
    expect(h.map((p) => p.from)).toEqual(['2026-09-01', '2026-10-01', '2026-11-01']);
    expect(withPeriod(h, { from: '2026-10-01', group: 'other', caregiver: 'other' })).toHaveLength(3);
  });
});

describe('consent', () => {
  const ev = (action: 'grant' | 'withdraw', scopes: ('attendance' | 'mood' | 'screening' | 'county-stats')[], effectiveOn: string, createdAt = `${effectiveOn}T09:00:00+08:00`) => ({ action, scopes, effectiveOn, createdAt });
  it('folds grants and withdrawals in effective order', () => {
    const events = [ev('grant', ['attendance', 'mood', 'screening'], '2026-09-01'), ev('withdraw', ['screening'], '2026-10-10')];
    expect(consentOn(events, '2026-08-31').attendance).toBe(false);
    expect(consentOn(events, '2026-09-01').screening).toBe(true);
    expect(consentOn(events, '2026-10-10').screening).toBe(false);
    expect(consentOn(events, '2026-10-10').mood).toBe(true);
    expect(consentOn(events, '2026-10-10')['county-stats']).toBe(false);
  });
  it('blocks an action outside recorded consent with a named error', () => {
    expect(() => assertConsent(consentOn([], '2026-09-01'), 'screening')).toThrow(ConsentRequiredError);
  });
});

/**
 * Issue 19: the first collator of a page loads ICU's collation data (measured 4–5 ms inside the
 * first check-in of a child with two consent events, and on the kiosk home at every cold start).
 * Dates and timestamps are ISO strings of one shape, whose code-unit order is their time order:
 * what the kiosk's path orders by them must not build one.
 */
describe('machine strings are ordered without a collator', () => {
  afterEach(() => vi.restoreAllMocks());
  it('consent events, group periods and waiting follow-ups', () => {
    const compare = vi.spyOn(String.prototype, 'localeCompare');
    const collator = vi.spyOn(Intl, 'Collator');
    const grant = { action: 'grant' as const, scopes: ['attendance' as const], effectiveOn: '2026-09-01', createdAt: '2026-09-01T09:00:00+08:00' };
    const withdraw = { ...grant, action: 'withdraw' as const, createdAt: '2026-09-01T10:00:00+08:00' };
    // Same day: the later record wins, whatever order they are stored in.
    expect(consentOn([withdraw, grant], '2026-09-02').attendance).toBe(false);
    expect(consentOn([grant, { ...withdraw, effectiveOn: '2026-08-31' }], '2026-09-02').attendance).toBe(true);
    const history = withPeriod([{ from: '2026-11-01', group: 'local', caregiver: 'parent' }], { from: '2026-09-01', group: 'migrant', caregiver: 'parent' });
    expect(history.map((p) => p.from)).toEqual(['2026-09-01', '2026-11-01']);
    const f = (id: string, openedAt: string, over: Partial<FollowupDoc> = {}) => ({ _id: id, reason: 'talk-request', urgent: false, status: 'open', acknowledgedAt: null, openedAt, ...over }) as FollowupDoc;
    const list = [f('b', '2026-11-30T08:30:00.000Z'), f('a', '2026-11-30T08:00:00.000Z'), f('s2', '2026-11-30T07:00:00.000Z', { urgent: true }), f('s1', '2026-11-30T06:00:00.000Z', { urgent: true })];
    expect(waitingTalks(list).map((x) => x._id)).toEqual(['a', 'b']);
    expect(waitingSafety(list).map((x) => x._id)).toEqual(['s1', 's2']);
    expect(compare).not.toHaveBeenCalled();
    expect(collator).not.toHaveBeenCalled();
  });
});

describe('dates', () => {
  it('does calendar arithmetic on local dates', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(weekday('2026-11-29')).toBe(0);
    expect(daysBetween('2026-11-01', '2026-11-29')).toBe(28);
    expect(dateRange('2026-11-27', '2026-11-30')).toHaveLength(4);
  });
});

describe('staff PIN', () => {
  it('accepts 4–6 digits and refuses guessable ones', () => {
    expect(isValidPin('123')).toBe(false);
    expect(isValidPin('1234567')).toBe(false);
    expect(isValidPin('12a4')).toBe(false);
    expect(isValidPin('2580')).toBe(true);
    expect(isGuessablePin('1111')).toBe(true);
    expect(isGuessablePin('1234')).toBe(true);
    expect(isGuessablePin('6543')).toBe(true);
    expect(isGuessablePin('2580')).toBe(false);
  });
  it('hashes with a salt and verifies only the right PIN', async () => {
    const h = await hashPin('2580', 10_000);
    const h2 = await hashPin('2580', 10_000);
    expect(h.salt).not.toBe(h2.salt);
    expect(await verifyPin('2580', h)).toBe(true);
    expect(await verifyPin('2581', h)).toBe(false);
    expect(await verifyPin('', h)).toBe(false);
    await expect(hashPin('12')).rejects.toThrow();
  });
  it('backs off exponentially after three failures, capped at 15 minutes', () => {
    expect(lockoutMs(2)).toBe(0);
    expect(lockoutMs(3)).toBe(30_000);
    expect(lockoutMs(4)).toBe(60_000);
    expect(lockoutMs(20)).toBe(15 * 60_000);
    expect(waitBeforeAttempt({ failures: 3, lastFailureAt: 1000 }, 11_000)).toBe(20_000);
    expect(waitBeforeAttempt({ failures: 3, lastFailureAt: 1000 }, 40_000)).toBe(0);
  });
});

describe('inactivity lock and roles', () => {
  it('locks after the timeout', () => {
    expect(shouldLock(0, 179_999, 3)).toBe(false);
    expect(shouldLock(0, 180_000, 3)).toBe(true);
    expect(msUntilLock(0, 60_000, 3)).toBe(120_000);
  });
  it('gives scores to counsellors only and staff management to admins only', () => {
    expect(can('counsellor', 'screenings.viewScores')).toBe(true);
    expect(can('admin', 'screenings.viewScores')).toBe(false);
    expect(can('volunteer', 'followups.viewSafety')).toBe(false);
    expect(can('admin', 'staff.manage')).toBe(true);
    expect(can('teacher', 'staff.manage')).toBe(false);
  });
});
