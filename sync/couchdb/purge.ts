/**
 * County IT's purges (issues 13 and 14), over the CouchDB 3 HTTP API as a server administrator
 * (`POST /{db}/_purge` needs one; a center's sync account cannot):
 *
 *  - erasure: a center's pending `erasure:<child>` requests — every revision of every document
 *    of that child is purged from the center database (the ids the kiosk listed, and whatever
 *    else the server holds of the child by the same rule, sync/schema/erasure.ts); in the county
 *    database the child's coverage key and the retired per-event copies an older kiosk wrote
 *    (`countyAttendance`, `countyMood`: no view counts them) are purged, while the screening
 *    copies stay so the county's counts stay; both databases are compacted; the request is
 *    marked done;
 *  - clear revisions: what the encryption migration (Settings → 加密) left behind. A migrated
 *    document's earlier clear revisions are no longer leaves: compaction removes their bodies
 *    (CouchDB keeps only leaf revisions' bodies after compaction). A clear conflicting branch
 *    of a sealed document is a leaf: it is purged. A document whose current revision is still
 *    clear (its center has not migrated it yet) is counted and left alone.
 *
 * A purge is not replicated (CouchDB: "the purging of old documents is not replicated to other
 * databases"), so each database is purged on its own: the kiosks purge their own copy
 * (renderer/src/app/erasure.ts), this command the center and county databases.
 *
 * Stand-in: pouchdb-server has no `_purge` (its storage, pouchdb-adapter-leveldb-core 7, has no
 * purge). On the trial server a purge is replaced by a deletion of each live leaf (a tombstone
 * holding only type and centerId) followed by compaction, which drops every earlier body: no
 * content is left, but the ids stay as tombstones and the deletions replicate — so there the
 * child's counted county copies (`county:screening:` ids) are left in the center database, since
 * their deletion would replicate into the county database and change its counts; the retired
 * per-event copies are deleted there like the rest (their deletion changes no count).
 * (tests/integration/erasure.test.ts names what each server keeps.)
 */
import { couch, CouchError, countyDbName, centerDbName, type Admin } from './admin';
import { isChildsDoc, isCountyEventCopy, isRetiredCountyCopy, type RawDoc } from '../schema/erasure';
import { isPrivateType, isSealed } from '../schema/documents';

type Body = Record<string, unknown> & { _id: string; _rev: string; _deleted?: boolean };
const enc = encodeURIComponent;

/** Every leaf revision of `id` with its body (deleted leaves too); [] when the server has no such document. */
export async function leafRevisions(a: Admin, db: string, id: string): Promise<Body[]> {
  const r = await couch(a, 'GET', `${enc(db)}/${enc(id)}?open_revs=all&revs=true&latest=true`);
  if (r.status === 404) return [];
  if (r.status >= 400) throw new CouchError(r.status, JSON.stringify(r.json), `read ${id} in ${db}`);
  const rows = (Array.isArray(r.json) ? r.json : []) as { ok?: Body }[];
  return rows.flatMap((row) => (row.ok ? [row.ok] : []));
}

/** Revisions of `id` whose bodies the server still stores (revs_info "available"), over every leaf's branch. */
export async function availableRevisions(a: Admin, db: string, id: string): Promise<string[]> {
  const out = new Set<string>();
  for (const leaf of await leafRevisions(a, db, id)) {
    const r = await couch(a, 'GET', `${enc(db)}/${enc(id)}?rev=${enc(leaf._rev)}&revs_info=true`);
    const info = (r.json._revs_info ?? []) as { rev: string; status: string }[];
    for (const i of info) if (i.status === 'available') out.add(i.rev);
  }
  return [...out];
}

/** The body of revision `rev` of `id`, or null when the server no longer stores it. */
export async function revisionBody(a: Admin, db: string, id: string, rev: string): Promise<Body | null> {
  const r = await couch(a, 'GET', `${enc(db)}/${enc(id)}?rev=${enc(rev)}`);
  return r.status === 200 ? (r.json as Body) : null;
}

let standInCache = new WeakMap<Admin, boolean>();
async function standIn(a: Admin): Promise<boolean> {
  if (!standInCache.has(a)) {
    const r = await couch(a, 'GET', '');
    standInCache.set(a, 'express-pouchdb' in r.json);
  }
  return standInCache.get(a)!;
}
/** For tests that swap servers under one Admin object. */
export function forgetServerKind(): void {
  standInCache = new WeakMap();
}

/**
 * Purges the given leaf revisions. Returns how many revisions it removed.
 * CouchDB 3: `POST /{db}/_purge` (leaves only; purging every leaf removes the document).
 * Stand-in: each live leaf is deleted instead (module comment); compaction then drops the bodies.
 */
