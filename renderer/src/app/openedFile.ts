/**
 * A file the operating system opened Tongxin with (double-clicking a .tongxin
 * bundle or a .tongxin-backup backup; Electron only — a browser window gets no
 * file associations, staff choose the file on the page instead). The file
 * waits here until the page that handles it takes it: Settings → U盘传输 for a
 * bundle, the restore panel (Settings → 备份, or the setup screen on a kiosk
 * with no center yet) for a backup. Staff mode still needs a PIN first.
 */
import { shallowRef } from 'vue';
import type { Router } from 'vue-router';
import type { OpenedFile, TongxinBridge } from '../../../electron/contract';

const pending = shallowRef<OpenedFile | null>(null);

/** The waiting file of this kind, once. */
export function takePendingFile(kind: OpenedFile['kind']): OpenedFile | null {
  const f = pending.value;
  if (!f || f.kind !== kind) return null;
  pending.value = null;
  return f;
}

/** Asks the shell for a newly opened file and goes to the page that handles it. */
export async function checkOpenedFile(bridge: TongxinBridge, router: Router, hasCenter: boolean): Promise<void> {
  const file = await bridge.takeOpenedFile();
  if (!file) return;
  pending.value = file;
  if (file.kind === 'backup' && !hasCenter) await router.push('/setup');
  else await router.push({ path: '/staff/settings', query: { tab: file.kind === 'bundle' ? 'bundle' : 'backup' } });
}
