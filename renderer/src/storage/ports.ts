/**
 * Storage ports. Features talk to these interfaces; the composition root
 * (main.ts) hands them the PouchDB and Dexie adapters, tests hand them the
 * in-memory fakes in ./memory or the real adapters over fake-indexeddb.
 *
 * DocStore holds what is shared and synced (the documents in sync/schema).
 * DeviceStore holds what belongs to this device only and is never synced.
 */
import type { AnyDoc, DocOf, DocType } from '@sync/schema/documents';
import type { Locale } from '@sync/schema/vocab';

/** A document written by another writer since it was read; the caller re-reads and retries. */
export class ConflictError extends Error {
  override name = 'ConflictError';
  constructor(readonly docId: string) {
    super(`document ${docId} was changed by someone else`);
  }
}

/** The device's storage is full or refused the write; nothing was saved. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

export interface BulkResult {
  readonly written: number;
  readonly failed: readonly { id: string; reason: string }[];
}

/** A stored document failed its schema; it is skipped and reported, never shown half-valid. */
export interface InvalidStoredDoc {
  readonly id: string;
  readonly reason: string;
}

export interface DocStore {
  /** @returns null when there is no such (undeleted) document. @throws InvalidDocumentError when it fails the schema. */
  get<K extends DocType>(type: K, id: string): Promise<DocOf<K> | null>;
  /** Every valid document of `type` whose id starts with `prefix`, in id order; invalid ones go to onInvalid. */
  list<K extends DocType>(type: K, prefix: string): Promise<DocOf<K>[]>;
  /** The valid documents among `ids` (missing ones are left out), in the order given: one read for many known ids. */
  getMany<K extends DocType>(type: K, ids: readonly string[]): Promise<DocOf<K>[]>;
  /** Every valid document of `type` with an id in [startkey, endkey], in id order (e.g. a date range of `att:` ids). */
  listRange<K extends DocType>(type: K, startkey: string, endkey: string): Promise<DocOf<K>[]>;
  /** Validates and writes; returns the document with its new revision. @throws ConflictError, InvalidDocumentError, StorageFullError */
  put<K extends DocType>(doc: DocOf<K>): Promise<DocOf<K>>;
  /**
   * Read-modify-write with retry on conflict: `change` gets the current
   * document (or null) and returns the new one, or null to write nothing.
   */
  update<K extends DocType>(type: K, id: string, change: (current: DocOf<K> | null) => DocOf<K> | null): Promise<DocOf<K> | null>;
  /**
   * `update` without its first read, for a caller that holds the document as it was stored when
   * it last read it (issue 19: the kiosk's check-in, which knows today's attendance). `expected`
   * is that document (null: there was none); `change` is applied to it and the result written
   * with its revision. When the store holds anything else — another kiosk or the sync wrote
   * since — the revision check refuses the write and this falls back to `update`, applying
   * `change` to what is stored: never a blind overwrite. `change` may so be called more than once.
   */
  updateFrom<K extends DocType>(type: K, id: string, expected: DocOf<K> | null, change: (current: DocOf<K> | null) => DocOf<K> | null): Promise<DocOf<K> | null>;
  /**
   * Deletes a document, keeping `type` and `centerId` on the tombstone so the
   * county copy learns of the delete (DESIGN.md). No-op when it does not exist.
   */
  remove(type: DocType, id: string): Promise<void>;
  /** Validates every document first and writes none if any is invalid; new documents only. */
  bulkCreate(docs: readonly AnyDoc[]): Promise<BulkResult>;
  /**
   * The content of attachment `name` of document `docId` (a family message's recording or
   * drawing), decrypted when it was stored sealed (issue 14). @throws when there is none, or
   * it cannot be opened on this kiosk (CenterKeyMissingError, TamperedCiphertextError)
   */
  openAttachment(docId: string, name: string): Promise<Blob>;
  /** Subscribes to changes of any document (local writes and replication alike). Returns an unsubscribe. */
  onChange(listener: (ids: readonly string[]) => void): () => void;
  /**
   * Runs `work` (one that writes thousands of documents: a joining kiosk's first stage) with the
   * change listeners held: they hear of its changes when it ends, all of them at once, instead of
   * reading each back as it is written. `written` names the documents the work wrote, when it
   * knows them: if they are every change made meanwhile, the listeners are told those ids without
   * reading anything back; otherwise the changes are read from where the hold began.
   */
  holdingChanges<T>(work: () => Promise<T>, written?: (result: T) => readonly string[]): Promise<T>;
  /** Number of documents (for status screens). */
  count(): Promise<number>;
}

