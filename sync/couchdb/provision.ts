/**
 * Provisioning a county from one file (run by county IT):
 *   npm run provision -- county.json
 * Credentials never come from the file: the admin password is read from
 * TONGXIN_ADMIN_PASSWORD (user: TONGXIN_ADMIN_USER, default "admin") or asked for.
 *
 * Creates, idempotently: CORS on every node (serverSettings.ts); the county
 * database with its views; per center a database with `_security`, rules and a
 * sync account (password printed once), a replication-only account and a
 * server-side replication into the county database that carries only
 * de-identified documents (ddocs.ts), checked with the scheduler after it is
 * written (replicationStatus.ts); coordinator accounts.
 *   npm run provision -- add-kiosk <county file> <center>    one more kiosk account
 *   npm run provision -- reset-account <county file> <name>  a new password (ends a lockout)
 */
import { z } from 'zod';
import { CENTER_ID_RE } from '../schema/ids';
import { CENTER_ROLE, centerDbName, copyFromRole, copyToRole, countyDbName, couch, CouchError, ensureUser, KIOSK_ORIGINS, provisionCenter, provisionCounty, provisionTransfers, replicationUser, resetPassword, userExists, type Admin, type Step } from './admin';
import { COUNTY_SELECTOR } from './ddocs';
import { isStandIn } from './localServer';
import { corsSettings, ensureServerSettings } from './serverSettings';
import { replicationDocId, settledReplicationFacts, type ReplicationState } from './replicationStatus';

