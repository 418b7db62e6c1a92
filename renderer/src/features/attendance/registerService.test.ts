import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { MemoryDeviceStore } from '../../storage/memory/MemoryDeviceStore';
import { loadRoster } from '../../app/roster';
import { emptyChildForm, recordConsent, saveChild } from '../children/childrenService';
import { checkOutAll, checkOutAllPlan, undoCheckOutAll, clearMark, countRegister, DayContradictionError, loadRegisterDay, markAllPresent, PickupRequiredError, registerCheckOut, restoreDay, setMark, setSessionHeld, signInSheetCsv, undoMarkAll } from './registerService';
import { checkIn } from '@/domain/events';

const date = '2026-11-30';
const ports = (docs: MemoryDocStore) => ({ docs, deviceId: 'k1', now: () => new Date('2026-11-30T17:00:00+08:00') });

async function setup() {
  const docs = new MemoryDocStore();
  const p = ports(docs);
  for (const [name, birth] of [['张小明', '2019-01'], ['王浩然', '2013-06'], ['李思琪', '2015-03']] as const)
    await saveChild(p, 'qingshan', { ...emptyChildForm('2026-09-01'), gender: 'female' as const, fullName: name, birthMonth: birth, enrolledOn: '2026-09-01', situationFrom: '2026-09-01', group: 'local', caregiver: 'parent' }, null);
  let roster = await loadRoster(docs);
  // Everyone but 李思琪 has attendance consent.
  for (const e of roster.filter((e) => e.priv?.fullName !== '李思琪'))
    await recordConsent(p, e, '01JCDEFGHJKMNPQRSTVWXYZ099', { action: 'grant', scopes: ['attendance'], relation: 'father', isLegalGuardian: true, method: 'paper', effectiveOn: '2026-09-01', note: '' });
  roster = await loadRoster(docs);
  return { docs, p, roster, byName: (n: string) => roster.find((e) => e.priv?.fullName === n)! };
}

