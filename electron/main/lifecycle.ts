/**
 * Decisions about the kiosk's life that do not need Electron to be made, so they are
 * tested without it (electron/main/lifecycle.test.ts): where the data lives, whether this
 * version may open it, which keys a child must not be able to use to leave the kiosk, and
 * what to do when the page crashes.
 */
import * as path from 'node:path';

/**
 * The data folder's name never changes with the product name or the installer
 * (electron-builder derives one from `productName`, which has changed before and holds a
 * space and Chinese characters): an upgrade must find the data the last version left.
 */
export const USER_DATA_DIR_NAME = 'tongxin';

export function userDataDir(appDataDir: string): string {
  return path.join(appDataDir, USER_DATA_DIR_NAME);
}

/** The file in the data folder that records which version last opened the data. */
export const DATA_VERSION_FILE = 'data-version.json';

/** Compares dotted versions numerically (1.10.0 > 1.9.3); a pre-release tag is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split('-')[0]!.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export type DataVersionDecision = 'first-run' | 'same' | 'upgrade' | 'refuse-downgrade';

/**
 * Whether this app version may open the data folder. An older version over data a newer
 * one wrote could misread documents it does not know and write them back wrong, so it
 * refuses and says which version to install instead.
 * @param recorded the version in DATA_VERSION_FILE, or null when there is none yet.
 */
export function dataVersionDecision(appVersion: string, recorded: string | null): DataVersionDecision {
  if (recorded === null) return 'first-run';
  const c = compareVersions(appVersion, recorded);
  return c === 0 ? 'same' : c > 0 ? 'upgrade' : 'refuse-downgrade';
}

/** Reads DATA_VERSION_FILE's content; anything unreadable counts as no record (null). */
export function parseDataVersion(text: string | null): string | null {
  if (text === null) return null;
  try {
    const v = (JSON.parse(text) as { version?: unknown }).version;
    return typeof v === 'string' && /^\d+(\.\d+)*(-[\w.]+)?$/.test(v) ? v : null;
  } catch {
    return null;
  }
}

export interface KeyInput {
  readonly type: string;
  readonly key: string;
  readonly control: boolean;
  readonly alt: boolean;
  readonly meta: boolean;
  readonly shift: boolean;
}

/**
 * Keys that would take a child out of the kiosk (close, quit, leave full screen, open the
 * developer tools, reload into a half state). In kiosk mode the window swallows them; an
 * administrator leaves kiosk mode in Settings after unlocking with their PIN. Keys the
 * operating system keeps for itself (Ctrl+Alt+Del, the Windows key, Alt+Tab on most
 * desktops) never reach the window: lock those in the OS's own kiosk or assigned-access mode.
 */
export function isKioskEscapeKey(input: KeyInput, kiosk: boolean): boolean {
  if (!kiosk || input.type !== 'keyDown') return false;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const mod = input.control || input.meta;
  if (input.alt && key === 'F4') return true;
  if (key === 'F11' || key === 'F12' || key === 'F5') return true;
  if (mod && ['w', 'q', 'r', 'n', 't'].includes(key)) return true;
  if (mod && input.shift && ['i', 'j', 'c'].includes(key)) return true;
  if (key === 'Escape' && mod) return true;
  return false;
}

export type RendererGoneAction = 'none' | 'reload' | 'give-up';

/** How many crashes within CRASH_WINDOW_MS make the kiosk stop reloading and show why. */
export const MAX_CRASHES = 3;
export const CRASH_WINDOW_MS = 60 * 1000;

/**
 * A crashed, killed or out-of-memory page reloads by itself (into kiosk mode if it was in
 * it), so a kiosk nobody watches comes back. A page that crashes again and again within a
 * minute is not reloaded forever: the main process shows an error page instead.
 * @param recentCrashes times (ms) of earlier crashes, newest last.
 */
export function rendererGoneAction(reason: string, now: number, recentCrashes: readonly number[]): RendererGoneAction {
  if (reason === 'clean-exit') return 'none';
  const recent = recentCrashes.filter((t) => now - t < CRASH_WINDOW_MS);
  return recent.length + 1 >= MAX_CRASHES ? 'give-up' : 'reload';
}
