// @vitest-environment happy-dom
// The county copies a kiosk keeps beside its events (screenings: the per-event copies of check-ins
// and mood answers are retired, and an older kiosk's one is deleted when its event is written here), in real PouchDB (indexeddb adapter over
// fake-indexeddb) through the app's DocStore, the in-memory fake, and two kiosks whose
// conflicting edits are settled by rule.
import { describe, expect, it } from 'vitest';
import { openCenterDb } from '../../renderer/src/storage/pouch/createPouch';
import { PouchDocStore } from '../../renderer/src/storage/pouch/PouchDocStore';
import { MemoryDocStore } from '../../renderer/src/storage/memory/MemoryDocStore';
import type { DocStore } from '../../renderer/src/storage/ports';
import { checkIn, mark, moodCheckIn, type ChildRecord } from '@/domain/events';
import type { ChildDoc, ConsentDoc, ScreeningDoc } from '../schema/documents';
import { countyCopyId } from '../schema/county';
import { olderKioskCountyCopy } from '../schema/olderCountyCopies';
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

/** A valid screening as the app stores it (scores, safety flag and staff stay in the center; its county copy holds the level). */
const screening = (record: ChildRecord, level: ScreeningDoc['level'], valid = true, rev?: string): ScreeningDoc => ({
  _id: screeningId, ...(rev ? { _rev: rev } : {}), type: 'screening', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-11-30T16:00:00+08:00',
  updatedAt: `2026-11-30T16:${level === 'prompt' ? '10' : '00'}:00+08:00`, deviceId: 'k1', childId, instrumentId: 'who5', instrumentVersion: '1', date: '2026-11-30', respondent: 'child',
  administeredByStaffId: '01JCDEFGHJKMNPQRSTVWXYZ099', valid, level, safety: false, total: 8, percent: 32, subscales: {}, band: null, reasons: [],
  snapshot: { group: 'left-behind-both-away', ageBand: '9-11', gender: 'female', countyOk: record === consenting },
});
const screeningId = 'screening:01JCDEFGHJKMNPQRSTVWXYZ200';

