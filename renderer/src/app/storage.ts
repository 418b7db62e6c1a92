/**
 * The device's storage, watched: a village kiosk runs for years on a small disk, and a
 * full disk must be seen coming, said in words a volunteer understands, and survived.
 *
 * - At start the app asks for persistent storage, so the browser does not clear the
 *   children's records when the disk runs low (Electron and installed apps are granted it;
 *   a plain browser tab may not be: Settings says which).
 * - Every few minutes it reads the origin's usage and quota (StorageManager.estimate) and
 *   names a level: ok, low, critical, or full once a write has been refused.
 * - A refused write (the DocStore reports StorageFullError) sets "full" at once and checks
 *   again often; when space returns the level goes back by itself — nothing to restart,
 *   and nothing already saved was touched (a refused write changes nothing).
 */
import { ref, type Ref } from 'vue';

export type StorageLevel = 'unknown' | 'ok' | 'low' | 'critical' | 'full';

export interface StorageStatus {
  readonly level: StorageLevel;
  /** Bytes this app's origin uses and may use (null where the browser does not say). */
  readonly usage: number | null;
  readonly quota: number | null;
  /** Whether the browser promised not to clear the data (null: cannot tell). */
  readonly persisted: boolean | null;
}

const MB = 1024 * 1024;
/** Below this much free space, warn (a term of a big center is ~150 MB). */
export const LOW_FREE_BYTES = 500 * MB;
/** Below this, writes may start failing within days. */
export const CRITICAL_FREE_BYTES = 100 * MB;
export const CHECK_EVERY_MS = 5 * 60 * 1000;
/** After a refused write: how often to look whether space came back. */
export const RECHECK_FULL_MS = 5 * 1000;

/**
 * The level for an estimate. `writeRefused`: a write was refused for space and no trial
 * write has succeeded since (the quota a browser reports can exceed the disk's real free
 * space, so only a write proves there is room).
 */
export function storageLevel(usage: number | null, quota: number | null, writeRefused: boolean): StorageLevel {
  if (writeRefused) return 'full';
  if (usage === null || quota === null) return 'unknown';
  const free = Math.max(0, quota - usage);
  if (free < CRITICAL_FREE_BYTES || free < quota * 0.05) return 'critical';
  if (free < LOW_FREE_BYTES || free < quota * 0.15) return 'low';
  return 'ok';
}

export interface StorageEnv {
  estimate(): Promise<{ usage?: number; quota?: number } | null>;
  persist(): Promise<boolean | null>;
  /** Writes and removes a small record in a scratch database: true when the device took it. */
  trialWrite(): Promise<boolean>;
}

const PROBE_DB = 'tongxin-space-probe';

/** A 64 KB write in its own IndexedDB database, then removed. */
function idbTrialWrite(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = indexedDB.open(PROBE_DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('probe');
    req.onerror = () => resolve(false);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction('probe', 'readwrite');
      try {
        tx.objectStore('probe').put(new Uint8Array(64 * 1024).fill(7), 'p');
      } catch {
        // A store that refuses at once (QuotaExceededError thrown, not reported) is no room either.
        db.close();
        resolve(false);
        return;
      }
      tx.oncomplete = () => {
        const clean = db.transaction('probe', 'readwrite');
        clean.objectStore('probe').delete('p');
        clean.oncomplete = clean.onerror = () => db.close();
        resolve(true);
      };
      tx.onerror = tx.onabort = () => {
        db.close();
        resolve(false);
      };
    };
  });
}

export function browserStorageEnv(): StorageEnv {
  const sm = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  return {
    estimate: async () => (sm?.estimate ? sm.estimate() : null),
    persist: async () => {
      if (!sm?.persist) return null;
      return (await sm.persisted?.()) || sm.persist();
    },
    trialWrite: () => (typeof indexedDB === 'undefined' ? Promise.resolve(true) : idbTrialWrite()),
  };
}

export interface StorageState {
  readonly status: Ref<StorageStatus>;
  /** Reads the estimate now. */
  refresh(): Promise<void>;
  /** The DocStore refused a write for lack of space. */
  reportWriteRefused(): void;
  /** Whether a trial write fails now. */
  isOutOfSpace(): Promise<boolean>;
  /** Runs `fn` each time space comes back after a refused write. */
  onRecovered(fn: () => void): void;
  stop(): void;
}

export function createStorageState(env: StorageEnv = browserStorageEnv()): StorageState {
  const status = ref<StorageStatus>({ level: 'unknown', usage: null, quota: null, persisted: null });
  let refused = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const recovered: (() => void)[] = [];

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => void state.refresh(), status.value.level === 'full' ? RECHECK_FULL_MS : CHECK_EVERY_MS);
  }

  const state: StorageState = {
    status,
    async refresh() {
      // Room again? Only a write can tell; the app's next real write is then expected to work.
      if (refused && (await env.trialWrite().catch(() => false))) {
        refused = false;
        for (const fn of recovered) fn();
      }
      const est = await env.estimate().catch(() => null);
      const usage = est?.usage ?? null;
      const quota = est?.quota ?? null;
      const level = storageLevel(usage, quota, refused);
      status.value = { ...status.value, usage, quota, level };
      schedule();
    },
    reportWriteRefused() {
      refused = true;
      status.value = { ...status.value, level: 'full' };
      schedule();
    },
    async isOutOfSpace() {
      return !(await env.trialWrite().catch(() => false));
    },
    onRecovered(fn) {
      recovered.push(fn);
    },
    stop() {
      clearTimeout(timer);
    },
  };
  void env.persist().then(
    (persisted) => (status.value = { ...status.value, persisted }),
    () => {},
  );
  return state;
}
