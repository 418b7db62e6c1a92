/**
 * The center's children, joined with their private records and consent
 * events, kept in memory for the kiosk grid, the register and search. Loaded
 * once, then reloaded (debounced) when a child, private record or consent
 * changes — locally or by replication.
 */
import { shallowRef, type ShallowRef } from 'vue';
import type { ChildDoc, ChildPrivateDoc, ConsentDoc } from '@sync/schema/documents';
import { PRIVATE_PREFIX } from '@sync/schema/ids';
import { byCodeUnits, type SearchEntry } from '@/domain/search';
import { childIdOf } from '@/domain/events';
import type { DocStore } from '../storage/ports';

export interface RosterEntry {
  readonly childId: string;
  readonly child: ChildDoc;
  /** Null when the private record is missing (e.g. not yet replicated): the UI shows a placeholder name. */
  readonly priv: ChildPrivateDoc | null;
  readonly consents: readonly ConsentDoc[];
  readonly search: SearchEntry;
}

export async function loadRoster(docs: DocStore): Promise<RosterEntry[]> {
  const [{ indexEntry }, children, privates, consents] = await Promise.all([
    // Loaded with the first roster, not with the first screen (issue 19: cold start).
    import('@/domain/pinyin'),
    docs.list('child', 'child:'),
    docs.list('childPrivate', `${PRIVATE_PREFIX}child:`),
    docs.list('consent', 'consent:'),
  ]);
  const privById = new Map(privates.map((p) => [p.childId, p]));
  const consentsById = new Map<string, ConsentDoc[]>();
  for (const c of consents) {
    const list = consentsById.get(c.childId);
    if (list) list.push(c);
    else consentsById.set(c.childId, [c]);
  }
  return children
    .map((child) => {
      const childId = childIdOf(child);
      const priv = privById.get(childId) ?? null;
      const name = priv?.fullName ?? '?';
      return { childId, child, priv, consents: consentsById.get(childId) ?? [], search: indexEntry(childId, name, priv?.displayName ?? name, child.grade, priv?.guardians.map((g) => g.phone) ?? []) };
    })
    .sort((a, b) => a.child.grade - b.child.grade || byCodeUnits(a.search.spelled, b.search.spelled));
}

export interface RosterState {
  readonly entries: ShallowRef<readonly RosterEntry[]>;
  readonly loaded: ShallowRef<boolean>;
  reload(): Promise<void>;
  byId(childId: string): RosterEntry | undefined;
}

const WATCHED = ['child:', `${PRIVATE_PREFIX}child:`, 'consent:'];
const DEBOUNCE_MS = 150;

export function createRosterState(docs: DocStore): RosterState {
  const entries = shallowRef<readonly RosterEntry[]>([]);
  const loaded = shallowRef(false);
  // A ref, so computed values that look children up by id update with the roster.
  const index = shallowRef(new Map<string, RosterEntry>());
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The first load in flight: the boot starts it and the first screen asks for it again; one read serves both. */
  let first: Promise<void> | null = null;
  const state: RosterState = {
    entries,
    loaded,
    reload() {
      if (!loaded.value) return (first ??= load().finally(() => (first = null)));
      return load();
    },
    byId: (childId) => index.value.get(childId),
  };
  let generation = 0;
  let latest: Promise<void> = Promise.resolve();
  function load(): Promise<void> {
    const mine = ++generation;
    latest = (async () => {
      const next = await loadRoster(docs);
      // Loads overlap when changes arrive during one: only the latest read shows, and an
      // earlier caller waits for it (so whoever awaited a reload finds the roster loaded).
      if (mine !== generation) return latest;
      index.value = new Map(next.map((e) => [e.childId, e]));
      entries.value = next;
      if (!loaded.value) performance.mark('tongxin:roster-ready');
      loaded.value = true;
    })();
    return latest;
  }
  docs.onChange((changed) => {
    if (!changed.some((id) => WATCHED.some((p) => id.startsWith(p)))) return;
    clearTimeout(timer);
    // A change during the first load is read by a load of its own, not by the one already under way.
    timer = setTimeout(() => void load(), DEBOUNCE_MS);
  });
  return state;
}
