/**
 * The first push of a kiosk that has never pushed to this server (weeks of
 * work recorded offline, or a kiosk set up before the county server), fast.
 *
 * PouchDB's replicator pushes in batches of the app's batch size (500), and
 * per batch reads the local changes, asks the server `_revs_diff`, reads the
 * bodies, posts `_bulk_docs` and writes a checkpoint on both sides — five
 * round trips per 500 documents, at most four batches in flight. This path
 * reads the local changes in large pages with their bodies, asks `_revs_diff`
 * once per page, reads again (with its revision history) only what is more than
 * a first revision (firstRevisions below), and posts what the server lacks in one
 * `_bulk_docs` with `new_edits: false` (the revisions as they are, as the
 * replicator writes them), reading the next page while the server stores
 * this one. Then it writes PouchDB's own push checkpoint (pouchdb-checkpointer,
 * under the id the live sync uses), so the live sync carries on from there
 * instead of asking the server about every document again — the reverse of
 * the first pull (initialPull.ts).
 *
 * It runs only when the push has no checkpoint yet; an interrupted run starts
 * over, and `_revs_diff` skips what already arrived. Documents the server
 * refuses (validate_doc_update) are returned with the reason, as the live
 * sync reports them, and do not stop the rest.
 */
import Checkpointer from 'pouchdb-checkpointer';
import { pushReplicationId } from './acknowledged';

export const FIRST_PUSH_PAGE = 2_000;
/** Below this many local changes the live sync's own push is as quick. */
export const FIRST_PUSH_MIN_DOCS = 1_000;

export interface InitialPushOptions {
  readonly local: PouchDB.Database;
  readonly remote: PouchDB.Database;
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (docs: number) => void;
}

export interface InitialPushResult {
  readonly ran: boolean;
  /** Revisions sent to the server. */
  readonly docs: number;
  readonly rejected: readonly { readonly id: string; readonly reason: string }[];
}

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

async function post(remote: PouchDB.Database, path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
  const res = await (remote as unknown as { fetch: Fetch }).fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal });
  const json = (await res.json().catch(() => ({}))) as { error?: string; reason?: string };
  if (!res.ok) throw Object.assign(new Error(json.reason ?? json.error ?? `HTTP ${res.status}`), { status: res.status, reason: json.reason, name: json.error ?? 'http_error' });
  return json;
}

interface Page {
  readonly lastSeq: string | number;
  readonly docs: object[];
  readonly changes: number;
  /** The server lacked every revision of the page (asked or assumed). */
  readonly serverHadNone: boolean;
}

/**
 * One page of local changes, reduced to the revisions the server lacks, with
 * their bodies and histories. With `ask` false the server is not asked and
 * every revision is sent: writes with `new_edits: false` are idempotent (a
 * revision the server already holds is skipped), so this costs only bytes
 * when the guess is wrong, and saves a round trip and the server's work.
 */
async function readPage(local: PouchDB.Database, remote: PouchDB.Database, since: string | number, limit: number, ask: boolean, signal?: AbortSignal): Promise<Page | null> {
  // The bodies come with the changes (one pass over the store); see firstRevisions for which of them are sent as read.
  const changes = await local.changes({ since, limit, style: 'all_docs', include_docs: true, attachments: true } as PouchDB.Core.ChangesOptions);
  if (changes.results.length === 0) return null;
  const leaves: Record<string, string[]> = {};
  for (const c of changes.results) if (!c.id.startsWith('_design/')) leaves[c.id] = c.changes.map((x) => x.rev);
  const asked = Object.values(leaves).reduce((n, revs) => n + revs.length, 0);
  const missing = ask ? ((await post(remote, '_revs_diff', leaves, signal)) as Record<string, { missing: string[] }>) : Object.fromEntries(Object.entries(leaves).map(([id, revs]) => [id, { missing: revs }]));
  const read = firstRevisions(changes.results);
  const docs: object[] = [];
  const wanted: { id: string; rev: string }[] = [];
  for (const [id, m] of Object.entries(missing))
    for (const rev of m.missing) {
      const doc = read.get(id);
      if (doc && doc._rev === rev) docs.push(doc);
      else wanted.push({ id, rev });
    }
  if (wanted.length > 0) {
    const got = await local.bulkGet({ docs: wanted, revs: true, attachments: true } as PouchDB.Core.BulkGetOptions);
    for (const r of got.results) for (const d of r.docs) if ('ok' in d) docs.push(d.ok);
  }
  const lacked = Object.values(missing).reduce((n, m) => n + m.missing.length, 0);
  return { lastSeq: changes.last_seq, docs, changes: changes.results.length, serverHadNone: lacked === asked };
}

