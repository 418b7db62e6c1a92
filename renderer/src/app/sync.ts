/**
 * The kiosk's sync with the county server, as app state: the replication
 * controller (sync/client/replication.ts) started when the device has a server
 * and credentials, and its status for the always-visible indicator.
 * Credentials live in the OS keychain through the bridge (Electron safeStorage)
 * or, without Electron, in this browser profile's device store — the settings
 * screen says which.
 */
import { shallowRef, type ShallowRef } from 'vue';
import type { TongxinBridge } from '../../../electron/contract';
import { basicAuth, centerDbUrl, ReplicationController, type SyncStatus } from '@sync/client/replication';
import { TransferClient } from '@sync/transfer/transfer';
import { flushOutbox } from '../features/transfers/transferService';
import { resolveConflicts, type ConflictResolution, type DocCodec } from '@sync/client/conflicts';
import type { DocType } from '@sync/schema/documents';
import type { ConflictLogEntry, DeviceStore, DocStore } from '../storage/ports';
import { PouchDB } from '../storage/pouch/createPouch';
import { historyPending } from '@sync/client/initialPull';
import { MOOD_TALLY_EVERY_MS, TALLY_EVERY_MS, moodTallyMonths, writeCenterTallies, writeMoodTallies, writeServiceTallies } from './countyTallies';
import { COVERAGE_CREDENTIAL, writeCoverageKeys } from './coverageKeys';
import { whenQuiet } from './quiet';

/**
 * Issue 13: a joined kiosk's history arrives while staff use it. Each page of it is one long
 * IndexedDB write (5,000 documents), and every read the screens make waits behind it: before
 * each page the history waits until nobody has touched the kiosk for a moment (app/quiet.ts),
 * for at most HISTORY_GIVE_WAY_MS, so it still advances through a long busy spell.
 */
const HISTORY_GIVE_WAY_MS = 10_000;
const historyPace = (): Promise<void> => Promise.race([whenQuiet(), new Promise<void>((resolve) => setTimeout(resolve, HISTORY_GIVE_WAY_MS))]);

/** How far a joined kiosk's history (the background stage of its first pull) has arrived. */
export interface HistoryProgress {
  readonly done: number;
  readonly total: number | null;
}

export interface SyncState {
  readonly status: ShallowRef<SyncStatus | null>;
  /**
   * While the first pull's history is still arriving (also offline, or after
   * a restart before sync resumes it): screens with history or totals say so.
   * Null once every document of the server is on the kiosk.
   */
  readonly history: ShallowRef<HistoryProgress | null>;
  /** The conflict log (kept in Dexie): unreviewed entries, newest first. */
  readonly conflicts: ShallowRef<readonly ConflictLogEntry[]>;
  refreshConflicts(all?: boolean): Promise<void>;
  /** Settles by rule, and logs, the conflicts among `ids` (after a bundle import). @returns how many were settled */
  settle(ids: readonly string[]): Promise<number>;
  reviewConflict(id: number, staffId: string | null): Promise<void>;
  /** Puts a replaced revision back as the current document (a new edit on top), and marks the entry reviewed. */
  restoreReplaced(entry: ConflictLogEntry, index: number, staffId: string | null): Promise<void>;
  /** (Re)starts sync from the saved settings; stops it when they are incomplete. */
  restart(): Promise<void>;
  saveCredentials(centerId: string, url: string, username: string, password: string): Promise<{ secure: boolean }>;
  /** The county transfer database with this center's sync account; null when sync is not set up. */
  transferClient(): Promise<TransferClient | null>;
  /** Transfers waiting for this center on the server (checked when sync goes idle, at most once a minute). */
  readonly incomingTransfers: ShallowRef<number>;
  forget(centerId: string): Promise<void>;
}

const credentialKey = (centerId: string) => `sync:${centerId}`;

