// Talk requests and kiosk alerts (issue 10), over the in-memory stores.
import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { MemoryDeviceStore } from '../../storage/memory/MemoryDeviceStore';
import { loadRoster } from '../../app/roster';
import { loadWaiting, waitingCount } from '../../app/waiting';
import { emptyChildForm, recordConsent, saveChild } from '../children/childrenService';
import { recordKioskAction, recordKioskAlert, recordTalkRequest } from './checkinService';
import { PickupRequiredError } from '@/domain/events';
import { acknowledge, NotTrainedLeadError, sortFollowups } from '../followups/followupService';
import type { StaffDoc } from '@sync/schema/documents';

async function center() {
  const docs = new MemoryDocStore();
  const device = new MemoryDeviceStore();
  let clock = new Date('2026-11-30T16:00:00+08:00');
  const p = { docs, device, deviceId: 'k1', now: () => clock };
  for (const name of ['王小明', '李思琪'])
    await saveChild(p, 'qingshan', { ...emptyChildForm('2026-09-01'), gender: 'female' as const, fullName: name, birthMonth: '2015-04', enrolledOn: '2026-09-01', situationFrom: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }, null);
  const roster = await loadRoster(docs);
  return { docs, device, p, roster, later: (iso: string) => (clock = new Date(iso)) };
}

describe('a child asking to talk', () => {
  it('is heard with or without the picture code, and the request says which', async () => {
    const { p, roster } = await center();
    const withCode = await recordTalkRequest(p, roster[0]!);
    const withoutCode = await recordTalkRequest(p, roster[1]!, false);
    expect(withCode).toMatchObject({ reason: 'talk-request', status: 'open', codeConfirmed: true, openedAt: '2026-11-30T08:00:00.000Z' });
    expect(withoutCode).toMatchObject({ reason: 'talk-request', codeConfirmed: false });
  });

  it('sorts first among follow-ups, the longest wait first, after an urgent safety concern', async () => {
    const { docs, p, roster, later } = await center();
    const earliest = await recordTalkRequest(p, roster[0]!);
    const concern = { ...earliest, _id: 'followup:concern', reason: 'staff-concern' as const, dueOn: '2026-11-20' };
    later('2026-11-30T16:10:00+08:00');
    const first = await recordTalkRequest(p, roster[0]!);
    later('2026-11-30T16:20:00+08:00');
    const second = await recordTalkRequest(p, roster[1]!);
    const safety = { ...second, _id: 'followup:safety', reason: 'safety-item' as const, urgent: true };
    const order = sortFollowups([concern, second, safety, first], '2026-11-30').map((f) => f._id);
    expect(order).toEqual(['followup:safety', first._id, second._id, 'followup:concern']);
    expect((await loadWaiting(docs, p.device)).talks.map((f) => f._id)).toEqual([earliest._id, first._id, second._id]);
  });
});

describe('kiosk alerts', () => {
  it('record a failed picture code or a refused check-in for staff, and in the audit log', async () => {
    const { docs, device, p, roster } = await center();
    await recordKioskAlert(p, 'code-failed', roster[0]!);
    await recordKioskAlert(p, 'checkin-blocked', roster[1]!);
    const waiting = await loadWaiting(docs, device);
    expect(waiting.alerts.map((a) => [a.kind, a.childId])).toEqual([['code-failed', roster[0]!.childId], ['checkin-blocked', roster[1]!.childId]]);
    expect(waitingCount(waiting)).toBe(2);
    expect(device.audit.map((a) => a.action)).toEqual(['kiosk-code-failed', 'kiosk-checkin-blocked']);
    await device.resolveKioskAlert(waiting.alerts[0]!.id, 'staff:x');
    expect((await loadWaiting(docs, device)).alerts.map((a) => a.kind)).toEqual(['checkin-blocked']);
  });
});

