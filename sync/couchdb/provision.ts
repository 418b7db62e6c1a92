/**
 * Provisioning a county from one file (run by county IT):
 *   npm run provision -- county.json
 * Credentials never come from the file: the admin password is read from
 * TONGXIN_ADMIN_PASSWORD (user: TONGXIN_ADMIN_USER, default "admin") or asked for.
 *
 * Creates, idempotently: the county database with its views; per center a
 * database with `_security`, rules and a sync account (password printed once);
 * coordinator accounts; and per center a server-side replication into the
 * county database that carries only de-identified documents (ddocs.ts).
 */
import { z } from 'zod';
import { CENTER_ID_RE } from '../schema/ids';
import { centerDbName, countyDbName, couch, CouchError, ensureCors, ensureUser, KIOSK_ORIGINS, provisionCenter, provisionCounty, provisionTransfers, type Admin, type Step } from './admin';
import { COUNTY_SELECTOR } from './ddocs';
import { isStandIn } from './localServer';

export const countyFileSchema = z
  .object({
    county: z.object({ id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lowercase letters, digits and dashes'), name: z.string().min(1) }),
    server: z.url(),
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
  readonly errors: string[];
}

/** The _replicator document copying one center's de-identified documents into the county database. */
export function replicationDoc(a: Admin, countyId: string, centerId: string, standIn: boolean): Record<string, unknown> {
  const base = a.base.replace(/\/+$/, '');
  const source = `${base}/${centerDbName(centerId)}`;
  const target = `${base}/${countyDbName(countyId)}`;
  const id = `county-${countyId}-${centerId}`;
  if (standIn) {
    // Stand-in differences (pouchdb-server, trial only), both tested in tests/integration:
    // it crashes on a _replicator document with a selector, so it gets the same rule as a
    // filter function; and it ignores `auth`, so the credentials go in the URLs.
    const withCreds = (url: string) => url.replace('://', `://${encodeURIComponent(a.username)}:${encodeURIComponent(a.password)}@`);
    return { _id: id, source: withCreds(source), target: withCreds(target), continuous: true, filter: 'tongxin/deidentified' };
  }
  // CouchDB 3: the selector is evaluated in Erlang (fast); credentials in `auth`, not in URLs.
  const auth = { basic: { username: a.username, password: a.password } };
  return { _id: id, source: { url: source, auth }, target: { url: target, auth }, continuous: true, selector: COUNTY_SELECTOR };
}

async function ensureReplication(a: Admin, doc: Record<string, unknown>): Promise<Step> {
  const id = String(doc._id);
  const cur = await couch(a, 'GET', `_replicator/${encodeURIComponent(id)}`);
  if (cur.status === 200) {
    const same = ['source', 'target', 'continuous', 'selector', 'filter'].every((k) => JSON.stringify(cur.json[k]) === JSON.stringify(doc[k]));
    if (same) return { what: `replication ${id}`, outcome: 'unchanged' };
    // A running replication document cannot be edited in place: replace it.
    await couch(a, 'DELETE', `_replicator/${encodeURIComponent(id)}?rev=${String(cur.json._rev)}`);
  }
  const put = await couch(a, 'PUT', `_replicator/${encodeURIComponent(id)}`, doc);
  if (put.status >= 400) throw new CouchError(put.status, JSON.stringify(put.json), `replication ${id}`);
  return { what: `replication ${id}`, outcome: cur.status === 200 ? 'updated' : 'created' };
}

export async function provision(a: Admin, county: CountyFile): Promise<ProvisionReport> {
  const report: ProvisionReport = { steps: [], credentials: [], errors: [] };
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
  await run('CORS', async () => void report.steps.push(await ensureCors(a, county.kioskOrigins, standIn)));
  await run(`county ${county.county.id}`, async () => void report.steps.push(...(await provisionCounty(a, county.county.id))));
  await run('transfers', async () => void report.steps.push(...(await provisionTransfers(a))));
  for (const c of county.centers)
    await run(`center ${c.id}`, async () => {
      const res = await provisionCenter(a, c.id);
      report.steps.push(...res.steps);
      if (res.syncPassword) report.credentials.push({ user: res.syncUser, password: res.syncPassword, for: `${c.name} (${c.id}) kiosks` });
      report.steps.push(await ensureReplication(a, replicationDoc(a, county.county.id, c.id, standIn)));
    });
  for (const co of county.coordinators)
    await run(`coordinator ${co.name}`, async () => {
      const res = await ensureUser(a, co.name, [`coordinator:${county.county.id}`]);
      report.steps.push(res);
      if (res.password) report.credentials.push({ user: co.name, password: res.password, for: `coordinator, ${county.county.name}` });
    });
  return report;
}
