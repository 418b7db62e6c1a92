/**
 * The kiosk's replication with its center database on the county server, as
 * a named state machine:
 *
 *   stopped ──start()──▶ connecting ──▶ active ⇄ idle (up to date)
 *                           │   ▲                      │
 *                           ▼   │ retry (backoff)      ▼
 *                        offline ◀──── network error, `offline` event
 *                        waiting ◀──── the server answers with an error (5xx),
 *                                      or the account is locked (CouchDB 3.4:
 *                                      403 after 5 failed logins, for 5 minutes)
 *   any ──401/403 on the database──▶ denied (retried rarely; any successful
 *                                            exchange clears it)
 *
 * The state follows every request, not only PouchDB's events: a request
 * that cannot reach the server makes the state `offline` at once, an error
 * answer makes it `waiting`, and the state is never `idle` (已同步) while the
 * last request failed. It runs PouchDB's live two-way sync and restarts it on
 * the browser's `online` event, on a timer, and after an error with
 * exponential backoff; while the browser says it is offline nothing is tried.
 * On HTTP 413 (request too large) the batch size halves. Documents the
 * server refuses (validate_doc_update: forbidden, invalid) are collected with
 * the reason and do not stop the rest. Conflicts that arrive are settled by
 * the rules in conflicts.ts. The replication id depends only on the two
 * databases and these fixed options, so the checkpoint survives restarts.
 */
import { resolveConflicts, type ConflictResolution, type DocCodec } from './conflicts';
import { initialPull } from './initialPull';
import { initialPush } from './initialPush';
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
/**
 * CouchDB 3.4 locks an account for 5 minutes (`[chttpd_auth_lockout]
 * max_lifetime = 300000`) after 5 failed logins from one address, answering
 * 403 even to the right password. Retrying sooner only meets the lock again.
 */
export const LOCKOUT_RETRY_MS = 5 * 60_000 + 15_000;
/**
 * After a wrong password (401) or a refused database (403), try again this
 * rarely: new credentials are normally needed, but an administrator may set
 * the password back on the server. One attempt per half hour from a kiosk
 * can never reach CouchDB's lockout (5 failures within 5 minutes).
 */
export const DENIED_RETRY_MS = 30 * 60_000;
/** What waits to go up is counted exactly up to this many documents; past it the chip says "100,000+". */
export const PENDING_COUNT_LIMIT = 100_000;
/** CouchDB 3.4's answer while an account is locked: 403 {"error":"forbidden","reason":"Account is temporarily locked due to multiple authentication failures"}. */
export const LOCKOUT_REASON_RE = /temporarily locked|multiple authentication failures/i;

export type SyncState = 'stopped' | 'connecting' | 'active' | 'idle' | 'offline' | 'waiting' | 'denied';

export type SyncErrorKind = 'unreachable' | 'wrong-password' | 'locked' | 'forbidden' | 'too-large' | 'server';

export interface RejectedDoc {
  readonly id: string;
  readonly reason: string;
}

