/**
 * The state of a county copy (one `_replicator` document per center, see
 * provision.ts) as facts a person can act on: whether it runs, how old its
 * last checkpoint is, how many changes wait, and how many documents the
 * county database refused. `npm run county-status` prints them; provisioning
 * checks each copy with them after creating it; the coordinator dashboard may
 * reuse `countyReplicationFacts` for its freshness view (it shows no names:
 * there are none here).
 *
 * CouchDB 3 answers from its scheduler, `/_scheduler/docs/_replicator/<id>`:
 * `state` and `info` (`changes_pending`, `doc_write_failures`,
 * `checkpointed_source_seq`); the checkpoint's time is in the source's
 * `_local/<replication id>` document (its history's `end_time`). Sequences on
 * a cluster are opaque strings whose number before the dash is a sum over
 * shards, so "waiting" falls back to the difference of those numbers only
 * when the scheduler gives no `changes_pending`.
 *
 * Stand-in difference (pouchdb-server, trial only): it has no scheduler. The
 * state comes from the `_replication_state` it writes into the `_replicator`
 * document ("triggered" once started, "error" with a reason); the waiting
 * changes from PouchDB's own checkpoint in the center database (found under
 * the id PouchDB computes for that replication); its checkpoints carry no
 * time, so the checkpoint's age and the refused documents stay null.
 */
import generateReplicationId from 'pouchdb-generate-replication-id';
import { couch, centerDbName, countyDbName, type Admin } from './admin';

export type ReplicationState = 'running' | 'pending' | 'initializing' | 'crashing' | 'failed' | 'error' | 'completed' | 'missing' | 'started' | 'unknown';

export interface ReplicationFacts {
  readonly centerId: string;
  readonly docId: string;
  readonly state: ReplicationState;
  /** What the state means and what to do, in one sentence. */
  readonly words: string;
  /** The last checkpoint's time (ISO), or null when unknown. */
  readonly checkpointAt: string | null;
  readonly checkpointAgeMs: number | null;
  /** Changes in the center database the copy has not processed yet; null when unknown. */
  readonly docsWaiting: number | null;
  /** Documents the county database refused (its rules); null when unknown. */
  readonly writeFailures: number | null;
  readonly sourceSeq: string | null;
  readonly checkpointedSeq: string | null;
}

export const replicationDocId = (countyId: string, centerId: string) => `county-${countyId}-${centerId}`;

/** States that will change by themselves shortly after a replication document is written. */
const SETTLING: readonly ReplicationState[] = ['initializing', 'pending', 'unknown'];

const seqNumber = (seq: unknown): number | null => {
  const n = Number.parseInt(String(seq ?? '').split('-')[0] ?? '', 10);
  return Number.isFinite(n) ? n : null;
};

/** A replication error as CouchDB words it, said for county IT. */
export function explainReplicationError(error: string): string {
  if (/econnrefused|nxdomain|conn_failed|ehostunreach|timeout|closed/i.test(error)) return `cannot reach the address it copies from or to (${error}); check the county file's replicationUrl and that the server or load balancer answers there`;
  if (/unauthorized|401/i.test(error)) return `the replication account's password is refused (${error}); run provisioning again to renew it`;
  if (/forbidden|403/i.test(error)) return `the replication account is refused (${error}): locked out after failed sign-ins (it ends by itself after 5 minutes on CouchDB 3.4) or lacking a role — run provisioning again`;
  if (/db_not_found|not_found/i.test(error)) return `a database is missing (${error}); run provisioning again`;
  return error;
}

function words(state: ReplicationState, error: string | null): string {
  switch (state) {
    case 'running':
      return 'runs';
    case 'pending':
      return 'waits for a free replication slot; the scheduler starts it soon';
    case 'initializing':
      return 'is starting';
    case 'crashing':
      return `is failing and retrying: ${explainReplicationError(error ?? 'no reason given')}`;
    case 'failed':
      return `has failed and will not retry: ${explainReplicationError(error ?? 'no reason given')}`;
    case 'error':
      return `cannot run: ${explainReplicationError(error ?? 'no reason given')}`;
    case 'completed':
      return 'has stopped as finished — a county copy should run continuously; run provisioning again';
    case 'missing':
      return 'has no replication document; run provisioning';
    case 'started':
      return 'was started; the trial server has no scheduler, so whether it runs now cannot be asked';
    default:
      return 'is not known to the scheduler yet';
  }
}

function errorText(info: unknown): string | null {
  if (info && typeof info === 'object' && 'error' in info) {
    const e = (info as { error: unknown }).error;
    return typeof e === 'string' ? e : JSON.stringify(e);
  }
  return null;
}

/** The checkpoint time CouchDB keeps in the source database, from its replication id. */
async function checkpointTime(a: Admin, sourceDb: string, replicationId: string | null): Promise<string | null> {
  if (!replicationId) return null;
  const base = replicationId.split('+')[0]!;
  const r = await couch(a, 'GET', `${encodeURIComponent(sourceDb)}/_local/${encodeURIComponent(base)}`);
  const history = r.json.history;
  if (r.status !== 200 || !Array.isArray(history) || history.length === 0) return null;
  const end = Date.parse(String((history[0] as { end_time?: unknown }).end_time ?? ''));
  return Number.isFinite(end) ? new Date(end).toISOString() : null;
}

/**
 * Stand-in only: the sequence PouchDB's replicator (inside pouchdb-server) last
 * checkpointed for the copy from `sourceDb` to `targetDb` with `filter`, or null.
 * PouchDB names a checkpoint by an md5 of both endpoints' ids (the server's uuid
 * followed by the database name) and the filter.
 */
