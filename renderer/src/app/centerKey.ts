/**
 * The center key on this kiosk (issue 14), as app state. The keys live in the device's own
 * store (Dexie, never synced) and in the keyring the PouchDocStore seals and opens with.
 * The center database holds only the key wrapped under the recovery code (`centerKey`
 * documents), so a joining or replacement kiosk gets the key by typing the code printed at
 * setup. Staff PINs unlock the kiosk, never the key.
 *
 *   ok           this kiosk holds the center's current key
 *   missing      the center has a key this kiosk does not hold: private records cannot be
 *                read here until the recovery code is typed (Settings → 加密)
 *   not-enabled  a center from before encryption: an administrator turns it on, which
 *                writes the key and encrypts the records already there (migration)
 *
 * Migration and rotation re-write documents in pages in the background, with progress:
 * a private document in clear (or sealed under an older key) is sealed under the current key.
 *
 * Migration at the first start of this version (a center from before encryption): the kiosk
 * starts unattended, so it goes on working as before (private records written in clear) until
 * an administrator unlocks staff mode, where the migration is a blocking task
 * (features/settings/EncryptionUpgrade.vue): a backup first, then the new key's recovery code
 * shown until the administrator confirms it is written down, then the records sealed with
 * progress. The key and its code are kept on the device as *pending* until that confirmation,
 * so a kiosk closed while the code is on screen shows the same code again, and nothing is
 * sealed under a key whose code nobody has. Once confirmed, the key is current and the
 * sealing resumes at each start until a full pass has finished (`sealedFor`); each document
 * is written whole (clear or sealed, never half).
 */
import { shallowRef, type ShallowRef } from 'vue';
import {
  CenterKeyring,
  WrongRecoveryCodeError,
  exportCenterKey,
  generateCenterKey,
  importCenterKey,
  newRecoveryCode,
  unwrapCenterKey,
  wrapCenterKey,
  type CenterKey,
  type WrappedCenterKey,
} from '@sync/crypto/centerKey';
import { needsSealing } from '@sync/crypto/sealDoc';
import { countyKeyFingerprint, escrowCenterKey } from '@sync/crypto/escrow';
import { isSealed, SCHEMA_VERSION, type CenterKeyDoc } from '@sync/schema/documents';
import { prefixRange } from '@sync/schema/ids';
import type { DeviceStore } from '../storage/ports';
import type { PouchDocStore } from '../storage/pouch/PouchDocStore';

export type KeyStatus = 'ok' | 'missing' | 'not-enabled';
export const CENTER_KEY_PREFIX = 'centerkey:';
const DEVICE_SECRET = 'center-keys';
/** A migration's key and code between "code shown" and "administrator confirmed" (never synced). */
const PENDING_SECRET = 'center-key-pending';
const PAGE = 250;

interface StoredKeys {
  readonly current: string | null;
  readonly keys: readonly string[];
  /** The key id the last full re-encryption pass finished for (so a start does not scan again). */
  readonly sealedFor: string | null;
}

export interface ResealProgress {
  readonly done: number;
  readonly total: number;
  readonly written: number;
}

