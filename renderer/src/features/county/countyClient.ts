/**
 * The coordinator's connection to the county server. Everything it reads is a
 * view of the county database with a built-in reducer (sync/couchdb/ddocs.ts):
 * seven small queries per reporting period, whose size grows with the number of
 * centers and months, never with children or documents. No document is read.
 *
 * The coordinator account carries the role `coordinator:<countyId>` (provisioned
 * by sync/couchdb/provision.ts), which names the county database it may read.
 */
import { basicAuth, type ConnectionVerdict } from '@sync/client/replication';
import { COUNTY_VIEWS } from '@sync/schema/countyViews';
import { periodMonths, previousMonth } from '@/domain/county/periods';
import { COUNTY_FIELDS, GAP_MONTHS, type CountyData, type CountyField, type ViewRow } from '@/domain/county/report';

export type { CountyData };

export type CoordinatorVerdict = ConnectionVerdict | 'bad-url' | 'center-account' | 'not-coordinator' | 'no-views';

export interface CoordinatorAccount {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

export interface VerdictResult {
  readonly verdict: CoordinatorVerdict;
  readonly detail: string;
  /** The county the account coordinates (from its role), when the verdict is ok. */
  readonly countyId: string | null;
  /** The county's name as the centers entered it (their center documents' `county`), when the verdict is ok and a center has synced. */
  readonly countyName?: string | null;
}

const TIMEOUT_MS = 15_000;
/** A view query waits while CouchDB brings its index up to date (after a large sync that can take a while); the page shows the cached results meanwhile. */
const VIEW_TIMEOUT_MS = 120_000;
const normalise = (url: string) => url.trim().replace(/\/+$/, '');

/** Tests a coordinator account: server, password, role, and the county views. Never throws. */
export async function testCoordinator(account: CoordinatorAccount): Promise<VerdictResult> {
  const base = normalise(account.url);
  const fail = (verdict: CoordinatorVerdict, detail = ''): VerdictResult => ({ verdict, detail, countyId: null });
  if (!/^https?:\/\/[^\s/]+/.test(base) || !URL.canParse(base)) return fail('bad-url', base || '—');
  const auth = basicAuth(account.username.trim(), account.password);
  try {
    const root = await fetch(`${base}/`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const welcome = (await root.json().catch(() => ({}))) as { couchdb?: string; version?: string; 'express-pouchdb'?: string };
    if (!welcome['express-pouchdb'] && (!welcome.couchdb || Number((welcome.version ?? '0').split('.')[0]) < 3))
      return fail('server-too-old', `${welcome.couchdb ?? 'unknown server'} ${welcome.version ?? ''}`.trim());
    const session = await fetch(`${base}/_session`, { headers: { Authorization: auth }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const who = (await session.json().catch(() => ({}))) as { userCtx?: { name?: string | null; roles?: string[] } };
    // CouchDB 3.4 answers 403 for an account locked after failed logins, even with the right password.
    if (session.status === 401 || session.status === 403 || !who.userCtx?.name) return fail('wrong-password', `HTTP ${session.status}`);
    const roles = who.userCtx.roles ?? [];
    const countyRole = roles.find((r) => r.startsWith('coordinator:'));
    if (!countyRole) return fail(roles.some((r) => r.startsWith('center:')) ? 'center-account' : 'not-coordinator', roles.join(', ') || '—');
    const countyId = countyRole.slice('coordinator:'.length);
    const ddoc = await fetch(`${base}/county_${encodeURIComponent(countyId)}/_design/county`, { headers: { Authorization: auth }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (ddoc.status === 401 || ddoc.status === 403) return fail('not-coordinator', `HTTP ${ddoc.status}`);
    if (ddoc.status === 404) return fail('no-views', `county_${countyId}`);
    if (!ddoc.ok) return fail('unreachable', `HTTP ${ddoc.status}`);
    const views = ((await ddoc.json()) as { views?: Record<string, unknown> }).views ?? {};
    const missing = COUNTY_VIEWS.filter((v) => !(v in views));
    if (missing.length > 0) return fail('no-views', missing.join(', '));
    return { verdict: 'ok', detail: `county_${countyId}`, countyId, countyName: await countyNameOf(base, auth, countyId) };
  } catch (e) {
    return fail('unreachable', e instanceof Error ? e.message : String(e));
  }
}

/**
 * The county's display name: the `county` field of one center document (the one place the
 * name is written; the coordinator can change it on the device). One row of the centers view
 * with its document — a center's settings, no child — or null when no center has synced yet.
 */
async function countyNameOf(base: string, auth: string, countyId: string): Promise<string | null> {
  try {
    const res = await fetch(`${base}/county_${encodeURIComponent(countyId)}/_design/county/_view/centers?reduce=false&limit=1&include_docs=true`, { headers: { Authorization: auth }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) return null;
    const name = ((await res.json()) as { rows?: { doc?: { county?: unknown } }[] }).rows?.[0]?.doc?.county;
    return typeof name === 'string' && name.trim() ? name.trim().slice(0, 40) : null;
  } catch {
    return null;
  }
}

/** A server answer the dashboard cannot use, in a form the page says in words. */
export class CountyQueryError extends Error {
  override name = 'CountyQueryError';
  constructor(
    readonly problem: 'unreachable' | 'wrong-password' | 'no-views' | 'server',
    detail: string,
  ) {
    super(`${problem}: ${detail}`);
  }
}

/** One view query of the dashboard: which view, its parameters, and the CountyData field it fills. */
export interface CountyQuery {
  readonly field: CountyField;
  readonly view: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * The dashboard's queries for one period: grouped reduces, the per-event views
 * over the period's key range only (the trial server reads every index row of a
 * range, CouchDB 3 about log n of them), and only views a table draws. Days present
 * are not read (no table shows them; the county design document no longer has a view of
 * them, nor of single mood check-ins: the kiosks' tallies carry what is drawn).
 * Exported so the benchmark times and sizes exactly these.
 */
export function countyQueries(period: string): CountyQuery[] {
  const months = periodMonths(period);
  let firstMonth = months[0]!;
  for (let i = 1; i < GAP_MONTHS; i++) firstMonth = previousMonth(firstMonth);
  const lastMonth = months.at(-1)!;
  const byMonth = (from: string, level: number) => ({ startkey: [from], endkey: [lastMonth, {}], group_level: level });
  return [
    { field: 'centers', view: 'centers', params: { group_level: 4 } },
    { field: 'sessions', view: 'month_sessions', params: byMonth(firstMonth, 4) },
    { field: 'services', view: 'month_services', params: byMonth(months[0]!, 4) },
    { field: 'moods', view: 'month_moods', params: byMonth(months[0]!, 4) },
    { field: 'screenings', view: 'month_screenings', params: byMonth(months[0]!, 4) },
    { field: 'tallies', view: 'period_tallies', params: { startkey: [period], endkey: [period, {}], group_level: 4 } },
    { field: 'freshness', view: 'freshness', params: { group_level: 1 } },
  ];
}

/** A view query's URL query string: keys as JSON, other parameters as they are. */
export function viewQueryString(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' && k !== 'startkey' && k !== 'endkey' && k !== 'key' ? v : JSON.stringify(v))}`)
    .join('&');
}

/** Some of a period's view rows: the fields asked for. */
export type CountyRows = Partial<Pick<CountyData, CountyField>>;

/**
 * Reads one period's view rows (countyQueries, in parallel).
 * @throws CountyQueryError when the server cannot be reached or refuses.
 */
export async function fetchCountyData(account: CoordinatorAccount, countyId: string, period: string, now: Date = new Date()): Promise<CountyData> {
  const rows = (await fetchCountyRows(account, countyId, period, COUNTY_FIELDS)) as Pick<CountyData, CountyField>;
  return { countyId, period, fetchedAt: now.toISOString(), ...rows };
}

/**
 * Reads the view rows of `fields` for one period (their queries from countyQueries, in parallel).
 * @throws CountyQueryError when the server cannot be reached or refuses.
 */
export async function fetchCountyRows(account: CoordinatorAccount, countyId: string, period: string, fields: readonly CountyField[]): Promise<CountyRows> {
  const base = `${normalise(account.url)}/county_${encodeURIComponent(countyId)}/_design/county/_view/`;
  const auth = basicAuth(account.username.trim(), account.password);
  const query = async (q: CountyQuery): Promise<ViewRow<unknown>[]> => {
    let res: Response;
    try {
      res = await fetch(`${base}${q.view}?${viewQueryString(q.params)}`, { headers: { Authorization: auth, Accept: 'application/json' }, signal: AbortSignal.timeout(VIEW_TIMEOUT_MS) });
    } catch (e) {
      throw new CountyQueryError('unreachable', e instanceof Error ? e.message : String(e));
    }
    if (res.status === 401 || res.status === 403) throw new CountyQueryError('wrong-password', `HTTP ${res.status}`);
    if (res.status === 404) throw new CountyQueryError('no-views', q.view);
    if (!res.ok) throw new CountyQueryError('server', `HTTP ${res.status}`);
    return ((await res.json()) as { rows: ViewRow<unknown>[] }).rows;
  };
  const queries = countyQueries(period).filter((q) => fields.includes(q.field));
  const answers = await Promise.all(queries.map(query));
  return Object.fromEntries(queries.map((q, i) => [q.field, answers[i]!])) as CountyRows;
}

/** The coverage view's rows ([key, center, group]: hashes, no ids) and the centers, with when they were read. */
export interface CoverageData {
  readonly countyId: string;
  readonly fetchedAt: string;
  readonly rows: ViewRow<number>[];
  readonly centers: ViewRow<number>[];
}

/**
 * Reads the enrolled children's coverage keys by center (two queries). Its rows grow with
 * the children enrolled in the county: each is a key, a center and a group, nothing else —
 * matching against the register needs every key, and that happens on this device.
 * @throws CountyQueryError
 */
export async function fetchCoverage(account: CoordinatorAccount, countyId: string, now: Date = new Date()): Promise<CoverageData> {
  const base = `${normalise(account.url)}/county_${encodeURIComponent(countyId)}/_design/county/_view/`;
  const auth = basicAuth(account.username.trim(), account.password);
  const query = async (view: string, level: number): Promise<ViewRow<number>[]> => {
    let res: Response;
    try {
      res = await fetch(`${base}${view}?group_level=${level}`, { headers: { Authorization: auth, Accept: 'application/json' }, signal: AbortSignal.timeout(VIEW_TIMEOUT_MS) });
    } catch (e) {
      throw new CountyQueryError('unreachable', e instanceof Error ? e.message : String(e));
    }
    if (res.status === 401 || res.status === 403) throw new CountyQueryError('wrong-password', `HTTP ${res.status}`);
    if (res.status === 404) throw new CountyQueryError('no-views', view);
    if (!res.ok) throw new CountyQueryError('server', `HTTP ${res.status}`);
    return ((await res.json()) as { rows: ViewRow<number>[] }).rows;
  };
  const [rows, centers] = await Promise.all([query('coverage', 3), query('centers', 4)]);
  return { countyId, fetchedAt: now.toISOString(), rows, centers };
}
