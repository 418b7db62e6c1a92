/**
 * The first pull of a center onto a fresh kiosk, fast.
 *
 * PouchDB's replicator fetches every document twice over: a page of the
 * server's `_changes`, a local `revsDiff`, then `_bulk_get` for the bodies,
 * one batch at a time. On a fresh kiosk nothing is local, so the first pull
 * reads `_changes?include_docs=true` in large pages instead, fetching the
 * next page while the current one is written, and stores the winning
 * revisions as they are (`new_edits: false`, like the replicator).
 * Documents with more than one leaf revision (server-side conflicts) or with
 * attachments go through `_bulk_get` with their revision history, as the
 * replicator would fetch them. A document written here without its older
 * revision ids keeps its leaf, which is what conflict detection compares
 * (as after CouchDB's own revision stemming).
 *
 * Then it writes PouchDB's own replication checkpoint for the pull
 * (pouchdb-checkpointer, under the id pouchdb-generate-replication-id gives
 * the live sync), so the live replication carries on from where this ended
 * instead of starting over. Progress is kept in a local document, so an
 * interrupted first pull resumes from its last page.
 *
 * Staged (issue 13, "a replacement kiosk working in seconds"): a kiosk that
 * joins a center first runs `usablePull`, which fetches only what the kiosk
 * needs to work — key ranges of `_all_docs` (ids name their type first, and
 * dated ones their date: sync/schema/ids.ts), the center key documents first
 * — and records the ranges it fetched. The kiosk opens; then the rest comes
 * in the background through `initialPull`: first `laterRanges` (the rest of
 * the current term's register), then the whole `_changes` feed as above. A
 * document of a range already fetched is written only when its revision is
 * not on the kiosk yet, so nothing is stored twice; one the kiosk edited
 * meanwhile is reported (`onConflictCandidates`) so its conflict is settled
 * by rule. The live sync starts only when this ends (replication.ts), and the
 * pull checkpoint is written only here, at the end: the live sync can never
 * mark a checkpoint past documents this pull has not fetched. A kiosk closed
 * half-way resumes from its last page (`_local/tongxin-initial-pull`).
 * At the end the kiosk's document count is held against the server's; when
 * the kiosk has fewer, the ids are compared and what is missing is fetched.
 *
 * The push side would otherwise ask the server about every document it has
 * just received (one `_revs_diff` per batch, ~545 round trips for a big
 * center). Each new revision written bumps the local update_seq by one. So
 * when the kiosk held nothing before (update_seq 0) and every batch written
 * bumped update_seq by exactly its size (checked before and after each
 * batch, and kept across stages and restarts as `expectedSeq`), every local
 * change is one this pull wrote, and the push checkpoint is written at that
 * sequence. Anything else (a record written meanwhile, a revision seen
 * twice, a page written again after an interruption) sets `expectedSeq` to
 * null; the push checkpoint is then written at `pulledSeq`, the last sequence
 * so verified, and the push checks what comes after it with the server as
 * usual. While the pull runs, "waiting to go up" counts from there too
 * (acknowledged.ts), so what came from the server is not shown as waiting.
 */
import Checkpointer from 'pouchdb-checkpointer';
import { INITIAL_PULL_STATE_ID, pullReplicationId, pushReplicationId, rememberPushId } from './acknowledged';

export { INITIAL_PULL_STATE_ID, pullReplicationId, pushReplicationId };

export const INITIAL_PULL_PAGE = 5_000;
/** Documents per `_all_docs` request of a key range (usable stage). */
export const RANGE_PAGE = 2_000;
/** `_all_docs` requests of the usable stage under way at once (a browser opens six connections to a server). */
const USABLE_FETCHES = 4;

/** An inclusive `_all_docs` key range: [startkey, endkey]. */
export type KeyRange = readonly [string, string];