export interface KeyState {
  readonly keyring: CenterKeyring;
  readonly status: ShallowRef<KeyStatus>;
  /** A migration or rotation under way (null when none). */
  readonly progress: ShallowRef<ResealProgress | null>;
  /** Reads the keys kept on this device and decides the status. */
  load(): Promise<void>;
  refreshStatus(): Promise<void>;
  /**
   * A new center key, made current on this kiosk and kept on the device, with its recovery code and the
   * `centerKey` document that carries it wrapped (written only when `centerId` is given).
   */
  create(centerId: string | null, deviceId: string, now?: Date): Promise<{ key: CenterKey; code: string }>;
  /** Writes the wrapped key for a key made before the center existed (setup). */
  publish(key: CenterKey, code: string, centerId: string, deviceId: string, now?: Date): Promise<void>;
  /** Opens the center key with a recovery code; `wrapped` defaults to the `centerKey` documents here. @throws WrongRecoveryCodeError */
  recover(code: string, wrapped?: readonly WrappedCenterKey[]): Promise<void>;
  /** Seals every private document not sealed under the current key, in pages. @returns how many were written */
  resealAll(): Promise<number>;
  /** Drops every key from this kiosk (a join that failed after its recovery code was accepted). */
  forget(): Promise<void>;
  /** A new key and recovery code; the old one is marked retired and the records re-encrypted in the background. */
  rotate(centerId: string, deviceId: string): Promise<{ code: string; done: Promise<number> }>;
  /** Whether this center still needs its migration: no key at all, and a private record in clear. */
  migrationDue(): Promise<boolean>;
  /** The migration's recovery code: the pending one kept on this device, or a new one (kept pending). Nothing is sealed yet. */
  pendingMigrationCode(): Promise<string>;
  /**
   * The administrator confirmed the pending code is on paper: the key becomes current and is published
   * wrapped under it, and the records are sealed in the background. @returns when the sealing is done, how many were written
   * @throws Error when there is no pending code (pendingMigrationCode first)
   */
  confirmMigration(centerId: string, deviceId: string): Promise<{ done: Promise<number> }>;
  /**
   * A key received from another kiosk of the center (app/keyPairing.ts): kept, and made current, only
   * when it is one of the center's live keys (its id is on a `centerKey` document that is not retired).
   * @returns false when it is not (nothing is kept)
   */
  adopt(key: CenterKey): Promise<boolean>;
  /**
   * County escrow (sync/crypto/escrow.ts): the current key encrypted to each county recovery key
   * the center database holds, written once per key and county key. @returns how many escrows were written
   */
  ensureEscrow(centerId: string, deviceId: string): Promise<number>;
  /** How many private records are stored here in clear or under an older key (Settings shows it; the migration test reads it). */
  countUnsealed(): Promise<number>;
}

function asWrapped(d: CenterKeyDoc): WrappedCenterKey {
  return { keyId: d.keyId, kdf: d.kdf, wrap: d.wrap, wrapped: d.wrapped };
}

/**
 * Where the private types' documents are (sync/schema/ids.ts), most telling first: a center
 * from before encryption has children's private records in clear if it has anything.
 * centerKey.test.ts checks every type of PRIVATE_FIELDS is covered.
 */
export const PRIVATE_ID_PREFIXES = ['private:child:', 'child:', 'consent:', 'followup:', 'private:answers:', 'activity:', 'private:activity-photos:', 'transfer:', 'private:fmsg:', 'private:freply:', 'private:call-plan:'] as const;

