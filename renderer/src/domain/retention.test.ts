import { describe, expect, it } from 'vitest';
import { backupsCleanBy, erasureEligibility, keepReason, lastDay, planRetention, retentionCutoff, schoolYearStart, type RetentionContext } from './retention';
import { isChildsDoc } from '@sync/schema/erasure';

const C = '01J0000000000000000000000A';
const OTHER = '01J0000000000000000000000B';
const ctx = (over: Partial<RetentionContext> = {}): RetentionContext => ({
  cutoff: retentionCutoff('2026-12-01', 2),
  unsent: new Set(),
  currentChildIds: new Set([C]),
  neededIds: new Set(),
  ...over,
});
const old = { updatedAt: '2023-05-02T08:00:00.000Z', date: '2023-05-02' };

describe('retention window', () => {
  it('counts school years from 1 September', () => {
    expect(schoolYearStart('2026-12-01')).toBe('2026-09-01');
    expect(schoolYearStart('2026-08-31')).toBe('2025-09-01');
    expect(retentionCutoff('2026-12-01', 2)).toBe('2024-09-01');
    expect(retentionCutoff('2027-03-01', 1)).toBe('2025-09-01');
  });

  it('lets old acknowledged records leave, never unsent ones', () => {
    const att = { _id: `att:2023-05-02:${OTHER}`, type: 'attendance', childId: OTHER, ...old };
    expect(keepReason(att, ctx())).toBeNull();
    expect(keepReason(att, ctx({ unsent: new Set([att._id]) }))).toBe('unsent');
  });

  it('keeps recent records: by what they are about and by their last edit', () => {
    expect(keepReason({ _id: 'att:x', type: 'attendance', date: '2025-01-01', updatedAt: '2025-01-01T00:00:00Z' }, ctx())).toBe('recent');
    // An old day edited recently stays.
    expect(keepReason({ _id: 'att:y', type: 'attendance', date: '2023-01-01', updatedAt: '2026-10-01T00:00:00Z' }, ctx())).toBe('recent');
    expect(lastDay({ _id: 'a', date: '2023-01-01', updatedAt: '2026-10-01T00:00:00Z' })).toBe('2026-10-01');
    expect(keepReason({ _id: 'x', type: 'mood' }, ctx())).toBe('recent');
  });

  it('keeps what is still needed however old', () => {
    for (const type of ['center', 'staff', 'child', 'childPrivate', 'centerKey', 'erasureRequest', 'centerTally', 'moodTally', 'serviceMonthTally', 'coverage', 'instrumentPack'])
      expect(keepReason({ _id: `${type}:1`, type, ...old }, ctx()), type).toBe('needed');
    expect(keepReason({ _id: `consent:${C}:1`, type: 'consent', childId: C, ...old }, ctx())).toBe('needed');
    expect(keepReason({ _id: `consent:${OTHER}:1`, type: 'consent', childId: OTHER, ...old }, ctx())).toBeNull();
    expect(keepReason({ _id: 'followup:1', type: 'followup', status: 'open', ...old }, ctx())).toBe('needed');
    expect(keepReason({ _id: 'followup:2', type: 'followup', status: 'closed', ...old }, ctx())).toBeNull();
    expect(keepReason({ _id: 'screening:1', type: 'screening', ...old }, ctx({ neededIds: new Set(['screening:1']) }))).toBe('needed');
    expect(keepReason({ _id: 'transfer:1', type: 'transfer', status: 'pending', ...old }, ctx())).toBe('needed');
    expect(keepReason({ _id: 'private:call-plan:1', type: 'callPlan', active: true, ...old }, ctx())).toBe('needed');
    expect(keepReason({ _id: 'private:fmsg:1', type: 'familyMessage', status: 'waiting', ...old }, ctx())).toBe('needed');
    expect(keepReason({ _id: '_design/x', ...old }, ctx())).toBe('needed');
  });

  it("lets an older kiosk's retired per-session county copy leave with its session, not outlive it", () => {
    // As a kiosk up to DDOC_VERSION 8 stored it beside its session: the same date and last edit.
    const session = { _id: 'activity:01J0000000000000000000000S', type: 'activity', ...old };
    const copy = { _id: 'tally:01J0000000000000000000000S', type: 'serviceTally', ...old };
    expect([keepReason(session, ctx()), keepReason(copy, ctx())]).toEqual([null, null]);
    expect(keepReason({ ...copy, date: '2025-03-02', updatedAt: '2025-03-02T08:00:00.000Z' }, ctx())).toBe('recent');
    expect(keepReason(copy, ctx({ unsent: new Set([copy._id]) }))).toBe('unsent');
    expect(planRetention([session, copy], ctx()).preview.byType).toEqual({ activity: 1, serviceTally: 1 });
  });

  it('previews how many, of what kinds, from when', () => {
    const docs = [
      { _id: 'att:a', type: 'attendance', date: '2022-10-01', updatedAt: '2022-10-01T09:00:00Z' },
      { _id: 'att:b', type: 'attendance', date: '2023-06-30', updatedAt: '2023-06-30T09:00:00Z' },
      { _id: 'mood:a', type: 'mood', date: '2023-01-05', updatedAt: '2023-01-05T09:00:00Z' },
      { _id: 'att:c', type: 'attendance', date: '2026-11-30', updatedAt: '2026-11-30T09:00:00Z' },
      { _id: 'att:d', type: 'attendance', date: '2022-11-30', updatedAt: '2022-11-30T09:00:00Z' },
      { _id: 'staff:1', type: 'staff', ...old },
    ];
    const { preview, ids } = planRetention(docs, ctx({ unsent: new Set(['att:d']) }));
    expect(ids).toEqual(['att:a', 'att:b', 'mood:a']);
    expect(preview).toEqual({ total: 3, byType: { attendance: 2, mood: 1 }, from: '2022-10-01', to: '2023-06-30', keptUnsent: 1, keptNeeded: 1 });
  });
});