describe('register', () => {
  it('marks all present but keeps exceptions and skips children without consent', async () => {
    const { docs, p, roster, byName } = await setup();
    await setMark(p, byName('王浩然'), date, 'excused', false);
    let day = await loadRegisterDay(docs, date);
    expect(countRegister(roster, day)).toMatchObject({ unmarked: 2, excused: 1 });
    const res = await markAllPresent(p, roster, day);
    expect(res).toMatchObject({ marked: 1, withoutConsent: 1 });
    day = await loadRegisterDay(docs, date);
    expect(countRegister(roster, day)).toEqual({ present: 1, absent: 0, excused: 1, unmarked: 1, late: 0 });
    expect(day.attendance.get(byName('王浩然').childId)?.status).toBe('excused');
  });

  it('does not overwrite a kiosk check-in made at the same moment', async () => {
    const { docs, p, roster, byName } = await setup();
    const day = await loadRegisterDay(docs, date);
    const kid = byName('张小明');
    await docs.put(checkIn(null, kid, { centerId: 'qingshan', deviceId: 'k2', at: '2026-11-30T16:31:00+08:00', date }, 'kiosk'));
    await markAllPresent(p, roster, day);
    const after = await loadRegisterDay(docs, date);
    expect(after.attendance.get(kid.childId)).toMatchObject({ source: 'kiosk', checkInAt: '2026-11-30T16:31:00+08:00' });
  });

  it('requires who picked up a young child, and records it', async () => {
    const { docs, p, byName } = await setup();
    const young = byName('张小明');
    await expect(registerCheckOut(p, young, date, null, 9)).rejects.toThrow(PickupRequiredError);
    await registerCheckOut(p, young, date, 'grandmother', 9);
    const older = byName('王浩然');
    await registerCheckOut(p, older, date, null, 9);
    const day = await loadRegisterDay(docs, date);
    expect(day.attendance.get(young.childId)).toMatchObject({ pickedUpBy: 'grandmother', status: 'present' });
    expect(day.attendance.get(older.childId)?.pickedUpBy).toBeNull();
    await clearMark(p, older, date);
    expect((await loadRegisterDay(docs, date)).attendance.has(older.childId)).toBe(false);
  });

  it('records a session that did not take place, distinct from not marked', async () => {
    const { docs, p } = await setup();
    await setSessionHeld(p, 'qingshan', date, false, '暴雨');
    expect((await loadRegisterDay(docs, date)).day).toMatchObject({ held: false, reason: '暴雨' });
    await setSessionHeld(p, 'qingshan', date, true, '');
    expect((await loadRegisterDay(docs, date)).day).toMatchObject({ held: true, reason: '' });
  });

  it('takes back an "all present" but keeps a record changed since', async () => {
    const { docs, p, roster, byName } = await setup();
    const res = await markAllPresent(p, roster, await loadRegisterDay(docs, date));
    expect(res.created).toHaveLength(2);
    // 王浩然 was checked out meanwhile: that record is no longer only the bulk mark.
    const later = { ...p, now: () => new Date('2026-11-30T18:00:00+08:00') };
    await registerCheckOut(later, byName('王浩然'), date, 'grandmother', 0);
    expect(await undoMarkAll(p, res.created)).toBe(1);
    const day = await loadRegisterDay(docs, date);
    expect(day.attendance.has(byName('张小明').childId)).toBe(false);
    expect(day.attendance.get(byName('王浩然').childId)?.pickedUpBy).toBe('grandmother');
  });

  it('refuses a day that is both "no session" and has children present, either way round, and undoes "no session"', async () => {
    const { docs, p, roster, byName } = await setup();
    await setMark(p, byName('张小明'), date, 'present', false);
    await expect(setSessionHeld(p, 'qingshan', date, false, '暴雨')).rejects.toMatchObject({ kind: 'closing-day-with-present', present: 1 });
    await clearMark(p, byName('张小明'), date);
    await setSessionHeld(p, 'qingshan', date, false, '暴雨');
    await expect(setMark(p, byName('张小明'), date, 'present', false)).rejects.toBeInstanceOf(DayContradictionError);
    await expect(markAllPresent(p, roster, await loadRegisterDay(docs, date))).rejects.toMatchObject({ kind: 'present-on-closed-day' });
    await setMark(p, byName('张小明'), date, 'absent', false);
    await restoreDay(p, date, null);
    expect((await loadRegisterDay(docs, date)).day).toBeNull();
    await setMark(p, byName('王浩然'), date, 'present', false);
  });

  it('exports a sign-in sheet Excel opens as UTF-8', async () => {
    const { docs, p, roster, byName } = await setup();
    await setMark(p, byName('张小明'), date, 'present', true);
    const csv = signInSheetCsv(roster, await loadRegisterDay(docs, date), (k) => k.split('.').pop()!, (iso) => iso ?? '');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('张小明');
    expect(csv.split('\r\n')).toHaveLength(5);
  });

  describe('checking everyone out at the end of the day (walk12)', () => {
    const evening = (p: ReturnType<typeof ports>, at: string) => ({ ...p, now: () => new Date(at), device: new MemoryDeviceStore() });

    it('checks out the children still here whom the pick-up rule lets go alone, as a single 签退 would, and names who is left', async () => {
      const { docs, p, roster, byName } = await setup();
      await setMark(p, byName('张小明'), date, 'present', false); // 7: under the rule's 9
      await setMark(p, byName('王浩然'), date, 'present', false); // 13
      const q = evening(p, '2026-11-30T18:30:00+08:00');
      const day = await loadRegisterDay(docs, date);
      const plan = checkOutAllPlan(roster, day, 9);
      expect(plan.toCheckOut.map((e) => e.priv?.fullName)).toEqual(['王浩然']);
      expect(plan.needPickup.map((e) => e.priv?.fullName)).toEqual(['张小明']);
      const res = await checkOutAll(q, roster, day, 9, 'staff:T1');
      expect(res.checkedOut).toHaveLength(1);
      expect(res.needPickup.map((e) => e.priv?.fullName)).toEqual(['张小明']);
      const after = await loadRegisterDay(docs, date);
      // The same record the single check-out writes.
      const single = await registerCheckOut({ ...p, now: () => new Date('2026-11-30T18:30:00+08:00') }, byName('王浩然'), date, null, 9);
      const { _rev: _a, ...bulk } = after.attendance.get(byName('王浩然').childId)!;
      const { _rev: _b, ...one } = single!;
      expect(bulk).toEqual(one);
      expect(bulk).toMatchObject({ status: 'present', checkOutAt: '2026-11-30T10:30:00.000Z', pickedUpBy: null, deviceId: 'k1' });
      expect(after.attendance.get(byName('张小明').childId)).toMatchObject({ status: 'present', checkOutAt: null });
      expect(await q.device.listAudit(10)).toEqual([expect.objectContaining({ staffId: 'staff:T1', action: 'register-checkout-all', detail: `${date} 1` })]);
      // Again: nobody is still here but the young child; nothing written, nothing audited.
      const again = await checkOutAll(q, roster, await loadRegisterDay(docs, date), 9, 'staff:T1');
      expect(again.checkedOut).toHaveLength(0);
      expect(await q.device.listAudit(10)).toHaveLength(1);
    });

    it('writes nothing for a child not checked in, absent or already gone; a record changed since it was read is kept', async () => {
      const { docs, p, roster, byName } = await setup();
      await setMark(p, byName('张小明'), date, 'absent', false);
      await setMark(p, byName('王浩然'), date, 'present', false);
      const stale = await loadRegisterDay(docs, date);
      // 王浩然's grandmother came while the teacher looked at the list.
      await registerCheckOut({ ...p, now: () => new Date('2026-11-30T18:00:00+08:00') }, byName('王浩然'), date, 'grandmother', 0);
      const before = await loadRegisterDay(docs, date);
      const q = evening(p, '2026-11-30T18:30:00+08:00');
      const res = await checkOutAll(q, roster, stale, 0, 'staff:T1');
      expect(res).toMatchObject({ checkedOut: [], changedMeanwhile: 1 });
      const after = await loadRegisterDay(docs, date);
      expect(after.attendance.get(byName('王浩然').childId)).toEqual(before.attendance.get(byName('王浩然').childId));
      expect(after.attendance.get(byName('张小明').childId)).toMatchObject({ status: 'absent', checkOutAt: null });
      expect(after.attendance.has(byName('李思琪').childId)).toBe(false);
      expect(checkOutAllPlan(roster, after, 0)).toEqual({ toCheckOut: [], needPickup: [] });
      expect(await q.device.listAudit(10)).toHaveLength(0);
    });

    it('is taken back as a mis-tap, keeping a record a teacher changed since', async () => {
      const { docs, p, roster, byName } = await setup();
      await setMark(p, byName('张小明'), date, 'present', false);
      await setMark(p, byName('王浩然'), date, 'present', false);
      const q = evening(p, '2026-11-30T17:00:00+08:00');
      const res = await checkOutAll(q, roster, await loadRegisterDay(docs, date), 0, 'staff:T1');
      expect(res.checkedOut).toHaveLength(2);
      // The teacher then records who fetched 张小明: that record is hers now.
      await registerCheckOut({ ...p, now: () => new Date('2026-11-30T17:05:00+08:00') }, byName('张小明'), date, 'paternal-grandparent', 0);
      expect(await undoCheckOutAll({ ...p, now: () => new Date('2026-11-30T17:06:00+08:00') }, res.checkedOut)).toBe(1);
      const after = await loadRegisterDay(docs, date);
      expect(after.attendance.get(byName('王浩然').childId)).toMatchObject({ status: 'present', checkOutAt: null });
      expect(after.attendance.get(byName('张小明').childId)).toMatchObject({ checkOutAt: '2026-11-30T09:05:00.000Z', pickedUpBy: 'paternal-grandparent' });
      expect(checkOutAllPlan(roster, after, 0).toCheckOut.map((e) => e.priv?.fullName)).toEqual(['王浩然']);
    });
  });
});
