// @vitest-environment happy-dom
// Service sessions and the county (issue 9): the per-session county copy (`serviceTally`, `tally:<activityId>`) is
// retired. A session saved, corrected or withdrawn writes none, an older kiosk's copy is deleted (its tombstone passes
// the county selector and the county rules), and the month's serviceMonthTally still counts every session.
// Real PouchDB (indexeddb adapter over fake-indexeddb) through the app's DocStore, and the in-memory fake.
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { massageSelector, matchesSelector } from 'pouchdb-selector-core';
import { openCenterDb } from '../../storage/pouch/createPouch';
import { PouchDocStore } from '../../storage/pouch/PouchDocStore';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { MemoryDeviceStore } from '../../storage/memory/MemoryDeviceStore';
import type { DocStore } from '../../storage/ports';
import { loadRoster } from '../../app/roster';
import { emptyChildForm, recordConsent, saveChild } from '../children/childrenService';
import { deleteService, saveService, updateService, type ServiceForm } from './serviceService';
import { tallyOf } from '@/domain/tally';
import { COUNTY_SELECTOR, countyDesignDoc } from '@sync/couchdb/ddocs';
import type { ActivityDoc } from '@sync/schema/documents';
import { newUlid } from '@sync/schema/ids';

type Raw = Record<string, unknown> & { _id: string };
interface Store {
  readonly docs: DocStore;
  /** The stored document, or null when there is none or it is deleted. */
  readonly raw: (id: string) => Promise<Raw | null>;
  /** The deletion left of `id` (what replicates), or null when there is none; absent where the store keeps no deletions (the in-memory fake). */
  readonly tombstone?: (id: string) => Promise<Raw | null>;
  /** Writes a document as another (older) kiosk's sync would leave it. */
  readonly seed: (doc: object) => Promise<void>;
}

const staffId = 'staff:01JCDEFGHJKMNPQRSTVWXYZ099';
/** Sessions an older kiosk recorded (their ids carry the time they were recorded, as the app's do). */
const OLD = newUlid(Date.parse('2026-11-20T09:00:00.000Z'));
const OTH = newUlid(Date.parse('2026-11-21T09:00:00.000Z'));
const countyValidate = vm.runInNewContext(`(${countyDesignDoc().validate_doc_update})`, {}) as (doc: object, old: object | null, user: object, sec: object) => void;
const replicator = { name: 'repl-qingshan', roles: ['copy-from:qingshan', 'copy-to:yunxi'] };
const passesSelector = (doc: object) => matchesSelector(doc, massageSelector(COUNTY_SELECTOR));

async function centerWithChild(store: Store) {
  const p = { docs: store.docs, deviceId: 'k1', now: () => new Date('2026-11-30T16:00:00+08:00') };
  await saveChild(p, 'qingshan', { ...emptyChildForm('2026-09-01'), gender: 'female', fullName: '李思琪', birthMonth: '2014-04', enrolledOn: '2026-09-01', situationFrom: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }, null);
  let [entry] = await loadRoster(store.docs);
  await recordConsent(p, entry!, staffId.slice('staff:'.length), { action: 'grant', scopes: ['attendance', 'mood', 'county-stats'], relation: 'mother', isLegalGuardian: true, method: 'phone', effectiveOn: '2026-09-01', note: '' });
  [entry] = await loadRoster(store.docs);
  const form: ServiceForm = {
    date: '2026-11-30', startTime: '16:30', durationMin: 60, serviceType: 'educational-support', providerKind: 'school', providerName: '村小学', facilitatorStaffIds: [], childIds: [entry!.childId], notes: '', photos: [],
  };
  return { p: { ...p, device: new MemoryDeviceStore() }, roster: [entry!], form };
}

/** A session as a kiosk up to DDOC_VERSION 8 left it: the activity with its per-session county copy beside it. */
async function olderKioskSession(store: Store, from: ActivityDoc, activityId: string, date: string): Promise<ActivityDoc> {
  const older: ActivityDoc = { ...from, _id: `activity:${activityId}`, date, deviceId: 'k0', createdAt: `${date}T09:00:00.000Z`, updatedAt: `${date}T09:00:00.000Z` };
  delete (older as { _rev?: string })._rev;
  await store.seed(older);
  await store.seed(tallyOf(older));
  return older;
}

/**
 * The deletion of a retired copy, as it replicates: it keeps type and centerId and nothing else, so the county selector
 * passes it and the county rules take it. Checked where the store keeps deletions (PouchDB; the in-memory fake drops them).
 */
async function expectDeletionReachesCounty(store: Store, id: string): Promise<void> {
  if (!store.tombstone) return;
  const gone = await store.tombstone(id);
  expect(gone).toMatchObject({ _id: id, _deleted: true, type: 'serviceTally', centerId: 'qingshan' });
  expect(Object.keys(gone!).filter((k) => !k.startsWith('_')).sort()).toEqual(['centerId', 'type']);
  expect(passesSelector(gone!)).toBe(true);
  expect(() => countyValidate(gone!, null, replicator, {})).not.toThrow();
}

const stallyCells = async (store: Store, month: string) => ((await store.raw(`stally:qingshan:${month}`)) as { cells?: { sessions: number; minutes: number }[] } | null)?.cells;