describe('erasure', () => {
  it('allows erasing a child who left once the retention period ended, and says from when otherwise', () => {
    expect(erasureEligibility({ leftOn: null, archived: false }, '2026-12-01', 2)).toEqual({ ok: false, from: null });
    expect(erasureEligibility({ leftOn: '2024-06-30', archived: true }, '2026-12-01', 2)).toEqual({ ok: true, ground: 'left-retention-ended' });
    expect(erasureEligibility({ leftOn: '2025-03-01', archived: true }, '2026-12-01', 2)).toEqual({ ok: false, from: '2027-09-01' });
    expect(erasureEligibility({ leftOn: '2025-03-01', archived: true }, '2027-09-01', 2)).toEqual({ ok: true, ground: 'left-retention-ended' });
  });

  it("finds the child's documents of every type that carries the child's id", () => {
    const mine = [
      { _id: `child:${C}`, type: 'child' },
      { _id: `private:child:${C}`, type: 'childPrivate', childId: C },
      { _id: 'followup:1', type: 'followup', childId: C },
      { _id: 'private:answers:1', type: 'screeningAnswers', childId: C },
      { _id: 'private:fmsg:1', type: 'familyMessage', childId: C },
      { _id: 'private:call-plan:1', type: 'callPlan', childIds: [C] },
      { _id: `county:att:2026-01-01:${C}`, type: 'countyAttendance', childId: C },
      { _id: `att:2026-01-01:${C}`, _deleted: true, type: 'attendance' },
    ];
    for (const d of mine) expect(isChildsDoc(d, C), d._id).toBe(true);
    const notMine = [
      { _id: `child:${OTHER}`, type: 'child' },
      { _id: 'private:call-plan:2', type: 'callPlan', childIds: [C, OTHER] },
      { _id: 'activity:1', type: 'activity', participants: [{ childId: C }] },
      { _id: 'tally:1', type: 'serviceTally' },
      { _id: `erasure:${C}`, type: 'erasureRequest', childId: C },
      { _id: 'followup:2', _deleted: true, type: 'followup' },
      { _id: `_local/${C}`, type: 'child' },
    ];
    for (const d of notMine) expect(isChildsDoc(d, C), d._id).toBe(false);
  });

  it('says by when every rolling backup was written after the erasure', () => {
    expect(backupsCleanBy('2026-12-28', 7)).toBe('2027-01-04');
  });
});