async function standInCheckpointSeq(a: Admin, sourceDb: string, targetDb: string, filter: unknown): Promise<string | null> {
  const root = await couch(a, 'GET', '');
  if (typeof root.json.uuid !== 'string') return null;
  const uuid = root.json.uuid;
  const endpoint = (db: string) => ({ id: () => Promise.resolve(uuid + db) }) as unknown as PouchDB.Database;
  const id = await generateReplicationId(endpoint(sourceDb), endpoint(targetDb), typeof filter === 'string' ? { filter } : {});
  const r = await couch(a, 'GET', `${encodeURIComponent(sourceDb)}/${id}`);
  return r.status === 200 && r.json.last_seq !== undefined ? String(r.json.last_seq) : null;
}

/** The facts of one center's county copy. Never throws for a replication's own trouble; it says it. */
export async function replicationFacts(a: Admin, countyId: string, centerId: string, standIn: boolean, now = Date.now()): Promise<ReplicationFacts> {
  const docId = replicationDocId(countyId, centerId);
  const source = centerDbName(centerId);
  const empty = { centerId, docId, checkpointAt: null, checkpointAgeMs: null, docsWaiting: null, writeFailures: null, sourceSeq: null, checkpointedSeq: null };
  const info = await couch(a, 'GET', encodeURIComponent(source));
  const sourceSeq = info.status === 200 && info.json.update_seq !== undefined ? String(info.json.update_seq) : null;
  if (standIn) {
    const doc = await couch(a, 'GET', `_replicator/${encodeURIComponent(docId)}`);
    if (doc.status === 404) return { ...empty, sourceSeq, state: 'missing', words: words('missing', null) };
    const s = doc.json._replication_state;
    const reason = typeof doc.json._replication_state_reason === 'string' ? doc.json._replication_state_reason : null;
    const state: ReplicationState = s === 'triggered' ? 'started' : s === 'error' ? 'error' : s === 'completed' ? 'completed' : 'unknown';
    const checkpointedSeq = await standInCheckpointSeq(a, source, countyDbName(countyId), doc.json.filter);
    const waiting = seqNumber(sourceSeq) !== null && seqNumber(checkpointedSeq) !== null ? Math.max(0, seqNumber(sourceSeq)! - seqNumber(checkpointedSeq)!) : null;
    return { ...empty, sourceSeq, checkpointedSeq, docsWaiting: waiting, state, words: words(state, reason) };
  }
  const r = await couch(a, 'GET', `_scheduler/docs/_replicator/${encodeURIComponent(docId)}`);
  if (r.status === 404) {
    const doc = await couch(a, 'GET', `_replicator/${encodeURIComponent(docId)}`);
    const state: ReplicationState = doc.status === 404 ? 'missing' : 'unknown';
    return { ...empty, sourceSeq, state, words: words(state, null) };
  }
  if (r.status !== 200) return { ...empty, sourceSeq, state: 'unknown', words: `the scheduler did not answer (HTTP ${r.status})` };
  const known: ReplicationState[] = ['running', 'pending', 'initializing', 'crashing', 'failed', 'error', 'completed'];
  const state = known.includes(r.json.state as ReplicationState) ? (r.json.state as ReplicationState) : 'unknown';
  const i = (r.json.info ?? {}) as Record<string, unknown>;
  const checkpointedSeq = i.checkpointed_source_seq !== undefined && i.checkpointed_source_seq !== null ? String(i.checkpointed_source_seq) : null;
  const pending = typeof i.changes_pending === 'number' ? i.changes_pending : null;
  const fromSeqs = seqNumber(sourceSeq) !== null && seqNumber(checkpointedSeq) !== null ? Math.max(0, seqNumber(sourceSeq)! - seqNumber(checkpointedSeq)!) : null;
  const checkpointAt = await checkpointTime(a, source, typeof r.json.id === 'string' ? r.json.id : null);
  return {
    centerId,
    docId,
    state,
    words: words(state, errorText(r.json.info)),
    checkpointAt,
    checkpointAgeMs: checkpointAt ? Math.max(0, now - Date.parse(checkpointAt)) : null,
    docsWaiting: pending ?? fromSeqs,
    writeFailures: typeof i.doc_write_failures === 'number' ? i.doc_write_failures : null,
    sourceSeq,
    checkpointedSeq,
  };
}

/** Every center's county copy, in the county file's order. */
export async function countyReplicationFacts(a: Admin, county: { readonly county: { readonly id: string }; readonly centers: readonly { readonly id: string }[] }, standIn: boolean, now = Date.now()): Promise<ReplicationFacts[]> {
  const out: ReplicationFacts[] = [];
  for (const c of county.centers) out.push(await replicationFacts(a, county.county.id, c.id, standIn, now));
  return out;
}

/** Asks until the state has settled (not starting or queued) or `ms` have passed; returns the last facts. */
export async function settledReplicationFacts(a: Admin, countyId: string, centerId: string, standIn: boolean, ms = 10_000, pollMs = 500): Promise<ReplicationFacts> {
  const end = Date.now() + ms;
  for (;;) {
    const f = await replicationFacts(a, countyId, centerId, standIn);
    if (!SETTLING.includes(f.state) || Date.now() >= end) return f;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** "3 min", "2 h 5 min", "4 d" — for the status table. */
export function formatAge(ms: number | null): string {
  if (ms === null) return '—';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return `${Math.round(ms / 1000)} s`;
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d`;
}
