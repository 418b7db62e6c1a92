/**
 * In-memory DocStore for unit tests of features: the same validation and
 * conflict semantics as the PouchDB adapter (revisions, 409 on a stale _rev), and
 * the same county copies kept beside attendance, moods and screenings.
 */
import type { AnyDoc, DocOf, DocType } from '@sync/schema/documents';
import { parseAnyDoc, parseDoc, InvalidDocumentError } from '@sync/schema/documents';
import type { BulkResult, DocStore } from '../ports';
import { ConflictError } from '../ports';
import { COPIED_TYPES, countyCopyId, countyCopyOf } from '@sync/schema/county';

export class MemoryDocStore implements DocStore {
  private readonly docs = new Map<string, AnyDoc>();
  private readonly listeners = new Set<(ids: readonly string[]) => void>();

  /** Attachments kept as given (base64 `data`); nothing is sealed in this fake. */
  async openAttachment(docId: string, name: string): Promise<Blob> {
    const a = (this.docs.get(docId) as { _attachments?: Record<string, { content_type: string; data?: unknown }> } | undefined)?._attachments?.[name];
    if (!a || typeof a.data !== 'string') throw Object.assign(new Error(`no attachment ${name} on ${docId}`), { status: 404 });
    return new Blob([Uint8Array.from(atob(a.data), (c) => c.charCodeAt(0))], { type: a.content_type });
  }

  async get<K extends DocType>(type: K, id: string): Promise<DocOf<K> | null> {
    const d = this.docs.get(id);
    return d ? parseDoc(type, d) : null;
  }
  async list<K extends DocType>(type: K, prefix: string): Promise<DocOf<K>[]> {
    return [...this.docs.keys()]
      .filter((k) => k.startsWith(prefix))
      .sort()
      .map((k) => parseDoc(type, this.docs.get(k)));
  }
  async getMany<K extends DocType>(type: K, ids: readonly string[]): Promise<DocOf<K>[]> {
    return ids.filter((id) => this.docs.has(id)).map((id) => parseDoc(type, this.docs.get(id)));
  }
  async listRange<K extends DocType>(type: K, startkey: string, endkey: string): Promise<DocOf<K>[]> {
    return [...this.docs.keys()]
      .filter((k) => k >= startkey && k <= endkey)
      .sort()
      .map((k) => parseDoc(type, this.docs.get(k)));
  }
  async put<K extends DocType>(doc: DocOf<K>): Promise<DocOf<K>> {
    const valid = parseAnyDoc(doc) as DocOf<K>;
    const existing = this.docs.get(valid._id);
    if ((existing?._rev ?? undefined) !== (valid._rev ?? undefined)) throw new ConflictError(valid._id);
    const gen = existing?._rev ? Number(existing._rev.split('-')[0]) + 1 : 1;
    const saved = { ...valid, _rev: `${gen}-mem` } as DocOf<K>;
    this.docs.set(saved._id, saved);
    if (COPIED_TYPES.includes(saved.type)) this.keepCountyCopy(saved._id, countyCopyOf(saved));
    this.emit([saved._id]);
    return saved;
  }
  async update<K extends DocType>(type: K, id: string, change: (c: DocOf<K> | null) => DocOf<K> | null) {
    const current = await this.get(type, id);
    const next = change(current);
    if (next === null) return current;
    return this.put({ ...next, _id: id, ...(current?._rev ? { _rev: current._rev } : {}) } as DocOf<K>);
  }
  /** As PouchDocStore: written from `expected` with its revision; a stale `expected` is a conflict, then `update`. */
  async updateFrom<K extends DocType>(type: K, id: string, expected: DocOf<K> | null, change: (c: DocOf<K> | null) => DocOf<K> | null) {
    const next = change(expected);
    if (next === null) return this.update(type, id, change);
    try {
      return await this.put({ ...next, _id: id, ...(expected?._rev ? { _rev: expected._rev } : {}) } as DocOf<K>);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      return this.update(type, id, change);
    }
  }
  async remove(_type: DocType, id: string): Promise<void> {
    if (this.docs.delete(id)) {
      this.keepCountyCopy(id, null);
      this.emit([id]);
    }
  }
  private keepCountyCopy(sourceId: string, copy: AnyDoc | null): void {
    const id = countyCopyId(sourceId);
    const current = this.docs.get(id);
    if (!copy) this.docs.delete(id);
    else {
      const gen = current?._rev ? Number(current._rev.split('-')[0]) + 1 : 1;
      this.docs.set(id, { ...copy, _rev: `${gen}-mem` });
    }
  }
  async bulkCreate(docs: readonly AnyDoc[]): Promise<BulkResult> {
    const problems: string[] = [];
    for (const d of docs) {
      try {
        parseAnyDoc(d);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (problems.length) throw new InvalidDocumentError('(bulk)', problems);
    const failed: { id: string; reason: string }[] = [];
    for (const d of docs) {
      if (this.docs.has(d._id)) failed.push({ id: d._id, reason: 'conflict' });
      else {
        this.docs.set(d._id, { ...d, _rev: '1-mem' });
        if (COPIED_TYPES.includes(d.type)) this.keepCountyCopy(d._id, countyCopyOf(d));
      }
    }
    this.emit(docs.map((d) => d._id));
    return { written: docs.length - failed.length, failed };
  }
  onChange(listener: (ids: readonly string[]) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  async holdingChanges<T>(work: () => Promise<T>, _written?: (result: T) => readonly string[]): Promise<T> {
    this.held++;
    try {
      return await work();
    } finally {
      if (--this.held === 0 && this.heldIds.length > 0) {
        const ids = this.heldIds;
        this.heldIds = [];
        this.emit(ids);
      }
    }
  }
  private held = 0;
  private heldIds: string[] = [];
  async count() {
    return this.docs.size;
  }
  private emit(ids: readonly string[]) {
    if (this.held > 0) {
      this.heldIds.push(...ids);
      return;
    }
    for (const l of this.listeners) l(ids);
  }
}
