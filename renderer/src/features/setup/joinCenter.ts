/**
 * A new or replaced kiosk joins a center that already exists on the county
 * server: check the connection, pull the center's records (the fast first
 * pull, sync/client/initialPull.ts, with progress), make sure they hold the
 * center and an active administrator, then bind this device to the center and
 * keep the sync account so live sync carries on. Staff sign in with the PINs
 * they already have.
 *
 * A join that fails part-way leaves the kiosk as it was (undoJoin): the
 * documents it pulled are purged — not deleted, so no deletion of another
 * center's records is ever sent anywhere — with the first pull's progress and
 * the replication checkpoints, and the device forgets the center and the sync
 * account. A retry, or a different center, starts clean.
 */
import { CENTER_ID_RE, ids } from '@sync/schema/ids';
import { centerDbUrl, openRemote, testConnection, type ConnectionVerdict } from '@sync/client/replication';
import { initialPull, INITIAL_PULL_STATE_ID, pullReplicationId, pushReplicationId } from '@sync/client/initialPull';
import { SYNC_IDS_DOC } from '@sync/client/acknowledged';
import type { DeviceStore, DocStore } from '../../storage/ports';
import type { SyncState } from '../../app/sync';
import { PouchDB } from '../../storage/pouch/createPouch';
import { purgeDoc } from '../../storage/pouch/purge';
import { CENTER_KEY_PREFIX, type KeyState } from '../../app/centerKey';
import { WrongRecoveryCodeError } from '@sync/crypto/centerKey';
import { parseDoc } from '@sync/schema/documents';
import { prefixRange } from '@sync/schema/ids';

export type JoinProblem = Exclude<ConnectionVerdict, 'ok'> | 'code' | 'no-center' | 'no-admin' | 'recovery-needed' | 'recovery-wrong';

export class JoinError extends Error {
  constructor(
    readonly problem: JoinProblem,
    detail = '',
  ) {
    super(`${problem}${detail ? `: ${detail}` : ''}`);
    this.name = 'JoinError';
  }
}

export interface JoinInput {
  readonly url: string;
  readonly centerId: string;
  readonly username: string;
  readonly password: string;
  /** The center's recovery code (issue 14): needed when the center is encrypted. */
  readonly recoveryCode?: string;
}

interface Ports {
  readonly docs: DocStore;
  readonly centerDb: PouchDB.Database;
  readonly device: DeviceStore;
  readonly sync: SyncState;
  readonly keys?: KeyState;
}

/** What a join wrote, to take back if it fails: local changes after `since`, and these local documents. */
interface JoinTrace {
  readonly since: number | string;
  readonly centerId: string;
  readonly localIds: readonly string[];
}

/** @throws JoinError with what is wrong, in a form the page says in words; on any failure the kiosk is left as it was (undoJoin). */
export async function joinCenter(p: Ports, input: JoinInput, onProgress: (docs: number) => void): Promise<void> {
  const url = input.url.trim().replace(/\/+$/, '');
  const centerId = input.centerId.trim().toLowerCase();
  if (!CENTER_ID_RE.test(centerId)) throw new JoinError('code');
  const verdict = await testConnection(url, centerId, input.username.trim(), input.password);
  if (verdict.verdict !== 'ok') throw new JoinError(verdict.verdict, verdict.detail);
  const remote = openRemote(PouchDB, centerDbUrl(url, centerId), input.username.trim(), input.password);
  // Issue 14: an encrypted center's key is opened with the recovery code before anything is
  // downloaded, so a wrong code is said at once and the first sync decrypts from the start.
  // A kiosk that had no key before this join does not keep one from a join that fails.
  const hadKeys = (p.keys?.keyring.size ?? 0) > 0;
  if (p.keys) {
    const rows = (await remote.allDocs({ ...prefixRange(CENTER_KEY_PREFIX), include_docs: true })).rows;
    const wrapped = rows.flatMap((r) => {
      try {
        const d = parseDoc('centerKey', r.doc);
        return d.retired ? [] : [{ keyId: d.keyId, kdf: d.kdf, wrap: d.wrap, wrapped: d.wrapped }];
      } catch {
        return [];
      }
    });
    if (wrapped.length > 0) {
      if (!input.recoveryCode?.trim()) throw new JoinError('recovery-needed');
      try {
        await p.keys.recover(input.recoveryCode, wrapped);
      } catch (e) {
        if (e instanceof WrongRecoveryCodeError) throw new JoinError('recovery-wrong');
        throw e;
      }
    }
  }
  // The checkpoint ids depend on the server's uuid: read them now, while the server answers.
  const trace: JoinTrace = {
    since: (await p.centerDb.info()).update_seq,
    centerId,
    localIds: [INITIAL_PULL_STATE_ID, SYNC_IDS_DOC, await pullReplicationId(p.centerDb, remote), await pushReplicationId(p.centerDb, remote)],
  };
  try {
    await initialPull({ local: p.centerDb, remote, onProgress });
    const center = await p.docs.get('center', ids.center(centerId));
    if (!center) throw new JoinError('no-center');
    const staff = await p.docs.list('staff', 'staff:');
    if (!staff.some((s) => s.active && s.role === 'admin')) throw new JoinError('no-admin');
    await p.device.saveSettings({ centerId, locale: center.defaultLocale });
    await p.sync.saveCredentials(centerId, url, input.username, input.password);
    await p.keys?.refreshStatus();
  } catch (e) {
    try {
      await undoJoin(p, trace);
      if (p.keys && !hadKeys) await p.keys.forget();
    } catch (undoError) {
      console.error('joinCenter: could not take back a failed join', undoError);
    }
    throw e;
  }
}


/** Takes back what a failed join wrote (see the module comment). */
async function undoJoin(p: Ports, trace: JoinTrace): Promise<void> {
  let since = trace.since;
  for (;;) {
    const page = await p.centerDb.changes({ since, limit: 500 });
    if (page.results.length === 0) break;
    for (const c of page.results) await purgeDoc(p.centerDb, c.id);
    since = page.last_seq;
  }
  for (const id of trace.localIds) {
    const doc = await p.centerDb.get(id).catch(() => null);
    if (doc) await p.centerDb.remove(doc);
  }
  const settings = await p.device.getSettings();
  if (settings.centerId === trace.centerId) await p.device.saveSettings({ centerId: null });
  if (settings.syncUrl || settings.syncUser) await p.sync.forget(trace.centerId);
}