export interface DeviceSettings {
  readonly deviceId: string;
  readonly centerId: string | null;
  readonly locale: Locale;
  /** Full-screen kiosk lock (Electron) or browser full screen. */
  readonly kioskFullscreen: boolean;
  readonly readAloud: boolean;
  /** Start Tongxin in kiosk mode when the computer's user logs in (Electron on Windows). */
  readonly startAtLogin: boolean;
  /** The county server this kiosk syncs with (null: not set up), and the center's sync account name. */
  readonly syncUrl: string | null;
  readonly syncUser: string | null;
  /** A soft chime on the kiosk home while a child's request waits for an adult (off unless the center turns it on). */
  readonly waitingSound: boolean;
}

export interface AuditEntry {
  readonly at: string;
  readonly staffId: string | null;
  readonly action: string;
  readonly detail: string;
}

/** A conflict the sync settled by rule (sync/client/conflicts.ts), kept for an admin to review. */
export interface ConflictLogEntry {
  readonly id: number;
  readonly at: string;
  readonly docId: string;
  readonly docType: string;
  readonly rule: 'merged' | 'latest-wins';
  /** The document as settled, and the revisions it replaced, as they were. */
  readonly result: Readonly<Record<string, unknown>>;
  readonly replaced: readonly Readonly<Record<string, unknown>>[];
  readonly reviewedAt: string | null;
  readonly reviewedBy: string | null;
}

/**
 * Something that happened at the kiosk that an adult in the room must see: a child
 * who failed the picture code three times, whose check-in was refused, or a young child who
 * tried to check out alone (the center's pick-up rule). Device-local:
 * it is about this kiosk's room, and it holds no answers.
 */
export interface KioskAlert {
  readonly id: number;
  readonly at: string;
  readonly kind: 'code-failed' | 'checkin-blocked' | 'pickup-needed';
  readonly childId: string;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
}

export interface PinAttempts {
  readonly failures: number;
  readonly lastFailureAt: number | null;
}

export interface DeviceStore {
  getSettings(): Promise<DeviceSettings>;
  saveSettings(patch: Partial<Omit<DeviceSettings, 'deviceId'>>): Promise<DeviceSettings>;
  appendAudit(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void>;
  /** Newest first. */
  listAudit(limit: number): Promise<AuditEntry[]>;
  appendKioskAlert(entry: Pick<KioskAlert, 'at' | 'kind' | 'childId'>): Promise<void>;
  /** Unresolved alerts, oldest first. */
  listKioskAlerts(): Promise<KioskAlert[]>;
  resolveKioskAlert(id: number, staffId: string | null): Promise<void>;
  getPinAttempts(): Promise<PinAttempts>;
  savePinAttempts(state: PinAttempts): Promise<void>;
  appendConflict(entry: Omit<ConflictLogEntry, 'id' | 'reviewedAt' | 'reviewedBy'>): Promise<void>;
  /** Newest first; unreviewed only unless `all`. */
  listConflicts(limit: number, all?: boolean): Promise<ConflictLogEntry[]>;
  markConflictReviewed(id: number, staffId: string | null): Promise<void>;
  /** A device-local secret (sync credentials where Electron safeStorage is missing). */
  getSecret(key: string): Promise<string | null>;
  setSecret(key: string, value: string | null): Promise<void>;
}

/** Issue 9: a coordinator device's own settings (never a center's records). The password itself goes to the OS keychain through the bridge. */
export interface CoordinatorSettings {
  readonly url: string;
  readonly username: string;
  readonly countyId: string;
  /** PBKDF2 of the coordinator's password, to unlock the dashboard offline after the inactivity lock. */
  readonly unlockHash: PinHashLike;
  /** The county's name for titles: set by the coordinator on this device, or `serverCountyName`. */
  readonly countyName?: string;
  /** The county's name as the centers entered it, read at sign-in. */
  readonly serverCountyName?: string;
}
export interface PinHashLike {
  readonly alg: 'PBKDF2-SHA256';
  readonly iterations: number;
  readonly salt: string;
  readonly hash: string;
}

/** What a coordinator device keeps: its account settings and the last dashboard results (view rows only), for offline viewing. */
export interface CountyStore {
  getCoordinator(): Promise<CoordinatorSettings | null>;
  saveCoordinator(settings: CoordinatorSettings | null): Promise<void>;
  /** @returns the cached value, or null. */
  getCached<T>(key: string): Promise<T | null>;
  setCached(key: string, value: unknown): Promise<void>;
  /** Everything cached (for the "no names stored" check and for forgetting). */
  clearCache(): Promise<void>;
}