export async function purgeLeaves(a: Admin, db: string, leaves: ReadonlyMap<string, readonly Body[]>): Promise<number> {
  let n = 0;
  if (await standIn(a)) {
    for (const [id, bodies] of leaves)
      for (const b of bodies) {
        if (b._deleted) continue;
        const tomb = { _id: id, _rev: b._rev, _deleted: true, type: b.type, centerId: b.centerId };
        const r = await couch(a, 'PUT', `${enc(db)}/${enc(id)}`, tomb);
        if (r.status >= 400) throw new CouchError(r.status, JSON.stringify(r.json), `delete ${id} in ${db} (trial server)`);
        n++;
      }
    return n;
  }
  const ids = [...leaves.keys()];
  for (let i = 0; i < ids.length; i += 100) {
    const body = Object.fromEntries(ids.slice(i, i + 100).map((id) => [id, leaves.get(id)!.map((b) => b._rev)]));
    const r = await couch(a, 'POST', `${enc(db)}/_purge`, body);
    if (r.status >= 400) throw new CouchError(r.status, JSON.stringify(r.json), `purge in ${db}`);
    const purged = (r.json.purged ?? {}) as Record<string, string[] | { purged: string[] }>;
    for (const v of Object.values(purged)) n += Array.isArray(v) ? v.length : v.purged.length;
  }
  return n;
}

