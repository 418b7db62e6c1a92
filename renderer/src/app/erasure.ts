/**
 * Issue 13, erasing a child (PIPL): the center admin erases a child who left once the
 * retention period ended, or whose guardian withdrew consent and asked for erasure.
 *
 * On this kiosk every document of the child (sync/schema/erasure.ts: profile, private record,
 * consent, attendance, mood, screenings and answers, follow-ups, transfers, family messages and
 * replies, call plans and logs of the child alone, the county copies of the child's events, and
 * the tombstones whose ids name the child) is purged — removed with every revision, never
 * marked deleted, so nothing is sent to the server about it either. What stays is an
 * `erasure:<child>` request (ids only), which the sync carries to the center database: county
 * IT's `npm run county-purge` purges the server's copies and marks it done (the kiosk shows
 * its state), and every other kiosk of the center purges its own copy when the request
 * reaches it (applyErasureRequests).
 */
import { CONSENT_SCOPES, type ConsentMethod, type Relation } from '@sync/schema/vocab';
import { SCHEMA_VERSION, type ErasureRequestDoc } from '@sync/schema/documents';
import { isChildsDoc, type RawDoc } from '@sync/schema/erasure';
import { ids, newUlid } from '@sync/schema/ids';
import { localDate } from '@/domain/dates';
import type { ErasureGround } from '@/domain/retention';
import type { DeviceStore, DocStore } from '../storage/ports';
import { purgeDoc } from '../storage/pouch/purge';
import { byCodeUnits } from '@/domain/search';

export interface ErasureDeps {
  readonly docs: DocStore;
  readonly centerDb: PouchDB.Database;
  readonly device: DeviceStore;
  readonly deviceId: string;
  readonly now: () => Date;
}

export interface ErasureInput {
  readonly childId: string;
  readonly centerId: string;
  readonly ground: ErasureGround;
  /** A guardian's request: who asked and how (recorded as a consent event first). */
  readonly requestedBy: { readonly relation: Relation; readonly method: ConsentMethod; readonly isLegalGuardian: boolean } | null;
  readonly staffId: string;
}

export interface ErasureProgress {
  readonly done: number;
  readonly total: number;
}

/** The ids of every document of the given children in the kiosk's database since `since`, deleted ones included, and the sequence reached. */
async function scanChildDocs(db: PouchDB.Database, childIds: readonly string[], since: number | string = 0): Promise<{ ids: string[]; lastSeq: number | string }> {
  const out: string[] = [];
  for (;;) {
    const page: PouchDB.Core.ChangesResponse<object> = await db.changes({ since, limit: 1000, include_docs: true, style: 'all_docs' } as PouchDB.Core.ChangesOptions);
    for (const c of page.results) {
      const doc = (c.doc ?? { _id: c.id }) as RawDoc;
      const raw = c.deleted ? { ...doc, _id: c.id, _deleted: true } : doc;
      if (childIds.some((childId) => isChildsDoc(raw, childId))) out.push(c.id);
    }
    if (page.results.length === 0) return { ids: out, lastSeq: since };
    since = page.last_seq;
  }
}

/** The ids of every document of `childId` in the kiosk's database, deleted ones included. */
export async function childDocIds(db: PouchDB.Database, childId: string): Promise<string[]> {
  return (await scanChildDocs(db, [childId])).ids;
}