interface PullState {
  _id: string;
  _rev?: string;
  /** Where the `_changes` stage goes on. */
  since: string | number;
  /** Documents written by the background stages (including earlier, interrupted runs). */
  docs: number;
  done: boolean;
  /** Key ranges already fetched whole (their documents may be on the kiosk already). */
  fetched?: KeyRange[];
  /** Ranges still to fetch before the `_changes` stage (the rest of the current term). */
  later?: KeyRange[];
  /** Documents the usable stage wrote. */
  usableDocs?: number;
  /** The local update_seq if every local change so far is one this pull wrote; null when not known (see above). */
  expectedSeq?: number | null;
  /** The last local update_seq up to which every change is one this pull wrote (verified as expectedSeq was): the server holds them. */
  pulledSeq?: number;
  /** The server's documents, tombstones included, when the pull began (for progress). */
  total?: number | null;
  /** Changes rows read by the `_changes` stage (progress against `total`). */
  rows?: number;
}

interface ChangeRow {
  id: string;
  seq: string | number;
  changes: { rev: string }[];
  deleted?: boolean;
  doc?: { _id: string; _rev: string; _attachments?: object; _deleted?: boolean };
}

export interface PullProgress {
  /** Documents written so far by this stage (including earlier, interrupted runs). */
  readonly docs: number;
  /** Of the server's documents (with deletions), read so far and in all (null when unknown). */
  readonly done: number;
  readonly total: number | null;
}

export interface InitialPullOptions {
  readonly local: PouchDB.Database;
  /** The center database on the server (PouchDB's HTTP adapter, with credentials). */
  readonly remote: PouchDB.Database;
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  /** Documents written so far (including earlier, interrupted runs), and how far through the server's documents. */
  readonly onProgress?: (docs: number, progress: PullProgress) => void;
  /** Documents the kiosk had changed itself that received another revision from the server: their conflicts need settling. */
  readonly onConflictCandidates?: (ids: string[]) => void;
  /** Awaited before each page is written: the kiosk lets the history give way to a person using it (app/sync.ts). */
  readonly pace?: () => Promise<void>;
}

export interface InitialPullResult {
  /** False when there was nothing to do: this kiosk has pulled before. */
  readonly ran: boolean;
  readonly docs: number;
  /** Documents found missing by the final count check and fetched then (normally 0). */
  readonly repaired?: number;
}

/** The document, or null when there is none. @throws any other failure */
async function getOrNull<T>(db: PouchDB.Database, id: string): Promise<T | null> {
  try {
    return (await db.get(id)) as unknown as T;
  } catch (e) {
    if ((e as { status?: number }).status === 404) return null;
    throw e;
  }
}

/** An HTTP failure as PouchDB reports one, so the controller classifies both alike. */
async function httpError(res: Response): Promise<Error & { status: number; reason?: string }> {
  const body = (await res.json().catch(() => ({}))) as { error?: string; reason?: string };
  return Object.assign(new Error(body.reason ?? body.error ?? `HTTP ${res.status}`), { status: res.status, reason: body.reason, name: body.error ?? 'http_error' });
}

type RemoteFetch = { fetch(path: string, init?: RequestInit): Promise<Response> };

async function getJson<T>(remote: PouchDB.Database, path: string, signal?: AbortSignal): Promise<T> {
  const res = await (remote as unknown as RemoteFetch).fetch(path, { method: 'GET', signal });
  if (!res.ok) throw await httpError(res);
  return (await res.json()) as T;
}

function fetchPage(remote: PouchDB.Database, since: string | number, limit: number, signal?: AbortSignal): Promise<{ results: ChangeRow[]; last_seq: string | number }> {
  const query = new URLSearchParams({ style: 'all_docs', include_docs: 'true', since: String(since), limit: String(limit) });
  return getJson(remote, `_changes?${query}`, signal);
}

/** The documents of one page, ready for `bulkDocs(…, { new_edits: false })`. */
async function pageDocs(remote: PouchDB.Database, rows: ChangeRow[]): Promise<{ _id: string; _rev: string }[]> {
  const docs: { _id: string; _rev: string }[] = [];
  const slow: { id: string; rev: string }[] = [];
  for (const row of rows) {
    if (row.changes.length === 1 && row.doc && !row.doc._attachments) docs.push(row.doc);
    else for (const c of row.changes) slow.push({ id: row.id, rev: c.rev });
  }
  if (slow.length > 0) {
    const res = await remote.bulkGet({ docs: slow, revs: true, attachments: true } as PouchDB.Core.BulkGetOptions);
    for (const r of res.results)
      for (const d of r.docs) {
        if ('ok' in d) docs.push(d.ok as { _id: string; _rev: string });
        // A revision compacted away between _changes and _bulk_get: the live sync fetches what is current.
      }
  }
  return docs;
}

