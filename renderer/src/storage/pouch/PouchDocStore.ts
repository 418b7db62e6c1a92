/**
 * DocStore over PouchDB. In the app the database uses PouchDB's `indexeddb`
 * adapter (native IndexedDB indexes; about twice the write and replication
 * rate of the older `idb` adapter on this hardware — see bench/). Every read
 * is parsed with the sync schemas; a document that fails is reported through
 * `onInvalid` and skipped, so one bad replicated document cannot break a screen.
 *
 * Every write of a screening also keeps its county copy (sync/schema/county.ts) in step:
 * written, changed or deleted with it. The copy is what the county database receives; the
 * working document stays in the center. Attendance and mood check-ins have no copy any more
 * (retired per-event copies): writing one deletes the copy an older kiosk left beside it.
 *
 * Issue 14: with a keyring, the private fields of the private types (PRIVATE_FIELDS in
 * sync/schema/documents.ts) are encrypted under the center key as a document is written
 * and decrypted as it is read, so every feature sees plain documents while PouchDB, the
 * server and every replica hold ciphertext. A private document is never written in clear:
 * without the key the write is refused (CenterKeyMissingError), and a sealed document read
 * without it is reported through `onKeyMissing` and skipped (get throws).
 *
 * Schema versions (sync/schema/versions.ts): a document of an older version is migrated as
 * it is read (the stored one changes only when it is next written); one written by a newer
 * app is shown read-only when this app can read its known fields, skipped otherwise, and
 * reported through `onNewer` either way; every write to it is refused (NewerDocumentError),
 * so this kiosk never replaces it with an older shape.
 */
import type { AnyDoc, DocOf, DocType } from '@sync/schema/documents';
import { InvalidDocumentError } from '@sync/schema/documents';
import { APP_SCHEMAS, isNewer, NewerDocumentError, newerEnvelope, readAnyDoc, readDoc, versionOf, type SchemaSet } from '@sync/schema/versions';
import { prefixRange } from '@sync/schema/ids';
import { countyCopyId, countyCopyOf } from '@sync/schema/county';
import { hasCountyCopy, keepCountyCopy, nextCountyCopy, readCountyCopy, type StoredCopy } from '@sync/client/countyCopy';
import type { BulkResult, DocStore, InvalidStoredDoc } from '../ports';
import { ConflictError, StorageFullError } from '../ports';
import { CenterKeyMissingError, type CenterKeyring } from '@sync/crypto/centerKey';
import { openAttachment, openDoc, SEALED_ATTACHMENT, sealAttachments, sealDoc } from '@sync/crypto/sealDoc';
import { isSealed } from '@sync/schema/documents';

const UPDATE_RETRIES = 5;

interface PouchError {
  status?: number;
  name?: string;
  message?: string;
}

function asPouchError(e: unknown): PouchError {
  return typeof e === 'object' && e !== null ? (e as PouchError) : {};
}

function isBulkError(r: PouchDB.Core.Response | PouchDB.Core.Error): r is PouchDB.Core.Error {
  return 'error' in r && Boolean(r.error);
}

function isQuotaError(e: PouchError): boolean {
  return e.name === 'QuotaExceededError' || /quota|NO_SPACE|no space/i.test(e.message ?? '');
}

/**
 * A full disk does not always say so: Chromium's IndexedDB reports a write that LevelDB
 * could not append as an "unknown error" (the console shows FILE_ERROR_NO_SPACE) and
 * closes the connection. Such an error is a full disk when a trial write fails too.
 */
function mayBeNoSpace(e: PouchError): boolean {
  return e.name === 'UnknownError' || /unknown error|IO error|connection is clos/i.test(e.message ?? '');
}

export class PouchDocStore implements DocStore {
  constructor(
    readonly db: PouchDB.Database,
    private readonly onInvalid: (bad: InvalidStoredDoc) => void = () => {},
  ) {}