export function createSyncState(local: PouchDB.Database, docs: DocStore, device: DeviceStore, bridge: TongxinBridge, codec?: DocCodec): SyncState {
  const status = shallowRef<SyncStatus | null>(null);
  const history = shallowRef<HistoryProgress | null>(null);
  const readHistory = async () => {
    const h = await historyPending(local).catch(() => null);
    history.value = h ? { done: h.done, total: h.total } : null;
  };
  const conflicts = shallowRef<readonly ConflictLogEntry[]>([]);
  const incomingTransfers = shallowRef(0);
  let transfersCheckedAt = 0;
  /** When sync is idle: file queued outgoing transfers and count incoming ones (both best effort; the transfers page retries). */
  const checkTransfers = async (centerId: string) => {
    if (Date.now() - transfersCheckedAt < 60_000) return;
    transfersCheckedAt = Date.now();
    const client = await state.transferClient();
    if (!client) return;
    try {
      const settings = await device.getSettings();
      await flushOutbox({ docs, centerDb: local, device, deviceId: settings.deviceId, now: () => new Date() }, client);
      incomingTransfers.value = (await client.incoming(centerId)).length;
    } catch {
      // offline again or not provisioned for transfers: the next idle tries again
    }
  };
  let talliedAt = 0;
  let moodTalliedAt = 0;
  /**
   * When sync is idle: the county's monthly/term/year counts for this center (issue 9) and the mood
   * tallies of the term's months, at most every few hours; this month's mood tally at most every
   * MOOD_TALLY_EVERY_MS. Mood tallies are recounted once nobody is using the kiosk.
   */
  const refreshTallies = async (centerId: string, deviceId: string) => {
    // Counts from a kiosk whose history is still arriving would be too low: not before it is all here.
    if (history.value) return;
    const all = Date.now() - talliedAt >= TALLY_EVERY_MS;
    if (all || Date.now() - moodTalliedAt >= MOOD_TALLY_EVERY_MS) {
      moodTalliedAt = Date.now();
      if (all) talliedAt = Date.now();
      await whenQuiet();
      const months = moodTallyMonths(new Date(), all);
      await writeMoodTallies(docs, centerId, deviceId, months, new Date()).catch((e: unknown) => console.warn('mood tallies not written', e));
      // Service tallies of the same months: another kiosk's sessions, synced here (this kiosk's own are recounted when saved).
      await writeServiceTallies(docs, centerId, deviceId, months, new Date()).catch((e: unknown) => console.warn('service tallies not written', e));
    }
    if (!all) return;
    const center = await docs.get('center', `center:${centerId}`).catch(() => null);
    if (center) await writeCenterTallies(docs, center, deviceId, new Date()).catch((e: unknown) => console.warn('county tallies not written', e));
    // Coverage keys of existing children (the code entered in settings; none when no code is kept on this device).
    const code = await bridge.loadCredential(COVERAGE_CREDENTIAL).catch(() => null);
    if (code) await writeCoverageKeys(docs, centerId, code, new Date()).catch((e: unknown) => console.warn('coverage keys not written', e));
  };
  let showAll = false;
  const logConflict = async (c: ConflictResolution) => {
    await device.appendConflict({
      at: new Date().toISOString(),
      docId: c.id,
      docType: c.type,
      rule: c.rule,
      result: c.result as unknown as Record<string, unknown>,
      replaced: c.replaced as unknown as Record<string, unknown>[],
    });
    await state.refreshConflicts(showAll);
  };
  let controller: ReplicationController | null = null;
  let counter: ReturnType<typeof setInterval> | undefined;

  const state: SyncState = {
    status,
    history,
    conflicts,
    incomingTransfers,
    async restart() {
      await controller?.stop();
      controller = null;
      clearInterval(counter);
      void state.refreshConflicts();
      await readHistory();
      const settings = await device.getSettings();
      const password = settings.centerId ? await bridge.loadCredential(credentialKey(settings.centerId)) : null;
      if (!settings.centerId || !settings.syncUrl || !settings.syncUser || !password) {
        status.value = null;
        return;
      }
      controller = new ReplicationController({
        local,
        PouchDB,
        url: centerDbUrl(settings.syncUrl, settings.centerId),
        username: settings.syncUser,
        password,
        onStatus: (s) => {
          status.value = s;
          if (s.firstPullProgress) history.value = s.firstPullProgress;
          else if (history.value) void readHistory();
          if (s.state === 'idle') void checkTransfers(settings.centerId!);
          if (s.state === 'idle') void refreshTallies(settings.centerId!, settings.deviceId);
        },
        onConflict: (c) => void logConflict(c),
        codec,
        historyPace,
      });
      controller.start();
      // Keep "documents waiting to go up" current while offline too.
      counter = setInterval(() => void controller?.countPending(), 30_000);
      void controller.countPending();
    },
    async refreshConflicts(all = showAll) {
      showAll = all;
      conflicts.value = await device.listConflicts(200, all);
    },
    async settle(ids) {
      let n = 0;
      for (const id of ids) {
        const res = await resolveConflicts(local, id, codec);
        if (res) {
          n++;
          if (!res.silent) await logConflict(res);
        }
      }
      return n;
    },
    async reviewConflict(id, staffId) {
      await device.markConflictReviewed(id, staffId);
      await device.appendAudit({ staffId, action: 'conflict-reviewed', detail: String(id) });
      await state.refreshConflicts();
    },
    async restoreReplaced(entry, index, staffId) {
      const replaced = entry.replaced[index];
      if (!replaced) throw new Error(`no replaced revision ${index} in conflict ${entry.id}`);
      const { _rev: _old, ...content } = replaced as Record<string, unknown>;
      await docs.update(entry.docType as DocType, entry.docId, (current) =>
        ({ ...content, _id: entry.docId, ...(current ? { _rev: (current as { _rev?: string })._rev } : {}), updatedAt: new Date().toISOString() }) as never,
      );
      await device.appendAudit({ staffId, action: 'conflict-restored', detail: `${entry.docId} ← ${String(_old)}` });
      await state.reviewConflict(entry.id, staffId);
    },
    async transferClient() {
      const settings = await device.getSettings();
      const password = settings.centerId ? await bridge.loadCredential(credentialKey(settings.centerId)) : null;
      if (!settings.syncUrl || !settings.syncUser || !password) return null;
      return new TransferClient(settings.syncUrl, basicAuth(settings.syncUser, password));
    },
    async saveCredentials(centerId, url, username, password) {
      const res = await bridge.storeCredential(credentialKey(centerId), password);
      await device.saveSettings({ syncUrl: url.trim().replace(/\/+$/, ''), syncUser: username.trim() });
      await state.restart();
      return res;
    },
    async forget(centerId) {
      await bridge.storeCredential(credentialKey(centerId), null);
      await device.saveSettings({ syncUrl: null, syncUser: null });
      await state.restart();
    },
  };
  return state;
}