/** Compacts `db` and waits until the compaction has finished (CouchDB compacts in the background). */
export async function compact(a: Admin, db: string, timeoutMs = 10 * 60_000): Promise<void> {
  const r = await couch(a, 'POST', `${enc(db)}/_compact`, {});
  if (r.status >= 400) throw new CouchError(r.status, JSON.stringify(r.json), `compact ${db}`);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const info = await couch(a, 'GET', enc(db));
    if (info.json.compact_running !== true) return;
    if (Date.now() > until) throw new Error(`compaction of ${db} still running after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** Every document of `db` as its winning revision, deleted ones included (from `_changes`, style=all_docs). */
async function* everyDoc(a: Admin, db: string): AsyncGenerator<RawDoc & { _rev?: string }> {
  let since: unknown = 0;
  for (;;) {
    const r = await couch(a, 'GET', `${enc(db)}/_changes?include_docs=true&style=all_docs&limit=2000&since=${enc(String(since))}`);
    if (r.status >= 400) throw new CouchError(r.status, JSON.stringify(r.json), `read the changes of ${db}`);
    const results = (r.json.results ?? []) as { id: string; deleted?: boolean; doc?: RawDoc }[];
    for (const c of results) yield c.doc ?? { _id: c.id, ...(c.deleted ? { _deleted: true } : {}) };
    if (results.length === 0) return;
    since = r.json.last_seq;
  }
}

export interface ErasureRequestLike {
  readonly _id: string;
  readonly _rev: string;
  readonly childId: string;
  readonly docIds: readonly string[];
  readonly status: 'pending' | 'done';
  readonly [k: string]: unknown;
}

export interface ErasureOutcome {
  readonly centerId: string;
  readonly childId: string;
  readonly centerRevisions: number;
  readonly countyRevisions: number;
  readonly documents: number;
}

/** The pending erasure requests of one center database. */
export async function pendingErasures(a: Admin, centerId: string): Promise<ErasureRequestLike[]> {
  const db = centerDbName(centerId);
  const r = await couch(a, 'GET', `${enc(db)}/_all_docs?include_docs=true&startkey=${enc('"erasure:"')}&endkey=${enc('"erasure:\ufff0"')}`);
  if (r.status === 404) return [];
  if (r.status >= 400) throw new CouchError(r.status, JSON.stringify(r.json), `read erasure requests of ${centerId}`);
  return ((r.json.rows ?? []) as { doc?: ErasureRequestLike }[]).flatMap((row) => (row.doc && row.doc.status === 'pending' ? [row.doc] : []));
}

/**
 * Carries out one center's pending erasure requests (module comment), saying what it does on
 * `say`. The county database is `county_<countyId>`.
 */
export async function carryOutErasures(a: Admin, countyId: string, centerId: string, say: (line: string) => void, now: () => Date = () => new Date()): Promise<ErasureOutcome[]> {
  const db = centerDbName(centerId);
  const countyDb = countyDbName(countyId);
  const requests = await pendingErasures(a, centerId);
  if (requests.length === 0) return [];
  // What the server holds of each child besides the ids the kiosk listed (another kiosk's records).
  const found = new Map<string, Set<string>>(requests.map((q) => [q.childId, new Set(q.docIds)]));
  for await (const d of everyDoc(a, db)) for (const [childId, set] of found) if (isChildsDoc(d, childId)) set.add(d._id);
  const out: ErasureOutcome[] = [];
  for (const q of requests) {
    const ids = [...found.get(q.childId)!];
    say(`${centerId}: erasing child ${q.childId}: ${ids.length} document(s)`);
    const centerLeaves = new Map<string, Body[]>();
    const countyLeaves = new Map<string, Body[]>();
    let i = 0;
    const kind = await standIn(a);
    for (const id of ids) {
      // Stand-in: its "purge" is a deletion, and a deleted county copy in the center database
      // would replicate to the county database and take the event out of the county's counts;
      // there the de-identified county copies stay in the center database (CouchDB purges them).
      if (kind && isCountyEventCopy(id) && !isRetiredCountyCopy(id)) continue;
      const leaves = await leafRevisions(a, db, id);
      if (leaves.length > 0) centerLeaves.set(id, leaves);
      // The county keeps the counted event copies (screenings); a coverage key identifies the child, and a retired copy is counted by no view.
      if (id.startsWith('cover:') || isRetiredCountyCopy(id)) {
        const cl = await leafRevisions(a, countyDb, id);
        if (cl.length > 0) countyLeaves.set(id, cl);
      }
      if (++i % 200 === 0) say(`  read ${i} of ${ids.length}`);
    }
    // The county database first: on the trial server (stand-in) a purge is a deletion, and the center's deletion of a
    // retired copy replicates into the county database too — deleting there first keeps the revisions read above current.
    const countyRevisions = countyLeaves.size > 0 ? await purgeLeaves(a, countyDb, countyLeaves) : 0;
    const centerRevisions = await purgeLeaves(a, db, centerLeaves);
    say(`  purged ${centerRevisions} revision(s) in ${db}, ${countyRevisions} in ${countyDb}`);
    out.push({ centerId, childId: q.childId, centerRevisions, countyRevisions, documents: centerLeaves.size });
  }
  say(`  compacting ${db} and ${countyDb}`);
  await compact(a, db);
  await compact(a, countyDb);
  for (const q of requests) {
    const o = out.find((x) => x.childId === q.childId)!;
    const done = { ...q, status: 'done', doneAt: now().toISOString(), updatedAt: now().toISOString(), purged: { center: o.centerRevisions, county: o.countyRevisions } };
    const r = await couch(a, 'PUT', `${enc(db)}/${enc(q._id)}`, done);
    if (r.status >= 400) throw new CouchError(r.status, JSON.stringify(r.json), `mark ${q._id} done`);
    say(`${centerId}: child ${q.childId} erased from the server (request marked done)`);
  }
  return out;
}

/** Ids of a center database's documents counted by the county copy's event ids (for the tests' and the README's account). */
export { isCountyEventCopy };

export interface ClearRevisionReport {
  readonly centerId: string;
  /** Private documents looked at. */
  readonly privateDocs: number;
  /** Clear conflicting branches purged. */
  readonly purgedLeaves: number;
  /** Earlier revisions whose bodies compaction removed (counted before, checked gone after). */
  readonly compactedRevisions: number;
  /** Documents whose current revision is still clear: the center has not migrated them; left alone. */
  readonly stillClear: number;
  /** Clear bodies still served after the purge and compaction (should be 0). */
  readonly remaining: number;
}

/**
 * Removes the clear revisions the encryption migration left on the server (module comment),
 * printing progress on `say`.
 */
export async function purgeClearRevisions(a: Admin, centerId: string, say: (line: string) => void): Promise<ClearRevisionReport> {
  const db = centerDbName(centerId);
  const docs: string[] = [];
  for await (const d of everyDoc(a, db)) if (!d._deleted && typeof d.type === 'string' && isPrivateType(d.type)) docs.push(d._id);
  say(`${centerId}: ${docs.length} private document(s) to check`);
  const toPurge = new Map<string, Body[]>();
  let stillClear = 0;
  let oldRevisions = 0;
  let i = 0;
  for (const id of docs) {
    const leaves = (await leafRevisions(a, db, id)).filter((l) => !l._deleted);
    const sealed = leaves.filter((l) => isSealed(l));
    const clear = leaves.filter((l) => !isSealed(l));
    if (sealed.length === 0) stillClear++;
    else if (clear.length > 0) toPurge.set(id, clear);
    oldRevisions += (await availableRevisions(a, db, id)).length - leaves.length;
    if (++i % 500 === 0) say(`  checked ${i} of ${docs.length}`);
  }
  say(`  ${toPurge.size} clear conflicting branch(es) to purge, ${oldRevisions} earlier revision(s) to compact away, ${stillClear} document(s) not migrated yet`);
  const purgedLeaves = await purgeLeaves(a, db, toPurge);
  say(`  compacting ${db}`);
  await compact(a, db);
  // Check: every stored body of every private document is sealed now (or the document was never migrated).
  let remaining = 0;
  i = 0;
  for (const id of docs) {
    const leaves = (await leafRevisions(a, db, id)).filter((l) => !l._deleted);
    if (!leaves.some((l) => isSealed(l))) continue;
    for (const rev of await availableRevisions(a, db, id)) {
      const body = await revisionBody(a, db, id, rev);
      if (body && !body._deleted && !isSealed(body)) remaining++;
    }
    if (++i % 500 === 0) say(`  verified ${i} of ${docs.length}`);
  }
  say(`${centerId}: ${purgedLeaves} clear branch(es) purged, ${oldRevisions} earlier revision(s) compacted away; ${remaining === 0 ? 'no clear revision of a migrated document remains' : `${remaining} clear revision(s) still stored`}${stillClear ? `; ${stillClear} document(s) are still clear because no kiosk of this center has migrated them (Settings → 加密)` : ''}`);
  return { centerId, privateDocs: docs.length, purgedLeaves, compactedRevisions: oldRevisions, stillClear, remaining };
}
