/**
 * A new or replaced kiosk joins a center that already exists on the county
 * server: check the connection, pull what the kiosk needs to work (the first
 * stage of the staged first pull, sync/client/initialPull.ts `usablePull`,
 * with progress: `joinRanges` below), make sure it holds the center and an
 * active administrator, then bind this device to the center and keep the sync
 * account. The kiosk opens at once; the sync then brings the history in the
 * background (`initialPull`, started by the replication controller) and
 * carries on live. Staff sign in with the PINs they already have.
 *
 * A join that fails part-way leaves the kiosk as it was (undoJoin): the
 * documents it pulled are purged — not deleted, so no deletion of another
 * center's records is ever sent anywhere — with the first pull's progress and
 * the replication checkpoints, and the device forgets the center and the sync
 * account. A retry, or a different center, starts clean.
 */
import { CENTER_ID_RE, ids } from '@sync/schema/ids';
import { centerDbUrl, openRemote, testConnection, type ConnectionVerdict } from '@sync/client/replication';
import { INITIAL_PULL_STATE_ID, prefixRanges, pullReplicationId, pushReplicationId, usablePull, type KeyRange } from '@sync/client/initialPull';
import { SYNC_IDS_DOC } from '@sync/client/acknowledged';
import type { DeviceStore, DocStore } from '../../storage/ports';
import type { SyncState } from '../../app/sync';
import { PouchDB } from '../../storage/pouch/createPouch';
import { purgeDoc } from '../../storage/pouch/purge';
import { CENTER_KEY_PREFIX, type KeyState } from '../../app/centerKey';
import { noteUse } from '../../app/quiet';
import { WrongRecoveryCodeError } from '@sync/crypto/centerKey';
import { parseDoc } from '@sync/schema/documents';
import { prefixRange } from '@sync/schema/ids';
import { encodeTime } from 'ulid';
import { addDays, localDate } from '../../domain/dates';
import { periodBounds, periodsOf } from '../../domain/county/periods';

/** Days of register before today that a joining kiosk fetches before it opens (the continuity prompts look back this far). */
export const USABLE_REGISTER_DAYS = 14;

/**
 * What a joining kiosk fetches before it opens, in order, and what it
 * fetches first afterwards. Ids name their type (and dated ones their date)
 * first, and a ULID starts with its time, so each is one `_all_docs` key range:
 *   now    the center key documents (sealed records open with them), the
 *          center, staff, children with their private records (names,
 *          guardians, photo, picture code), consent, imported instrument
 *          packs, follow-ups (the waiting list and the safety banner),
 *          transfers, call plans; the register (attendance and open days)
 *          from USABLE_REGISTER_DAYS ago on, today's mood check-ins, and
 *          this term's screenings (PHQ-9/GAD-7 once a term) and service
 *          sessions (by the time in their ULID; their photos come later)
 *   later  the rest of the current term's register
 * The whole term's register is ~28,000 documents at 300 children — about
 * 14 s of writing on its own — so it waits until the kiosk is open.
 * Everything else (history) comes through the changes feed.
 */
export function joinRanges(today: string): { now: KeyRange[]; later: KeyRange[] } {
  const term = periodBounds(periodsOf(today).term);
  const from = addDays(today, -USABLE_REGISTER_DAYS) > term.from ? addDays(today, -USABLE_REGISTER_DAYS) : term.from;
  const termStartUlid = encodeTime(new Date(`${term.from}T00:00:00`).getTime(), 10);
  return {
    now: [
      ...prefixRanges(CENTER_KEY_PREFIX, 'center:', 'staff:', 'child:', 'private:child:', 'consent:', 'private:pack:', 'followup:', 'transfer:', 'private:call-plan:'),
      [`att:${from}`, 'att:\ufff0'],
      [`day:${term.from}`, 'day:\ufff0'],
      [`mood:${today}`, 'mood:\ufff0'],
      [`screening:${termStartUlid}`, 'screening:\ufff0'],
      [`activity:${termStartUlid}`, 'activity:\ufff0'],
    ],
    later: from > term.from ? [[`att:${term.from}`, `att:${addDays(from, -1)}\ufff0`]] : [],
  };
}

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
  /** No code: the kiosk joins without the key and gets it from another kiosk of the center afterwards (app/keyPairing.ts). */
  readonly keyFromKiosk?: boolean;
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
export async function joinCenter(p: Ports, input: JoinInput, onProgress: (docs: number) => void, today = localDate(new Date())): Promise<void> {
  // Where a join's time goes (the sync bench prints these marks: time_to_usable_ms).
  performance.mark('tongxin:join-start');
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
    if (wrapped.length > 0 && !(input.keyFromKiosk && !input.recoveryCode?.trim())) {
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
    const ranges = joinRanges(today);
    performance.mark('tongxin:join-checked');
    // The app's change listeners (the roster, the newer-documents check…) hear of the stage's ~4,000
    // documents once it is done, instead of reading each batch back while the next is written.
    await p.docs.holdingChanges(
      () => usablePull({ local: p.centerDb, remote, ranges: ranges.now, laterRanges: ranges.later, onProgress }),
      (r) => r.ids,
    );
    performance.mark('tongxin:join-pulled');
    const center = await p.docs.get('center', ids.center(centerId));
    if (!center) throw new JoinError('no-center');
    const staff = await p.docs.list('staff', 'staff:');
    if (!staff.some((s) => s.active && s.role === 'admin')) throw new JoinError('no-admin');
    await p.device.saveSettings({ centerId, locale: center.defaultLocale });
    // The sync starts here, and with it the history. The staff member who joined is at the kiosk and
    // opens it next: its first page waits for them as for a tap (app/quiet.ts), instead of taking the
    // disk while the check-in grid and staff unlock first read it (sync bench: two 2,000-document
    // writes of ~4 s each fell in that window at 300 children, under load).
    noteUse();
    await p.sync.saveCredentials(centerId, url, input.username, input.password);
    await p.keys?.refreshStatus();
    performance.mark('tongxin:join-done');
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
