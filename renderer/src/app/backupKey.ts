/**
 * Where the backup secret comes from — the one place. Today it is the
 * center's backup recovery code, kept on this kiosk with the OS keychain
 * (Electron safeStorage) or, in a browser, in the device store (the settings
 * page says so), and on paper with the staff. When the center key with its
 * paper recovery code exists (issue 14: "one recovery code per center serves
 * every center secret"), these two functions are what changes: backupSecret
 * then derives the backup key from the center key, and the files stay the same
 * format.
 */
import type { TongxinBridge } from '../../../electron/contract';
import { normalizeRecoveryCode } from '@sync/backup/backup';

export const BACKUP_SECRET_KEY = 'backup-recovery-code';

/** The secret backups are sealed with, or null when the center has not set one up on this kiosk. */
export async function backupSecret(bridge: TongxinBridge): Promise<string | null> {
  const stored = await bridge.loadCredential(BACKUP_SECRET_KEY);
  if (!stored) return null;
  try {
    return normalizeRecoveryCode(stored);
  } catch {
    return null;
  }
}

/** Keeps the code on this kiosk. @returns whether the OS keychain holds it (false: the browser profile does). */
export async function keepBackupSecret(bridge: TongxinBridge, code: string): Promise<boolean> {
  return (await bridge.storeCredential(BACKUP_SECRET_KEY, normalizeRecoveryCode(code))).secure;
}
