// @vitest-environment happy-dom
// Real PouchDB (indexeddb adapter) and real Dexie over fake-indexeddb; the
// browser's own IndexedDB is covered by the end-to-end suite.
import { describe, expect, it } from 'vitest';
import { openCenterDb } from './pouch/createPouch';
import { PouchDocStore } from './pouch/PouchDocStore';
import { DexieDeviceStore } from './dexie/DexieDeviceStore';
import { MemoryDocStore } from './memory/MemoryDocStore';
import { ConflictError, type DocStore, type InvalidStoredDoc } from './ports';
import { InvalidDocumentError, type DayDoc } from '@sync/schema/documents';

let n = 0;
const day = (date: string, held = true): DayDoc => ({
  _id: `day:${date}`, type: 'day', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-11-02T08:00:00+08:00',
  updatedAt: '2026-11-02T08:00:00+08:00', deviceId: 'k1', date, held, reason: '',
});

function suite(name: string, make: () => { store: DocStore; invalid: InvalidStoredDoc[]; raw?: PouchDB.Database }) {
  describe(name, () => {
    it('writes, reads back and lists by prefix', async () => {
      const { store } = make();
      const saved = await store.put(day('2026-11-02'));
      expect(saved._rev).toMatch(/^1-/);
      await store.put(day('2026-11-03', false));
      expect((await store.get('day', 'day:2026-11-03'))?.held).toBe(false);
      expect(await store.get('day', 'day:2026-11-09')).toBeNull();
      expect((await store.list('day', 'day:2026-11')).map((d) => d.date)).toEqual(['2026-11-02', '2026-11-03']);
      expect(await store.count()).toBe(2);
      expect((await store.listRange('day', 'day:2026-11-03', 'day:2026-12')).map((d) => d.date)).toEqual(['2026-11-03']);
      expect((await store.getMany('day', ['day:2026-11-03', 'day:2026-11-09', 'day:2026-11-02'])).map((d) => d.date)).toEqual(['2026-11-03', '2026-11-02']);
    });

    it('refuses an invalid document and a stale revision', async () => {
      const { store } = make();
      await expect(store.put({ ...day('2026-11-02'), date: '2026-13-40' })).rejects.toThrow(InvalidDocumentError);
      await store.put(day('2026-11-02'));
      await expect(store.put(day('2026-11-02'))).rejects.toThrow(ConflictError);
    });

    it('updates with read-modify-write', async () => {
      const { store } = make();
      await store.put(day('2026-11-02'));
      const u = await store.update('day', 'day:2026-11-02', (c) => (c ? { ...c, held: false, reason: '暴雨' } : null));
      expect(u?.reason).toBe('暴雨');
      expect(u?._rev).toMatch(/^2-/);
    });

    it('updates from a document the caller holds, and from what is stored when another writer came between (issue 19)', async () => {
      const { store } = make();
      const held = await store.put(day('2026-11-06'));
      const seen: (string | null)[] = [];
      const close = (c: DayDoc | null) => (seen.push(c?._rev ?? null), c ? { ...c, held: false, reason: c.reason ? `${c.reason}，停电` : '暴雨' } : null);
      const first = await store.updateFrom('day', 'day:2026-11-06', held, close);
      expect(first).toMatchObject({ held: false, reason: '暴雨' });
      expect(first?._rev).toMatch(/^2-/);
      expect(seen).toEqual([held._rev]);
      // `held` is stale now: the change is applied to the stored revision, never over it.
      seen.length = 0;
      const second = await store.updateFrom('day', 'day:2026-11-06', held, close);
      expect(second).toMatchObject({ reason: '暴雨，停电' });
      expect(second?._rev).toMatch(/^3-/);
      expect(seen).toEqual([held._rev, first!._rev]);
      // Believed absent but there: the same.
      const third = await store.updateFrom('day', 'day:2026-11-06', null, (c) => (c ? { ...c, reason: 'x' } : day('2026-11-06')));
      expect(third).toMatchObject({ reason: 'x', held: false });
      expect((await store.get('day', 'day:2026-11-06'))?._rev).toBe(third?._rev);
    });

    it('bulk-creates all or nothing on invalid input', async () => {
      const { store } = make();
      await expect(store.bulkCreate([day('2026-11-02'), { ...day('2026-11-03'), centerId: 'BAD ID' }])).rejects.toThrow(InvalidDocumentError);
      expect(await store.count()).toBe(0);
      const res = await store.bulkCreate([day('2026-11-02'), day('2026-11-03')]);
      expect(res).toEqual({ written: 2, failed: [] });
    });

    it('removes a document', async () => {
      const { store } = make();
      await store.put(day('2026-11-05'));
      await store.remove('day', 'day:2026-11-05');
      expect(await store.get('day', 'day:2026-11-05')).toBeNull();
      await store.remove('day', 'day:2026-11-05');
      // A new document can take the id again.
      expect((await store.put(day('2026-11-05'))).held).toBe(true);
    });

    it('notifies listeners of changes', async () => {
      const { store } = make();
      const seen: string[] = [];
      const off = store.onChange((ids) => seen.push(...ids));
      await store.put(day('2026-11-04'));
      await new Promise((r) => setTimeout(r, 50));
      off();
      expect(seen).toContain('day:2026-11-04');
    });

    it('holds the listeners while a large write runs, then tells them of every change once (issue 13: a joining kiosk)', async () => {
      const { store, raw } = make();
      const seen: string[] = [];
      const off = store.onChange((ids) => seen.push(...ids));
      await store.put(day('2026-10-01'));
      await expect.poll(() => seen).toEqual(['day:2026-10-01']);
      let during: string[] = [];
      const ids = await store.holdingChanges(async () => {
        await store.put(day('2026-10-02'));
        // As the join writes: straight into PouchDB, in batches.
        if (raw) await raw.bulkDocs([day('2026-10-03'), day('2026-10-04')], { new_edits: true });
        else await store.bulkCreate([day('2026-10-03'), day('2026-10-04')]);
        await new Promise((r) => setTimeout(r, 100));
        during = [...seen];
        return 'done';
      });
      expect(ids).toBe('done');
      expect(during).toEqual(['day:2026-10-01']);
      await expect.poll(() => [...seen].sort()).toEqual(['day:2026-10-01', 'day:2026-10-02', 'day:2026-10-03', 'day:2026-10-04']);
      // And the feed goes on as before.
      await store.put(day('2026-10-05'));
      await expect.poll(() => seen.at(-1)).toBe('day:2026-10-05');
      expect(seen.filter((id) => id === 'day:2026-10-03')).toHaveLength(1);
      // When the work names what it wrote and that is every change, the listeners get exactly those ids, once.
      await store.holdingChanges(
        async () => {
          const docs = [day('2026-10-06'), day('2026-10-07')];
          if (raw) await raw.bulkDocs(docs);
          else await store.bulkCreate(docs);
          return docs.map((d) => d._id);
        },
        (written) => written,
      );
      await expect.poll(() => seen.slice(-2).sort()).toEqual(['day:2026-10-06', 'day:2026-10-07']);
      await new Promise((r) => setTimeout(r, 100));
      expect(seen.filter((id) => id.startsWith('day:2026-10-0') && id >= 'day:2026-10-06')).toHaveLength(2);
      off();
    });
  });
}

