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
import { centerDbUrl, ReplicationController, type SyncStatus } from '@sync/client/replication';
import type { ConflictResolution } from '@sync/client/conflicts';
import type { DeviceStore } from '../storage/ports';
import { PouchDB } from '../storage/pouch/createPouch';

export interface SyncState {
  readonly status: ShallowRef<SyncStatus | null>;
  readonly conflicts: ShallowRef<readonly ConflictResolution[]>;
  /** (Re)starts sync from the saved settings; stops it when they are incomplete. */
  restart(): Promise<void>;
  saveCredentials(centerId: string, url: string, username: string, password: string): Promise<{ secure: boolean }>;
  forget(centerId: string): Promise<void>;
}

const credentialKey = (centerId: string) => `sync:${centerId}`;

export function createSyncState(local: PouchDB.Database, device: DeviceStore, bridge: TongxinBridge): SyncState {
  const status = shallowRef<SyncStatus | null>(null);
  const conflicts = shallowRef<readonly ConflictResolution[]>([]);
  let controller: ReplicationController | null = null;
  let counter: ReturnType<typeof setInterval> | undefined;

  const state: SyncState = {
    status,
    conflicts,
    async restart() {
      await controller?.stop();
      controller = null;
      clearInterval(counter);
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
        onStatus: (s) => (status.value = s),
        onConflict: (c) => (conflicts.value = [c, ...conflicts.value].slice(0, 200)),
      });
      controller.start();
      // Keep "documents waiting to go up" current while offline too.
      counter = setInterval(() => void controller?.countPending(), 30_000);
      void controller.countPending();
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