  /** Called whenever the device refuses a write for lack of space (app/storage.ts watches it). */
  onStorageFull: () => void = () => {};
  /** Whether the device is out of space now (app/storage.ts: a trial write); asked when a write fails obscurely. */
  isOutOfSpace: () => Promise<boolean> = async () => false;
  /** The center keys (issue 14); null: documents are stored as given (tests of other parts, and the in-memory fake). */
  keyring: CenterKeyring | null = null;
  /** Called when a sealed document could not be read because this kiosk lacks its key. */
  onKeyMissing: (docId: string) => void = () => {};
  /**
   * Settles once the keys kept on this device are in the keyring (app/centerKey.ts `load` sets it;
   * it never rejects). A sealed document read before then waits for them instead of being skipped
   * as unreadable, so a read may start while the boot is still loading the keys (issue 19: the
   * roster is read from the boot's first line).
   */
  keysLoaded: Promise<unknown> = Promise.resolve();
  /** The schema versions this app knows (a test sets an older app's: sync/schema/versions.ts). */
  schemas: SchemaSet = APP_SCHEMAS;
  /** Called when a document written by a newer app was met (read, or refused a write). */
  onNewer: (docId: string, version: number) => void = () => {};

  /** The document as this app reads it (migrated when older), or null when it is newer and unreadable. @throws InvalidDocumentError */
  private read<K extends DocType>(type: K, id: string, doc: unknown): DocOf<K> | null {
    const r = readDoc(type, doc, this.schemas);
    if (r.kind === 'newer') this.onNewer(id, r.version);
    return r.doc;
  }

  /** Refuses to change a document a newer app wrote. @throws NewerDocumentError */
  private refuseNewer(id: string, stored: unknown): void {
    if (!isNewer(stored, this.schemas)) return;
    const version = versionOf(stored);
    const type = (stored as { type: DocType }).type;
    this.onNewer(id, version);
    throw new NewerDocumentError(id, version, this.schemas.versions[type]);
  }

  /** The stored document, opened. null when there is none. */
  private async raw(id: string): Promise<object | null> {
    try {
      return await this.open(await this.db.get(id));
    } catch (e) {
      if (asPouchError(e).status === 404) return null;
      throw e;
    }
  }

  /** A stored document as the app sees it: decrypted when sealed. @throws CenterKeyMissingError, TamperedCiphertextError */
  async open<T extends object>(raw: T): Promise<T> {
    if (!isSealed(raw)) return raw;
    await this.keysLoaded;
    if (!this.keyring) throw new CenterKeyMissingError(raw._id);
    try {
      return await openDoc(raw, this.keyring);
    } catch (e) {
      if (e instanceof CenterKeyMissingError) this.onKeyMissing(raw._id);
      throw e;
    }
  }

  /** A document as it is stored: sealed under the current center key when it is private. @throws CenterKeyMissingError */
  async seal<T extends object>(doc: T): Promise<T> {
    if (!this.keyring) return doc;
    const sealed = (await sealDoc(doc, this.keyring.current)) as T;
    // sealDoc refused a private document without a key, so here there is one whenever it matters.
    return this.keyring.current ? sealAttachments(sealed, this.keyring.current) : sealed;
  }

  /**
   * The content of attachment `name` of document `docId`, decrypted when it was sealed.
   * @throws CenterKeyMissingError, TamperedCiphertextError; PouchDB's 404 when there is none
   */
  async openAttachment(docId: string, name: string): Promise<Blob> {
    // A Blob in the browser; a Buffer where PouchDB runs on Node (tests).
    const stored = (await this.db.getAttachment(docId, name)) as Blob | Uint8Array;
    const isBlob = typeof (stored as Blob).arrayBuffer === 'function';
    const type = isBlob ? (stored as Blob).type : '';
    const bytes = isBlob ? new Uint8Array(await (stored as Blob).arrayBuffer()) : new Uint8Array(stored as Uint8Array);
    if (name.endsWith(SEALED_ATTACHMENT)) await this.keysLoaded;
    if (!this.keyring && name.endsWith(SEALED_ATTACHMENT)) throw new CenterKeyMissingError(docId);
    const plain = this.keyring ? await openAttachment(bytes, docId, name, this.keyring) : bytes;
    return new Blob([plain as Uint8Array<ArrayBuffer>], { type });
  }