function suite(name: string, make: () => { store: DocStore; raw: (id: string) => Promise<Record<string, unknown> | null>; seed: (doc: object) => Promise<void> }) {
  describe(name, () => {
    it('writes no county copy of a check-in or a mood answer: no county view reads one (retired per-event copies)', async () => {
      const { store, raw } = make();
      await store.put(checkIn(null, consenting, at('k1', '16:30'), 'kiosk'));
      await store.update('attendance', attId, (cur) => mark(cur, consenting, at('k1', '17:00'), 'excused', false));
      const mood = moodCheckIn(consenting, at('k1', '16:31'), 'check-in', 4, false, null);
      await store.put(mood);
      expect(await store.get('attendance', attId)).toMatchObject({ status: 'excused', snapshot: { countyOk: true } });
      expect(await store.get('mood', mood._id)).toMatchObject({ face: 4, snapshot: { countyOk: true } });
      expect(await raw(countyCopyId(attId))).toBeNull();
      expect(await raw(countyCopyId(mood._id))).toBeNull();
      const res = await store.bulkCreate([moodCheckIn(consenting, at('k1', '17:30'), 'check-out', 5, false, null)]);
      expect(res).toEqual({ written: 1, failed: [] });
      expect(await raw(countyCopyId(`mood:2026-11-30:check-out:${childId}`))).toBeNull();
    });

    it("deletes the copy an older kiosk wrote when its event is written again here, or removed", async () => {
      const { store, raw, seed } = make();
      const att = checkIn(null, consenting, at('k0', '16:30'), 'kiosk');
      const mood = moodCheckIn(consenting, at('k0', '16:31'), 'check-in', 2, false, null);
      // As a kiosk up to DDOC_VERSION 6 left them: each event with its per-event copy.
      for (const d of [att, olderKioskCountyCopy(att)!, mood, olderKioskCountyCopy(mood)!]) await seed(d);
      expect(await raw(countyCopyId(attId))).toMatchObject({ type: 'countyAttendance', status: 'present' });
      await store.update('attendance', attId, (cur) => mark(cur, consenting, at('k1', '17:00'), 'excused', false));
      expect(await raw(countyCopyId(attId))).toBeNull();
      expect(await raw(countyCopyId(mood._id))).toMatchObject({ type: 'countyMood', face: 2 });
      await store.remove('mood', mood._id);
      expect(await raw(countyCopyId(mood._id))).toBeNull();
    });

    it("writes a screening's county copy with it, changes it with it and deletes it with it", async () => {
      const { store, raw } = make();
      const saved = await store.put(screening(consenting, 'attention'));
      expect(await raw(countyCopyId(screeningId))).toMatchObject({ type: 'countyScreening', level: 'attention', childId, date: '2026-11-30', snapshot: { countyOk: true } });
      const copyKeys = Object.keys((await raw(countyCopyId(screeningId)))!).sort();
      expect(copyKeys).toEqual(['_id', '_rev', 'centerId', 'childId', 'date', 'instrumentId', 'level', 'schemaVersion', 'snapshot', 'type', 'updatedAt']);
      await store.update('screening', screeningId, (cur) => (cur ? { ...screening(consenting, 'prompt'), _rev: cur._rev } : null));
      expect(await raw(countyCopyId(screeningId))).toMatchObject({ level: 'prompt' });
      expect((await store.get('screening', screeningId))?._rev).not.toBe(saved._rev);
      await store.remove('screening', screeningId);
      expect(await raw(countyCopyId(screeningId))).toBeNull();
    });

    it('writes no screening copy without county-statistics consent or for an invalid screening, and removes one when it becomes so', async () => {
      const { store, raw } = make();
      await store.put(screening(withdrawn, 'attention'));
      expect(await raw(countyCopyId(screeningId))).toBeNull();
      await store.update('screening', screeningId, (cur) => (cur ? { ...screening(consenting, 'attention'), _rev: cur._rev } : null));
      expect(await raw(countyCopyId(screeningId))).toMatchObject({ type: 'countyScreening' });
      expect(JSON.stringify(await raw(countyCopyId(screeningId)))).not.toMatch(/total|percent|safety|administeredBy/);
      await store.update('screening', screeningId, (cur) => (cur ? { ...screening(consenting, 'attention', false), _rev: cur._rev } : null));
      expect(await raw(countyCopyId(screeningId))).toBeNull();
    });

    it('adds the copies to a bulk write, and counts only the documents asked for', async () => {
      const { store, raw } = make();
      const res = await store.bulkCreate([checkIn(null, consenting, at('k1', '16:30'), 'kiosk'), screening(consenting, 'attention')]);
      expect(res).toEqual({ written: 2, failed: [] });
      expect(await raw(countyCopyId(screeningId))).toMatchObject({ type: 'countyScreening' });
      expect(await raw(countyCopyId(attId))).toBeNull();
    });
  });
}

