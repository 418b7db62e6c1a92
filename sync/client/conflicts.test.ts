// @vitest-environment happy-dom
// Two kiosks of one center, as two real PouchDB databases (indexeddb adapter
// over fake-indexeddb), edit the same attendance and the same child offline,
// then replicate both ways.
import { describe, expect, it } from 'vitest';
import { openCenterDb } from '../../renderer/src/storage/pouch/createPouch';
import { checkIn, checkOut, type ChildRecord } from '@/domain/events';
import type { ChildDoc, ConsentDoc } from '../schema/documents';
import { conflictedIds, resolveConflicts } from './conflicts';

const childId = '01JCDEFGHJKMNPQRSTVWXYZ012';
const child: ChildDoc = {
  _id: `child:${childId}`, type: 'child', centerId: 'qingshan', schemaVersion: 2, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00',
  deviceId: 'k1', birthMonth: '2016-03', gender: 'female', grade: 4, school: '村小学', groupHistory: [{ from: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }],
  surrogateParentStaffId: null, enrolledOn: '2026-09-01', leftOn: null, archived: false, avatar: { animal: 'panda', color: '#e57373' },
};
const consent: ConsentDoc = {
  _id: `consent:${childId}:01JCDEFGHJKMNPQRSTVWXYZ013`, type: 'consent', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00',
  deviceId: 'k1', childId, action: 'grant', scopes: ['attendance', 'mood', 'county-stats'], givenBy: { relation: 'father', isLegalGuardian: true }, method: 'phone', effectiveOn: '2026-09-01', recordedByStaffId: '01JCDEFGHJKMNPQRSTVWXYZ099', note: '',
};
const record: ChildRecord = { child, consents: [consent] };
const at = (deviceId: string, time: string) => ({ centerId: 'qingshan', deviceId, at: `2026-11-30T${time}:00+08:00`, date: '2026-11-30' });

async function twoKiosks() {
  const a = openCenterDb(`kiosk-a-${Math.random()}`);
  const b = openCenterDb(`kiosk-b-${Math.random()}`);
  await a.bulkDocs([child, consent]);
  await a.replicate.to(b);
  return { a, b };
}
async function sync(a: PouchDB.Database, b: PouchDB.Database) {
  await a.replicate.to(b);
  await b.replicate.to(a);
}