/** True when `id` lies in one of the ranges. */
export function inRanges(id: string, ranges: readonly KeyRange[]): boolean {
  return ranges.some(([from, to]) => id >= from && id <= to);
}

/** The ranges that list every id starting with one of the prefixes. */
export function prefixRanges(...prefixes: string[]): KeyRange[] {
  return prefixes.map((p) => [p, `${p}\ufff0`] as const);
}

interface AllDocsRow {
  id: string;
  key: string;
  value?: { rev: string };
  doc?: { _id: string; _rev: string; _conflicts?: string[]; _attachments?: object };
}

/** One page of a key range, as `_changes`-like rows (winning revision and conflicts). */
async function rangePage(remote: PouchDB.Database, range: KeyRange, startkey: string, skip: number, limit: number, signal?: AbortSignal): Promise<ChangeRow[]> {
  const query = new URLSearchParams({ include_docs: 'true', conflicts: 'true', startkey: JSON.stringify(startkey), endkey: JSON.stringify(range[1]), limit: String(limit), skip: String(skip) });
  const res = await getJson<{ rows: AllDocsRow[] }>(remote, `_all_docs?${query}`, signal);
  return res.rows.flatMap((r) => {
    if (!r.doc || !r.value) return [];
    const { _conflicts, ...doc } = r.doc;
    return [{ id: r.id, seq: 0, changes: [{ rev: doc._rev }, ...(_conflicts ?? []).map((rev) => ({ rev }))], doc }];
  });
}

/** The generation of a revision id ("3-abc" → 3). */
function revGeneration(rev: string): number {
  return Number.parseInt(rev, 10) || 0;
}

/**
 * Writes what arrived, each batch checked against the local update_seq (the
 * module comment: `expectedSeq`). A document that may be on the kiosk already
 * — in a range fetched whole, or any later revision (generation > 1) — is
 * looked up: a revision the kiosk holds is not written again, and a new
 * revision of a document the kiosk holds is fetched with its revision history
 * (`_bulk_get`, `revs`), so it extends the kiosk's branch instead of standing
 * beside it as a false conflict. @returns the documents written
 */
async function store(local: PouchDB.Database, remote: PouchDB.Database, docs: { _id: string; _rev: string }[], state: PullState, onConflictCandidates?: (ids: string[]) => void, writtenIds?: string[]): Promise<number> {
  const fetched = state.fetched ?? [];
  const check = docs.filter((d) => inRanges(d._id, fetched) || (revGeneration(d._rev) > 1 && !('_revisions' in d)));
  let write = docs;
  const candidates: string[] = [];
  if (check.length > 0) {
    const here = await local.allDocs({ keys: [...new Set(check.map((d) => d._id))] });
    const existing = new Set(here.rows.filter((r) => 'value' in r && r.value).map((r) => r.key));
    const known = check.filter((d) => existing.has(d._id));
    const diff = known.length > 0 ? ((await local.revsDiff(Object.fromEntries(groupRevs(known)))) as Record<string, { missing?: string[] }>) : {};
    write = [];
    const refetch: { id: string; rev: string }[] = [];
    for (const d of docs) {
      if (!existing.has(d._id)) write.push(d);
      else if (!diff[d._id]?.missing?.includes(d._rev)) continue; // on the kiosk already
      else if ('_revisions' in d) write.push(d);
      else refetch.push({ id: d._id, rev: d._rev });
    }
    if (refetch.length > 0) {
      const res = await remote.bulkGet({ docs: refetch, revs: true, attachments: true } as PouchDB.Core.BulkGetOptions);
      for (const r of res.results) for (const d of r.docs) if ('ok' in d) write.push(d.ok as { _id: string; _rev: string });
    }
    for (const d of write) if (existing.has(d._id)) candidates.push(d._id);
  }
  if (write.length === 0) return 0;
  const before = (await local.info()).update_seq;
  const written = await local.bulkDocs(write, { new_edits: false });
  const failed = written.find((w) => 'error' in w && w.error);
  if (failed) throw Object.assign(new Error(`could not store ${(failed as { id?: string }).id}: ${(failed as { message?: string }).message ?? ''}`), { status: 500 });
  const after = (await local.info()).update_seq;
  if (typeof state.expectedSeq === 'number' && before === state.expectedSeq && after === before + write.length) state.expectedSeq = state.pulledSeq = after;
  else state.expectedSeq = null;
  if (writtenIds) for (const d of write) writtenIds.push(d._id);
  if (candidates.length > 0) onConflictCandidates?.([...new Set(candidates)]);
  return write.length;
}

