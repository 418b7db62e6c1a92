/**
 * The kiosk's replication with its center database on the county server, as
 * a named state machine:
 *
 *   stopped ──start()──▶ connecting ──▶ active ⇄ idle (up to date)
 *                           │   ▲                      │
 *                           ▼   │ retry (backoff)      ▼
 *                        offline ◀──── network error ──┘
 *   any ──401/403 on the database──▶ denied (stays until credentials change)
 *
 * It runs PouchDB's live two-way sync and restarts it on the browser's
 * `online` event, on a timer, and after an error with exponential backoff.
 * On HTTP 413 (request too large) the batch size halves. Documents the
 * server refuses (validate_doc_update: forbidden, invalid) are collected with
 * the reason and do not stop the rest. Conflicts that arrive are settled by
 * the rules in conflicts.ts. The replication id depends only on the two
 * databases and these fixed options, so the checkpoint survives restarts.
 */
import { resolveConflicts, type ConflictResolution } from './conflicts';
import { initialPull } from './initialPull';
import { rememberPushId, unsentIds } from './acknowledged';

export const RETRY_BASE_MS = 5_000;
export const RETRY_MAX_MS = 5 * 60_000;
/** Even when idle, restart every so often: some network changes fire no `online` event. */
export const RESTART_EVERY_MS = 10 * 60_000;
/** Measured in bench/suites/sync.ts: larger batches cut round trips on slow links. */
export const DEFAULT_BATCH_SIZE = 500;
export const MIN_BATCH_SIZE = 10;
/** A kiosk clock this far from the server's is reported. */
export const CLOCK_SKEW_WARN_MS = 5 * 60_000;

export type SyncState = 'stopped' | 'connecting' | 'active' | 'idle' | 'offline' | 'denied';

export interface RejectedDoc {
  readonly id: string;
  readonly reason: string;
}

export interface SyncStatus {
  readonly state: SyncState;
  /** Local changes the server has not acknowledged yet (null before the first count). */
  readonly pendingUp: number | null;
  readonly lastSyncedAt: string | null;
  /** The last error in words (English detail; the UI maps the kind to its own language). */
  readonly lastError: { readonly kind: 'unreachable' | 'wrong-password' | 'forbidden' | 'too-large' | 'server'; readonly detail: string } | null;
  readonly rejected: readonly RejectedDoc[];
  /** Server time minus device time, from the last response's Date header. */
  readonly clockSkewMs: number | null;
  readonly batchSize: number;
  /** During a fresh kiosk's first pull (initialPull.ts): documents received so far; otherwise null. */
  readonly firstPullDocs: number | null;
}

export interface ReplicationOptions {
  readonly local: PouchDB.Database;
  /** The PouchDB constructor to open the remote with (the app's, with the HTTP adapter). */
  readonly PouchDB: PouchDB.Static;
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly onStatus?: (status: SyncStatus) => void;
  readonly onConflict?: (resolution: ConflictResolution) => void;
  readonly now?: () => number;
  readonly batchSize?: number;
  /** Documents per page of a fresh kiosk's first pull (initialPull.ts). */
  readonly firstPullPageSize?: number;
}

interface HttpError {
  status?: number;
  name?: string;
  message?: string;
  reason?: string;
}

/** The HTTP Basic authorization header value for a CouchDB account (UTF-8 safe). */
export function basicAuth(username: string, password: string): string {
  return `Basic ${btoa(unescape(encodeURIComponent(`${username}:${password}`)))}`;
}

export function classifyError(e: unknown): NonNullable<SyncStatus['lastError']> {
  const err = (typeof e === 'object' && e !== null ? e : {}) as HttpError;
  const detail = err.reason ?? err.message ?? String(e);
  if (err.status === 401) return { kind: 'wrong-password', detail };
  if (err.status === 403) return { kind: 'forbidden', detail };
  if (err.status === 413) return { kind: 'too-large', detail };
  if (err.status === undefined || err.status === 0 || err.status >= 500 || /fetch|network|ECONNREFUSED|ECONNRESET|socket/i.test(detail))
    return { kind: err.status && err.status >= 500 ? 'server' : 'unreachable', detail };
  return { kind: 'server', detail };
}

