/**
 * A province's roll-up of its counties (issue 9). Each county database replicates,
 * continuously and through `_replicator` documents, into one provincial database
 * `province_<id>` that carries the county design document unchanged: the same views
 * answer for the province what they answer for a county, summed over its counties.
 * No code of ours runs in between; CouchDB's replication does the work.
 *
 * Accounts. The province reads each county database with an account of that county
 * that may read it and nothing else: a coordinator account (`coordinators` in the
 * county file; role `coordinator:<county>`), which county IT creates and gives to the
 * province. It writes the provincial database as `rollup-<province>` (role
 * `rollup-to:<province>`), a member of that database only; the county rules
 * (county_validate.js) let that role write any center's county-copy documents and
 * nothing else, as they let `copy-to:` accounts write their own center's. So the
 * provincial database holds the county copy's closed table, like a county's.
 *
 * Center ids must be unique across the province (the views' keys carry the center id,
 * not the county): name centers per county, e.g. `yunxi-qingshan`.
 */
import { COUNTY_SELECTOR, countyDesignDoc } from './ddocs';
import { couch, ensureDatabase, ensureDesignDoc, ensureSecurity, ensureUser, countyDbName, resetPassword, type Admin, type Step } from './admin';
import { isStandIn } from './localServer';
import { endpoint } from './provision';

export const provinceDbName = (provinceId: string) => `province_${provinceId}`;
/** The role that writes a provincial database (member of it; the county rules let it write county-copy documents of any center). */
export const rollupRole = (provinceId: string) => `rollup-to:${provinceId}`;
export const rollupUser = (provinceId: string) => `rollup-${provinceId}`;
/** Provincial coordinators read the provincial database with this role. */
export const provinceCoordinatorRole = (provinceId: string) => `province:${provinceId}`;
export const rollupDocId = (provinceId: string, countyId: string) => `province-${provinceId}-${countyId}`;

/** One county to roll up: where its server is, and a county account that may read its county database. */
export interface CountySource {
  readonly countyId: string;
  /** The county server's address as the province's server reaches it. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/**
 * The `_replicator` document that copies one county database into the provincial one.
 * On Apache CouchDB 3 a selector passes exactly the county copy's documents (so the
 * county's design document is not copied: the province keeps its own), and the
 * credentials go in `auth`.
 */
export function rollupReplicationDoc(provinceUrl: string, provinceId: string, county: CountySource, writer: { username: string; password: string }, standIn: boolean): Record<string, unknown> {
  const source = `${county.url.replace(/\/+$/, '')}/${countyDbName(county.countyId)}`;
  const target = `${provinceUrl.replace(/\/+$/, '')}/${provinceDbName(provinceId)}`;
  const _id = rollupDocId(provinceId, county.countyId);
  if (standIn) {
    // Stand-in differences (pouchdb-server, trial only): it crashes on a _replicator document
    // with a selector, and ignores `auth`. So no selector and credentials in the URLs: the county
    // database holds only the county copy already (its own validate_doc_update), and the one
    // document besides, the county's design document, is refused by the provincial database's
    // rules (only an administrator writes design documents): one refused write per county.
    const withCreds = (url: string, who: { username: string; password: string }) => url.replace('://', `://${encodeURIComponent(who.username)}:${encodeURIComponent(who.password)}@`);
    return { _id, source: withCreds(source, county), target: withCreds(target, writer), continuous: true };
  }
  const auth = (who: { username: string; password: string }) => ({ basic: { username: who.username, password: who.password } });
  return { _id, source: { url: source, auth: auth(county) }, target: { url: target, auth: auth(writer) }, continuous: true, selector: COUNTY_SELECTOR };
}

export interface ProvinceReport {
  readonly steps: Step[];
  /** The writer account's password when provisioning created or renewed it (it lives only in the replication documents). */
  readonly writerPassword: string | null;
}

/**
 * Creates, and on a second run leaves unchanged, the provincial database with its security
 * and the county design document, the writer account, and one continuous replication per
 * county. A replication document that already copies the same county into the same database
 * is left alone; one that differs is replaced (CouchDB then carries on from its checkpoints
 * when source and target are unchanged).
 * @param provinceUrl the provincial server's address as its replications reach it (default: `a.base`)
 */
export async function provisionProvince(a: Admin, provinceId: string, counties: readonly CountySource[], provinceUrl = a.base): Promise<ProvinceReport> {
  if (!/^[a-z][a-z0-9-]*$/.test(provinceId)) throw new Error(`a province id is lower-case letters, digits and hyphens, starting with a letter: ${provinceId}`);
  const standIn = await isStandIn(a.base);
  const db = provinceDbName(provinceId);
  const steps: Step[] = [
    await ensureDatabase(a, db),
    await ensureSecurity(a, db, { admins: { names: [], roles: ['province-admin'] }, members: { names: [], roles: ['province-admin', provinceCoordinatorRole(provinceId), rollupRole(provinceId)] } }),
    await ensureDesignDoc(a, db, countyDesignDoc()),
  ];
  const user = await ensureUser(a, rollupUser(provinceId), [rollupRole(provinceId)]);
  steps.push(user);
  let writerPassword = user.password;
  const rep = await couch(a, 'GET', '_replicator');
  if (rep.status === 404) await couch(a, 'PUT', '_replicator');
  const current = new Map<string, Record<string, unknown> | null>();
  for (const county of counties) {
    const cur = await couch(a, 'GET', `_replicator/${encodeURIComponent(rollupDocId(provinceId, county.countyId))}`);
    current.set(county.countyId, cur.status === 200 ? cur.json : null);
  }
  const sameAs = (county: CountySource) => {
    const cur = current.get(county.countyId);
    const sketch = rollupReplicationDoc(provinceUrl, provinceId, county, { username: rollupUser(provinceId), password: '' }, standIn);
    return Boolean(cur) && JSON.stringify([endpoint(cur!.source), endpoint(cur!.target), cur!.selector ?? null]) === JSON.stringify([endpoint(sketch.source), endpoint(sketch.target), sketch.selector ?? null]);
  };
  const toWrite = counties.filter((c) => !sameAs(c));
  // The writer's password is known only when just created. Otherwise it gets a new one, kept only in
  // the replication documents, and then every county's document is written again with it.
  if (toWrite.length > 0 && writerPassword === null) writerPassword = await resetPassword(a, rollupUser(provinceId));
  for (const county of counties) {
    const cur = current.get(county.countyId) ?? null;
    if (user.password === null && toWrite.length === 0) {
      steps.push({ what: `roll-up of county ${county.countyId}`, outcome: 'unchanged' });
      continue;
    }
    const id = rollupDocId(provinceId, county.countyId);
    if (cur) await couch(a, 'DELETE', `_replicator/${encodeURIComponent(id)}?rev=${String(cur._rev)}`);
    const doc = rollupReplicationDoc(provinceUrl, provinceId, county, { username: rollupUser(provinceId), password: writerPassword! }, standIn);
    const put = await couch(a, 'PUT', `_replicator/${encodeURIComponent(id)}`, doc);
    if (put.status >= 400) throw new Error(`roll-up of county ${county.countyId}: HTTP ${put.status} ${JSON.stringify(put.json).slice(0, 200)}`);
    steps.push({ what: `roll-up of county ${county.countyId}`, outcome: cur ? 'updated' : 'created' });
  }
  return { steps, writerPassword };
}