function groupRevs(docs: { _id: string; _rev: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of docs) out.set(d._id, [...(out.get(d._id) ?? []), d._rev]);
  return out;
}

/** Every row of one key range, page by page (by startkey, so writes meanwhile do not shift the pages). */
async function rangeRows(remote: PouchDB.Database, range: KeyRange, signal?: AbortSignal): Promise<ChangeRow[]> {
  const out: ChangeRow[] = [];
  for (let startkey = range[0], skip = 0; ; skip = 1) {
    const rows = await rangePage(remote, range, startkey, skip, RANGE_PAGE, signal);
    out.push(...rows);
    if (rows.length < RANGE_PAGE) return out;
    startkey = rows[rows.length - 1]!.id;
  }
}

/** Fetches whole key ranges and stores them; the state records each range once it is in. */
async function pullRanges(
  o: { local: PouchDB.Database; remote: PouchDB.Database; signal?: AbortSignal; onConflictCandidates?: (ids: string[]) => void; pace?: () => Promise<void> },
  ranges: readonly KeyRange[],
  state: PullState,
  save: () => Promise<void>,
  onBatch: (written: number) => void,
): Promise<number> {
  let total = 0;
  for (const range of ranges) {
    // Pages by startkey (the next key after the last one read), so writes meanwhile do not shift them.
    let startkey = range[0];
    let skip = 0;
    for (;;) {
      const rows = await rangePage(o.remote, range, startkey, skip, RANGE_PAGE, o.signal);
      if (rows.length === 0) break;
      await o.pace?.();
      const docs = await pageDocs(o.remote, rows);
      o.signal?.throwIfAborted();
      const written = await store(o.local, o.remote, docs, state, o.onConflictCandidates);
      total += written;
      onBatch(written);
      if (rows.length < RANGE_PAGE) break;
      startkey = rows[rows.length - 1]!.id;
      skip = 1;
    }
    state.fetched = [...(state.fetched ?? []), range];
    state.later = (state.later ?? []).filter((r) => r[0] !== range[0] || r[1] !== range[1]);
    await save();
  }
  return total;
}

/** The server's documents with their tombstones: how many rows its `_changes` feed has. */
async function serverTotal(remote: PouchDB.Database): Promise<number | null> {
  const info = (await remote.info()) as PouchDB.Core.DatabaseInfo & { doc_del_count?: number };
  return Number.isFinite(info.doc_count) ? info.doc_count + (info.doc_del_count ?? 0) : null;
}

