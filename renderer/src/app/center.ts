/** The center this kiosk belongs to, loaded once at start and after setup. */
import { shallowRef, type ShallowRef } from 'vue';
import type { CenterDoc } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import type { DeviceStore, DocStore } from '../storage/ports';

export interface CenterState {
  readonly current: ShallowRef<CenterDoc | null>;
  /** Re-reads the center named in the device settings. */
  reload(): Promise<CenterDoc | null>;
}

export function createCenterState(docs: DocStore, device: DeviceStore): CenterState {
  const current = shallowRef<CenterDoc | null>(null);
  return {
    current,
    async reload() {
      const { centerId } = await device.getSettings();
      current.value = centerId ? await docs.get('center', ids.center(centerId)) : null;
      return current.value;
    },
  };
}
