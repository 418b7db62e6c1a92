/**
 * County-server administration over the CouchDB 3 HTTP API (plain fetch):
 * the idempotent steps provisioning is made of. Each step reports whether it
 * created, updated or left something unchanged, so running provisioning twice
 * changes nothing and says so.
 */
import { centerDesignDoc, countyDesignDoc, TRANSFERS_DB, transfersDesignDoc, type DesignDoc } from './ddocs';
import { basicAuth } from '../client/replication';

export type Outcome = 'created' | 'updated' | 'unchanged';

export interface Step {
  readonly what: string;
  readonly outcome: Outcome;
}

export class CouchError extends Error {
  override name = 'CouchError';
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 200)}`);
  }
}

export interface Admin {
  readonly base: string;
  readonly username: string;
  readonly password: string;
}

export async function couch(a: Admin, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${a.base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`, {
    method,
    headers: { Authorization: basicAuth(a.username, a.password), 'Content-Type': 'application/json', Accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json };
}

async function ok(a: Admin, method: string, path: string, body: unknown, what: string) {
  const r = await couch(a, method, path, body);
  if (r.status >= 400) throw new CouchError(r.status, JSON.stringify(r.json), what);
  return r;
}

export async function ensureDatabase(a: Admin, name: string): Promise<Step> {
  const head = await couch(a, 'GET', encodeURIComponent(name));
  if (head.status === 200) return { what: `database ${name}`, outcome: 'unchanged' };
  await ok(a, 'PUT', encodeURIComponent(name), undefined, `create database ${name}`);
  return { what: `database ${name}`, outcome: 'created' };
}

/** JSON with object keys sorted, so two equal documents compare equal whatever order the server keeps. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

function sameJson(x: unknown, y: unknown): boolean {
  return canonical(x) === canonical(y);
}

type Security = { admins: { names: string[]; roles: string[] }; members: { names: string[]; roles: string[] } };

/**
 * True when nobody has set the database's `_security` yet: the trial server
 * answers `{}`, CouchDB 3 gives a new database an admin-only default
 * (`_admin` as the only role of members and admins, no names).
 */
export function isDefaultSecurity(sec: Record<string, unknown>): boolean {
  const onlyAdmin = (part: unknown) => {
    if (part === undefined) return true;
    if (!part || typeof part !== 'object') return false;
    const { names = [], roles = [] } = part as { names?: unknown[]; roles?: unknown[] };
    return names.length === 0 && roles.every((r) => r === '_admin');
  };
  return Object.keys(sec).every((k) => k === 'admins' || k === 'members') && onlyAdmin(sec.admins) && onlyAdmin(sec.members);
}

export async function ensureSecurity(a: Admin, db: string, security: Security): Promise<Step> {
  const cur = await couch(a, 'GET', `${encodeURIComponent(db)}/_security`);
  const current = { admins: cur.json.admins ?? { names: [], roles: [] }, members: cur.json.members ?? { names: [], roles: [] } };
  if (sameJson(current, security)) return { what: `${db} security`, outcome: 'unchanged' };
  const put = await couch(a, 'PUT', `${encodeURIComponent(db)}/_security`, security);
  // CouchDB 3 answers a _security PUT by an account that is not a server administrator with 500, not 403.
  if (put.status === 500 || put.status === 401 || put.status === 403) {
    const session = await couch(a, 'GET', '_session');
    const roles = (session.json.userCtx as { roles?: unknown[] } | undefined)?.roles ?? [];
    if (!roles.includes('_admin'))
      throw new Error(`the server refused to set who may use ${db} (HTTP ${put.status}): only a server administrator can set a database's security on CouchDB 3 — provision with a server administrator's account`);
    throw new Error(`the server could not set who may use ${db} (HTTP ${put.status}${typeof put.json.reason === 'string' ? `, ${put.json.reason}` : ''}): on a cluster a node may be down — run provisioning again when every node answers`);
  }
  if (put.status >= 400) throw new CouchError(put.status, JSON.stringify(put.json), `${db} security`);
  return { what: `${db} security`, outcome: isDefaultSecurity(cur.json) ? 'created' : 'updated' };
}

export async function ensureDesignDoc(a: Admin, db: string, ddoc: DesignDoc): Promise<Step> {
  const cur = await couch(a, 'GET', `${encodeURIComponent(db)}/${ddoc._id}`);
  const { _rev, ...content } = cur.json as Partial<DesignDoc>;
  const what = `${db}/${ddoc._id}`;
  if (cur.status === 200 && sameJson({ ...content, _id: ddoc._id }, { ...ddoc })) return { what, outcome: 'unchanged' };
  await ok(a, 'PUT', `${encodeURIComponent(db)}/${ddoc._id}`, { ...ddoc, ...(_rev ? { _rev } : {}) }, what);
  return { what, outcome: cur.status === 200 ? 'updated' : 'created' };
}

/**
 * Creates the user if missing, with `roles`. Returns the generated password
 * only when the user was created (it is printed once and never stored here).
 */