suite('PouchDocStore (indexeddb adapter)', () => {
  const invalid: InvalidStoredDoc[] = [];
  const raw = openCenterDb(`test-${Date.now()}-${n++}`);
  return { store: new PouchDocStore(raw, (b) => invalid.push(b)), invalid, raw };
});
suite('MemoryDocStore', () => ({ store: new MemoryDocStore(), invalid: [] }));

describe('PouchDocStore reading what it did not write', () => {
  it('skips and reports a document that fails its schema (e.g. a bad one replicated in)', async () => {
    const invalid: InvalidStoredDoc[] = [];
    const raw = openCenterDb(`test-invalid-${Date.now()}`);
    const store = new PouchDocStore(raw, (b) => invalid.push(b));
    await store.put(day('2026-11-02'));
    await raw.put({ _id: 'day:2026-11-03', type: 'day', held: 'maybe' });
    const days = await store.list('day', 'day:');
    expect(days.map((d) => d.date)).toEqual(['2026-11-02']);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.id).toBe('day:2026-11-03');
    await expect(store.get('day', 'day:2026-11-03')).rejects.toThrow(InvalidDocumentError);
  });
});

describe('PouchDocStore tombstones', () => {
  it('keep type and centerId so the county selector sees the delete', async () => {
    const raw = openCenterDb(`test-tomb-${Date.now()}`);
    const store = new PouchDocStore(raw);
    await store.put(day('2026-11-06'));
    await store.remove('day', 'day:2026-11-06');
    const changes = await raw.changes({ include_docs: true, since: 0 });
    const tomb = changes.results.find((r) => r.id === 'day:2026-11-06');
    expect(tomb?.deleted).toBe(true);
    expect(tomb?.doc).toMatchObject({ _deleted: true, type: 'day', centerId: 'qingshan' });
  });
});

