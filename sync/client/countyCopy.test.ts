// @vitest-environment happy-dom
// The county copies a kiosk keeps beside its events, in real PouchDB (indexeddb adapter over
// fake-indexeddb) through the app's DocStore, the in-memory fake, and two kiosks whose
// conflicting edits are settled by rule.
import { describe, expect, it } from 'vitest';
import { openCenterDb } from '../../renderer/src/storage/pouch/createPouch';
import { PouchDocStore } from '../../renderer/src/storage/pouch/PouchDocStore';
import { MemoryDocStore } from '../../renderer/src/storage/memory/MemoryDocStore';
import type { DocStore } from '../../renderer/src/storage/ports';
import { checkIn, mark, moodCheckIn, type ChildRecord } from '@/domain/events';
import type { ChildDoc, ConsentDoc } from '../schema/documents';
import { countyCopyId } from '../schema/county';
import { conflictedIds, resolveConflicts } from './conflicts';

const childId = '01JCDEFGHJKMNPQRSTVWXYZ012';
const child: ChildDoc = {
  _id: `child:${childId}`, type: 'child', centerId: 'qingshan', schemaVersion: 2, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00',
  deviceId: 'k1', birthMonth: '2016-03', gender: 'female', grade: 4, school: '村小学', groupHistory: [{ from: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }],
  surrogateParentStaffId: null, enrolledOn: '2026-09-01', leftOn: null, archived: false, avatar: { animal: 'panda', color: '#e57373' },
};
const consent = (scopes: ConsentDoc['scopes'], action: ConsentDoc['action'] = 'grant', effectiveOn = '2026-09-01'): ConsentDoc => ({
  _id: `consent:${childId}:01JCDEFGHJKMNPQRSTVWXYZ0${action === 'grant' ? '13' : '14'}`, type: 'consent', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-09-01T08:00:00+08:00',
  updatedAt: '2026-09-01T08:00:00+08:00', deviceId: 'k1', childId, action, scopes, givenBy: { relation: 'father', isLegalGuardian: true }, method: 'phone', effectiveOn,
  recordedByStaffId: '01JCDEFGHJKMNPQRSTVWXYZ099', note: '',
});
const consenting: ChildRecord = { child, consents: [consent(['attendance', 'mood', 'county-stats'])] };
const withdrawn: ChildRecord = { child, consents: [consent(['attendance', 'mood', 'county-stats']), consent(['county-stats'], 'withdraw', '2026-11-01')] };
const at = (deviceId: string, time: string) => ({ centerId: 'qingshan', deviceId, at: `2026-11-30T${time}:00+08:00`, date: '2026-11-30' });
const attId = `att:2026-11-30:${childId}`;

function suite(name: string, make: () => { store: DocStore; raw: (id: string) => Promise<Record<string, unknown> | null> }) {
  describe(name, () => {
    it('writes the county copy with the event, changes it with it and deletes it with it', async () => {
      const { store, raw } = make();
      const saved = await store.put(checkIn(null, consenting, at('k1', '16:30'), 'kiosk'));
      expect(await raw(countyCopyId(attId))).toMatchObject({ type: 'countyAttendance', status: 'present', childId, date: '2026-11-30', snapshot: { countyOk: true } });
      const copyKeys = Object.keys((await raw(countyCopyId(attId)))!).sort();
      expect(copyKeys).toEqual(['_id', '_rev', 'centerId', 'childId', 'date', 'schemaVersion', 'snapshot', 'status', 'type', 'updatedAt']);
      await store.update('attendance', attId, (cur) => mark(cur, consenting, at('k1', '17:00'), 'excused', false));
      expect(await raw(countyCopyId(attId))).toMatchObject({ status: 'excused' });
      expect((await store.get('attendance', attId))?._rev).not.toBe(saved._rev);
      await store.remove('attendance', attId);
      expect(await raw(countyCopyId(attId))).toBeNull();
    });

    it('writes none without county-statistics consent, or for a skipped mood question, and removes one when consent is withdrawn', async () => {
      const { store, raw } = make();
      await store.put(checkIn(null, withdrawn, at('k1', '16:30'), 'kiosk'));
      expect(await raw(countyCopyId(attId))).toBeNull();
      const mood = moodCheckIn(consenting, at('k1', '16:31'), 'check-in', null, true, null);
      await store.put(mood);
      expect(await raw(countyCopyId(mood._id))).toBeNull();
      await store.update('mood', mood._id, (cur) => moodCheckIn(consenting, at('k1', '16:32'), 'check-in', 4, false, cur));
      expect(await raw(countyCopyId(mood._id))).toMatchObject({ type: 'countyMood', face: 4 });
      expect(JSON.stringify(await raw(countyCopyId(mood._id)))).not.toMatch(/wantsTalk/);
      // The same event recorded again after the guardian withdrew county statistics: the copy goes.
      await store.update('mood', mood._id, (cur) => ({ ...moodCheckIn(withdrawn, at('k1', '16:33'), 'check-in', 4, false, cur) }));
      expect(await raw(countyCopyId(mood._id))).toBeNull();
    });

    it('adds the copies to a bulk write, and counts only the documents asked for', async () => {
      const { store, raw } = make();
      const res = await store.bulkCreate([checkIn(null, consenting, at('k1', '16:30'), 'kiosk')]);
      expect(res).toEqual({ written: 1, failed: [] });
      expect(await raw(countyCopyId(attId))).toMatchObject({ type: 'countyAttendance' });
    });
  });
}

