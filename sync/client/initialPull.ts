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
 * The push side would otherwise ask the server about every document it has
 * just received (one `_revs_diff` per batch, ~545 round trips for a big
 * center). Each new revision written bumps the local update_seq by one. So
 * when the kiosk held nothing before (update_seq 0), every revision arrived
 * once, and afterwards update_seq equals their number, then every local
 * change is one this pull wrote, and the push checkpoint is written at that
 * sequence too. Anything else (a record written meanwhile, a revision seen
 * twice, a resumed pull) leaves the push to check with the server as usual.
 */
import Checkpointer from 'pouchdb-checkpointer';
import { pullReplicationId, pushReplicationId, rememberPushId } from './acknowledged';

export { pullReplicationId, pushReplicationId };

export const INITIAL_PULL_PAGE = 5_000;
export const INITIAL_PULL_STATE_ID = '_local/tongxin-initial-pull';

interface PullState {
  _id: string;
  _rev?: string;
  since: string | number;
  docs: number;
  done: boolean;
}

interface ChangeRow {
  id: string;
  seq: string | number;
  changes: { rev: string }[];
  deleted?: boolean;
  doc?: { _id: string; _rev: string; _attachments?: object; _deleted?: boolean };
}

export interface InitialPullOptions {
  readonly local: PouchDB.Database;
  /** The center database on the server (PouchDB's HTTP adapter, with credentials). */
  readonly remote: PouchDB.Database;
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  /** Documents written so far (including earlier, interrupted runs). */
  readonly onProgress?: (docs: number) => void;
}

export interface InitialPullResult {
  /** False when there was nothing to do: this kiosk has pulled before. */
  readonly ran: boolean;
  readonly docs: number;
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

async function fetchPage(remote: PouchDB.Database, since: string | number, limit: number, signal?: AbortSignal): Promise<{ results: ChangeRow[]; last_seq: string | number }> {
  const query = new URLSearchParams({ style: 'all_docs', include_docs: 'true', since: String(since), limit: String(limit) });
  const res = await (remote as unknown as { fetch(path: string, init?: RequestInit): Promise<Response> }).fetch(`_changes?${query}`, { method: 'GET', signal });
  if (!res.ok) throw await httpError(res);
  return (await res.json()) as { results: ChangeRow[]; last_seq: string | number };
}

/** The documents of one page, ready for `bulkDocs(…, { new_edits: false })`. */
async function pageDocs(remote: PouchDB.Database, rows: ChangeRow[]): Promise<object[]> {
  const docs: object[] = [];
  const slow: { id: string; rev: string }[] = [];
  for (const row of rows) {
    if (row.changes.length === 1 && row.doc && !row.doc._attachments) docs.push(row.doc);
    else for (const c of row.changes) slow.push({ id: row.id, rev: c.rev });
  }
  if (slow.length > 0) {
    const res = await remote.bulkGet({ docs: slow, revs: true, attachments: true } as PouchDB.Core.BulkGetOptions);
    for (const r of res.results)
      for (const d of r.docs) {
        if ('ok' in d) docs.push(d.ok);
        // A revision compacted away between _changes and _bulk_get: the live sync fetches what is current.
      }
  }
  return docs;
}

/**
 * Pulls the whole center database onto this kiosk, unless it has pulled
 * before (its pull checkpoint exists) or finished a first pull already.
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
  // Revisions received (id and rev): only while a pull onto an empty kiosk runs in one go (see above).
  let received: Set<string> | null = !state && (await local.info()).update_seq === 0 ? new Set<string>() : null;
  state ??= { _id: INITIAL_PULL_STATE_ID, since: 0, docs: 0, done: false };
  const save = async (patch: Partial<PullState>) => {
    state = { ...state!, ...patch };
    const res = await local.put(state);
    state = { ...state, _rev: res.rev };
  };

  let next = fetchPage(remote, state.since, pageSize, o.signal);
  for (;;) {
    const page = await next;
    if (page.results.length === 0) break;
    // Ask for the next page while this one is written: the network and the disk work at once.
    next = fetchPage(remote, page.last_seq, pageSize, o.signal);
    next.catch(() => undefined); // awaited on the next turn; a failure there is reported there
    const docs = await pageDocs(remote, page.results);
    o.signal?.throwIfAborted();
    if (received)
      for (const d of docs as { _id: string; _rev: string }[]) {
        const key = `${d._id}\u0000${d._rev}`;
        if (received.has(key)) {
          received = null; // seen twice (a replayed change): let the push check
          break;
        }
        received.add(key);
      }
    const written = await local.bulkDocs(docs, { new_edits: false });
    const failed = written.find((w) => 'error' in w && w.error);
    if (failed) throw Object.assign(new Error(`could not store ${(failed as { id?: string }).id}: ${(failed as { message?: string }).message ?? ''}`), { status: 500 });
    await save({ since: page.last_seq, docs: state.docs + docs.length });
    o.onProgress?.(state.docs);
  }
  // Hand over to the live sync: its pull starts where this one ended.
  const checkpointer = Checkpointer(remote, local, repId, { cancelled: false }, { writeSourceCheckpoint: true, writeTargetCheckpoint: true });
  await checkpointer.writeCheckpoint(state.since, crypto.randomUUID());
  const seq = (await local.info()).update_seq;
  const pushId = await rememberPushId(local, remote);
  if (received && received.size > 0 && seq === received.size) {
    await Checkpointer(local, remote, pushId, { cancelled: false }, { writeSourceCheckpoint: true, writeTargetCheckpoint: true }).writeCheckpoint(seq, crypto.randomUUID());
  }
  await save({ done: true });
  return { ran: true, docs: state.docs };
}
