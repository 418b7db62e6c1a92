/**
 * The center's children, joined with their private records and consent
 * events, kept in memory for the kiosk grid, the register and search. Loaded
 * once, then reloaded (debounced) when a child, private record or consent
 * changes — locally or by replication.
 */
import { shallowRef, type ShallowRef } from 'vue';
import type { ChildDoc, ChildPrivateDoc, ConsentDoc } from '@sync/schema/documents';
import { PRIVATE_PREFIX } from '@sync/schema/ids';
import { byCodeUnits, phoneDigits, type SearchEntry } from '@/domain/search';
import { familyReading } from '@/domain/surnames';
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

/** Makes a child's search index entry: domain/pinyin.ts's `indexEntry`, or the quick one below. */
type Indexer = (childId: string, name: string, displayName: string, grade: number, phones: readonly string[]) => SearchEntry;
type PinyinModule = typeof import('@/domain/pinyin');

let pinyinModule: Promise<PinyinModule> | null = null;
/** The pinyin dictionary's chunk (~290 KB), fetched and evaluated once, at the first call. */
function loadPinyin(): Promise<PinyinModule> {
  pinyinModule ??= import('@/domain/pinyin').catch((e: unknown) => {
    pinyinModule = null; // a later call tries again
    throw e;
  });
  return pinyinModule;
}

/**
 * The first screen's entry (issue 19: cold start): the family name's reading from the table of
 * common surnames (domain/surnames.ts), no initials or full spelling yet. It orders the kiosk
 * home's family names exactly as the full entry does; search needs the full one. Null when the
 * table does not know the family name.
 */
function quickEntry(childId: string, name: string, displayName: string, grade: number, phones: readonly string[]): SearchEntry | null {
  const family = familyReading(name);
  if (family === null) return null;
  return { childId, name, displayName, grade, initials: '', spelled: family, family, phones: phones.map(phoneDigits).filter((p) => p.length > 0) };
}

interface RosterDocs {
  readonly children: readonly ChildDoc[];
  readonly privates: readonly ChildPrivateDoc[];
  readonly consents: readonly ConsentDoc[];
}

async function readRosterDocs(docs: DocStore): Promise<RosterDocs> {
  const [children, privates, consents] = await Promise.all([docs.list('child', 'child:'), docs.list('childPrivate', `${PRIVATE_PREFIX}child:`), docs.list('consent', 'consent:')]);
  return { children, privates, consents };
}

/** The roster from its documents, each child's search entry made by `index`; null when `index` cannot make one. */
function joinRoster({ children, privates, consents }: RosterDocs, index: (...args: Parameters<Indexer>) => SearchEntry | null): RosterEntry[] | null {
  const privById = new Map(privates.map((p) => [p.childId, p]));
  const consentsById = new Map<string, ConsentDoc[]>();
  for (const c of consents) {
    const list = consentsById.get(c.childId);
    if (list) list.push(c);
    else consentsById.set(c.childId, [c]);
  }
  const entries: RosterEntry[] = [];
  for (const child of children) {
    const childId = childIdOf(child);
    const priv = privById.get(childId) ?? null;
    const name = priv?.fullName ?? '?';
    // A child without a private record has no family name to order by: the home puts '?' last whatever its reading.
    const search = priv ? index(childId, name, priv.displayName, child.grade, priv.guardians.map((g) => g.phone)) : { childId, name, displayName: name, grade: child.grade, initials: '', spelled: '', family: '', phones: [] };
    if (!search) return null;
    entries.push({ childId, child, priv, consents: consentsById.get(childId) ?? [], search });
  }
  return entries.sort((a, b) => a.child.grade - b.child.grade || byCodeUnits(a.search.spelled, b.search.spelled));
}

/** The roster with every child's full search index entry (pinyin initials and spelling). */
export async function loadRoster(docs: DocStore): Promise<RosterEntry[]> {
  const [{ indexEntry }, read] = await Promise.all([loadPinyin(), readRosterDocs(docs)]);
  return joinRoster(read, indexEntry)!;
}

