/**
 * The live list of what waits for an adult (domain/safety.ts): urgent follow-ups
 * until a counsellor or administrator records the child was seen, talk requests
 * until someone takes them, and this kiosk's alerts. Read by the kiosk home's
 * discreet signal, the banner on every staff page and the waiting page; it
 * reloads when a follow-up changes (here or by replication) and keeps its clock
 * moving so "waited 12 minutes" stays true.
 */
import { onBeforeUnmount, onMounted, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { FollowupDoc } from '@sync/schema/documents';
import { waitingSafety, waitingTalks } from '@/domain/safety';
import type { DeviceStore, DocStore, KioskAlert } from '../storage/ports';

export interface WaitingList {
  readonly safety: readonly FollowupDoc[];
  readonly talks: readonly FollowupDoc[];
  readonly alerts: readonly KioskAlert[];
}

export const EMPTY_WAITING: WaitingList = { safety: [], talks: [], alerts: [] };

export async function loadWaiting(docs: DocStore, device: DeviceStore): Promise<WaitingList> {
  const [followups, alerts] = await Promise.all([docs.list('followup', 'followup:'), device.listKioskAlerts()]);
  return { safety: waitingSafety(followups), talks: waitingTalks(followups), alerts };
}

export function waitingCount(w: WaitingList): number {
  return w.safety.length + w.talks.length + w.alerts.length;
}

const CLOCK_MS = 30_000;

/** Mount-scoped: loads now, on every follow-up change and on `reload()`; `clock` ticks every 30 s. */
export function useWaiting(p: { readonly docs: DocStore; readonly device: DeviceStore; readonly now: () => Date }): {
  list: ShallowRef<WaitingList>;
  loaded: Ref<boolean>;
  clock: Ref<Date>;
  reload: () => Promise<void>;
} {
  const list = shallowRef<WaitingList>(EMPTY_WAITING);
  const loaded = ref(false);
  const clock = ref(p.now());
  let generation = 0;
  async function reload() {
    const mine = ++generation;
    const next = await loadWaiting(p.docs, p.device);
    // Reloads overlap when many changes arrive at once: only the latest may set the list.
    if (mine !== generation) return;
    list.value = next;
    loaded.value = true;
    clock.value = p.now();
  }
  let stop: (() => void) | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    void reload();
    stop = p.docs.onChange((ids) => {
      if (ids.some((id) => id.startsWith('followup:'))) void reload();
    });
    ticker = setInterval(() => (clock.value = p.now()), CLOCK_MS);
  });
  onBeforeUnmount(() => {
    stop?.();
    clearInterval(ticker);
  });
  return { list, loaded, clock, reload };
}
