/** The center this kiosk belongs to, loaded once at start and after setup. */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { CenterDoc } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import type { DeviceStore, DocStore } from '../storage/ports';
import { decideStart, type CenterMarkers, type StartDecision } from './centerMarker';

export type LostCenter = Extract<StartDecision, { kind: 'lost' }>;

export interface CenterState {
  readonly current: ShallowRef<CenterDoc | null>;
  /**
   * The center this device had and cannot find or read now (app/centerMarker.ts): the router
   * shows the recovery page instead of setup. null when the center is here or there never was one.
   */
  readonly lost: ShallowRef<LostCenter | null>;
  /** Set only by a person who confirmed, on the recovery page, that they start a new center here: setup opens again. */
  readonly newCenterChosen: Ref<boolean>;
  /** Re-reads the center named in the device settings. */
  reload(): Promise<CenterDoc | null>;
}

export function createCenterState(docs: DocStore, device: DeviceStore, markers: CenterMarkers | null = null): CenterState {
  const current = shallowRef<CenterDoc | null>(null);
  const lost = shallowRef<LostCenter | null>(null);
  const newCenterChosen = ref(false);
  return {
    current,
    lost,
    newCenterChosen,
    async reload() {
      // The marker is read beside the settings (it costs the boot nothing it waits for).
      const markerRead = markers ? markers.read().catch(() => null) : Promise.resolve(null);
      let settingsCenterId: string | null | undefined;
      let doc: CenterDoc | null = null;
      let failure: unknown = null;
      try {
        settingsCenterId = (await device.getSettings()).centerId;
        doc = settingsCenterId ? await docs.get('center', ids.center(settingsCenterId)) : null;
      } catch (e) {
        failure = e;
      }
      const marker = await markerRead;
      const decision = decideStart({ settingsCenterId, centerDocFound: doc !== null, marker, readFailed: failure !== null });
      if (decision.kind === 'failed') throw failure;
      if (decision.kind === 'lost') console.error('center: this device had a center that was not found', decision, failure);
      current.value = decision.kind === 'center' ? doc : null;
      lost.value = decision.kind === 'lost' ? decision : null;
      if (doc && markers && (marker?.centerId !== doc.centerId || marker.name !== doc.name)) {
        const since = marker?.centerId === doc.centerId ? marker.since : new Date().toISOString();
        await markers.write({ centerId: doc.centerId, name: doc.name, since }).catch((e: unknown) => console.warn('center marker: not written', e));
      }
      return current.value;
    },
  };
}
