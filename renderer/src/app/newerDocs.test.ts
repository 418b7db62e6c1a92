// @vitest-environment happy-dom
// Issue 19: the newer-documents count reads the center database in steps of SCAN_BATCH, each one
// IndexedDB read transaction a child's check-in must wait behind. Which steps wait for a quiet
// kiosk (`pause`), over real PouchDB (the app's indexeddb adapter, on fake-indexeddb).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCenterDb } from '../storage/pouch/createPouch';
import { APP_SCHEMAS } from '@sync/schema/versions';
import { createNewerDocs, SCAN_BATCH, type SmallStore } from './newerDocs';

let n = 0;
const opened: PouchDB.Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
});

/** A database with `count` documents, one of them written by a newer app. */
async function database(count: number) {
  const db = openCenterDb(`newer-docs-${Date.now()}-${n++}`);
  opened.push(db);
  await add(db, 0, count);
  return db;
}

async function add(db: PouchDB.Database, from: number, count: number) {
  const docs = Array.from({ length: count }, (_, i) => ({
    _id: `note:${String(from + i).padStart(6, '0')}`,
    type: 'attendance',
    schemaVersion: from + i === 7 ? APP_SCHEMAS.versions.attendance + 1 : APP_SCHEMAS.versions.attendance,
  }));
  await db.bulkDocs(docs);
}

/** The newer-documents state over `db`, with what it did in order: `pause` (waited for a quiet kiosk) and `read` (one step). */
function watched(db: PouchDB.Database, keep: SmallStore) {
  const steps: string[] = [];
  const changes = db.changes.bind(db);
  vi.spyOn(db, 'changes').mockImplementation(((opts: PouchDB.Core.ChangesOptions) => {
    steps.push('read');
    return changes(opts);
  }) as typeof db.changes);
  const newer = createNewerDocs(db, APP_SCHEMAS, keep, async () => void steps.push('pause'));
  return { newer, steps };
}

function memoryStore(): SmallStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

describe('the newer-documents scan gives way to the kiosk', () => {
  it('reads from the beginning only while nobody uses the kiosk, its first step included', async () => {
    const db = await database(2 * SCAN_BATCH + 20);
    const { newer, steps } = watched(db, memoryStore());
    await newer.refresh();
    expect(steps).toEqual(['pause', 'read', 'pause', 'read', 'pause', 'read']);
    expect(newer.count.value).toBe(1);
  });

  it('a read from the beginning stopped by a restart goes on where it stopped, still only while the kiosk is quiet', async () => {
    const db = await database(2 * SCAN_BATCH + 20);
    const keep = memoryStore();
    // The first app run read one step, then stopped (the kiosk was switched off).
    const first = createNewerDocs(db, APP_SCHEMAS, keep, async () => {});
    const once = db.changes.bind(db);
    let reads = 0;
    const spy = vi.spyOn(db, 'changes').mockImplementation(((opts: PouchDB.Core.ChangesOptions) => {
      if (++reads > 1) throw new Error('the kiosk stopped');
      return once(opts);
    }) as typeof db.changes);
    await expect(first.refresh()).rejects.toThrow('the kiosk stopped');
    spy.mockRestore();
    expect(first.count.value).toBe(1);

    const { newer, steps } = watched(db, keep);
    await newer.refresh();
    expect(steps).toEqual(['pause', 'read', 'pause', 'read']);
    expect(newer.count.value).toBe(1);
  });

  it('a look at what changed since a look that caught up goes at once; a long one gives way from its second step', async () => {
    const db = await database(30);
    const keep = memoryStore();
    await createNewerDocs(db, APP_SCHEMAS, keep, async () => {}).refresh();

    await add(db, 100, 3);
    const after = watched(db, keep);
    await after.newer.refresh();
    expect(after.steps).toEqual(['read']);
    vi.restoreAllMocks();

    // A replication brought more than one step of documents.
    await add(db, 1_000, SCAN_BATCH + 5);
    const big = watched(db, keep);
    await big.newer.refresh();
    expect(big.steps).toEqual(['read', 'pause', 'read']);
    expect(big.newer.count.value).toBe(1);
  });
});