export interface UsablePullOptions {
  readonly local: PouchDB.Database;
  readonly remote: PouchDB.Database;
  /** What the kiosk needs to work, in order (the center key documents first). */
  readonly ranges: readonly KeyRange[];
  /** Fetched first in the background stage, before the whole feed (the rest of the current term's register). */
  readonly laterRanges?: readonly KeyRange[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (docs: number) => void;
}

/**
 * The first, foreground stage of a joining kiosk's pull (see the module
 * comment): the given key ranges, then the background stage is due
 * (`initialPull`). Does nothing on a kiosk that has pulled before.
 * @throws the HTTP or storage failure
 */
export async function usablePull(o: UsablePullOptions): Promise<{ ran: boolean; docs: number; ids: string[] }> {
  const existing = await getOrNull<PullState>(o.local, INITIAL_PULL_STATE_ID);
  if (existing?.done) return { ran: false, docs: 0, ids: [] };
  const repId = await pullReplicationId(o.local, o.remote);
  if (!existing && (await getOrNull(o.local, repId))) return { ran: false, docs: 0, ids: [] };
  const startSeq = (await o.local.info()).update_seq;
  const state: PullState = existing ?? { _id: INITIAL_PULL_STATE_ID, since: 0, docs: 0, done: false, expectedSeq: startSeq === 0 ? 0 : null };
  if (existing) state.expectedSeq = null; // a usable stage run again: some of it may be here already
  state.total = await serverTotal(o.remote);
  // In place: the stages hold this very object.
  const save = async () => {
    state._rev = (await o.local.put(state)).rev;
  };
  let docs = 0;
  /** The documents written, for the app's change listeners (PouchDocStore.holdingChanges). */
  const ids: string[] = [];
  const todo = o.ranges.filter((r) => !(state.fetched ?? []).some((f) => f[0] === r[0] && f[1] === r[1]));
  // The ranges are asked for side by side (most are small, several empty: the wait is the round
  // trips, not the bytes) and stored one after another in the given order as they arrive.
  let active = 0;
  const waiting: (() => void)[] = [];
  const limited = async <T>(f: () => Promise<T>): Promise<T> => {
    while (active >= USABLE_FETCHES) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await f();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  const fetched = todo.map((range) => limited(() => rangeRows(o.remote, range, o.signal)));
  // A failure stops the stage at the range it belongs to; the requests still under way run out unused.
  for (const f of fetched) f.catch(() => undefined);
  for (const [i, range] of todo.entries()) {
    const waitFrom = performance.now();
    const rows = await fetched[i]!;
    const storeFrom = performance.now();
    if (rows.length > 0) {
      const written = await store(o.local, o.remote, await pageDocs(o.remote, rows), state, undefined, ids);
      o.signal?.throwIfAborted();
      docs += written;
      o.onProgress?.(docs);
    }
    state.fetched = [...(state.fetched ?? []), range];
    if (rows.length > 0) await save();
    // Where the stage's time goes (the sync bench prints these): waiting for the range, then storing it.
    performance.measure('tongxin:usable-range', { start: waitFrom, end: performance.now(), detail: { range: range[0], rows: rows.length, waitedMs: Math.round(storeFrom - waitFrom), storedMs: Math.round(performance.now() - storeFrom) } });
  }
  state.usableDocs = (state.usableDocs ?? 0) + docs;
  state.later = [...(o.laterRanges ?? [])];
  await save();
  return { ran: true, docs, ids };
}

/**
 * How many of the server's documents have arrived, for progress: the rows of
 * the changes feed read, or — before the feed, and while it passes over what
 * is here already — the documents written by all stages.
 */
function progressOf(state: PullState): number {
  const done = Math.max(state.rows ?? 0, (state.usableDocs ?? 0) + state.docs);
  return typeof state.total === 'number' ? Math.min(done, state.total) : done;
}

/** What the background stage of a kiosk's first pull has left to do, or null when there is none. */
export async function historyPending(local: PouchDB.Database): Promise<{ docs: number; done: number; total: number | null } | null> {
  const state = await getOrNull<PullState>(local, INITIAL_PULL_STATE_ID);
  if (!state || state.done) return null;
  return { docs: state.docs, done: progressOf(state), total: state.total ?? null };
}

/**
 * When the kiosk holds fewer documents than the server, compares their ids
 * and fetches what is missing (ids the kiosk never had; a document it
 * deleted itself stays deleted). @returns the documents fetched
 */
async function fetchMissing(local: PouchDB.Database, remote: PouchDB.Database, state: PullState, signal?: AbortSignal): Promise<number> {
  const [here, there] = await Promise.all([local.info(), remote.info()]);
  if (here.doc_count >= there.doc_count) return 0;
  let fetched = 0;
  let startkey: string | undefined;
  for (;;) {
    const page = await remote.allDocs({ limit: RANGE_PAGE, ...(startkey === undefined ? {} : { startkey, skip: 1 }) });
    if (page.rows.length === 0) break;
    const mine = await local.allDocs({ keys: page.rows.map((r) => r.id) });
    const missing = page.rows.filter((_, i) => {
      const m = mine.rows[i] as { error?: string } | undefined;
      return m?.error === 'not_found';
    });
    if (missing.length > 0) {
      // Rows without a body take the _bulk_get path: the revision with its history.
      const docs = await pageDocs(remote, missing.map((r) => ({ id: r.id, seq: 0, changes: [{ rev: r.value.rev }] })));
      signal?.throwIfAborted();
      fetched += await store(local, remote, docs, state);
    }
    startkey = page.rows[page.rows.length - 1]!.id;
  }
  return fetched;
}

/**
 * Pulls the whole center database onto this kiosk (or, after `usablePull`,
 * the rest of it), unless it has pulled before (its pull checkpoint exists)
 * or finished a first pull already.
 * @throws the HTTP or storage failure; progress so far is kept.
 */
export async function initialPull(o: InitialPullOptions): Promise<InitialPullResult> {
  const { local, remote } = o;
  const pageSize = o.pageSize ?? INITIAL_PULL_PAGE;
  let state = await getOrNull<PullState>(local, INITIAL_PULL_STATE_ID);
  if (state?.done) return { ran: false, docs: state.docs };
  const repId = await pullReplicationId(local, remote);
  if (!state && (await getOrNull(local, repId))) {
    // Synced before this first-pull existed: the live sync's checkpoint already says where to go on.
    await local.put({ _id: INITIAL_PULL_STATE_ID, since: 0, docs: 0, done: true });
    return { ran: false, docs: 0 };
  }
  if (!state) {
    const seq = (await local.info()).update_seq;
    state = { _id: INITIAL_PULL_STATE_ID, since: 0, docs: 0, done: false, expectedSeq: seq === 0 ? 0 : null, total: await serverTotal(remote) };
  }
  // An interrupted page may be written again: its revisions would not bump update_seq (see the module comment).
  if (state.expectedSeq === undefined) state.expectedSeq = null;
  const current = state;
  // In place: the stages hold this very object.
  const save = async (patch: Partial<PullState> = {}) => {
    Object.assign(current, patch);
    current._rev = (await local.put(current)).rev;
  };
  const report = () => o.onProgress?.(current.docs, { docs: current.docs, done: progressOf(current), total: current.total ?? null });

  // The rest of the current term first: recent records before old ones.
  if ((state.later ?? []).length > 0)
    await pullRanges(o, state.later ?? [], state, () => save(), (n) => {
      state!.docs += n;
      report();
    });

  let next = fetchPage(remote, state.since, pageSize, o.signal);
  for (;;) {
    const page = await next;
    if (page.results.length === 0) break;
    // Ask for the next page while this one is written: the network and the disk work at once.
    next = fetchPage(remote, page.last_seq, pageSize, o.signal);
    next.catch(() => undefined); // awaited on the next turn; a failure there is reported there
    await o.pace?.();
    const docs = await pageDocs(remote, page.results);
    o.signal?.throwIfAborted();
    const written = await store(local, remote, docs, state, o.onConflictCandidates);
    await save({ since: page.last_seq, docs: state.docs + written, rows: (state.rows ?? 0) + page.results.length });
    report();
  }
  const repaired = await fetchMissing(local, remote, state, o.signal);
  if (repaired > 0) await save({ docs: state.docs + repaired });
  // Hand over to the live sync: its pull starts where this one ended.
  const checkpointer = Checkpointer(remote, local, repId, { cancelled: false }, { writeSourceCheckpoint: true, writeTargetCheckpoint: true });
  await checkpointer.writeCheckpoint(state.since, crypto.randomUUID());
  const seq = (await local.info()).update_seq;
  const pushId = await rememberPushId(local, remote);
  // Every change up to pulledSeq came from the server: the push starts after it. (When the kiosk wrote records
  // meanwhile, pulledSeq is where that began, and the push sends everything after it as usual.)
  const pulled = state.pulledSeq ?? 0;
  if (pulled > 0 && Number(seq) >= pulled && !(await getOrNull(local, pushId))) {
    await Checkpointer(local, remote, pushId, { cancelled: false }, { writeSourceCheckpoint: true, writeTargetCheckpoint: true }).writeCheckpoint(pulled, crypto.randomUUID());
  }
  await save({ done: true, rows: state.total ?? state.rows });
  report();
  return { ran: true, docs: state.docs, repaired };
}