  /** @returns a StorageFullError when `e` is the device running out of space, else null. */
  private async spaceError(e: unknown): Promise<StorageFullError | null> {
    const err = asPouchError(e);
    if (!isQuotaError(err) && !(mayBeNoSpace(err) && (await this.isOutOfSpace()))) return null;
    this.onStorageFull();
    return new StorageFullError('the device storage is full: nothing was saved');
  }

  async get<K extends DocType>(type: K, id: string): Promise<DocOf<K> | null> {
    const raw = await this.raw(id);
    return raw ? this.read(type, id, raw) : null;
  }

  async getMany<K extends DocType>(type: K, ids: readonly string[]): Promise<DocOf<K>[]> {
    if (ids.length === 0) return [];
    const res = await this.db.allDocs({ include_docs: true, keys: [...ids] });
    // Missing ids come back as { key, error: 'not_found' }; deleted ones with doc null.
    return await this.parseRows(type, res.rows.filter((r): r is Extract<typeof r, { id: string }> => 'id' in r));
  }

  list<K extends DocType>(type: K, prefix: string): Promise<DocOf<K>[]> {
    const { startkey, endkey } = prefixRange(prefix);
    return this.listRange(type, startkey, endkey);
  }

  async listRange<K extends DocType>(type: K, startkey: string, endkey: string): Promise<DocOf<K>[]> {
    const res = await this.db.allDocs({ include_docs: true, startkey, endkey });
    return await this.parseRows(type, res.rows);
  }