/** The wait before retry number `attempt` (0-based): 5 s doubling to 5 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt);
}

/** A center database on the server through PouchDB's HTTP adapter, with Basic credentials on every request. */
export function openRemote(P: PouchDB.Static, url: string, username: string, password: string, onResponse?: (res: Response) => void): PouchDB.Database {
  const auth = basicAuth(username, password);
  return new P(url, {
    skip_setup: true,
    fetch: async (u: string | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('Authorization', auth);
      const res = await fetch(u, { ...init, headers });
      onResponse?.(res);
      return res;
    },
  } as PouchDB.Configuration.RemoteDatabaseConfiguration);
}

/**
 * Works around pouchdb-replication 9.0.0, which after every batch calls
 * `src.info()` for its progress counter without handling a failure: when the
 * connection drops at that moment the rejection goes unhandled (the
 * replication itself reports the same failure through its own `error`
 * event). After one successful answer, a failed `info()` returns the last
 * known answer instead; before that, it fails as usual.
 */
export function tolerantInfo(db: PouchDB.Database): PouchDB.Database['info'] {
  const info = db.info.bind(db);
  let last: PouchDB.Core.DatabaseInfo | null = null;
  return (async () => {
    try {
      last = await info();
      return last;
    } catch (e) {
      if (last) return last;
      throw e;
    }
  }) as PouchDB.Database['info'];
}

export class ReplicationController {
  private status: SyncStatus;
  private handle: PouchDB.Replication.Sync<object> | null = null;
  /** Set while the first pull runs (before the live sync starts). */
  private pulling: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setInterval> | undefined;
  private attempt = 0;
  private readonly remote: PouchDB.Database;
  /** The push checkpoint's id is recorded (acknowledged.ts) once the server has answered. */
  private pushIdRecorded = false;
  private readonly now: () => number;
  private readonly onOnline = () => void this.restart();

  constructor(private readonly o: ReplicationOptions) {
    this.now = o.now ?? (() => Date.now());
    this.status = { state: 'stopped', pendingUp: null, lastSyncedAt: null, lastError: null, rejected: [], clockSkewMs: null, batchSize: o.batchSize ?? DEFAULT_BATCH_SIZE, firstPullDocs: null };
    this.remote = openRemote(o.PouchDB, o.url, o.username, o.password, (res) => {
      const date = res.headers.get('Date');
      if (date) this.update({ clockSkewMs: Date.parse(date) - this.now() });
    });
    this.remote.info = tolerantInfo(this.remote);
  }

  get current(): SyncStatus {
    return this.status;
  }

  start(): void {
    if (this.handle || this.pulling) return;
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
    clearInterval(this.restartTimer);
    this.restartTimer = setInterval(() => {
      if (this.status.state === 'offline' || this.status.state === 'idle') void this.restart();
    }, RESTART_EVERY_MS);
    this.run();
  }

  async stop(): Promise<void> {
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    clearTimeout(this.retryTimer);
    clearInterval(this.restartTimer);
    this.cancelRun();
    this.update({ state: 'stopped', firstPullDocs: null });
  }

  async restart(): Promise<void> {
    if (this.status.state === 'denied') return;
    clearTimeout(this.retryTimer);
    this.cancelRun();
    this.run();
  }

  private cancelRun(): void {
    this.pulling?.abort();
    this.pulling = null;
    this.handle?.cancel();
    this.handle = null;
  }

  /** Counts local changes after the push's checkpoint (at most 10,000): what the server has not acknowledged. */
  async countPending(): Promise<number> {
    const n = (await unsentIds(this.o.local, 10_000)).length;
    this.update({ pendingUp: n });
    return n;
  }

  /** The server answered just now, so its uuid (part of the push checkpoint's id) is known: record it once. */
  private async recordPushId(): Promise<void> {
    if (this.pushIdRecorded) return;
    await rememberPushId(this.o.local, this.remote);
    this.pushIdRecorded = true;
  }