/** How many documents of each type the child has on this kiosk (the confirmation's preview). */
export async function childDocCounts(db: PouchDB.Database, childId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const id of await childDocIds(db, childId)) {
    const doc = (await db.get(id).catch(() => null)) as { type?: string } | null;
    const type = doc?.type ?? 'deleted';
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/**
 * Erases the child from this kiosk and files the request for the server (module comment).
 * @returns the request as written.
 */
export async function eraseChild(d: ErasureDeps, input: ErasureInput, onProgress: (p: ErasureProgress) => void = () => {}): Promise<ErasureRequestDoc> {
  const at = d.now().toISOString();
  const today = localDate(d.now());
  const staffUlid = input.staffId.replace(/^staff:/, '');
  if (input.ground === 'guardian-request') {
    if (!input.requestedBy) throw new Error('a guardian request needs who asked and how');
    // The request is a consent event like any other (withdrawn for every purpose); it is erased
    // with the child, and the erasure request below keeps who asked and how (no name).
    await d.docs.put({
      _id: ids.consent(input.childId, newUlid()), type: 'consent', centerId: input.centerId, schemaVersion: SCHEMA_VERSION,
      createdAt: at, updatedAt: at, deviceId: d.deviceId, childId: input.childId, action: 'withdraw', scopes: [...CONSENT_SCOPES],
      givenBy: { relation: input.requestedBy.relation, isLegalGuardian: input.requestedBy.isLegalGuardian }, method: input.requestedBy.method,
      effectiveOn: today, recordedByStaffId: staffUlid, note: '',
    });
  }
  const docIds = await childDocIds(d.centerDb, input.childId);
  const request: ErasureRequestDoc = {
    _id: ids.erasureRequest(input.childId), type: 'erasureRequest', centerId: input.centerId, schemaVersion: SCHEMA_VERSION,
    createdAt: at, updatedAt: at, deviceId: d.deviceId, childId: input.childId, reason: input.ground,
    requestedBy: input.requestedBy ? { relation: input.requestedBy.relation, method: input.requestedBy.method } : null,
    requestedOn: today, requestedByStaffId: staffUlid, docIds, status: 'pending', doneAt: null, purged: null,
  };
  const saved = (await d.docs.update('erasureRequest', request._id, (current) => (current ? { ...current, docIds: [...new Set([...current.docIds, ...docIds])], updatedAt: at } : request)))!;
  let done = 0;
  onProgress({ done, total: docIds.length });
  for (const id of docIds) {
    await purgeDoc(d.centerDb, id);
    onProgress({ done: ++done, total: docIds.length });
  }
  await d.device.appendAudit({ staffId: input.staffId, action: 'erase-child', detail: `${input.childId} ${input.ground} ${docIds.length}` });
  return saved;
}

const APPLIED_DOC = '_local/tongxin-erasures';

/**
 * Another kiosk erased a child: purge what this kiosk still holds of them — at start, when an
 * erasure request arrives, and for documents of an erased child that arrive later (a kiosk that
 * was off). A local document remembers which requests were applied and up to which change, so
 * a start reads only what is new. @returns how many documents were purged.
 */
export async function applyErasureRequests(db: PouchDB.Database): Promise<number> {
  const res = await db.allDocs({ include_docs: true, startkey: 'erasure:', endkey: 'erasure:\ufff0' });
  const childIds = res.rows.flatMap((row) => {
    const c = (row.doc as { childId?: unknown } | undefined)?.childId;
    return typeof c === 'string' ? [c] : [];
  });
  if (childIds.length === 0) return 0;
  const state = (await db.get(APPLIED_DOC).catch(() => null)) as { _rev?: string; applied?: string[]; since?: number | string } | null;
  const applied = new Set(state?.applied ?? []);
  const fresh = childIds.filter((c) => !applied.has(c));
  const known = childIds.filter((c) => applied.has(c));
  const found = new Set<string>();
  let lastSeq: number | string = state?.since ?? 0;
  if (fresh.length > 0) {
    const all = await scanChildDocs(db, fresh, 0);
    all.ids.forEach((id) => found.add(id));
    lastSeq = all.lastSeq;
  }
  if (known.length > 0) {
    const recent = await scanChildDocs(db, known, state?.since ?? 0);
    recent.ids.forEach((id) => found.add(id));
    if (fresh.length === 0) lastSeq = recent.lastSeq;
  }
  for (const id of found) await purgeDoc(db, id);
  await db.put({ _id: APPLIED_DOC, ...(state?._rev ? { _rev: state._rev } : {}), applied: childIds, since: lastSeq });
  return found.size;
}

/** The erasure requests filed from this center, newest first (for the kiosk's list of their states). */
export async function listErasureRequests(docs: DocStore): Promise<ErasureRequestDoc[]> {
  return (await docs.list('erasureRequest', 'erasure:')).sort((a, b) => byCodeUnits(b.createdAt, a.createdAt));
}

/**
 * Applies erasure requests after start (in the background) and whenever one arrives or a
 * document arrives later; `purged` runs when something was removed (the roster reloads).
 */
export function watchErasureRequests(db: PouchDB.Database, docs: DocStore, purged: () => void): () => void {
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  const run = () => {
    if (pending) return;
    pending = true;
    running = running.then(async () => {
      pending = false;
      try {
        if ((await applyErasureRequests(db)) > 0) purged();
      } catch (e) {
        console.error('erasure: could not apply the erasure requests', e);
      }
    });
  };
  run();
  return docs.onChange((ids) => {
    if (ids.some((id) => id.startsWith('erasure:'))) run();
  });
}