export async function ensureUser(a: Admin, name: string, roles: string[]): Promise<Step & { password: string | null }> {
  const id = `org.couchdb.user:${name}`;
  const cur = await couch(a, 'GET', `_users/${encodeURIComponent(id)}`);
  if (cur.status === 200) {
    if (sameJson(cur.json.roles, roles)) return { what: `user ${name}`, outcome: 'unchanged', password: null };
    await ok(a, 'PUT', `_users/${encodeURIComponent(id)}`, { ...cur.json, roles }, `user ${name}`);
    return { what: `user ${name}`, outcome: 'updated', password: null };
  }
  const password = generatePassword();
  await ok(a, 'PUT', `_users/${encodeURIComponent(id)}`, { _id: id, name, type: 'user', roles, password }, `user ${name}`);
  return { what: `user ${name}`, outcome: 'created', password };
}

/**
 * Gives an existing account a new password and returns it (printed once).
 * On CouchDB 3.4 this also ends a sign-in lockout at once: failures are counted
 * per client address, account and password salt, and a new password has a new salt.
 * @throws Error in words when the account does not exist.
 */
export async function resetPassword(a: Admin, name: string): Promise<string> {
  const id = `org.couchdb.user:${name}`;
  const cur = await couch(a, 'GET', `_users/${encodeURIComponent(id)}`);
  if (cur.status === 404) throw new Error(`there is no account ${name} on ${a.base}`);
  if (cur.status !== 200) throw new CouchError(cur.status, JSON.stringify(cur.json), `user ${name}`);
  const password = generatePassword();
  await ok(a, 'PUT', `_users/${encodeURIComponent(id)}`, { ...cur.json, password }, `user ${name}`);
  return password;
}

export async function userExists(a: Admin, name: string): Promise<boolean> {
  const r = await couch(a, 'GET', `_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`);
  if (r.status === 200) return true;
  if (r.status === 404) return false;
  throw new CouchError(r.status, JSON.stringify(r.json), `user ${name}`);
}

export function generatePassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Buffer.from(bytes).toString('base64url');
}

export const centerDbName = (centerId: string) => `center_${centerId}`;
export const countyDbName = (countyId: string) => `county_${countyId}`;

/** Everything one center needs on the server: its database, who may read and write it, the rules, its sync account. */
export async function provisionCenter(a: Admin, centerId: string): Promise<{ steps: Step[]; syncUser: string; syncPassword: string | null }> {
  const db = centerDbName(centerId);
  const steps: Step[] = [await ensureDatabase(a, db)];
  steps.push(await ensureSecurity(a, db, { admins: { names: [], roles: ['county-admin'] }, members: { names: [], roles: [`center:${centerId}`, copyFromRole(centerId), 'county-admin'] } }));
  steps.push(await ensureDesignDoc(a, db, centerDesignDoc(centerId)));
  // tongxin-center: every center's account may read the transfer database and file requests there.
  const user = await ensureUser(a, `sync-${centerId}`, [`center:${centerId}`, CENTER_ROLE]);
  steps.push(user);
  return { steps, syncUser: `sync-${centerId}`, syncPassword: user.password };
}

/**
 * The county copy's own accounts (one per center, `repl-<center>`): they read
 * their center's database (member by `copy-from:<center>`, which the center's
 * rules do not let write documents) and write the county database (member by
 * `copy-to:<county>`; the county rules let them write only their center's
 * documents). `_replicator` documents sign in with them, never as the server
 * administrator.
 */
export const copyFromRole = (centerId: string) => `copy-from:${centerId}`;
export const copyToRole = (countyId: string) => `copy-to:${countyId}`;
export const replicationUser = (centerId: string) => `repl-${centerId}`;

/** The role every center's sync account has (besides center:<id>). */
export const CENTER_ROLE = 'tongxin-center';

/** The transfer database: readable and writable by every center (rules in transfers_validate.js). */
export async function provisionTransfers(a: Admin): Promise<Step[]> {
  return [
    await ensureDatabase(a, TRANSFERS_DB),
    await ensureSecurity(a, TRANSFERS_DB, { admins: { names: [], roles: ['county-admin'] }, members: { names: [], roles: [CENTER_ROLE, 'county-admin'] } }),
    await ensureDesignDoc(a, TRANSFERS_DB, transfersDesignDoc()),
  ];
}

export async function provisionCounty(a: Admin, countyId: string): Promise<Step[]> {
  const db = countyDbName(countyId);
  return [
    await ensureDatabase(a, db),
    await ensureSecurity(a, db, { admins: { names: [], roles: ['county-admin'] }, members: { names: [], roles: ['county-admin', `coordinator:${countyId}`, copyToRole(countyId)] } }),
    await ensureDesignDoc(a, db, countyDesignDoc()),
  ];
}

/** The origins kiosks load the app from: Electron's app:// protocol and the loopback server of `npm start`. */
export const KIOSK_ORIGINS = ['app://tongxin', 'http://127.0.0.1:47813'] as const;
