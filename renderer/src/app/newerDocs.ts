/**
 * Documents written by a newer app than this kiosk's (sync/schema/versions.ts), counted so
 * staff see "this kiosk must be updated" with how many records wait for it.
 *
 * They can only come in from outside — replication, a bundle, a backup, a transfer — since
 * this app never writes a version it does not know. So the count follows the center
 * database's changes feed: each document changed since the last look is checked by its
 * `type` and `schemaVersion` (both in clear, sealed or not), and the set of newer ids and
 * the feed's position are kept on the device (localStorage: one small entry), so each start
 * reads only what changed since. When this app's versions change (an update), the set is
 * built again from the beginning, once, in the background: a document this app now knows
 * leaves the count. The store also reports what it meets while reading or refusing a write.
 */
import { ref, type Ref } from 'vue';
import { isNewer, versionOf, type SchemaSet } from '@sync/schema/versions';

/** Documents read per step of the scan: small enough to leave the page responsive between steps. */
export const SCAN_BATCH = 500;
const STORAGE_KEY = 'tongxin:newer-docs';

export interface NewerDocsState {
  /** How many documents here were written by a newer app. */
  readonly count: Readonly<Ref<number>>;
  /** The newest schema version met (0: none). */
  readonly newest: Readonly<Ref<number>>;
  /** A newer document met while reading or writing (PouchDocStore.onNewer). */
  note(id: string, version: number): void;
  /** Reads the changes since the last look; resolves when it has caught up. */
  refresh(): Promise<void>;
}

interface Saved {
  readonly versions: string;
  readonly since: number | string;
  readonly ids: Record<string, number>;
  /** The last look reached the end of the feed (absent in what an older app kept: taken as not). */
  readonly caughtUp?: boolean;
}

/** A place to keep the set between starts (localStorage in the app; a Map in tests). */
export interface SmallStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * `pause`: awaited before each step of a scan (the app passes app/quiet.ts whenQuiet, so a scan
 * after an update runs while nobody uses the kiosk); resolves at once by default.
 */
export function createNewerDocs(db: PouchDB.Database, schemas: SchemaSet, keep: SmallStore | null, pause: () => Promise<void> = () => Promise.resolve()): NewerDocsState {
  const versions = JSON.stringify(schemas.versions);
  let saved: Saved = { versions, since: 0, ids: {} };
  try {
    const text = keep?.getItem(STORAGE_KEY);
    const parsed = text ? (JSON.parse(text) as Saved) : null;
    // Another app version kept it: this one knows other versions, so it looks again from the start.
    if (parsed && parsed.versions === versions && typeof parsed.ids === 'object') saved = parsed;
  } catch {
    // Unreadable: built again from the start.
  }
  const ids = new Map(Object.entries(saved.ids));
  let since = saved.since;
  let caughtUp = saved.caughtUp === true && since !== 0;
  const count = ref(ids.size);
  const newest = ref(Math.max(0, ...ids.values()));
  const publish = () => {
    count.value = ids.size;
    newest.value = Math.max(0, ...ids.values());
  };
  const persist = () => {
    try {
      keep?.setItem(STORAGE_KEY, JSON.stringify({ versions, since, ids: Object.fromEntries(ids), caughtUp } satisfies Saved));
    } catch {
      // A full disk: the count is built again next start.
    }
  };
  let running: Promise<void> | null = null;
  async function scan(): Promise<void> {
    // Issue 19: each step is one IndexedDB read transaction over the documents, and a child's
    // check-in (a write to the same store) waits until it ends: a step of 500 documents held a
    // check-in 0.1–3 s on the loaded 2-core bench machine. So every step of a long read waits
    // until nobody uses the kiosk: a read from the beginning (after an update, or on a kiosk that
    // never counted) from its first step; one that did not catch up before the app stopped
    // (resumed after a restart) likewise; a look that meets more than one step of changes (a
    // large replication) from its second. Only a look at what changed since a look that caught up
    // goes at once, since it reads a few documents.
    let paced = since === 0 || !caughtUp;
    for (;;) {
      if (paced) await pause();
      const res = await db.changes({ since, limit: SCAN_BATCH, include_docs: true });
      for (const c of res.results) {
        if (!c.deleted && c.doc && isNewer(c.doc, schemas)) ids.set(c.id, versionOf(c.doc));
        else ids.delete(c.id);
      }
      since = res.last_seq;
      caughtUp = res.results.length < SCAN_BATCH;
      publish();
      persist();
      if (caughtUp) return;
      paced = true;
    }
  }
  return {
    count,
    newest,
    note(id, version) {
      if (ids.get(id) === version) return;
      ids.set(id, version);
      publish();
      // Kept at once: the banner must not wait for a scan after the next start.
      persist();
    },
    refresh() {
      running ??= scan().finally(() => (running = null));
      return running;
    },
  };
}