describe('DexieDeviceStore', () => {
  it('gives the device a stable id and keeps settings, audit and PIN attempts', async () => {
    const name = `device-test-${Date.now()}`;
    const a = new DexieDeviceStore(name);
    const s1 = await a.getSettings();
    expect(s1.deviceId).toMatch(/^kiosk-/);
    expect(s1.locale).toBe('zh-CN');
    await a.saveSettings({ centerId: 'qingshan', locale: 'en' });
    await a.appendAudit({ staffId: 'x', action: 'unlock', detail: '' });
    await a.appendAudit({ staffId: 'x', action: 'lock', detail: 'inactivity' });
    await a.savePinAttempts({ failures: 2, lastFailureAt: 5 });
    await a.setSecret('sync', 'pw');
    const b = new DexieDeviceStore(name);
    const s2 = await b.getSettings();
    expect(s2).toEqual({ ...s1, centerId: 'qingshan', locale: 'en' });
    expect((await b.listAudit(10)).map((e) => e.action)).toEqual(['lock', 'unlock']);
    expect(await b.getPinAttempts()).toEqual({ failures: 2, lastFailureAt: 5 });
    expect(await b.getSecret('sync')).toBe('pw');
    await b.setSecret('sync', null);
    expect(await b.getSecret('sync')).toBeNull();
  });

  it('reads its settings without waiting for another reader of the table (issue 19: the boot reads the settings and the keys at once)', async () => {
    const name = `device-readonly-${Date.now()}`;
    const a = new DexieDeviceStore(name);
    const first = await a.getSettings();
    const raw = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    // A reader that keeps its transaction on the table open until the settings have been read:
    // a read-write transaction would wait for it to end, a read-only one runs beside it.
    let done = false;
    const kv = raw.transaction('kv', 'readonly').objectStore('kv');
    const keepReading = () => {
      if (!done) kv.get('settings').onsuccess = keepReading;
    };
    keepReading();
    const settings = await Promise.race([a.getSettings(), new Promise((resolve) => setTimeout(() => resolve('held up behind the reader'), 2000))]);
    done = true;
    raw.close();
    expect(settings).toEqual(first);
  });

  it('keeps the conflict log across restarts until each entry is reviewed', async () => {
    const name = `device-conflicts-${Date.now()}`;
    const a = new DexieDeviceStore(name);
    const entry = { at: '2026-11-29T09:00:00Z', docType: 'child', rule: 'latest-wins' as const, result: { grade: 3 }, replaced: [{ grade: 4 }] };
    await a.appendConflict({ ...entry, docId: 'child:a' });
    await a.appendConflict({ ...entry, docId: 'child:b' });
    const b = new DexieDeviceStore(name);
    const open = await b.listConflicts(10);
    expect(open.map((c) => c.docId)).toEqual(['child:b', 'child:a']);
    expect(open[1]!.replaced).toEqual([{ grade: 4 }]);
    await b.markConflictReviewed(open[0]!.id, 'staff-1');
    expect((await b.listConflicts(10)).map((c) => c.docId)).toEqual(['child:a']);
    const all = await b.listConflicts(10, true);
    expect(all[0]).toMatchObject({ docId: 'child:b', reviewedBy: 'staff-1' });
    expect(all[0]!.reviewedAt).not.toBeNull();
  });

  it('keeps kiosk alerts across restarts until an adult marks each handled', async () => {
    const name = `device-alerts-${Date.now()}`;
    const a = new DexieDeviceStore(name);
    expect((await a.getSettings()).waitingSound).toBe(false);
    await a.appendKioskAlert({ at: '2026-11-30T08:00:00.000Z', kind: 'code-failed', childId: 'A' });
    await a.appendKioskAlert({ at: '2026-11-30T08:05:00.000Z', kind: 'checkin-blocked', childId: 'B' });
    const b = new DexieDeviceStore(name);
    const open = await b.listKioskAlerts();
    expect(open.map((x) => [x.kind, x.childId])).toEqual([['code-failed', 'A'], ['checkin-blocked', 'B']]);
    await b.resolveKioskAlert(open[0]!.id, 'staff-1');
    expect((await b.listKioskAlerts()).map((x) => x.childId)).toEqual(['B']);
  });
});

describe('PouchDocStore change feed', () => {
  it('holds one PouchDB feed however often screens subscribe and leave, and closes it when the last one leaves', async () => {
    const raw = openCenterDb(`test-feed-${Date.now()}`);
    const store = new PouchDocStore(raw);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const keep = store.onChange(() => {});
    for (let i = 0; i < 200; i++) store.onChange(() => {})(); // a grid opened and closed 200 times
    expect(store.openFeeds).toBe(1);
    keep();
    expect(store.openFeeds).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    process.off('warning', onWarning);
    expect(warnings.filter((w) => /MaxListeners/.test(w))).toEqual([]);
  });

  it('tells every subscribed listener, and no longer one that left', async () => {
    const raw = openCenterDb(`test-fanout-${Date.now()}`);
    const store = new PouchDocStore(raw);
    const a: string[] = [];
    const b: string[] = [];
    const offA = store.onChange((ids) => a.push(...ids));
    const offB = store.onChange((ids) => b.push(...ids));
    await store.put(day('2026-11-10'));
    await expect.poll(() => [a.length, b.length]).toEqual([1, 1]);
    offB();
    await store.put(day('2026-11-11'));
    await expect.poll(() => a).toEqual(['day:2026-11-10', 'day:2026-11-11']);
    expect(b).toEqual(['day:2026-11-10']);
    offA();
  });
});