function suite(name: string, make: () => Store) {
  describe(name, () => {
    it('writes no per-session county copy when a session is saved or corrected; the month is counted from the sessions', async () => {
      const store = make();
      const { p, roster, form } = await centerWithChild(store);
      const a = await saveService(p, 'qingshan', roster, form);
      const id = a._id.slice('activity:'.length);
      expect(await store.raw(`tally:${id}`)).toBeNull();
      if (store.tombstone) expect(await store.tombstone(`tally:${id}`)).toBeNull();
      await saveService(p, 'qingshan', roster, { ...form, durationMin: 30, serviceType: 'parent-child-contact' });
      expect(await updateService(p, null, roster, id, { ...form, durationMin: 45 })).toMatchObject({ durationMin: 45 });
      expect(await store.raw(`tally:${id}`)).toBeNull();
      // Neither a copy nor a deletion of one: nothing of the session but its month's tally goes to the county.
      if (store.tombstone) expect(await store.tombstone(`tally:${id}`)).toBeNull();
      expect((await store.docs.list('serviceTally', 'tally:')).length).toBe(0);
      expect(await stallyCells(store, '2026-11')).toEqual([
        { serviceType: 'educational-support', providerKind: 'school', sessions: 1, minutes: 45, byGroup: [{ group: 'left-behind-both-away', attendances: 1 }] },
        { serviceType: 'parent-child-contact', providerKind: 'school', sessions: 1, minutes: 30, byGroup: [{ group: 'left-behind-both-away', attendances: 1 }] },
      ]);
    });

    it("deletes an older kiosk's copy when its session is corrected here, and the deletion reaches the county", async () => {
      const store = make();
      const { p, roster, form } = await centerWithChild(store);
      const mine = await saveService(p, 'qingshan', roster, form);
      const older = await olderKioskSession(store, mine, OLD, '2026-11-20');
      const otherOlder = await olderKioskSession(store, mine, OTH, '2026-11-21');
      expect(await store.raw(`tally:${OLD}`)).toMatchObject({ type: 'serviceTally', centerId: 'qingshan', durationMin: 60 });
      await updateService(p, staffId, roster, OLD, { ...form, date: older.date, durationMin: 90 });
      expect(await store.raw(`tally:${OLD}`)).toBeNull();
      await expectDeletionReachesCounty(store, `tally:${OLD}`);
      // Another session's older copy is left alone until that session is written here.
      expect(await store.raw(`tally:${otherOlder._id.slice('activity:'.length)}`)).toMatchObject({ type: 'serviceTally' });
      // The month is still counted from every session, the corrected one with its new minutes.
      expect(await stallyCells(store, '2026-11')).toEqual([
        { serviceType: 'educational-support', providerKind: 'school', sessions: 3, minutes: 60 + 90 + 60, byGroup: [{ group: 'left-behind-both-away', attendances: 3 }] },
      ]);
    });

    it("deletes an older kiosk's copy when its session is withdrawn here, and the month counts it no more", async () => {
      const store = make();
      const { p, roster, form } = await centerWithChild(store);
      const mine = await saveService(p, 'qingshan', roster, form);
      await olderKioskSession(store, mine, OLD, '2026-11-20');
      await saveService(p, 'qingshan', roster, form);
      expect((await stallyCells(store, '2026-11'))?.map((c) => c.sessions)).toEqual([3]);
      await deleteService(p, staffId, OLD);
      expect(await store.raw(`activity:${OLD}`)).toBeNull();
      expect(await store.raw(`tally:${OLD}`)).toBeNull();
      await expectDeletionReachesCounty(store, `tally:${OLD}`);
      expect((await stallyCells(store, '2026-11'))?.map((c) => c.sessions)).toEqual([2]);
      // Withdrawing this kiosk's own session leaves no deletion of a copy that never existed.
      await deleteService(p, staffId, mine._id.slice('activity:'.length));
      if (store.tombstone) expect(await store.tombstone(`tally:${mine._id.slice('activity:'.length)}`)).toBeNull();
    });
  });
}

let n = 0;
suite('PouchDB DocStore', () => {
  const db = openCenterDb(`services-${n++}-${Math.random()}`);
  return {
    docs: new PouchDocStore(db),
    raw: async (id) => (await db.get(id).catch(() => null)) as Raw | null,
    tombstone: async (id) => {
      const row = (await db.allDocs({ keys: [id] })).rows[0] as { value?: { rev: string; deleted?: boolean } } | undefined;
      if (!row?.value?.deleted) return null;
      return (await db.get(id, { rev: row.value.rev })) as unknown as Raw;
    },
    seed: async (doc) => void (await db.put(doc as PouchDB.Core.PutDocument<object>)),
  };
});
suite('in-memory DocStore', () => {
  const docs = new MemoryDocStore();
  const map = (docs as unknown as { docs: Map<string, Raw> }).docs;
  return {
    docs,
    raw: async (id) => {
      const d = map.get(id);
      return d && !d._deleted ? d : null;
    },
    seed: async (doc) => void map.set((doc as Raw)._id, { ...(doc as Raw), _rev: '1-mem' }),
  };
});