export interface SyncStatus {
  readonly state: SyncState;
  /** Local changes the server has not acknowledged yet (null before the first count). */
  readonly pendingUp: number | null;
  /** True when more than PENDING_COUNT_LIMIT wait (pendingUp is then the limit, not the count). */
  readonly pendingUpCapped: boolean;
  /** When the next attempt is due after an error (ISO time), or null. */
  readonly retryAt: string | null;
  readonly lastSyncedAt: string | null;
  /** The last error in words (English detail; the UI maps the kind to its own language). */
  readonly lastError: { readonly kind: SyncErrorKind; readonly detail: string } | null;
  readonly rejected: readonly RejectedDoc[];
  /** Server time minus device time, from the last response's Date header. */
  readonly clockSkewMs: number | null;
  readonly batchSize: number;
  /** During a fresh kiosk's first pull (initialPull.ts): documents received so far; otherwise null. */
  readonly firstPullDocs: number | null;
  /**
   * During the first pull (or a joined kiosk's background history stage): how
   * many of the server's documents (tombstones included) are read, of how many
   * (null when the server did not say); null otherwise.
   */
  readonly firstPullProgress: { readonly done: number; readonly total: number | null } | null;
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
  /** Opens sealed revisions before conflicts are settled and seals the result (issue 14: PouchDocStore). */
  readonly codec?: DocCodec;
  readonly now?: () => number;
  readonly batchSize?: number;
  /** Documents per page of a fresh kiosk's first pull (initialPull.ts). */
  readonly firstPullPageSize?: number;
  /** Awaited before each page of the first pull's history is written (initialPull.ts `pace`). */
  readonly historyPace?: () => Promise<void>;
  /** A kiosk that never pushed to this server first pushes in large pages (initialPush.ts); false leaves it to the live sync (the bench's comparison). */
  readonly firstPush?: boolean;
  /** Waits before retrying after a lockout and after a refusal (tests shorten them). */
  readonly lockoutRetryMs?: number;
  readonly deniedRetryMs?: number;
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

/** True for CouchDB 3.4's answer to a locked account (403 with its reason), whatever the password. */
export function isLockout(status: number | undefined, reason: string | undefined): boolean {
  return status === 403 && LOCKOUT_REASON_RE.test(reason ?? '');
}

export function classifyError(e: unknown): NonNullable<SyncStatus['lastError']> {
  const err = (typeof e === 'object' && e !== null ? e : {}) as HttpError;
  const detail = err.reason ?? err.message ?? String(e);
  if (err.status === 401) return { kind: 'wrong-password', detail };
  if (isLockout(err.status, `${err.reason ?? ''} ${err.message ?? ''}`)) return { kind: 'locked', detail };
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

/**
 * A center database on the server through PouchDB's HTTP adapter, with Basic
 * credentials on every request. `onResponse` sees every answer and
 * `onNetworkError` every request that got none (not those cancelled on purpose).
 */
export function openRemote(
  P: PouchDB.Static,
  url: string,
  username: string,
  password: string,
  onResponse?: (res: Response) => void,
  onNetworkError?: (e: unknown) => void,
): PouchDB.Database {
  const auth = basicAuth(username, password);
  return new P(url, {
    skip_setup: true,
    fetch: async (u: string | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('Authorization', auth);
      let res: Response;
      try {
        res = await fetch(u, { ...init, headers });
      } catch (e) {
        if (!(e instanceof Error && e.name === 'AbortError') && !init?.signal?.aborted) onNetworkError?.(e);
        throw e;
      }
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
  /** The last request to the server failed (no answer, or an error answer): never say 已同步 then. */
  private failing = false;
  /** PouchDB paused (caught up) while the last request had failed: up to date once an exchange works again. */
  private pausedWhileFailing = false;
  private readonly onOnline = () => void this.restart();
  private readonly onOffline = () => {
    if (this.status.state === 'stopped') return;
    clearTimeout(this.retryTimer);
    this.cancelRun();
    this.failing = true;
    this.update({ state: 'offline', lastError: { kind: 'unreachable', detail: 'the device is offline' }, retryAt: null });
  };

  constructor(private readonly o: ReplicationOptions) {
    this.now = o.now ?? (() => Date.now());
    this.status = {
      state: 'stopped', pendingUp: null, pendingUpCapped: false, retryAt: null, lastSyncedAt: null, lastError: null, rejected: [], clockSkewMs: null,
      batchSize: o.batchSize ?? DEFAULT_BATCH_SIZE, firstPullDocs: null, firstPullProgress: null,
    };
    this.remote = openRemote(o.PouchDB, o.url, o.username, o.password, (res) => this.answered(res), (e) => this.unanswered(e));
    this.remote.info = tolerantInfo(this.remote);
  }

  /** Every answer from the server: the clock, and whether exchanges work. */
  private answered(res: Response): void {
    const date = res.headers.get('Date');
    if (date) this.update({ clockSkewMs: Date.parse(date) - this.now() });
    if (this.status.state === 'stopped') return;
    if (res.status < 400 || res.status === 404 || res.status === 409 || res.status === 412) {
      this.failing = false;
      if (this.pausedWhileFailing && this.handle) {
        this.pausedWhileFailing = false;
        void this.caughtUpIfSent();
      }
      else if ((this.status.state === 'offline' || this.status.state === 'waiting') && this.status.retryAt === null) this.update({ state: this.handle ? 'active' : 'connecting' });
      return;
    }
    this.failing = true;
    if (res.status >= 500) this.update({ state: 'waiting', lastError: { kind: 'server', detail: `HTTP ${res.status}` } });
    else if (res.status === 403)
      void res
        .clone()
        .json()
        .then((body: { reason?: string }) => {
          if (isLockout(403, body.reason) && this.status.state !== 'stopped') this.update({ state: 'waiting', lastError: { kind: 'locked', detail: body.reason ?? '' } });
        })
        .catch(() => undefined);
  }

  /** A request that got no answer: the kiosk is offline now, whatever PouchDB reports later. */
  private unanswered(e: unknown): void {
    if (this.status.state === 'stopped') return;
    this.failing = true;
    this.update({ state: 'offline', lastError: { kind: 'unreachable', detail: e instanceof Error ? e.message : String(e) } });
  }

  get current(): SyncStatus {
    return this.status;
  }

  start(): void {
    if (this.handle || this.pulling) return;
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.onOnline);
      window.addEventListener('offline', this.onOffline);
    }
    clearInterval(this.restartTimer);
    this.restartTimer = setInterval(() => {
      if (this.status.state === 'offline' || this.status.state === 'idle' || (this.status.state === 'waiting' && this.status.retryAt === null)) void this.restart();
    }, RESTART_EVERY_MS);
    this.run();
  }

  async stop(): Promise<void> {
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.onOnline);
      window.removeEventListener('offline', this.onOffline);
    }
    clearTimeout(this.retryTimer);
    clearInterval(this.restartTimer);
    this.cancelRun();
    this.update({ state: 'stopped', firstPullDocs: null, firstPullProgress: null, retryAt: null });
  }

  /**
   * Tries again now (the `online` event, the restart timer, a person's
   * request) — except while a refusal or a lockout has its own retry time:
   * coming back sooner would only count as another failed login.
   */
  async restart(): Promise<void> {
    if ((this.status.state === 'denied' || this.status.lastError?.kind === 'locked') && this.status.retryAt && Date.parse(this.status.retryAt) > this.now()) return;
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

  /** Counts local changes after the push's checkpoint (exactly, up to PENDING_COUNT_LIMIT): what the server has not acknowledged. */
  async countPending(): Promise<number> {
    const n = (await unsentIds(this.o.local, PENDING_COUNT_LIMIT + 1)).length;
    const capped = n > PENDING_COUNT_LIMIT;
    this.update({ pendingUp: capped ? PENDING_COUNT_LIMIT : n, pendingUpCapped: capped });
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

  /**
   * A fresh kiosk first pulls the center in large pages (initialPull.ts); a
   * kiosk that never pushed to this server pushes in large pages
   * (initialPush.ts); then it syncs live.
   */
  private run(): void {
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      // Nothing can get through: wait for the `online` event (or the restart timer).
      this.failing = true;
      this.update({ state: 'offline', lastError: { kind: 'unreachable', detail: 'the device is offline' }, retryAt: null });
      return;
    }
    this.update({ state: 'connecting', retryAt: null });
    const pulling = new AbortController();
    this.pulling = pulling;
    // The live sync starts only after the first pull (or a joined kiosk's history stage) ends: it
    // writes the pull checkpoint there, so the live sync never marks one past what has not arrived.
    initialPull({
      local: this.o.local,
      remote: this.remote,
      pageSize: this.o.firstPullPageSize,
      pace: this.o.historyPace,
      signal: pulling.signal,
      onProgress: (docs, p) => this.update({ state: 'active', firstPullDocs: docs, firstPullProgress: { done: p.done, total: p.total } }),
      // Records edited on this kiosk while its history arrives (it is open meanwhile): settled by rule like any conflict.
      onConflictCandidates: (ids) => void this.settleConflicts(ids.map((_id) => ({ _id }))),
    })
      .then(async () => {
        if (pulling.signal.aborted || this.o.firstPush === false) return;
        this.update({ firstPullDocs: null, firstPullProgress: null });
        const pushed = await initialPush({ local: this.o.local, remote: this.remote, signal: pulling.signal, onProgress: () => this.update({ state: 'active' }) });
        const known = new Set(this.status.rejected.map((r) => r.id));
        const fresh = pushed.rejected.filter((r) => !known.has(r.id));
        if (fresh.length > 0) this.update({ rejected: [...this.status.rejected, ...fresh] });
      })
      .then(
      () => {
        if (pulling.signal.aborted) return;
        this.pulling = null;
        this.update({ firstPullDocs: null, firstPullProgress: null });
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
      .on('active', () => {
        this.pausedWhileFailing = false;
        this.update({ state: 'active' });
      })
      .on('paused', (err) => {
        if (err) return;
        // A request failed that PouchDB let pass (its progress `info()`, for one): not up to date until an exchange works.
        if (this.failing) {
          this.pausedWhileFailing = true;
          return;
        }
        void this.caughtUpIfSent();
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

  /**
   * PouchDB says the sync paused, but that is not enough for 已同步: its two-way
   * sync starts with both directions counted as paused, so when the pull has
   * nothing new and pauses while the push is still starting (reading its
   * checkpoint from the server) or has just been handed a new change, it says
   * "paused" with records still waiting. Only when nothing waits past the push's
   * checkpoint is the kiosk up to date; otherwise the push says "paused" again
   * once it has sent them.
   */
  private async caughtUpIfSent(): Promise<void> {
    const handle = this.handle;
    // The count reads the push's checkpoint by its id, known once recorded (the server answers now).
    const waiting = await this.recordPushId()
      .then(() => this.countPending())
      .catch(() => 1);
    if (this.handle !== handle || handle === null || this.failing || this.status.state === 'stopped') return;
    if (waiting > 0) {
      this.update({ state: 'active' });
      return;
    }
    this.caughtUp();
  }

  /** Both ways are up to date and the last exchange worked: the one place that says 已同步. */
  private caughtUp(): void {
    this.pausedWhileFailing = false;
    this.attempt = 0;
    this.update({ state: 'idle', lastSyncedAt: new Date(this.now()).toISOString(), lastError: null, retryAt: null });
  }

  private failed(err: unknown): void {
    this.pausedWhileFailing = false;
    this.handle?.cancel();
    this.handle = null;
    this.failing = true;
    const lastError = classifyError(err);
    // A lockout seen on the raw answer (answered()) may reach PouchDB as a plain 403 without its reason.
    if (lastError.kind === 'forbidden' && this.status.lastError?.kind === 'locked' && this.status.state === 'waiting') return this.retryIn('waiting', this.status.lastError, this.o.lockoutRetryMs ?? LOCKOUT_RETRY_MS);
    if (lastError.kind === 'locked') return this.retryIn('waiting', lastError, this.o.lockoutRetryMs ?? LOCKOUT_RETRY_MS);
    if (lastError.kind === 'wrong-password' || lastError.kind === 'forbidden') {
      // New credentials are normally needed; retrying often would lock the account for every kiosk of the center.
      return this.retryIn('denied', lastError, this.o.deniedRetryMs ?? DENIED_RETRY_MS);
    }
    if (lastError.kind === 'too-large' && this.status.batchSize > MIN_BATCH_SIZE) {
      this.update({ batchSize: Math.max(MIN_BATCH_SIZE, Math.floor(this.status.batchSize / 2)), lastError });
      this.run();
      return;
    }
    const offline = lastError.kind === 'unreachable' || (typeof navigator !== 'undefined' && navigator.onLine === false);
    this.retryIn(offline ? 'offline' : 'waiting', lastError, retryDelayMs(this.attempt++));
  }

  private retryIn(state: SyncState, lastError: NonNullable<SyncStatus['lastError']>, delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.update({ state, lastError, retryAt: new Date(this.now() + delayMs).toISOString() });
    this.retryTimer = setTimeout(() => this.run(), delayMs);
  }

  private async settleConflicts(docs: { _id: string }[]): Promise<void> {
    for (const d of docs) {
      try {
        const res = await resolveConflicts(this.o.local, d._id, this.o.codec);
        // Settled without loss (bookkeeping only, or different fields merged): nothing for an admin to review.
        if (res && !res.silent) this.o.onConflict?.(res);
      } catch {
        // A newer revision arrived meanwhile; the next change will settle it.
      }
    }
  }
}

export type ConnectionVerdict = 'ok' | 'unreachable' | 'wrong-password' | 'locked' | 'not-this-center' | 'server-too-old';

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
  const who = (await session.json().catch(() => ({}))) as { userCtx?: { name?: string | null }; reason?: string };
  if (isLockout(session.status, who.reason)) return { verdict: 'locked', detail: who.reason ?? '' };
  if (session.status === 401 || !who.userCtx?.name) return { verdict: 'wrong-password', detail: `HTTP ${session.status}` };
  const db = await fetch(`${base}/center_${centerId}`, { headers: { Authorization: auth } });
  if (isLockout(db.status, ((await db.clone().json().catch(() => ({}))) as { reason?: string }).reason)) return { verdict: 'locked', detail: `HTTP ${db.status}` };
  if (db.status === 401 || db.status === 403 || db.status === 404) return { verdict: 'not-this-center', detail: `HTTP ${db.status}` };
  if (!db.ok) return { verdict: 'unreachable', detail: `HTTP ${db.status}` };
  return { verdict: 'ok', detail: `center_${centerId}` };
}

/** The center database's URL on a county server. */
export function centerDbUrl(serverUrl: string, centerId: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/center_${centerId}`;
}
