/**
 * What the server has acknowledged: the push replication's checkpoint says up
 * to which local sequence every change reached the server. Its id depends on
 * the server's uuid, which PouchDB can only read while the server answers
 * (offline it falls back to the URL, a different id), so the id is recorded
 * in a local document while online and read from there offline — for the
 * "waiting to go up" count and for bundles of what was not sent.
 */
import generateReplicationId from 'pouchdb-generate-replication-id';

export const SYNC_IDS_DOC = '_local/tongxin-sync';
/** The first pull's progress (initialPull.ts). */
export const INITIAL_PULL_STATE_ID = '_local/tongxin-initial-pull';

/** The replication id of the live sync's pull (remote → local), as PouchDB computes it. */
export function pullReplicationId(local: PouchDB.Database, remote: PouchDB.Database): Promise<string> {
  return generateReplicationId(remote, local, {});
}

/** The replication id of the live sync's push (local → remote). */
export function pushReplicationId(local: PouchDB.Database, remote: PouchDB.Database): Promise<string> {
  return generateReplicationId(local, remote, {});
}

/** Records the push replication id; call while the server answers. */
export async function rememberPushId(local: PouchDB.Database, remote: PouchDB.Database): Promise<string> {
  const pushId = await pushReplicationId(local, remote);
  const current = (await local.get(SYNC_IDS_DOC).catch(() => null)) as { _rev?: string; pushId?: string } | null;
  if (current?.pushId !== pushId) await local.put({ _id: SYNC_IDS_DOC, ...(current?._rev ? { _rev: current._rev } : {}), pushId });
  return pushId;
}

/**
 * The local sequence up to which the server has every change (0 when it never
 * acknowledged any). While a first pull runs, the changes it wrote came from
 * the server (its verified `pulledSeq`, initialPull.ts), so they count as held
 * there even before the push checkpoint is written at its end.
 */
export async function acknowledgedSeq(local: PouchDB.Database): Promise<number | string> {
  const pull = (await local.get(INITIAL_PULL_STATE_ID).catch(() => null)) as { done?: boolean; pulledSeq?: number } | null;
  const pulled = pull && !pull.done ? (pull.pulledSeq ?? 0) : 0;
  const ids = (await local.get(SYNC_IDS_DOC).catch(() => null)) as { pushId?: string } | null;
  if (!ids?.pushId) return pulled;
  const checkpoint = (await local.get(ids.pushId).catch(() => null)) as { last_seq?: number | string } | null;
  const acknowledged = checkpoint?.last_seq ?? 0;
  return typeof acknowledged === 'number' && acknowledged < pulled ? pulled : acknowledged;
}

/** Ids of documents changed locally after what the server acknowledged (design documents left out). */
export async function unsentIds(local: PouchDB.Database, limit = Infinity): Promise<string[]> {
  const out: string[] = [];
  let since = await acknowledgedSeq(local);
  for (;;) {
    const page: PouchDB.Core.ChangesResponse<object> = await local.changes({ since, limit: Math.min(10_000, limit - out.length) } as PouchDB.Core.ChangesOptions);
    for (const c of page.results) if (!c.id.startsWith('_design/')) out.push(c.id);
    if (page.results.length === 0 || out.length >= limit) return out;
    since = page.last_seq;
  }
}
