/**
 * Stand-in fix 4 (standin-fixes.cjs): the trial server compiles a database's
 * validate_doc_update once per set of design document revisions, as Apache CouchDB
 * compiles it once, instead of once per document written — and compiles it again when a
 * design document changes. Runs the stand-in's PouchDB with pouchdb-validation in memory,
 * in this process, with the fixes preloaded the way localServer.ts preloads them; no server.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
require('./standin-fixes.cjs');
const fromServer = createRequire(require.resolve('pouchdb-server/package.json'));
type Db = {
  bulkDocs(docs: unknown[]): Promise<{ id?: string; ok?: boolean; status?: number }[]>;
  put(doc: unknown): Promise<{ rev: string }>;
  get(id: string): Promise<Record<string, unknown> & { _rev: string }>;
  remove(id: string, rev: string): Promise<unknown>;
  allDocs(o: object): Promise<unknown>;
  installValidationMethods(): void;
};
const PouchDB = fromServer('pouchdb-core').plugin(fromServer('pouchdb-adapter-memory')).plugin(require('pouchdb-validation')) as new (name: string, opts: { adapter: string }) => Db;

const g = globalThis as { standinCompiles?: number };
/** A validate_doc_update that counts how often it is compiled (its outer function runs once per compile) and forbids `field`. */
const validator = (field: string) => `(function () { globalThis.standinCompiles = (globalThis.standinCompiles || 0) + 1; return function (newDoc) { if (newDoc.${field}) throw { forbidden: 'no ${field}' }; }; })()`;

describe('the trial server validation with stand-in fix 4', () => {
  it('compiles validate_doc_update once for many writes, and again when the design document changes', async () => {
    const db = new PouchDB(`validation-${Date.now()}`, { adapter: 'memory' });
    db.installValidationMethods();
    await db.put({ _id: '_design/v', validate_doc_update: validator('bad') });
    g.standinCompiles = 0;
    const first = await db.bulkDocs(Array.from({ length: 20 }, (_, i) => ({ _id: `d${i}`, bad: i === 7 })));
    expect(first.filter((r) => r.status === 403).length).toBe(1);
    expect(first.filter((r) => r.ok).length).toBe(19);
    expect(g.standinCompiles).toBe(1);

    // A changed rule applies at once: the old one no longer, the new one does.
    const ddoc = await db.get('_design/v');
    await db.put({ ...ddoc, validate_doc_update: validator('worse') });
    const second = await db.bulkDocs([{ _id: 'e1', bad: true }, { _id: 'e2', worse: true }]);
    expect(second.find((r) => r.id === 'e2')!.status).toBe(403);
    expect(second.find((r) => r.id === 'e1')!.ok).toBe(true);
    expect(g.standinCompiles).toBe(2);

    // No design document any more: nothing is validated.
    await db.remove('_design/v', (await db.get('_design/v'))._rev);
    const third = await db.bulkDocs([{ _id: 'f1', worse: true }]);
    expect(third[0]!.ok).toBe(true);
  });

  it('lists the design documents once for all the documents of one _bulk_docs, and again for the next request', async () => {
    const db = new PouchDB(`validation-listing-${Date.now()}`, { adapter: 'memory' });
    db.installValidationMethods();
    await db.put({ _id: '_design/v', validate_doc_update: validator('bad') });
    let listings = 0;
    const allDocs = db.allDocs.bind(db);
    // The listings of revisions (a compile reads the bodies too, once per set of revisions: not counted).
    db.allDocs = (o: { startkey?: string; include_docs?: boolean }) => {
      if (o?.startkey === '_design/' && !o.include_docs) listings++;
      return allDocs(o);
    };
    const first = await db.bulkDocs(Array.from({ length: 50 }, (_, i) => ({ _id: `g${i}`, bad: i === 3 })));
    expect(first.filter((r) => r.ok)).toHaveLength(49);
    expect(listings).toBe(1);

    // The next request lists them again: a design document changed in between applies to it.
    const ddoc = await db.get('_design/v');
    await db.put({ ...ddoc, validate_doc_update: validator('worse') });
    const second = await db.bulkDocs([{ _id: 'h1', bad: true }, { _id: 'h2', worse: true }]);
    expect(second.find((r) => r.id === 'h2')!.status).toBe(403);
    expect(second.find((r) => r.id === 'h1')!.ok).toBe(true);
    expect(listings).toBe(2);
  });
});
