/**
 * Stand-in fix 3 (standin-fixes.cjs): the trial server's views compile each map
 * function once and call it for every document, as Apache CouchDB does, instead of
 * a new sandbox per document. Runs the stand-in's own PouchDB (pouchdb-server's
 * copy, 7.3) in memory, in this process, with the fix preloaded the way
 * localServer.ts preloads it; no server.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { viewSource } from './ddocs';

const require = createRequire(import.meta.url);
require('./standin-fixes.cjs');
const fromServer = createRequire(require.resolve('pouchdb-server/package.json'));
type Db = {
  bulkDocs(docs: unknown[]): Promise<unknown>;
  put(doc: unknown): Promise<unknown>;
  get(id: string): Promise<Record<string, unknown>>;
  query(view: string, opts?: Record<string, unknown>): Promise<{ rows: { key: unknown; value: unknown }[] }>;
};
// The stand-in's CommonJS PouchDB.
const PouchDB = fromServer('pouchdb-core').plugin(fromServer('pouchdb-mapreduce')).plugin(fromServer('pouchdb-adapter-memory')) as new (name: string, opts: { adapter: string }) => Db;

const snapshot = { group: 'migrant', ageBand: '9-11', gender: 'girl', countyOk: true };
const screening = (center: string, date: string, child: string, level = 'attention') => ({
  _id: `county:screening:${date}:${child}`, type: 'countyScreening', centerId: center, childId: child, date, instrumentId: 'who5', level, snapshot, schemaVersion: 1, updatedAt: `${date}T09:00:00+08:00`,
});

describe('the trial server views with stand-in fix 3', () => {
  it('compiles a map function once and calls it for every document', async () => {
    const db = new PouchDB(`views-${Date.now()}`, { adapter: 'memory' });
    await db.bulkDocs(Array.from({ length: 5 }, (_, i) => ({ _id: `d${i}` })));
    // A counter in the function's sandbox: one context for all documents counts 1…5; a new one per document would give 1 each time.
    await db.put({ _id: '_design/t', views: { calls: { map: 'function (doc) { globalThis.calls = (globalThis.calls || 0) + 1; emit(doc._id, globalThis.calls); }' } } });
    const rows = (await db.query('t/calls')).rows;
    expect(rows.map((r) => r.value).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("gives the county views' counts, and each document to the function as its own copy", async () => {
    const db = new PouchDB(`county-${Date.now()}`, { adapter: 'memory' });
    await db.bulkDocs([
      screening('qingshan', '2026-10-08', 'a'), screening('qingshan', '2026-10-09', 'a'), { ...screening('qingshan', '2026-10-09', 'b'), snapshot: { ...snapshot, countyOk: false } },
      screening('baiyun', '2026-11-02', 'c', 'prompt'), { _id: 'center:qingshan', type: 'center', centerId: 'qingshan' },
    ]);
    await db.put({
      _id: '_design/county',
      views: {
        month_screenings: { map: viewSource('month_screenings'), reduce: '_count' },
        // A function that changes the document it is given: the stored document and the other views never see it.
        meddler: { map: 'function (doc) { doc.type = "changed"; doc.snapshot = null; emit(doc.type, null); }' },
      },
    });
    expect((await db.query('county/month_screenings', { group_level: 2 })).rows).toEqual([
      { key: ['2026-10', 'qingshan'], value: 2 },
      { key: ['2026-11', 'baiyun'], value: 1 },
    ]);
    expect((await db.query('county/meddler')).rows.map((r) => r.key)).toEqual(['changed', 'changed', 'changed', 'changed', 'changed']);
    expect((await db.query('county/month_screenings', { reduce: true })).rows[0]!.value).toBe(3);
    expect((await db.get('county:screening:2026-10-08:a')).type).toBe('countyScreening');
  });

  it('reports a map function that throws for one document and indexes the others', async () => {
    const db = new PouchDB(`throws-${Date.now()}`, { adapter: 'memory' });
    await db.bulkDocs([{ _id: 'a', n: 1 }, { _id: 'b' }, { _id: 'c', n: 3 }]);
    await db.put({ _id: '_design/t', views: { n: { map: 'function (doc) { emit(doc.n.toFixed(0), 1); }' } } });
    expect((await db.query('t/n')).rows.map((r) => r.key)).toEqual(['1', '3']);
  });
});