export const countyFileSchema = z
  .object({
    county: z.object({ id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lowercase letters, digits and dashes'), name: z.string().min(1) }),
    /** Where provisioning (and county-status) talk to the server: any node, or the load balancer. */
    server: z.url(),
    /**
     * The address the county copy replicates through, written into every `_replicator`
     * document: on a cluster its load balancer (or each node's own address, if the
     * deployment says so). Defaults to `server`. Changing it is an explicit step
     * (`--move-replication`), since CouchDB then starts the copies under new ids.
     */
    replicationUrl: z.url().optional(),
    centers: z.array(z.object({ id: z.string().regex(CENTER_ID_RE, 'lowercase letters, digits and dashes, starting with a letter'), name: z.string().min(1) })).min(1),
    coordinators: z.array(z.object({ name: z.string().regex(/^[a-z][a-z0-9._-]{1,39}$/, 'lowercase user name') })).default([]),
    /** Where kiosks load the app from; the defaults cover Electron and `npm start`. */
    kioskOrigins: z.array(z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+$|^\*$/, 'an origin such as app://tongxin')).default([...KIOSK_ORIGINS]),
  })
  .strict();
export type CountyFile = z.infer<typeof countyFileSchema>;

/** @throws Error with the reasons when the file is not a county file, or holds credentials. */
export function parseCountyFile(text: string): CountyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`the county file is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (/"(password|pass|secret|token)"\s*:/i.test(text)) throw new Error('the county file must not contain credentials: give the admin password in TONGXIN_ADMIN_PASSWORD');
  const res = countyFileSchema.safeParse(raw);
  if (!res.success) throw new Error(`the county file is not valid: ${res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const ids = res.data.centers.map((c) => c.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`center ${dup} is listed twice`);
  return res.data;
}

export interface Credential {
  readonly user: string;
  readonly password: string;
  readonly for: string;
}

export interface ProvisionReport {
  readonly steps: Step[];
  /** New accounts' passwords, to print once. */
  readonly credentials: Credential[];
  /** What was read back and found as it should be, in words. */
  readonly checks: string[];
  readonly errors: string[];
}

export interface ProvisionOptions {
  /** Rewrite replication documents whose address differs from the county file's (reported per center). */
  readonly moveReplication?: boolean;
  /** How long to wait for each new or changed replication to leave "starting"/"queued" (ms). */
  readonly replicationCheckMs?: number;
}

/** The address replications use: the county file's replicationUrl, or its server. */
export const replicationAddress = (county: Pick<CountyFile, 'server' | 'replicationUrl'>) => (county.replicationUrl ?? county.server).replace(/\/+$/, '');

/**
 * The _replicator document copying one center's de-identified documents into the
 * county database. It depends only on the county file and the replication account,
 * never on the address provisioning talked to, so the same document (same id, same
 * source and target, hence the same replication id and checkpoints) results from
 * provisioning through any node or the load balancer.
 */
export function replicationDoc(address: string, countyId: string, centerId: string, account: { username: string; password: string }, standIn: boolean): Record<string, unknown> {
  const base = address.replace(/\/+$/, '');
  const source = `${base}/${centerDbName(centerId)}`;
  const target = `${base}/${countyDbName(countyId)}`;
  const id = replicationDocId(countyId, centerId);
  if (standIn) {
    // Stand-in differences (pouchdb-server, trial only), both tested in tests/integration:
    // it crashes on a _replicator document with a selector, so it gets the same rule as a
    // filter function; and it ignores `auth`, so the credentials go in the URLs.
    const withCreds = (url: string) => url.replace('://', `://${encodeURIComponent(account.username)}:${encodeURIComponent(account.password)}@`);
    return { _id: id, source: withCreds(source), target: withCreds(target), continuous: true, filter: 'tongxin/deidentified' };
  }
  // CouchDB 3: the selector is evaluated in Erlang (fast); credentials in `auth`, not in URLs.
  const auth = { basic: { username: account.username, password: account.password } };
  return { _id: id, source: { url: source, auth }, target: { url: target, auth }, continuous: true, selector: COUNTY_SELECTOR };
}

/** A replication endpoint's URL without credentials, and the account it signs in with. */
export function endpoint(e: unknown): { url: string; username: string | null } {
  const raw = typeof e === 'string' ? e : e && typeof e === 'object' ? String((e as { url?: unknown }).url ?? '') : '';
  const authUser = e && typeof e === 'object' ? (e as { auth?: { basic?: { username?: unknown } } }).auth?.basic?.username : undefined;
  try {
    const u = new URL(raw);
    const username = typeof authUser === 'string' ? authUser : u.username ? decodeURIComponent(u.username) : null;
    u.username = '';
    u.password = '';
    return { url: u.toString().replace(/\/+$/, ''), username };
  } catch {
    return { url: raw, username: typeof authUser === 'string' ? authUser : null };
  }
}

/**
 * The replication account and document of one center. A document that already
 * copies from and to the county file's address with the same rules and account is
 * left alone; one pointing at another address is changed only with
 * `moveReplication`, and the report says from where to where.
 */
async function ensureReplication(a: Admin, county: CountyFile, centerId: string, standIn: boolean, opts: ProvisionOptions): Promise<{ steps: Step[]; changed: boolean }> {
  const steps: Step[] = [];
  const countyId = county.county.id;
  const username = replicationUser(centerId);
  const account = await ensureUser(a, username, [copyFromRole(centerId), copyToRole(countyId)]);
  steps.push(account);
  let password = account.password;
  const id = replicationDocId(countyId, centerId);
  const wanted = replicationDoc(replicationAddress(county), countyId, centerId, { username, password: password ?? '' }, standIn);
  const cur = await couch(a, 'GET', `_replicator/${encodeURIComponent(id)}`);
  if (cur.status !== 200 && cur.status !== 404) throw new CouchError(cur.status, JSON.stringify(cur.json), `replication ${id}`);
  const changes: string[] = [];
  if (cur.status === 200) {
    const [was, want] = [
      { source: endpoint(cur.json.source), target: endpoint(cur.json.target) },
      { source: endpoint(wanted.source), target: endpoint(wanted.target) },
    ];
    if (was.source.url !== want.source.url || was.target.url !== want.target.url) {
      if (!opts.moveReplication)
        throw new Error(
          `replication ${id} copies ${was.source.url} → ${was.target.url}, but the county file says ${want.source.url} → ${want.target.url}. ` +
            'Nothing was changed. If the replication address has really changed, run provisioning again with --move-replication ' +
            '(CouchDB then starts this copy under a new replication id and reads the center database again from its start; nothing is copied twice).',
        );
      changes.push(`moved from ${was.source.url} → ${was.target.url} to ${want.source.url} → ${want.target.url}`);
    }
    // CouchDB 3's replication id includes the account's name (not its password): a new
    // name means new checkpoints, so the copy compares the center database from its start once.
    if (was.source.username !== username || was.target.username !== username) changes.push(`signs in as ${username} (was ${was.source.username ?? 'no account'}; its checkpoints start over once)`);
    if (!['continuous', 'selector', 'filter'].every((k) => JSON.stringify(cur.json[k]) === JSON.stringify(wanted[k]))) changes.push('copy rules changed');
    // A password we do not know (the account existed) is kept as the document has it.
    if (changes.length === 0 && password === null) return { steps: [...steps, { what: `replication ${id}`, outcome: 'unchanged' }], changed: false };
    if (changes.length === 0) changes.push(`new password for ${username}`);
  }
  if (password === null) {
    // The account exists but its password is known only to the old document: give it a new one.
    password = await resetPassword(a, username);
    steps.push({ what: `user ${username}: new password, for its replication document only`, outcome: 'updated' });
  }
  const doc = replicationDoc(replicationAddress(county), countyId, centerId, { username, password }, standIn);
  if (cur.status === 200) {
    // A running replication document is replaced rather than edited in place.
    const del = await couch(a, 'DELETE', `_replicator/${encodeURIComponent(id)}?rev=${String(cur.json._rev)}`);
    if (del.status >= 400) throw new CouchError(del.status, JSON.stringify(del.json), `replication ${id}`);
  }
  const put = await couch(a, 'PUT', `_replicator/${encodeURIComponent(id)}`, doc);
  if (put.status >= 400) throw new CouchError(put.status, JSON.stringify(put.json), `replication ${id}`);
  steps.push({ what: `replication ${id}${changes.length ? `: ${changes.join('; ')}` : ''}`, outcome: cur.status === 200 ? 'updated' : 'created' });
  return { steps, changed: true };
}

/** States after which provisioning reports a county copy as not working. */
const BROKEN: readonly ReplicationState[] = ['crashing', 'failed', 'error', 'completed', 'missing'];

export async function provision(a: Admin, county: CountyFile, opts: ProvisionOptions = {}): Promise<ProvisionReport> {
  const report: ProvisionReport = { steps: [], credentials: [], checks: [], errors: [] };
  const run = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      report.errors.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const standIn = await isStandIn(a.base);
  await run('replicator database', async () => {
    const r = await couch(a, 'GET', '_replicator');
    if (r.status === 404) {
      await couch(a, 'PUT', '_replicator');
      report.steps.push({ what: 'database _replicator', outcome: 'created' });
    }
  });
  await run('CORS', async () => {
    const res = await ensureServerSettings(a, corsSettings(county.kioskOrigins, standIn), standIn, 'CORS');
    report.steps.push(...res.steps);
    report.checks.push(...res.checks);
    report.errors.push(...res.errors);
  });
  await run(`county ${county.county.id}`, async () => void report.steps.push(...(await provisionCounty(a, county.county.id))));
  await run('transfers', async () => void report.steps.push(...(await provisionTransfers(a))));
  const toCheck: string[] = [];
  for (const c of county.centers)
    await run(`center ${c.id}`, async () => {
      const res = await provisionCenter(a, c.id);
      report.steps.push(...res.steps);
      if (res.syncPassword) report.credentials.push({ user: res.syncUser, password: res.syncPassword, for: `${c.name} (${c.id}) kiosks` });
      const rep = await ensureReplication(a, county, c.id, standIn, opts);
      report.steps.push(...rep.steps);
      toCheck.push(c.id);
    });
  for (const co of county.coordinators)
    await run(`coordinator ${co.name}`, async () => {
      const res = await ensureUser(a, co.name, [`coordinator:${county.county.id}`]);
      report.steps.push(res);
      if (res.password) report.credentials.push({ user: co.name, password: res.password, for: `coordinator, ${county.county.name}` });
    });
  // Each county copy, asked after writing it: whether it runs, in words.
  for (const centerId of toCheck)
    await run(`county copy of ${centerId}`, async () => {
      const f = await settledReplicationFacts(a, county.county.id, centerId, standIn, opts.replicationCheckMs ?? 10_000);
      const line = `county copy of ${centerId} (${f.docId}) ${f.words}`;
      if (BROKEN.includes(f.state)) report.errors.push(line);
      else report.checks.push(line);
    });
  return report;
}

/** The kiosk account names of a center: the shared `sync-<center>` and per-kiosk `sync-<center>-<n>`. */
export const kioskAccount = (centerId: string, n: number) => `sync-${centerId}-${n}`;

/**
 * One more sync account for a kiosk of `centerId`, with the center's roles: a kiosk
 * with its own account cannot lock the others out with a wrong password (CouchDB 3.4
 * locks an account, per client address, after failed sign-ins).
 * @throws Error in words when the center is not in the county file or has 99 kiosk accounts.
 */
export async function addKioskAccount(a: Admin, county: CountyFile, centerId: string): Promise<Credential> {
  const center = county.centers.find((c) => c.id === centerId);
  if (!center) throw new Error(`center ${centerId} is not in the county file (it lists ${county.centers.map((c) => c.id).join(', ')})`);
  for (let n = 1; n < 100; n++) {
    const user = kioskAccount(centerId, n);
    if (await userExists(a, user)) continue;
    const res = await ensureUser(a, user, [`center:${centerId}`, CENTER_ROLE]);
    if (!res.password) continue; // created meanwhile by someone else
    return { user, password: res.password, for: `one kiosk of ${center.name} (${centerId})` };
  }
  throw new Error(`center ${centerId} already has 99 kiosk accounts`);
}

/**
 * A new password for a kiosk or coordinator account of this county: for a forgotten
 * password, or to end a lockout at once.
 * @throws Error in words for an account this county file does not cover.
 */
export async function resetAccount(a: Admin, county: CountyFile, name: string): Promise<Credential> {
  const centers = county.centers.map((c) => c.id);
  const kiosk = /^sync-(.+?)(?:-(\d+))?$/.exec(name);
  const isKiosk = kiosk !== null && (centers.includes(kiosk[1]!) || centers.includes(name.slice('sync-'.length)));
  const isCoordinator = county.coordinators.some((c) => c.name === name);
  if (!isKiosk && !isCoordinator) throw new Error(`${name} is neither a kiosk account (sync-<center> or sync-<center>-<n>) of a center in the county file nor one of its coordinators`);
  return { user: name, password: await resetPassword(a, name), for: isKiosk ? 'kiosk sync account: enter it in 设置 → 同步 on that kiosk' : `coordinator, ${county.county.name}` };
}
