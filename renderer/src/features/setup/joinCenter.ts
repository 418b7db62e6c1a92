/**
 * A new or replaced kiosk joins a center that already exists on the county
 * server: check the connection, pull the center's records (the fast first
 * pull, sync/client/initialPull.ts, with progress), make sure they hold the
 * center and an active administrator, then bind this device to the center and
 * keep the sync account so live sync carries on. Staff sign in with the PINs
 * they already have.
 */
import { CENTER_ID_RE, ids } from '@sync/schema/ids';
import { centerDbUrl, openRemote, testConnection, type ConnectionVerdict } from '@sync/client/replication';
import { initialPull } from '@sync/client/initialPull';
import type { DeviceStore, DocStore } from '../../storage/ports';
import type { SyncState } from '../../app/sync';
import { PouchDB } from '../../storage/pouch/createPouch';

export type JoinProblem = Exclude<ConnectionVerdict, 'ok'> | 'code' | 'no-center' | 'no-admin';

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
}

interface Ports {
  readonly docs: DocStore;
  readonly centerDb: PouchDB.Database;
  readonly device: DeviceStore;
  readonly sync: SyncState;
}

/** @throws JoinError with what is wrong, in a form the page says in words; records pulled so far stay (a retry resumes). */
export async function joinCenter(p: Ports, input: JoinInput, onProgress: (docs: number) => void): Promise<void> {
  const url = input.url.trim().replace(/\/+$/, '');
  const centerId = input.centerId.trim().toLowerCase();
  if (!CENTER_ID_RE.test(centerId)) throw new JoinError('code');
  const verdict = await testConnection(url, centerId, input.username.trim(), input.password);
  if (verdict.verdict !== 'ok') throw new JoinError(verdict.verdict, verdict.detail);
  const remote = openRemote(PouchDB, centerDbUrl(url, centerId), input.username.trim(), input.password);
  await initialPull({ local: p.centerDb, remote, onProgress });
  const center = await p.docs.get('center', ids.center(centerId));
  if (!center) throw new JoinError('no-center');
  const staff = await p.docs.list('staff', 'staff:');
  if (!staff.some((s) => s.active && s.role === 'admin')) throw new JoinError('no-admin');
  await p.device.saveSettings({ centerId, locale: center.defaultLocale });
  await p.sync.saveCredentials(centerId, url, input.username, input.password);
}
