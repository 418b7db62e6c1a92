import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { loadRoster } from '../../app/roster';
import { emptyChildForm, recordConsent, saveChild } from '../children/childrenService';
import { clearMark, countRegister, DayContradictionError, loadRegisterDay, markAllPresent, PickupRequiredError, registerCheckOut, restoreDay, setMark, setSessionHeld, signInSheetCsv, undoMarkAll } from './registerService';
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
});