type Body = { _id: string; _rev: string; _deleted?: boolean; _revisions?: { start: number; ids: string[] } };

/**
 * The documents of a page that are sent as the changes feed gave them: a record with one revision
 * only (`1-…`, no other branch, not deleted) has itself as its whole history, so its `_revisions`
 * are written here instead of reading the record again. Every other revision (edited records,
 * conflicts, deletions) is read with its history by `bulkGet`, as PouchDB's replicator reads it.
 * Reading 2,000 bodies again cost the kiosk 1.4–2.7 s a page on the shared machine, longer than
 * the trial server took to store them (bench, issue 16).
 */
export function firstRevisions(results: readonly { id: string; changes: { rev: string }[]; deleted?: boolean; doc?: object }[]): Map<string, Body> {
  const out = new Map<string, Body>();
  for (const c of results) {
    const doc = c.doc as Body | undefined;
    const rev = c.changes.length === 1 ? c.changes[0]!.rev : null;
    if (!doc || c.deleted || doc._deleted || !rev || doc._rev !== rev || c.id.startsWith('_design/')) continue;
    const m = /^1-([0-9a-f]+)$/.exec(rev);
    if (!m) continue;
    out.set(c.id, { ...doc, _revisions: { start: 1, ids: [m[1]!] } });
  }
  return out;
}

/**
 * Pushes everything local to a server this kiosk never pushed to, in large
 * pages, then hands over to the live sync through its checkpoint.
 * @throws the HTTP or storage failure (nothing is lost: the live sync or a retry sends the rest)
 */
export async function initialPush(o: InitialPushOptions): Promise<InitialPushResult> {
  const { local, remote } = o;
  const pushId = await pushReplicationId(local, remote);
  const checkpoint = await local.get(pushId).catch(() => null);
  const { update_seq: seq } = await local.info();
  if (checkpoint || Number(seq) < FIRST_PUSH_MIN_DOCS) return { ran: false, docs: 0, rejected: [] };
  let pageSize = o.pageSize ?? FIRST_PUSH_PAGE;
  const rejected: { id: string; reason: string }[] = [];
  let sent = 0;
  let since: string | number = 0;
  let next = readPage(local, remote, since, pageSize, true, o.signal);
  for (;;) {
    const page = await next;
    if (!page) break;
    // Read the next page while the server stores this one. While the server
    // has held none of what was asked (the usual first push: an empty center
    // database), stop asking; after a page it partly held, ask again.
    next = readPage(local, remote, page.lastSeq, pageSize, !page.serverHadNone, o.signal);
    next.catch(() => undefined); // awaited on the next turn; a failure there is reported there
    if (page.docs.length > 0) {
      let results: { id?: string; error?: string; reason?: string }[];
      try {
        results = (await post(remote, '_bulk_docs', { docs: page.docs, new_edits: false }, o.signal)) as typeof results;
      } catch (e) {
        if ((e as { status?: number }).status === 413 && pageSize > 100) {
          // Too large for the server: the same page again, in halves from here on.
          pageSize = Math.floor(pageSize / 2);
          next = readPage(local, remote, since, pageSize, true, o.signal);
          continue;
        }
        throw e;
      }
      for (const r of results) if (r.error) rejected.push({ id: r.id ?? '(unknown)', reason: r.reason ?? r.error });
      sent += page.docs.length;
    }
    since = page.lastSeq;
    o.onProgress?.(sent);
  }
  o.signal?.throwIfAborted();
  await Checkpointer(local, remote, pushId, { cancelled: false }, { writeSourceCheckpoint: true, writeTargetCheckpoint: true }).writeCheckpoint(since, crypto.randomUUID());
  return { ran: true, docs: sent, rejected };
}