let n = 0;
suite('PouchDB DocStore', () => {
  const db = openCenterDb(`copies-${n++}-${Math.random()}`);
  return { store: new PouchDocStore(db), raw: async (id) => ((await db.get(id).catch(() => null)) as Record<string, unknown> | null) };
});
suite('in-memory DocStore', () => {
  const store = new MemoryDocStore();
  return { store, raw: async (id) => ((store as unknown as { docs: Map<string, Record<string, unknown>> }).docs.get(id) ?? null) };
});

describe('PouchDB DocStore: an event and its county copy in one write (issue 19)', () => {
  function counted() {
    const db = openCenterDb(`copies-batch-${n++}-${Math.random()}`);
    const calls = { bulkDocs: 0, get: 0, allDocs: 0, put: 0 };
    // Counts the calls the store makes on the real database; every call still goes through.
    for (const m of Object.keys(calls) as (keyof typeof calls)[]) {
      const real = (db[m] as (...a: unknown[]) => unknown).bind(db);
      (db as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
        calls[m]++;
        return real(...a);
      };
    }
    return { db, store: new PouchDocStore(db), calls };
  }

  it('an update reads the event and its copy together and writes both in one batch', async () => {
    const { db, store, calls } = counted();
    await store.put(checkIn(null, consenting, at('k1', '16:30'), 'kiosk'));
    Object.assign(calls, { bulkDocs: 0, get: 0, allDocs: 0, put: 0 });
    await store.update('attendance', attId, (cur) => mark(cur, consenting, at('k1', '17:00'), 'excused', false));
    expect(calls).toEqual({ bulkDocs: 1, get: 0, allDocs: 1, put: 0 });
    expect(await db.get(countyCopyId(attId))).toMatchObject({ status: 'excused' });
  });

  it('a copy changed by someone else since it was read is brought in step by the same update', async () => {
    const { db, store } = counted();
    await store.put(checkIn(null, consenting, at('k1', '16:30'), 'kiosk'));
    const copy = await db.get(countyCopyId(attId));
    let competing: Promise<unknown> | null = null;
    await store.update('attendance', attId, (cur) => {
      // Between this kiosk's read and its write, the copy changes (a replicated edit); its
      // transaction is opened first, so the batch meets a copy newer than the one it read.
      competing ??= db.put({ ...copy, updatedAt: '2026-11-30T16:45:00+08:00' });
      return mark(cur, consenting, at('k1', '17:00'), 'excused', false);
    });
    await competing;
    const final = (await db.get(countyCopyId(attId))) as unknown as { status: string; updatedAt: string };
    expect(final).toMatchObject({ status: 'excused', updatedAt: '2026-11-30T17:00:00+08:00' });
  });

  it('a write refused as a conflict leaves the copy as the stored event, not as the refused one', async () => {
    const { db, store } = counted();
    const first = await store.put(checkIn(null, consenting, at('k1', '16:30'), 'kiosk'));
    await store.update('attendance', attId, (cur) => mark(cur, consenting, at('k1', '17:00'), 'excused', false));
    // A stale write: based on the first revision, marking absent.
    await expect(store.put({ ...mark(first, consenting, at('k1', '17:10'), 'absent', false), _rev: first._rev })).rejects.toMatchObject({ name: 'ConflictError' });
    expect(await db.get(countyCopyId(attId))).toMatchObject({ status: 'excused' });
    expect(await db.get(attId)).toMatchObject({ status: 'excused' });
  });
});

describe('two kiosks, one center, offline', () => {
  it('settle the copy by the event as it is settled, not by the latest copy', async () => {
    const a = openCenterDb(`copy-a-${Math.random()}`);
    const b = openCenterDb(`copy-b-${Math.random()}`);
    await a.bulkDocs([child, ...consenting.consents]);
    await a.replicate.to(b);
    // Kiosk A: the child checks in (present). Kiosk B, later, marks the child excused in the register.
    await new PouchDocStore(a).put(checkIn(null, consenting, at('kiosk-a', '16:35'), 'kiosk'));
    await new PouchDocStore(b).put(mark(null, consenting, at('kiosk-b', '16:50'), 'excused', false));
    await a.replicate.to(b);
    await b.replicate.to(a);
    expect((await conflictedIds(a)).sort()).toEqual([attId, countyCopyId(attId)].sort());
    for (const id of await conflictedIds(a)) await resolveConflicts(a, id);
    expect(await conflictedIds(a)).toEqual([]);
    const settled = (await a.get(attId)) as unknown as { status: string };
    const copy = (await a.get(countyCopyId(attId))) as unknown as { status: string };
    // The register's later "excused" was the latest copy; the settled attendance says present: the copy follows it.
    expect(settled.status).toBe('present');
    expect(copy.status).toBe(settled.status);
  });
});
