// @vitest-environment happy-dom
// Issue 19: a kiosk check-in written from the attendance the check-in screen already read,
// with no read before the write — over real PouchDB (the app's indexeddb adapter, on
// fake-indexeddb), with a second writer between the screen's read and the child's tap.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCenterDb } from '../../storage/pouch/createPouch';
import { PouchDocStore } from '../../storage/pouch/PouchDocStore';
import { MemoryDeviceStore } from '../../storage/memory/MemoryDeviceStore';
import { loadRoster, type RosterEntry } from '../../app/roster';
import { emptyChildForm, recordConsent, saveChild } from '../children/childrenService';
import { registerCheckOut } from '../attendance/registerService';
import { countyCopyId } from '@sync/schema/county';
import type { AttendanceDoc } from '@sync/schema/documents';
import { recordKioskAction, undoKioskAction, type KnownAttendance } from './checkinService';

const DATE = '2026-11-30';
let n = 0;
const opened: PouchDB.Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
});

/** A center with one child whose guardian consented to attendance and county statistics; two stores on one database (two writers). */
async function center() {
  const db = openCenterDb(`checkin-write-${Date.now()}-${n++}`);
  opened.push(db);
  const docs = new PouchDocStore(db);
  const other = new PouchDocStore(db);
  const device = new MemoryDeviceStore();
  let clock = new Date(`${DATE}T16:00:00+08:00`);
  const p = { docs, device, deviceId: 'k1', now: () => clock };
  const second = { docs: other, device, deviceId: 'k2', now: () => clock };
  await saveChild(p, 'qingshan', { ...emptyChildForm('2026-09-01'), gender: 'female' as const, fullName: '王小明', birthMonth: '2015-04', enrolledOn: '2026-09-01', situationFrom: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }, null);
  const child = (await loadRoster(docs))[0]!;
  await recordConsent(p, child, 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', { action: 'grant', scopes: ['attendance', 'county-stats'], relation: 'father', isLegalGuardian: true, method: 'phone', effectiveOn: '2026-09-01', note: '' });
  const entry: RosterEntry = (await loadRoster(docs)).find((e) => e.childId === child.childId)!;
  /** Counts the reads and writes that reach PouchDB from here on. */
  const calls = () => {
    const reads = [vi.spyOn(db, 'get'), vi.spyOn(db, 'allDocs')];
    const writes = [vi.spyOn(db, 'bulkDocs'), vi.spyOn(db, 'put')];
    const total = (spies: { mock: { calls: unknown[] } }[]) => spies.reduce((s, x) => s + x.mock.calls.length, 0);
    return {
      reads: () => total(reads),
      writes: () => total(writes),
      stop: () => [...reads, ...writes].forEach((s) => s.mockRestore()),
    };
  };
  const stored = async (id: string) => (await db.get(id)) as unknown as AttendanceDoc;
  /** Check-ins have no county copy any more (retired: the county reads monthly tallies); an updated kiosk writes none. */
  const noCopy = async (id: string) => expect(db.get(countyCopyId(id))).rejects.toMatchObject({ status: 404 });
  return { db, docs, p, second, entry, calls, stored, noCopy, at: (iso: string) => (clock = new Date(iso)) };
}

/** What the check-in screen reads when it opens: today's attendance by child. */
async function screenRead(docs: PouchDocStore): Promise<{ date: string; attendance: KnownAttendance }> {
  const today = await docs.list('attendance', `att:${DATE}:`);
  return { date: DATE, attendance: new Map(today.map((a) => [a.childId, a])) };
}

describe('a kiosk check-in from the attendance the screen holds', () => {
  it('is one write and no read: the record alone (check-ins have no county copy now)', async () => {
    const { docs, p, entry, calls, stored, noCopy } = await center();
    const known = await screenRead(docs);
    const count = calls();
    const result = await recordKioskAction(p, entry, 'check-in', 60_000, known);
    expect(count.reads()).toBe(0);
    expect(count.writes()).toBe(1);
    count.stop();
    if (!('saved' in result)) throw new Error('expected a saved check-in');
    expect(result.saved).toMatchObject({ status: 'present', checkInAt: '2026-11-30T08:00:00.000Z', source: 'kiosk' });
    expect(result.undo.before).toBeNull();
    const doc = await stored(result.saved._id);
    expect(doc._rev).toBe(result.saved._rev);
    await noCopy(doc._id);
  });

  it('never overwrites a record another kiosk wrote after the screen read: the check-in is applied to it', async () => {
    const { docs, p, second, entry, calls, stored, noCopy, at } = await center();
    const known = await screenRead(docs);
    // A second kiosk checks the same child in first; this screen still believes there is no record.
    const theirs = await recordKioskAction(second, entry, 'check-in', 60_000);
    if (!('saved' in theirs)) throw new Error('expected a saved check-in');
    at(`${DATE}T16:02:00+08:00`);
    const count = calls();
    const result = await recordKioskAction(p, entry, 'check-in', null, known);
    // The blind write was refused by its revision, then the record was read and written again.
    expect(count.writes()).toBe(2);
    expect(count.reads()).toBeGreaterThan(0);
    count.stop();
    if (!('saved' in result)) throw new Error('expected a saved check-in');
    // The earliest check-in stands, the other kiosk's revision is the parent, and undo restores it.
    expect(result.saved).toMatchObject({ checkInAt: '2026-11-30T08:00:00.000Z', deviceId: 'k1' });
    expect(result.saved._rev).toMatch(/^2-/);
    expect(result.undo.before).toMatchObject({ _rev: theirs.saved._rev, deviceId: 'k2' });
    const doc = await stored(result.saved._id);
    expect(doc._rev).toBe(result.saved._rev);
    const conflicts = ((await docs.db.get(doc._id, { conflicts: true })) as { _conflicts?: string[] })._conflicts;
    expect(conflicts).toBeUndefined();
    await noCopy(doc._id);
  });

  it('checks out from the record it holds with no read; a record changed since (the register) is read and kept', async () => {
    const { docs, p, second, entry, calls, stored, noCopy, at } = await center();
    await recordKioskAction(p, entry, 'check-in', 60_000, await screenRead(docs));
    at(`${DATE}T17:30:00+08:00`);
    const fresh = await screenRead(docs);
    const count = calls();
    const out = await recordKioskAction(p, entry, 'check-out', 60_000, fresh);
    expect(count.reads()).toBe(0);
    expect(count.writes()).toBe(1);
    count.stop();
    if (!('saved' in out)) throw new Error('expected a saved check-out');
    expect(out.saved).toMatchObject({ checkInAt: '2026-11-30T08:00:00.000Z', checkOutAt: '2026-11-30T09:30:00.000Z' });
    await noCopy(out.saved._id);

    // The screen reads, then a teacher records at the register
    // who picked the child up; the child's check-out tap must keep that.
    at(`${DATE}T17:40:00+08:00`);
    const stale = await screenRead(docs);
    await registerCheckOut(second, entry, DATE, 'grandmother', 0);
    at(`${DATE}T17:41:00+08:00`);
    const again = await recordKioskAction(p, entry, 'check-out', null, stale);
    if (!('saved' in again)) throw new Error('expected a saved check-out');
    expect(again.saved).toMatchObject({ pickedUpBy: 'grandmother', checkOutAt: '2026-11-30T09:41:00.000Z', checkInAt: '2026-11-30T08:00:00.000Z' });
    const doc = await stored(again.saved._id);
    expect(doc._rev).toBe(again.saved._rev);
    expect(doc._rev).toMatch(/^4-/);
    await noCopy(doc._id);
  });

  it('offers a child back within a minute the undo, from what is stored, and the undo removes the record', async () => {
    const { db, docs, p, entry, stored, at } = await center();
    const first = await recordKioskAction(p, entry, 'check-in', 60_000, await screenRead(docs));
    if (!('saved' in first)) throw new Error('expected a saved check-in');
    at(`${DATE}T16:00:30+08:00`);
    const again = await recordKioskAction(p, entry, 'check-in', 60_000, await screenRead(docs));
    expect(again).toEqual({ recent: expect.objectContaining({ attendanceId: first.saved._id, before: null }) });
    expect((await stored(first.saved._id))._rev).toBe(first.saved._rev);
    await undoKioskAction(p, first.undo);
    await expect(db.get(first.saved._id)).rejects.toMatchObject({ status: 404 });
    // Checked in again after the undo, from a screen that read no record: over the tombstones, no conflict.
    at(`${DATE}T16:03:00+08:00`);
    const back = await recordKioskAction(p, entry, 'check-in', 60_000, await screenRead(docs));
    if (!('saved' in back)) throw new Error('expected a saved check-in');
    expect(back.saved).toMatchObject({ checkInAt: '2026-11-30T08:03:00.000Z' });
    await expect(db.get(countyCopyId(back.saved._id))).rejects.toMatchObject({ status: 404 });
  });

  it('reads first when what the screen holds is of another day (the screen stayed open past midnight)', async () => {
    const { docs, p, entry, calls, at } = await center();
    const yesterday = await screenRead(docs);
    at('2026-12-01T08:00:00+08:00');
    const count = calls();
    const result = await recordKioskAction(p, entry, 'check-in', 60_000, yesterday);
    expect(count.reads()).toBe(1);
    count.stop();
    expect('saved' in result && result.saved.date).toBe('2026-12-01');
  });
});