  private update(patch: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...patch };
    this.o.onStatus?.(this.status);
  }

  /** A fresh kiosk first pulls the center in large pages (initialPull.ts), then syncs live. */
  private run(): void {
    this.update({ state: 'connecting' });
    const pulling = new AbortController();
    this.pulling = pulling;
    initialPull({ local: this.o.local, remote: this.remote, pageSize: this.o.firstPullPageSize, signal: pulling.signal, onProgress: (docs) => this.update({ state: 'active', firstPullDocs: docs }) }).then(
      () => {
        if (pulling.signal.aborted) return;
        this.pulling = null;
        this.update({ firstPullDocs: null });
        this.live();
      },
      (err: unknown) => {
        if (pulling.signal.aborted) return;
        this.pulling = null;
        this.failed(err);
      },
    );
  }

  private live(): void {
    const sync = this.o.local.sync(this.remote, { live: true, retry: false, batch_size: this.status.batchSize, batches_limit: 4 });
    this.handle = sync as unknown as PouchDB.Replication.Sync<object>;
    sync
      .on('active', () => this.update({ state: 'active' }))
      .on('paused', (err) => {
        if (err) return;
        this.attempt = 0;
        this.update({ state: 'idle', lastSyncedAt: new Date(this.now()).toISOString(), lastError: null });
        void this.recordPushId().then(() => this.countPending());
      })
      .on('change', (info) => {
        // The waiting count is refreshed when sync pauses (and by the app's timer), not per batch.
        if (info.direction === 'pull') void this.settleConflicts(info.change.docs as { _id: string }[]);
        this.update({ state: 'active', lastSyncedAt: new Date(this.now()).toISOString() });
      })
      .on('denied', (err) => {
        const e = err as HttpError & { id?: string; doc?: { id?: string; name?: string; message?: string } };
        const id = e.id ?? e.doc?.id ?? '(unknown)';
        const reason = e.doc?.message ?? e.reason ?? e.message ?? 'forbidden';
        if (!this.status.rejected.some((r) => r.id === id)) this.update({ rejected: [...this.status.rejected, { id, reason }] });
      })
      .on('error', (err) => this.failed(err));
  }

  private failed(err: unknown): void {
    this.handle = null;
    const lastError = classifyError(err);
    if (lastError.kind === 'wrong-password' || lastError.kind === 'forbidden') {
      // New credentials are needed; retrying would only lock the account. Local work goes on.
      this.update({ state: 'denied', lastError });
      return;
    }
    if (lastError.kind === 'too-large' && this.status.batchSize > MIN_BATCH_SIZE) {
      this.update({ batchSize: Math.max(MIN_BATCH_SIZE, Math.floor(this.status.batchSize / 2)), lastError });
      this.run();
      return;
    }
    this.update({ state: 'offline', lastError });
    const delay = retryDelayMs(this.attempt++);
    this.retryTimer = setTimeout(() => this.run(), delay);
  }

  private async settleConflicts(docs: { _id: string }[]): Promise<void> {
    for (const d of docs) {
      try {
        const res = await resolveConflicts(this.o.local, d._id);
        if (res) this.o.onConflict?.(res);
      } catch {
        // A newer revision arrived meanwhile; the next change will settle it.
      }
    }
  }
}

export type ConnectionVerdict = 'ok' | 'unreachable' | 'wrong-password' | 'not-this-center' | 'server-too-old';

/**
 * Checks settings before saving them: the server answers, the credentials are
 * right, the database is this center's and readable, and the server is CouchDB 3+
 * (or the bundled trial server).
 */
export async function testConnection(serverUrl: string, centerId: string, username: string, password: string): Promise<{ verdict: ConnectionVerdict; detail: string }> {
  const base = serverUrl.replace(/\/+$/, '');
  const auth = basicAuth(username, password);
  let root: Response;
  try {
    root = await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    return { verdict: 'unreachable', detail: e instanceof Error ? e.message : String(e) };
  }
  const welcome = (await root.json().catch(() => ({}))) as { couchdb?: string; version?: string; 'express-pouchdb'?: string };
  if (!welcome['express-pouchdb'] && (!welcome.couchdb || Number((welcome.version ?? '0').split('.')[0]) < 3))
    return { verdict: 'server-too-old', detail: `${welcome.couchdb ?? 'unknown server'} ${welcome.version ?? ''}`.trim() };
  // Credentials first, so a wrong password is not mistaken for "not this center's database".
  const session = await fetch(`${base}/_session`, { headers: { Authorization: auth } });
  const who = (await session.json().catch(() => ({}))) as { userCtx?: { name?: string | null } };
  if (session.status === 401 || !who.userCtx?.name) return { verdict: 'wrong-password', detail: `HTTP ${session.status}` };
  const db = await fetch(`${base}/center_${centerId}`, { headers: { Authorization: auth } });
  if (db.status === 401 || db.status === 403 || db.status === 404) return { verdict: 'not-this-center', detail: `HTTP ${db.status}` };
  if (!db.ok) return { verdict: 'unreachable', detail: `HTTP ${db.status}` };
  return { verdict: 'ok', detail: `center_${centerId}` };
}

/** The center database's URL on a county server. */
export function centerDbUrl(serverUrl: string, centerId: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/center_${centerId}`;
}