export function createKeyState(device: DeviceStore, docs: PouchDocStore, keyring = new CenterKeyring()): KeyState {
  const status = shallowRef<KeyStatus>('not-enabled');
  const progress = shallowRef<ResealProgress | null>(null);
  docs.keyring = keyring;
  let sealedFor: string | null = null;

  async function save(): Promise<void> {
    const stored: StoredKeys = { current: keyring.current?.id ?? null, keys: await Promise.all(keyring.all().map(exportCenterKey)), sealedFor };
    await device.setSecret(DEVICE_SECRET, JSON.stringify(stored));
  }

  async function wrappedDocs(): Promise<CenterKeyDoc[]> {
    return docs.list('centerKey', CENTER_KEY_PREFIX);
  }

  /** Visits the stored documents of `range` a page at a time; `visit` returning true stops. */
  async function scan(visit: (rows: object[]) => boolean | Promise<boolean>, range: { startkey: string; endkey: string }): Promise<void> {
    let startkey = range.startkey;
    for (;;) {
      const page = await docs.db.allDocs({ include_docs: true, limit: PAGE + 1, startkey, endkey: range.endkey });
      const rows = page.rows.slice(0, PAGE).flatMap((r) => (r.doc ? [r.doc as object] : []));
      if (await visit(rows)) return;
      if (page.rows.length <= PAGE) return;
      startkey = page.rows[PAGE]!.id;
    }
  }
  /** The keys kept on this device, into the keyring. */
  async function restore(): Promise<void> {
    const text = await device.getSecret(DEVICE_SECRET);
    if (!text) return;
    try {
      const stored = JSON.parse(text) as StoredKeys;
      for (const k of stored.keys) keyring.add(await importCenterKey(k), false);
      if (stored.current && keyring.get(stored.current)) keyring.add(keyring.get(stored.current)!, true);
      sealedFor = stored.sealedFor ?? null;
    } catch (e) {
      console.error('centerKey: the keys kept on this device could not be read', e);
    }
  }
  const stale = (d: object, currentId: string | undefined) => needsSealing(d) || (isSealed(d) && (d as { enc?: { k?: string } }).enc?.k !== currentId);
  let resealing: Promise<number> | null = null;

  const state: KeyState = {
    keyring,
    status,
    progress,
    async forget() {
      keyring.clear();
      sealedFor = null;
      await save();
      await state.refreshStatus();
    },
    async load() {
      const restored = restore();
      // Reads of sealed records started meanwhile wait for these keys rather than skip the records.
      docs.keysLoaded = restored.catch(() => undefined);
      await restored;
      await state.refreshStatus();
      // A key this kiosk holds but has not yet sealed every record under (an interrupted migration or rotation).
      if (status.value === 'ok' && keyring.current && sealedFor !== keyring.current.id) void state.resealAll().catch((e: unknown) => console.error('centerKey: re-encryption stopped', e));
    },
    async refreshStatus() {
      const wrapped = await wrappedDocs();
      const live = wrapped.filter((w) => !w.retired);
      if (wrapped.length === 0) status.value = keyring.current ? 'ok' : 'not-enabled';
      else if (live.some((w) => keyring.get(w.keyId))) {
        // A rotation on another kiosk whose new key this kiosk already holds: write under it.
        const newest = live.filter((w) => keyring.get(w.keyId)).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0]!;
        if (keyring.current?.id !== newest.keyId) keyring.add(keyring.get(newest.keyId)!, true);
        status.value = live.every((w) => keyring.get(w.keyId)) ? 'ok' : 'missing';
      } else status.value = 'missing';
    },
    async create(centerId, deviceId, now = new Date()) {
      const key = await generateCenterKey();
      const code = newRecoveryCode();
      keyring.add(key, true);
      sealedFor = null;
      await save();
      if (centerId) await state.publish(key, code, centerId, deviceId, now);
      status.value = 'ok';
      return { key, code };
    },
    async publish(key, code, centerId, deviceId, now = new Date()) {
      const w = await wrapCenterKey(key, code);
      const at = now.toISOString();
      await docs.put({
        _id: `${CENTER_KEY_PREFIX}${key.id}`, type: 'centerKey', centerId, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId,
        keyId: w.keyId, kdf: w.kdf, wrap: w.wrap, wrapped: w.wrapped, retired: false,
      });
    },
    async recover(code, wrapped) {
      const candidates = wrapped ?? (await wrappedDocs()).filter((w) => !w.retired).map(asWrapped);
      if (candidates.length === 0) throw new WrongRecoveryCodeError('this center has no key to recover');
      let opened: CenterKey | null = null;
      for (const w of candidates) {
        try {
          opened = await unwrapCenterKey(w, code);
          break;
        } catch (e) {
          if (!(e instanceof WrongRecoveryCodeError)) throw e;
        }
      }
      if (!opened) throw new WrongRecoveryCodeError('the recovery code does not open this center key');
      keyring.add(opened, true);
      await save();
      await state.refreshStatus();
    },
    resealAll() {
      // One pass at a time: the pass resumed at start and one started from Settings share it.
      resealing ??= resealPass().finally(() => (resealing = null));
      return resealing;
    },
    async migrationDue() {
      if (keyring.current || (await wrappedDocs()).length > 0) return false;
      // Only the private types' id ranges, the children's private records first: the whole
      // database is ~270,000 documents, most of them attendance and mood check-ins (issue 19).
      let found = false;
      for (const prefix of PRIVATE_ID_PREFIXES) {
        await scan((rows) => (found = rows.some(needsSealing)), prefixRange(prefix));
        if (found) return true;
      }
      return false;
    },
    async pendingMigrationCode() {
      const text = await device.getSecret(PENDING_SECRET);
      if (text) {
        try {
          const pending = JSON.parse(text) as { key: string; code: string };
          await importCenterKey(pending.key);
          return pending.code;
        } catch (e) {
          console.error('centerKey: the pending migration key could not be read; a new one is made', e);
        }
      }
      const key = await generateCenterKey();
      const code = newRecoveryCode();
      await device.setSecret(PENDING_SECRET, JSON.stringify({ key: await exportCenterKey(key), code }));
      return code;
    },
    async confirmMigration(centerId, deviceId) {
      const text = await device.getSecret(PENDING_SECRET);
      if (!text) throw new Error('no pending migration key');
      const pending = JSON.parse(text) as { key: string; code: string };
      const key = await importCenterKey(pending.key);
      keyring.add(key, true);
      sealedFor = null;
      // The key is kept as this kiosk's own before it is published or used, so a close from here on resumes, never loses it.
      await save();
      await state.publish(key, pending.code, centerId, deviceId);
      await device.setSecret(PENDING_SECRET, null);
      await state.refreshStatus();
      return { done: state.resealAll() };
    },
    async adopt(key) {
      const live = (await wrappedDocs()).filter((w) => !w.retired);
      if (!live.some((w) => w.keyId === key.id)) return false;
      keyring.add(key, true);
      await save();
      await state.refreshStatus();
      return true;
    },
    async ensureEscrow(centerId, deviceId) {
      const key = keyring.current;
      if (!key) return 0;
      let n = 0;
      for (const county of await docs.list('countyRecoveryKey', 'countyrecovery:')) {
        const id = `escrow:${key.id}:${county.fingerprint.replace(/-/g, '')}`;
        if (await docs.get('centerKeyEscrow', id)) continue;
        // The fingerprint is recomputed, never taken from the document: it is what staff compare with county IT's.
        if ((await countyKeyFingerprint(county.publicKey)) !== county.fingerprint) continue;
        const e = await escrowCenterKey(centerId, key, county.publicKey);
        const at = new Date().toISOString();
        await docs.put({ _id: id, type: 'centerKeyEscrow', centerId, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId, keyId: e.keyId, countyKeyId: e.countyKeyId, alg: e.alg, ct: e.ct });
        n++;
      }
      return n;
    },
    async countUnsealed() {
      const currentId = keyring.current?.id;
      let n = 0;
      for (const prefix of PRIVATE_ID_PREFIXES)
        await scan((rows) => {
          n += rows.filter((d) => stale(d, currentId)).length;
          return false;
        }, prefixRange(prefix));
      return n;
    },
    async rotate(centerId, deviceId) {
      const before = (await wrappedDocs()).filter((w) => !w.retired);
      const { code } = await state.create(centerId, deviceId);
      const at = new Date().toISOString();
      for (const w of before) await docs.put({ ...w, retired: true, updatedAt: at, deviceId });
      return { code, done: state.resealAll() };
    },
  };

  /**
   * Only the private types' id ranges are read (PRIVATE_ID_PREFIXES: a test checks every private
   * type is covered): at a big center they are a few thousand of ~270,000 documents, the rest
   * being attendance and mood check-ins that never need sealing (issue 14 at issue 19's size).
   */
  async function resealPass(): Promise<number> {
    const current = keyring.current;
    if (!current) return 0;
    const db = docs.db;
    const ranges = PRIVATE_ID_PREFIXES.map((p) => prefixRange(p));
    // The progress's total: the ids in those ranges (keys only, no bodies read).
    let total = 0;
    for (const r of ranges) total += (await db.allDocs(r)).rows.length;
    let done = 0;
    let written = 0;
    progress.value = { done, total, written };
    try {
      for (const range of ranges)
        await scan(async (rows) => {
          const todo = rows.filter((d) => stale(d, current.id));
          if (todo.length > 0) {
            const sealed = await Promise.all(todo.map(async (d) => docs.seal(await docs.open(d)).catch(() => null)));
            const res = await db.bulkDocs(sealed.filter((d): d is object => d !== null) as PouchDB.Core.PutDocument<object>[]);
            // A document edited meanwhile (409) was written by an up-to-date kiosk, sealed already.
            written += res.filter((r) => 'ok' in r && r.ok).length;
          }
          done += rows.length;
          progress.value = { done: Math.min(done, total), total, written };
          return false;
        }, range);
      sealedFor = current.id;
      await save();
      return written;
    } finally {
      progress.value = null;
    }
  }
  return state;
}
