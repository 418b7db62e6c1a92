/**
 * A new or replacement kiosk set up from a backup file, with no server at
 * all: the backup's documents are written as replication would, then the
 * records must hold the center and an active administrator (as after a join),
 * and only then is the device bound to the center and the recovery code kept
 * for its own backups. Staff sign in with the PINs they had.
 *
 * Restoring writes only documents; if it stops half-way the device is not
 * bound, and trying again adds what is missing (a write of a revision already
 * here changes nothing).
 */
import { ids } from '@sync/schema/ids';
import { restoreBackup, type BackupPreview } from '@sync/backup/backup';
import type { OnRecordProgress } from '@sync/bundle/bundle';
import type { TongxinBridge } from '../../../../electron/contract';
import type { DeviceStore, DocStore } from '../../storage/ports';
import { keepBackupSecret } from '../../app/backupKey';

export class RestoreError extends Error {
  constructor(readonly problem: 'no-center' | 'no-admin') {
    super(problem);
    this.name = 'RestoreError';
  }
}

interface Ports {
  readonly docs: DocStore;
  readonly centerDb: PouchDB.Database;
  readonly device: DeviceStore;
  readonly bridge: TongxinBridge;
}

/** @throws RestoreError when the backup lacks the center or an administrator (the device stays unbound). */
export async function restoreNewKiosk(p: Ports, preview: BackupPreview, code: string, onProgress?: OnRecordProgress): Promise<{ written: number }> {
  const { written } = await restoreBackup(p.centerDb, preview, onProgress);
  const centerId = preview.manifest.centerId;
  const center = await p.docs.get('center', ids.center(centerId));
  if (!center) throw new RestoreError('no-center');
  const staff = await p.docs.list('staff', 'staff:');
  if (!staff.some((s) => s.active && s.role === 'admin')) throw new RestoreError('no-admin');
  await p.device.saveSettings({ centerId, locale: center.defaultLocale });
  await keepBackupSecret(p.bridge, code);
  return { written: written.length };
}
