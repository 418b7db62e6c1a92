/**
 * A device that has had a center never offers first-run setup again by itself.
 *
 * The center is named in the device settings (Dexie, IndexedDB) and described by its center
 * document (PouchDB, IndexedDB). If either is lost or cannot be read at a start — a store
 * Chromium threw away after a power cut, a database that did not open — the app used to see
 * "no center" and show setup, where a teacher could start a new, empty center. The marker
 * says "this device has had center X" and is kept where a lost IndexedDB store does not take
 * it with it: a small file in the user data folder in Electron (written by main and flushed
 * to disk), and localStorage in every shell (Chromium keeps it in "Local Storage", a store of
 * its own beside "IndexedDB"). When the marker is there and the center is not found, the app
 * shows the recovery page (features/setup/CenterRecovery.vue): try again, restore from a
 * backup, join the center from the county server — nothing is overwritten or deleted.
 *
 * The marker is written whenever a start finds the center (so devices set up before it get
 * one at their next start) and removed only by a deliberate erasure of the center from the
 * device (`forget`).
 */
import type { CenterMarker, TongxinBridge } from '../../../electron/contract';
import { parseCenterMarker } from '../../../electron/contract';

export type { CenterMarker };

export const MARKER_KEY = 'tongxin:center-marker';

export interface CenterMarkers {
  /** The marker, from whichever place still has it (null when none does). */
  read(): Promise<CenterMarker | null>;
  /** Keeps the marker in every place (a place that refuses is skipped; the others still hold it). */
  write(marker: CenterMarker): Promise<void>;
  /** Removes it everywhere: only when the center is deliberately erased from this device. */
  forget(): Promise<void>;
}

/** localStorage as a marker place, or null where there is none (tests in node). */
function storagePlace(storage: Storage | null) {
  return {
    read(): CenterMarker | null {
      try {
        const text = storage?.getItem(MARKER_KEY);
        return text ? parseCenterMarker(JSON.parse(text)) : null;
      } catch {
        return null;
      }
    },
    write(marker: CenterMarker | null): void {
      try {
        if (marker) storage?.setItem(MARKER_KEY, JSON.stringify(marker));
        else storage?.removeItem(MARKER_KEY);
      } catch (e) {
        console.warn('center marker: not kept in localStorage', e);
      }
    },
  };
}

/** The marker in the bridge's place (Electron: a file in user data; browser: localStorage) and in localStorage. */
export function createCenterMarkers(bridge: Pick<TongxinBridge, 'readCenterMarker' | 'writeCenterMarker'>, storage: Storage | null): CenterMarkers {
  const local = storagePlace(storage);
  return {
    async read() {
      const fromBridge = await bridge.readCenterMarker().catch(() => null);
      return fromBridge ?? local.read();
    },
    async write(marker) {
      local.write(marker);
      await bridge.writeCenterMarker(marker).catch((e: unknown) => console.warn('center marker: not kept by the shell', e));
    },
    async forget() {
      local.write(null);
      await bridge.writeCenterMarker(null);
    },
  };
}

/** The browser bridge's marker actions: localStorage. */
export function browserMarkerActions(storage: Storage | null): Pick<TongxinBridge, 'readCenterMarker' | 'writeCenterMarker'> {
  const local = storagePlace(storage);
  return {
    readCenterMarker: async () => local.read(),
    writeCenterMarker: async (marker) => local.write(marker),
  };
}

/** What a start found, and so what the app shows. */
export type StartDecision =
  /** The center is here: the kiosk. */
  | { readonly kind: 'center' }
  /** This device never had a center: first-run setup. */
  | { readonly kind: 'setup' }
  /** A read failed on a device that never had a center: the start fails and says why (as before the marker). */
  | { readonly kind: 'failed' }
  /** This device had a center that cannot be found or read now: the recovery page, never setup. */
  | { readonly kind: 'lost'; readonly centerId: string; readonly name: string | null; readonly reason: LostReason };

/**
 * Why the center was not found:
 *   center-missing   the device settings name it, the center document is not in the database
 *   settings-missing the device settings name no center (made anew, or lost), the marker names one
 *   unreadable       reading the settings or the database failed
 */
export type LostReason = 'center-missing' | 'settings-missing' | 'unreadable';

export interface StartFacts {
  /** The center the device settings name (null: none; undefined: the settings could not be read). */
  readonly settingsCenterId: string | null | undefined;
  /** Whether the center document the settings name was read (false when absent or unreadable). */
  readonly centerDocFound: boolean;
  readonly marker: CenterMarker | null;
  /** A read failed (settings or database). */
  readonly readFailed: boolean;
}

/** The one rule: a device with a marker, or with settings that name a center, never gets setup by itself. */
export function decideStart(f: StartFacts): StartDecision {
  if (f.settingsCenterId && f.centerDocFound) return { kind: 'center' };
  const centerId = f.settingsCenterId || f.marker?.centerId;
  // Nothing says there ever was a center here; a failed read with nothing to go on is still not "no center".
  if (!centerId) return f.readFailed ? { kind: 'failed' } : { kind: 'setup' };
  const name = f.marker?.centerId === centerId ? f.marker.name : null;
  const reason: LostReason = f.readFailed ? 'unreadable' : f.settingsCenterId ? 'center-missing' : 'settings-missing';
  return { kind: 'lost', centerId, name, reason };
}