let n = 0;
suite('PouchDB DocStore', () => {
  const db = openCenterDb(`copies-${n++}-${Math.random()}`);
  return {
    store: new PouchDocStore(db),
    raw: async (id) => ((await db.get(id).catch(() => null)) as Record<string, unknown> | null),
    seed: async (doc) => void (await db.put(doc as PouchDB.Core.PutDocument<object>)),
  };
});
suite('in-memory DocStore', () => {
  const store = new MemoryDocStore();
  const docs = (store as unknown as { docs: Map<string, Record<string, unknown>> }).docs;
  return {
    store,
    raw: async (id) => docs.get(id) ?? null,
    seed: async (doc) => void docs.set((doc as { _id: string })._id, { ...(doc as Record<string, unknown>), _rev: '1-mem' }),
  };
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
    await store.put(screening(consenting, 'attention'));
    Object.assign(calls, { bulkDocs: 0, get: 0, allDocs: 0, put: 0 });
    await store.update('screening', screeningId, (cur) => (cur ? { ...screening(consenting, 'prompt'), _rev: cur._rev } : null));
    expect(calls).toEqual({ bulkDocs: 1, get: 0, allDocs: 1, put: 0 });
    expect(await db.get(countyCopyId(screeningId))).toMatchObject({ level: 'prompt' });
  });

  it('a copy changed by someone else since it was read is brought in step by the same update', async () => {
    const { db, store } = counted();
    await store.put(screening(consenting, 'attention'));
    const copy = await db.get(countyCopyId(screeningId));
    let competing: Promise<unknown> | null = null;
    await store.update('screening', screeningId, (cur) => {
      // Between this kiosk's read and its write, the copy changes (a replicated edit); its
      // transaction is opened first, so the batch meets a copy newer than the one it read.
      competing ??= db.put({ ...copy, updatedAt: '2026-11-30T16:05:00+08:00' });
      return cur ? { ...screening(consenting, 'prompt'), _rev: cur._rev } : null;
    });
    await competing;
    const final = (await db.get(countyCopyId(screeningId))) as unknown as { level: string; updatedAt: string };
    expect(final).toMatchObject({ level: 'prompt', updatedAt: '2026-11-30T16:10:00+08:00' });
  });

  it('a write refused as a conflict leaves the copy as the stored event, not as the refused one', async () => {
    const { db, store } = counted();
    const first = await store.put(screening(consenting, 'attention'));
    await store.update('screening', screeningId, (cur) => (cur ? { ...screening(consenting, 'prompt'), _rev: cur._rev } : null));
    // A stale write: based on the first revision, no longer valid.
    await expect(store.put(screening(consenting, 'attention', false, first._rev))).rejects.toMatchObject({ name: 'ConflictError' });
    expect(await db.get(countyCopyId(screeningId))).toMatchObject({ level: 'prompt' });
    expect(await db.get(screeningId)).toMatchObject({ level: 'prompt', valid: true });
  });

  it('a check-in reads no copy it would write: one batch of one document', async () => {
    const { db, store, calls } = counted();
    await store.put(checkIn(null, consenting, at('k1', '16:30'), 'kiosk'));
    expect(calls.bulkDocs).toBe(1);
    expect((await db.allDocs()).rows.map((r) => r.id)).toEqual([attId]);
  });
});

describe('two kiosks, one center, offline', () => {
  it("settle an older kiosk's copy by the event as it is settled: an updated kiosk's copy rule has none, so it goes", async () => {
    const a = openCenterDb(`copy-a-${Math.random()}`);
    const b = openCenterDb(`copy-b-${Math.random()}`);
    await a.bulkDocs([child, ...consenting.consents]);
    // Kiosk A, not yet updated: the child checks in (present) and A writes its per-event copy.
    const att = checkIn(null, consenting, at('kiosk-a', '16:35'), 'kiosk');
    const stored = await a.put(att);
    await a.put(olderKioskCountyCopy(att)!);
    await a.replicate.to(b);
    // Offline: A's register marks the child excused (its copy with it); updated kiosk B writes the attendance again.
    await a.bulkDocs([{ ...mark({ ...att, _rev: stored.rev }, consenting, at('kiosk-a', '16:50'), 'excused', false), _rev: stored.rev }]);
    const copy = await a.get(countyCopyId(attId));
    await a.put({ ...copy, status: 'excused' });
    await new PouchDocStore(b).update('attendance', attId, (cur) => mark(cur, consenting, at('kiosk-b', '16:40'), 'absent', false));
    await a.replicate.to(b);
    await b.replicate.to(a);
    expect((await conflictedIds(a)).sort()).toEqual([attId]);
    for (const id of await conflictedIds(a)) await resolveConflicts(a, id);
    expect(await conflictedIds(a)).toEqual([]);
    // B deleted the copy, A changed it: the deletion and the change are no conflict in PouchDB (the live branch wins),
    // so the settled attendance brings it in step — and an updated kiosk's rule has no copy of a check-in.
    expect(await a.get(countyCopyId(attId)).catch((e: { status: number }) => e.status)).toBe(404);
  });
});