describe('two kiosks, one center, offline', () => {
  it('merge attendance by rule: earliest check-in, latest check-out, both notes', async () => {
    const { a, b } = await twoKiosks();
    // Kiosk A: the child checks in at 16:35. Kiosk B (the register): marked at 16:31, checked out 18:10 with grandmother.
    await a.put({ ...checkIn(null, record, at('kiosk-a', '16:35'), 'kiosk'), notes: ['带了作业'] });
    const bIn = checkIn(null, record, at('kiosk-b', '16:31'), 'register');
    const bRes = await b.put(bIn);
    await b.put({ ...checkOut({ ...bIn, _rev: bRes.rev }, record, at('kiosk-b', '18:10'), 'grandmother', 'register'), notes: ['奶奶来接'] });
    await sync(a, b);
    expect(await conflictedIds(a)).toEqual([`att:2026-11-30:${childId}`]);
    const res = await resolveConflicts(a, `att:2026-11-30:${childId}`);
    expect(res?.rule).toBe('merged');
    await sync(a, b);
    for (const db of [a, b]) {
      expect(await conflictedIds(db)).toEqual([]);
      const doc = await db.get(`att:2026-11-30:${childId}`);
      expect(doc).toMatchObject({
        checkInAt: '2026-11-30T16:31:00+08:00',
        checkOutAt: '2026-11-30T18:10:00+08:00',
        pickedUpBy: 'grandmother',
        notes: ['奶奶来接', '带了作业'],
        status: 'present',
      });
    }
  });

  it('converge when both kiosks resolve the same conflict at once', async () => {
    const { a, b } = await twoKiosks();
    await a.put(checkIn(null, record, at('kiosk-a', '16:40'), 'kiosk'));
    await b.put(checkIn(null, record, at('kiosk-b', '16:33'), 'kiosk'));
    await sync(a, b);
    const id = `att:2026-11-30:${childId}`;
    await resolveConflicts(a, id);
    await resolveConflicts(b, id);
    await sync(a, b);
    await resolveConflicts(a, id);
    await sync(a, b);
    await resolveConflicts(b, id);
    await sync(a, b);
    const [da, dbb] = await Promise.all([a.get(id, { conflicts: true }), b.get(id, { conflicts: true })]);
    expect((da as { _conflicts?: string[] })._conflicts ?? []).toEqual([]);
    expect(da).toEqual(dbb);
    expect(da).toMatchObject({ checkInAt: '2026-11-30T16:33:00+08:00' });
  });

  it('keep edits of a child to different fields from both kiosks, silently (three-way merge from the common ancestor)', async () => {
    const { a, b } = await twoKiosks();
    const onA = await a.get(child._id);
    const onB = await b.get(child._id);
    await a.put({ ...onA, grade: 5, updatedAt: '2026-11-30T09:00:00+08:00', deviceId: 'kiosk-a' });
    await b.put({ ...onB, school: '镇中心小学', updatedAt: '2026-11-30T10:00:00+08:00', deviceId: 'kiosk-b' });
    await sync(a, b);
    const res = await resolveConflicts(b, child._id);
    expect(res?.silent).toBe(true);
    expect(res?.conflictingFields).toEqual([]);
    expect(res?.replaced.map((r) => (r as ChildDoc).grade).sort()).toEqual([4, 5]);
    await sync(a, b);
    for (const db of [a, b]) {
      expect(await db.get(child._id)).toMatchObject({ grade: 5, school: '镇中心小学', updatedAt: '2026-11-30T10:00:00+08:00', deviceId: 'kiosk-b' });
      expect(await conflictedIds(db)).toEqual([]);
    }
  });

  it('settle the same field changed on both kiosks by the latest edit, keep the other fields, and ask for review', async () => {
    const { a, b } = await twoKiosks();
    await a.put({ ...(await a.get(child._id)), grade: 5, school: '甲小学', updatedAt: '2026-11-30T11:00:00+08:00', deviceId: 'kiosk-a' });
    await b.put({ ...(await b.get(child._id)), school: '乙小学', birthMonth: '2016-04', updatedAt: '2026-11-30T10:00:00+08:00', deviceId: 'kiosk-b' });
    await sync(a, b);
    const res = await resolveConflicts(a, child._id);
    expect(res?.silent).toBe(false);
    expect(res?.rule).toBe('latest-wins');
    expect(res?.conflictingFields).toEqual(['school']);
    expect(res?.result).toMatchObject({ grade: 5, school: '甲小学', birthMonth: '2016-04' });
  });

  it('settle revisions that differ only in who saved them and when, silently', async () => {
    const { a, b } = await twoKiosks();
    await a.put({ ...(await a.get(child._id)), grade: 5, updatedAt: '2026-11-30T09:00:00+08:00', deviceId: 'kiosk-a' });
    await b.put({ ...(await b.get(child._id)), grade: 5, updatedAt: '2026-11-30T09:05:00+08:00', deviceId: 'kiosk-b' });
    await sync(a, b);
    const res = await resolveConflicts(a, child._id);
    expect(res?.silent).toBe(true);
    expect(res?.result).toMatchObject({ grade: 5, updatedAt: '2026-11-30T09:05:00+08:00', deviceId: 'kiosk-b' });
  });

  it('unite the actions both kiosks added to a follow-up', async () => {
    const { a, b } = await twoKiosks();
    const f = {
      _id: `followup:01JCDEFGHJKMNPQRSTVWXYZ020`, type: 'followup', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-11-30T08:00:00+08:00', updatedAt: '2026-11-30T08:00:00+08:00', deviceId: 'k1',
      childId, reason: 'staff-concern', urgent: false, sourceId: null, openedAt: '2026-11-30T08:00:00+08:00', dueOn: '2026-12-03', status: 'open', ownerStaffId: null, acknowledgedAt: null,
      actions: [{ at: '2026-11-30T08:00:00+08:00', staffId: '01JCDEFGHJKMNPQRSTVWXYZ099', kind: 'note', note: '开了' }], closedAt: null, closeReason: '', snapshot: null,
    };
    await a.put(f);
    await a.replicate.to(b);
    const add = (d: typeof f, at: string, note: string, deviceId: string) => ({ ...d, actions: [...d.actions, { at, staffId: '01JCDEFGHJKMNPQRSTVWXYZ099', kind: 'note', note }], updatedAt: at, deviceId });
    await a.put(add((await a.get(f._id)) as unknown as typeof f, '2026-11-30T10:00:00+08:00', '甲记录', 'kiosk-a'));
    await b.put({ ...add((await b.get(f._id)) as unknown as typeof f, '2026-11-30T09:00:00+08:00', '乙记录', 'kiosk-b'), dueOn: '2026-12-05' });
    await sync(a, b);
    const res = await resolveConflicts(b, f._id);
    expect(res?.silent).toBe(true);
    expect((res?.result as unknown as typeof f).actions.map((x) => x.note)).toEqual(['开了', '乙记录', '甲记录']);
    expect(res?.result).toMatchObject({ dueOn: '2026-12-05' });
  });

  it('fall back to the latest edit when the common ancestor was compacted away, and ask for review', async () => {
    const { a, b } = await twoKiosks();
    await a.put({ ...(await a.get(child._id)), grade: 5, updatedAt: '2026-11-30T09:00:00+08:00', deviceId: 'kiosk-a' });
    await b.put({ ...(await b.get(child._id)), school: '镇中心小学', updatedAt: '2026-11-30T10:00:00+08:00', deviceId: 'kiosk-b' });
    await sync(a, b);
    await a.compact();
    const res = await resolveConflicts(a, child._id);
    expect(res?.silent).toBe(false);
    expect(res?.result).toMatchObject({ grade: 4, school: '镇中心小学' });
  });
});