  private async parseRows<K extends DocType>(type: K, rows: readonly { id: string; doc?: object | null }[]): Promise<DocOf<K>[]> {
    // Sealed rows are decrypted together (WebCrypto works off the main thread); plain rows cost nothing extra.
    const opened = await Promise.all(
      rows.map(async (row) => {
        if (!row.doc || !isSealed(row.doc)) return row.doc;
        try {
          return await this.open(row.doc);
        } catch (e) {
          if (!(e instanceof CenterKeyMissingError)) this.onInvalid({ id: row.id, reason: e instanceof Error ? e.message : String(e) });
          return null;
        }
      }),
    );
    const out: DocOf<K>[] = [];
    for (const [i, row] of rows.entries()) {
      const doc = opened[i];
      if (!doc) continue;
      try {
        const read = this.read(type, row.id, doc);
        if (read) out.push(read);
      } catch (e) {
        this.onInvalid({ id: row.id, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  }

  async put<K extends DocType>(doc: DocOf<K>): Promise<DocOf<K>> {
    // A newer document read here keeps its newer version in the view: writing it back is refused.
    this.refuseNewer(doc._id, doc);
    const valid = readAnyDoc(doc, this.schemas).doc as DocOf<K>;
    // The county copy's current revision is read while the document is sealed.
    const copyRead = hasCountyCopy(valid.type) ? readCountyCopy(this.db, valid._id) : null;
    copyRead?.catch(() => {});
    return this.write(valid, copyRead);
  }

  /**
   * Writes a valid document and, for a type with one, its county copy in ONE PouchDB batch:
   * one IndexedDB transaction, so a check-in costs one commit rather than two (issue 19).
   * `copyRead`: the stored copy as read before (null: none). A copy that changed since is
   * brought in step afterwards; a copy written beside a document that was refused is put
   * back in step with the document as stored.
   */
  private async write<K extends DocType>(valid: DocOf<K>, copyRead: Promise<StoredCopy | null> | null, copyGuessed = false): Promise<DocOf<K>> {
    const stored = await this.seal(valid);
    const copyId = countyCopyId(valid._id);
    const copyBefore = copyRead ? await copyRead : null;
    const copy = copyRead ? nextCountyCopy(valid._id, valid, copyBefore, copyGuessed) : null;
    let res: (PouchDB.Core.Response | PouchDB.Core.Error)[];
    try {
      res = await this.db.bulkDocs((copy ? [stored, copy] : [stored]) as PouchDB.Core.PutDocument<AnyDoc>[]);
    } catch (e) {
      this.copies.delete(copyId);
      throw (await this.spaceError(e)) ?? e;
    }
    const [own, copyRes] = res;
    if (own && isBulkError(own)) {
      this.copies.delete(copyId);
      if (copyRes && !isBulkError(copyRes)) await this.repairCopy(valid._id, valid.type);
      if (own.status === 409) throw new ConflictError(valid._id);
      throw (await this.spaceError(own)) ?? Object.assign(new Error(own.message ?? own.name ?? 'write refused'), { status: own.status, name: own.name });
    }
    if (copyRes && isBulkError(copyRes)) {
      this.copies.delete(copyId);
      if (copyRes.status !== 409) throw (await this.spaceError(copyRes)) ?? Object.assign(new Error(copyRes.message ?? 'county copy refused'), { status: copyRes.status, name: copyRes.name });
      await this.countyCopy(valid._id, valid.type, valid);
    } else if (copyRead) {
      const written = copy as (StoredCopy & { _deleted?: boolean }) | null;
      this.noteCopy(copyId, !written ? copyBefore : written._deleted ? null : { ...written, _rev: (copyRes as PouchDB.Core.Response).rev });
    }
    return { ...valid, _rev: (own as PouchDB.Core.Response).rev };
  }

  /**
   * The county copies as this store last wrote or read them (null: none), so that a write from a
   * known document (`updateFrom`) need not read its copy either. A guess, never shown: the copy is
   * written with the revision noted here and PouchDB refuses it when another writer came between
   * (then it is read and brought in step). Bounded: a day's check-ins and check-outs fit.
   */
  private readonly copies = new Map<string, StoredCopy | null>();
  private static readonly COPIES_KEPT = 1_000;

  private noteCopy(copyId: string, copy: StoredCopy | null): void {
    this.copies.delete(copyId);
    this.copies.set(copyId, copy);
    if (this.copies.size > PouchDocStore.COPIES_KEPT) this.copies.delete(this.copies.keys().next().value!);
  }

  /** After a refused write whose county copy went in: the copy follows the document as it is stored. */
  private async repairCopy(id: string, type: DocType): Promise<void> {
    let stored: AnyDoc | null = null;
    try {
      stored = await this.get(type, id);
    } catch (e) {
      // A stored document this kiosk cannot read: its copy was made by whoever could.
      if (e instanceof CenterKeyMissingError) return;
      throw e;
    }
    await this.countyCopy(id, type, stored);
  }

  private async countyCopy(sourceId: string, type: DocType, source: AnyDoc | null, read: ReturnType<typeof readCountyCopy> | null = null): Promise<void> {
    try {
      await keepCountyCopy(this.db, sourceId, type, source, read);
    } catch (e) {
      if (isQuotaError(asPouchError(e))) throw new StorageFullError('the device storage is full: the county copy was not saved');
      throw e;
    }
  }

  /** A document and, for a type with one, its stored county copy: one read transaction. */
  private async readForWrite(type: DocType, id: string): Promise<{ raw: object | null; copy: Promise<StoredCopy | null> | null }> {
    if (!hasCountyCopy(type)) return { raw: await this.raw(id), copy: null };
    const res = await this.db.allDocs({ include_docs: true, keys: [id, countyCopyId(id)] });
    const [own, copy] = res.rows.map((r) => ('doc' in r && r.doc ? r.doc : null));
    this.noteCopy(countyCopyId(id), (copy as StoredCopy | null) ?? null);
    return { raw: own ? await this.open(own as object) : null, copy: Promise.resolve((copy as StoredCopy | null) ?? null) };
  }

  async update<K extends DocType>(
    type: K,
    id: string,
    change: (current: DocOf<K> | null) => DocOf<K> | null,
  ): Promise<DocOf<K> | null> {
    for (let attempt = 0; ; attempt++) {
      const { raw, copy } = await this.readForWrite(type, id);
      this.refuseNewer(id, raw);
      const current = raw ? this.read(type, id, raw) : null;
      const next = change(current);
      if (next === null) return current;
      try {
        const doc = { ...next, _id: id, ...(current?._rev ? { _rev: current._rev } : {}) };
        this.refuseNewer(id, doc);
        return await this.write(readAnyDoc(doc, this.schemas).doc as DocOf<K>, copy);
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= UPDATE_RETRIES) throw e;
      }
    }
  }

  /**
   * Issue 19: a check-in written with no read before it, from the attendance the kiosk already
   * holds. PouchDB's revision check stands in for the read: when `expected` is not what is stored
   * (another kiosk, the register or the sync wrote since), the document is refused with a
   * conflict, nothing of it is written, and `update` reads and applies `change` to what is there.
   * The county copy goes in the same batch, with no revision when the document is new (a copy
   * is made only with its document) and otherwise with the one noted in `copies`; without a
   * noted one, this is `update`.
   */
  async updateFrom<K extends DocType>(
    type: K,
    id: string,
    expected: DocOf<K> | null,
    change: (current: DocOf<K> | null) => DocOf<K> | null,
  ): Promise<DocOf<K> | null> {
    const copied = hasCountyCopy(type);
    const copy = !copied || expected === null ? null : this.copies.get(countyCopyId(id));
    if (copy === undefined || (expected !== null && expected._id !== id)) return this.update(type, id, change);
    // A document this kiosk may not change (written by a newer app) is refused by update's own check.
    if (isNewer(expected, this.schemas)) return this.update(type, id, change);
    const next = change(expected);
    // Nothing to write from what the kiosk held: whether that is still so is for a fresh read to say.
    if (next === null) return this.update(type, id, change);
    const doc = { ...next, _id: id, ...(expected?._rev ? { _rev: expected._rev } : {}) };
    this.refuseNewer(id, doc);
    try {
      return await this.write(readAnyDoc(doc, this.schemas).doc as DocOf<K>, copied ? Promise.resolve(copy) : null, true);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      return this.update(type, id, change);
    }
  }

  async remove(type: DocType, id: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const raw = await this.raw(id);
      this.refuseNewer(id, raw);
      const current = raw ? this.read(type, id, raw) : null;
      if (!current) return;
      try {
        await this.db.put({ _id: id, _rev: current._rev, _deleted: true, type, centerId: current.centerId } as PouchDB.Core.PutDocument<object>);
        this.copies.delete(countyCopyId(id));
        await this.countyCopy(id, type, null);
        return;
      } catch (e) {
        if (asPouchError(e).status !== 409 || attempt >= UPDATE_RETRIES) throw e;
      }
    }
  }

  async bulkCreate(input: readonly AnyDoc[]): Promise<BulkResult> {
    const problems: string[] = [];
    // A transfer from a newer kiosk may hold newer documents: kept as they came (their known envelope checked); older ones are stored migrated.
    const toStore = [...input];
    for (const [i, d] of input.entries()) {
      try {
        if (isNewer(d, this.schemas)) {
          const env = newerEnvelope.safeParse(d);
          if (!env.success) throw new InvalidDocumentError(d._id, env.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`));
          this.onNewer(d._id, versionOf(d));
        } else toStore[i] = readAnyDoc(d, this.schemas).doc!;
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
        if (problems.length >= 20) break;
      }
    }
    if (problems.length > 0) throw new InvalidDocumentError('(bulk)', problems);
    // The county copies go in the same batch; a copy that is already there (written by
    // another kiosk) is brought in step afterwards. The result counts the documents asked for.
    const docs: readonly AnyDoc[] = toStore;
    const given = new Set(docs.map((d) => d._id));
    const copies = docs.flatMap((d) => {
      // A newer document's county copy is the newer app's to make (its county shape may differ).
      const copy = isNewer(d, this.schemas) ? null : countyCopyOf(d);
      return copy && !given.has(copy._id) ? [copy] : [];
    });
    let res: (PouchDB.Core.Response | PouchDB.Core.Error)[];
    try {
      const stored = await Promise.all(docs.map((d) => this.seal(d)));
      res = await this.db.bulkDocs([...stored, ...copies] as AnyDoc[]);
    } catch (e) {
      throw (await this.spaceError(e)) ?? e;
    }
    const isError = (r: PouchDB.Core.Response | PouchDB.Core.Error): r is PouchDB.Core.Error => 'error' in r && Boolean(r.error);
    const failed = res
      .slice(0, docs.length)
      .filter(isError)
      .map((r) => ({ id: r.id ?? '(unknown)', reason: r.message ?? r.name ?? 'error' }));
    const failedIds = new Set(failed.map((f) => f.id));
    for (const [i, r] of res.slice(docs.length).entries()) {
      const copy = copies[i]!;
      const source = docs.find((d) => countyCopyId(d._id) === copy._id)!;
      if (isError(r) && !failedIds.has(source._id)) await this.countyCopy(source._id, source.type, source);
    }
    return { written: docs.length - failed.length, failed };
  }

  /**
   * One live changes feed for the whole store, shared by every subscriber. A feed per
   * subscriber (each screen that opens subscribes) added a PouchDB listener each time, and a
   * kiosk that opened its grid all day grew without bound (MaxListenersExceededWarning).
   */
  onChange(listener: (ids: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    if (!this.feed && this.held === 0) this.follow('now');
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.feed) {
        this.feed.cancel();
        this.feed = null;
      }
    };
  }

  private follow(since: number | string): void {
    this.feed = this.db.changes({ since, live: true });
    this.feed.on('change', (c) => {
      for (const l of [...this.listeners]) l([c.id]);
    });
  }

  /**
   * The feed is closed while `work` runs and opened again from the local sequence where it was
   * held, so every change is heard once, after the work, in one pass. Issue 13: a joining kiosk's
   * first stage writes ~4,000 documents in 15 batches; with the feed open, each batch was read back
   * by the feed and set off the roster's reload (all children, private records and consents, pinyin)
   * and the newer-documents check, on the same main thread and IndexedDB as the writes (sync bench,
   * 300 children: 300 consents took 4-7 s to store, 129 service sessions 3-7 s).
   */
  async holdingChanges<T>(work: () => Promise<T>, written?: (result: T) => readonly string[]): Promise<T> {
    // The sequence before closing: a change in between is heard twice at worst, never missed.
    if (this.held++ === 0) {
      this.heldSince = (await this.db.info()).update_seq;
      this.feed?.cancel();
      this.feed = null;
    }
    let ids: readonly string[] | null = null;
    try {
      const result = await work();
      ids = written ? written(result) : null;
      return result;
    } finally {
      if (--this.held === 0) {
        const since = this.heldSince ?? 'now';
        this.heldSince = null;
        // Each new revision written moves update_seq by one: when the work's documents account for
        // every step since the hold, they are all that changed, and reading them back would tell
        // the listeners nothing more (at the moment the kiosk opens and first reads its roster).
        const now = ids && typeof since === 'number' ? (await this.db.info()).update_seq : null;
        const exact = ids !== null && typeof now === 'number' && now - (since as number) === ids.length;
        if (this.listeners.size > 0 && this.held === 0 && !this.feed) this.follow(exact ? now : since);
        if (exact && ids!.length > 0) for (const l of [...this.listeners]) l(ids!);
      }
    }
  }

  private held = 0;
  private heldSince: number | string | null = null;

  /** How many PouchDB change feeds this store holds open (0 or 1). */
  get openFeeds(): number {
    return this.feed ? 1 : 0;
  }

  private feed: PouchDB.Core.Changes<object> | null = null;
  private readonly listeners = new Set<(ids: readonly string[]) => void>();

  async count(): Promise<number> {
    const info = await this.db.info();
    return info.doc_count;
  }
}