describe('an urgent follow-up', () => {
  it('is marked seen only by a counsellor or an administrator', async () => {
    const { docs, p, roster } = await center();
    const { _rev: _ignored, ...talk } = await recordTalkRequest(p, roster[0]!);
    const f = await docs.put({ ...talk, _id: 'followup:01JCDEFGHJKMNPQRSTVWXYZ0AA', reason: 'safety-item', urgent: true });
    const staff = (role: StaffDoc['role']) => ({ _id: 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', role }) as StaffDoc;
    for (const role of ['volunteer', 'teacher'] as const) expect(() => acknowledge(p, f._id, staff(role))).toThrow(NotTrainedLeadError);
    expect((await loadWaiting(docs, p.device)).safety).toHaveLength(1);
    await acknowledge(p, f._id, staff('admin'));
    expect((await loadWaiting(docs, p.device)).safety).toHaveLength(0);
  });
});

describe('a kiosk check-in', () => {
  it('offers a child back within the undo time their undo, and writes nothing; later it checks them in as usual', async () => {
    const { docs, p, later } = await center();
    const child = (await loadRoster(docs))[0]!;
    await recordConsent(p, child, 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', { action: 'grant', scopes: ['attendance'], relation: 'father', isLegalGuardian: true, method: 'phone', effectiveOn: '2026-09-01', note: '' });
    const entry = (await loadRoster(docs)).find((e) => e.childId === child.childId)!;
    const first = await recordKioskAction(p, entry, 'check-in', 60_000);
    expect('saved' in first && first.saved).toMatchObject({ status: 'present', checkInAt: '2026-11-30T08:00:00.000Z' });
    const stored = await docs.get('attendance', 'saved' in first ? first.saved._id : '');
    later('2026-11-30T16:00:30+08:00');
    const again = await recordKioskAction(p, entry, 'check-in', 60_000);
    expect(again).toEqual({ recent: { attendanceId: stored!._id, before: null, at: '2026-11-30T08:00:00.000Z', moodId: expect.stringMatching(/^mood:/) } });
    expect((await docs.get('attendance', stored!._id))?._rev).toBe(stored!._rev);
    later('2026-11-30T16:05:00+08:00');
    const afterUndoTime = await recordKioskAction(p, entry, 'check-out', 60_000);
    expect('saved' in afterUndoTime && afterUndoTime.saved).toMatchObject({ checkOutAt: '2026-11-30T08:05:00.000Z' });
  });
});

describe("the center's pick-up rule at the kiosk (walk11: a young child could check out alone)", () => {
  it('refuses a check-out for a child under the pick-up age and writes nothing; an older child goes as before', async () => {
    const { docs, p, roster: unconsented } = await center();
    for (const e of unconsented) await recordConsent(p, e, 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', { action: 'grant', scopes: ['attendance'], relation: 'father', isLegalGuardian: true, method: 'phone', effectiveOn: '2026-09-01', note: '' });
    const roster = await loadRoster(docs);
    const child = roster[0]!; // born 2015-04: 11 on 2026-11-30
    const rule = (age: number) => ({ ...p, pickupUnderAge: age });
    await recordKioskAction(rule(12), child, 'check-in');
    const id = `att:2026-11-30:${child.childId}`;
    const before = await docs.get('attendance', id);
    await expect(recordKioskAction(rule(12), child, 'check-out')).rejects.toBeInstanceOf(PickupRequiredError);
    expect(await docs.get('attendance', id)).toEqual(before);
    expect(before).toMatchObject({ status: 'present', checkOutAt: null });
    // The check-in itself is not the rule's business.
    await expect(recordKioskAction(rule(12), roster[1]!, 'check-in')).resolves.toMatchObject({ saved: { status: 'present' } });
    // Old enough to go home alone: checked out, nobody recorded.
    const out = await recordKioskAction(rule(11), child, 'check-out');
    expect('saved' in out && out.saved).toMatchObject({ pickedUpBy: null, source: 'kiosk' });
    expect('saved' in out && out.saved.checkOutAt).not.toBeNull();
  });
});
