/**
 * patches/pouchdb-errors+9.0.0.patch (issue 19). PouchDB makes each error it reports (a missing
 * document, a conflict) by copying every property of a template error made when the library was
 * loaded — its `stack` too. Reading that stack made V8 put the load-time stack into words, which
 * needs the line numbers of the bundle's top level: at the first missing document of every start
 * (the kiosk reads several ids that need not exist), V8 parsed the whole bundle again. Now an
 * error's stack is where the error was made, put into words only when read. What an error says
 * (status, name, message, reason) is unchanged.
 */
import { describe, expect, it } from 'vitest';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { PouchDB } from './createPouch';

PouchDB.plugin(MemoryAdapter);

async function missing(db: PouchDB.Database, id: string): Promise<PouchDB.Core.Error & Error> {
  try {
    await db.get(id);
  } catch (e) {
    return e as PouchDB.Core.Error & Error;
  }
  throw new Error(`${id} was found`);
}

describe('pouchdb-errors patch', () => {
  it('an error says what it always said, with the stack of where it was made', async () => {
    const db = new PouchDB(`errors-patch-${Date.now()}`, { adapter: 'memory' });
    const err = await missing(db, 'nobody');
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ status: 404, name: 'not_found', message: 'missing', error: true, reason: 'missing' });
    // The template's stack was made while pouchdb-errors itself loaded: it named no reader of
    // documents. The error's own stack passes through the adapter that looked for the document.
    expect(err.stack).toMatch(/pouchdb-adapter|pouchdb-core/);
    const conflict = await db.put({ _id: 'a' }).then(() => db.put({ _id: 'a' })).then(
      () => null,
      (e: unknown) => e as PouchDB.Core.Error,
    );
    expect(conflict).toMatchObject({ status: 409, name: 'conflict', message: 'Document update conflict' });
    await db.destroy();
  });

  it('two errors of one kind made in different places carry different stacks', async () => {
    const db = new PouchDB(`errors-patch-2-${Date.now()}`, { adapter: 'memory' });
    const fromGet = await missing(db, 'nobody');
    const fromRemove = await db.remove({ _id: 'nobody', _rev: '1-a' }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(fromRemove).not.toBeNull();
    expect(fromGet.stack).not.toBe(fromRemove!.stack);
    await db.destroy();
  });
});