export interface RosterState {
  readonly entries: ShallowRef<readonly RosterEntry[]>;
  readonly loaded: ShallowRef<boolean>;
  /**
   * Whether every entry carries its full search index entry (pinyin initials and spelling). The
   * first load may publish the roster before (issue 19: the kiosk home needs only the family
   * names' readings); search is right only once this is true — pages that search wait for it
   * (`whenIndexed`, the router's guard).
   */
  readonly indexed: ShallowRef<boolean>;
  reload(): Promise<void>;
  /** Resolves when the roster is loaded with its full search index, starting the first load if none has started; rejects if the dictionary cannot be loaded. */
  whenIndexed(): Promise<void>;
  byId(childId: string): RosterEntry | undefined;
}

const WATCHED = ['child:', `${PRIVATE_PREFIX}child:`, 'consent:'];
const DEBOUNCE_MS = 150;

/** After the frame that draws what was just published: the browser paints first. */
function afterNextPaint(run: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(run, 0));
  else setTimeout(run, 0);
}

/**
 * `loadIndex`: how the full search index entries are made (tests hold it back to see the roster
 * before it). Until the dictionary has been loaded once, a load publishes the roster with the
 * quick entries (family readings from domain/surnames.ts) and indexes it right after the screen
 * is drawn; a roster with a family name the table does not know waits for the dictionary.
 */
export function createRosterState(docs: DocStore, options: { loadIndex?: () => Promise<Indexer> } = {}): RosterState {
  const loadIndex = options.loadIndex ?? (() => loadPinyin().then((m) => m.indexEntry));
  const entries = shallowRef<readonly RosterEntry[]>([]);
  const loaded = shallowRef(false);
  const indexed = shallowRef(false);
  // A ref, so computed values that look children up by id update with the roster.
  const index = shallowRef(new Map<string, RosterEntry>());
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The first load in flight: the boot starts it and the first screen asks for it again; one read serves both. */
  let first: Promise<void> | null = null;
  /** The full index entries' maker, once loaded. */
  let indexer: Indexer | null = null;
  /** The documents of the roster published with quick entries, waiting to be indexed. */
  let unindexed: RosterDocs | null = null;
  let indexing: Promise<void> | null = null;
  let waiters: { resolve(): void; reject(e: unknown): void }[] = [];
  const state: RosterState = {
    entries,
    loaded,
    indexed,
    reload() {
      if (!loaded.value) return (first ??= load().finally(() => (first = null)));
      return load();
    },
    whenIndexed() {
      if (indexed.value) return Promise.resolve();
      const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      if (!loaded.value) void state.reload().catch((e: unknown) => settle(e));
      else if (unindexed) void indexLatest();
      return done;
    },
    byId: (childId) => index.value.get(childId),
  };
  function settle(error?: unknown) {
    const all = waiters;
    waiters = [];
    for (const w of all) {
      if (error === undefined) w.resolve();
      else w.reject(error);
    }
  }
  function publish(next: readonly RosterEntry[], full: boolean) {
    index.value = new Map(next.map((e) => [e.childId, e]));
    entries.value = next;
    indexed.value = full;
    if (!loaded.value) performance.mark('tongxin:roster-ready');
    loaded.value = true;
    if (full) settle();
  }
  /** Indexes the roster last published with quick entries (one run at a time). */
  function indexLatest(): Promise<void> {
    indexing ??= (async () => {
      try {
        indexer = await loadIndex();
        // A load that started meanwhile publishes with the indexer itself; this indexes what is shown.
        if (unindexed) publish(joinRoster(unindexed, indexer)!, true);
        unindexed = null;
      } catch (e) {
        console.warn('roster: search index not built', e);
        settle(e);
      } finally {
        indexing = null;
      }
    })();
    return indexing;
  }
  let generation = 0;
  let latest: Promise<void> = Promise.resolve();
  function load(): Promise<void> {
    const mine = ++generation;
    latest = (async () => {
      const read = await readRosterDocs(docs);
      // Once the dictionary is here, every load indexes in full; before, the quick entries do,
      // unless a family name is one the table does not know.
      const quick = indexer ? null : joinRoster(read, quickEntry);
      const next = quick ?? joinRoster(read, indexer ?? (indexer = await loadIndex()))!;
      // Loads overlap when changes arrive during one: only the latest read shows, and an
      // earlier caller waits for it (so whoever awaited a reload finds the roster loaded).
      if (mine !== generation) return latest;
      unindexed = quick ? read : null;
      publish(next, !quick);
      if (quick) afterNextPaint(() => void indexLatest());
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
