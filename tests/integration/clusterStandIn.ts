/**
 * Stand-in for a three-node Apache CouchDB 3.4 cluster, for what no real
 * server can show here: per-node configuration, node enumeration, a
 * round-robin load balancer, the scheduler's view of replications and
 * CouchDB 3's answers that the trial server (pouchdb-server) does not give.
 *
 * It answers as CouchDB 3 answered in the review of issue 17: `/_membership`
 * with cluster_nodes/all_nodes; `/_node/{name}/_config/…` for the named node
 * from any node (500 `nodedown` when that node is stopped), `_local` for the
 * node that got the request; a new database with an admin-only `_security`;
 * a `_security` PUT by an account that is not a server admin answered 500;
 * `/_scheduler/docs/_replicator/{id}` with state and info. Databases and
 * documents are cluster-wide; configuration is per node.
 *
 * It is not CouchDB: no validation functions, views or replication run here.
 * Tests that need those run on the trial server (countyServer.ts) or on a real
 * CouchDB (TONGXIN_TEST_COUCHDB).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export const ADMIN = { username: 'admin', password: 'cluster-admin-pw' } as const;
/** An account with the county-admin role but no server administration (a database admin by role). */
export const OPERATOR = { username: 'ops', password: 'ops-pw' } as const;

interface Db {
  security: Record<string, unknown>;
  docs: Map<string, Record<string, unknown>>;
  seq: number;
}

export interface SchedulerDoc {
  state: string;
  info?: Record<string, unknown> | null;
  id?: string;
  last_updated?: string;
  error_count?: number;
}

export interface ClusterStandIn {
  readonly nodes: string[];
  /** The load balancer's address (round robin over the nodes that are up). */
  readonly balancer: string;
  /** Each node's own address, by node name. */
  readonly address: Record<string, string>;
  readonly config: Record<string, Map<string, string>>;
  readonly dbs: Map<string, Db>;
  /** What `/_scheduler/docs/_replicator/{id}` answers; absent ids answer "running". */
  readonly scheduler: Map<string, SchedulerDoc>;
  /** Local (checkpoint) documents per database, as the replicator leaves them. */
  readonly local: Map<string, Map<string, Record<string, unknown>>>;
  down: Set<string>;
  /** When set, every `_security` PUT answers 500 with this reason, also to the administrator. */
  securityFailure: string | null;
  /** Every request as "METHOD path", to check what provisioning asked. */
  readonly log: string[];
  stop(): Promise<void>;
}

const ADMIN_ONLY = { members: { roles: ['_admin'] }, admins: { roles: ['_admin'] } };

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  let text = '';
  req.setEncoding('utf8');
  for await (const c of req) text += c as string;
  return text ? JSON.parse(text) : undefined;
}

function who(req: IncomingMessage): 'admin' | 'operator' | null {
  const h = req.headers.authorization ?? '';
  const [user, pass] = Buffer.from(h.replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
  if (user === ADMIN.username && pass === ADMIN.password) return 'admin';
  if (user === OPERATOR.username && pass === OPERATOR.password) return 'operator';
  return null;
}

export async function startClusterStandIn(nodeCount = 3): Promise<ClusterStandIn> {
  const nodes = Array.from({ length: nodeCount }, (_, i) => `couchdb@node${i + 1}.county.internal`);
  const config: Record<string, Map<string, string>> = Object.fromEntries(nodes.map((n) => [n, new Map<string, string>()]));
  const dbs = new Map<string, Db>();
  for (const name of ['_users', '_replicator']) dbs.set(name, { security: ADMIN_ONLY, docs: new Map(), seq: 0 });
  const state = { down: new Set<string>(), securityFailure: null as string | null };
  const scheduler = new Map<string, SchedulerDoc>();
  const local = new Map<string, Map<string, Record<string, unknown>>>();
  const log: string[] = [];
  let turn = 0;

  async function handle(self: string, req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    log.push(`${method} ${url.pathname}`);
    const user = who(req);
    if (parts.length === 0) return send(res, 200, { couchdb: 'Welcome', version: '3.4.3', vendor: { name: 'The Apache Software Foundation' } });
    if (!user) return send(res, 401, { error: 'unauthorized', reason: 'Name or password is incorrect.' });
    const serverAdmin = user === 'admin';
    if (parts[0] === '_session') return send(res, 200, { ok: true, userCtx: { name: user === 'admin' ? ADMIN.username : OPERATOR.username, roles: serverAdmin ? ['_admin'] : ['county-admin'] } });
    if (parts[0] === '_membership') return send(res, 200, { all_nodes: nodes.filter((n) => !state.down.has(n)), cluster_nodes: nodes });
    if (parts[0] === '_node' && parts[2] === '_config') {
      if (!serverAdmin) return send(res, 403, { error: 'forbidden', reason: 'You are not a server admin.' });
      const node = parts[1] === '_local' ? self : parts[1]!;
      if (!config[node]) return send(res, 404, { error: 'not_found', reason: 'unknown node' });
      if (state.down.has(node)) return send(res, 500, { error: 'nodedown', reason: 'nodedown' });
      const key = `${parts[3]}/${parts[4]}`;
      const cfg = config[node]!;
      if (method === 'GET') return cfg.has(key) ? send(res, 200, cfg.get(key)) : send(res, 404, { error: 'not_found', reason: 'unknown_config_value' });
      if (method === 'PUT') {
        const old = cfg.get(key) ?? '';
        cfg.set(key, String(await readBody(req)));
        return send(res, 200, old);
      }
      return send(res, 405, { error: 'method_not_allowed' });
    }
    if (parts[0] === '_scheduler' && parts[1] === 'docs' && parts[2] === '_replicator' && parts[3]) {
      const doc = dbs.get('_replicator')!.docs.get(parts[3]);
      if (!doc || doc._deleted) return send(res, 404, { error: 'not_found', reason: 'missing' });
      const s = scheduler.get(parts[3]) ?? { state: 'running', info: { changes_pending: 0, checkpointed_source_seq: '0-g1AAAA', doc_write_failures: 0 } };
      const src = doc.source as { url?: string } | string;
      return send(res, 200, {
        database: '_replicator',
        doc_id: parts[3],
        id: s.id ?? null,
        node: nodes[0],
        source: typeof src === 'string' ? src : src.url,
        state: s.state,
        info: s.info ?? null,
        error_count: s.error_count ?? 0,
        last_updated: s.last_updated ?? new Date().toISOString(),
        start_time: new Date().toISOString(),
      });
    }
    const dbName = parts[0]!;
    const db = dbs.get(dbName);
    if (parts.length === 1) {
      if (method === 'GET') return db ? send(res, 200, { db_name: dbName, update_seq: `${db.seq}-g1AAAA`, doc_count: [...db.docs.values()].filter((d) => !d._deleted).length }) : send(res, 404, { error: 'not_found', reason: 'Database does not exist.' });
      if (method === 'PUT') {
        if (!serverAdmin) return send(res, 401, { error: 'unauthorized', reason: 'You are not a server admin.' });
        if (db) return send(res, 412, { error: 'file_exists', reason: 'The database could not be created, the file already exists.' });
        // CouchDB 3: a new database is admin-only until someone sets its _security.
        dbs.set(dbName, { security: ADMIN_ONLY, docs: new Map(), seq: 0 });
        return send(res, 201, { ok: true });
      }
    }
    if (!db) return send(res, 404, { error: 'not_found', reason: 'Database does not exist.' });
    if (parts[1] === '_security') {
      if (method === 'GET') return send(res, 200, db.security);
      if (!serverAdmin) return send(res, 500, { error: 'error', reason: 'no_majority' });
      if (state.securityFailure) return send(res, 500, { error: 'error', reason: state.securityFailure });
      db.security = (await readBody(req)) as Record<string, unknown>;
      return send(res, 200, { ok: true });
    }
    if (parts[1] === '_local' && parts[2]) {
      const d = local.get(dbName)?.get(parts[2]);
      return d ? send(res, 200, { _id: `_local/${parts[2]}`, ...d }) : send(res, 404, { error: 'not_found', reason: 'missing' });
    }
    const id = parts.slice(1).join('/');
    const cur = db.docs.get(id);
    if (method === 'GET') return cur && !cur._deleted ? send(res, 200, cur) : send(res, 404, { error: 'not_found', reason: cur ? 'deleted' : 'missing' });
    if (method === 'PUT' || method === 'DELETE') {
      if (!serverAdmin && (dbName === '_users' || dbName === '_replicator')) return send(res, 403, { error: 'forbidden', reason: 'admins only' });
      const body = method === 'PUT' ? ((await readBody(req)) as Record<string, unknown>) : { _deleted: true };
      const rev = method === 'PUT' ? body._rev : url.searchParams.get('rev');
      if (cur && !cur._deleted && rev !== cur._rev) return send(res, 409, { error: 'conflict', reason: 'Document update conflict.' });
      const n = cur ? Number(String(cur._rev).split('-')[0]) + 1 : 1;
      const next: Record<string, unknown> = { ...body, _id: id, _rev: `${n}-${randomUUID().replace(/-/g, '')}` };
      if (dbName === '_users' && typeof next.password === 'string') {
        // As CouchDB does: the password is replaced by its hash with a new salt.
        next.salt = randomUUID();
        delete next.password;
      }
      db.docs.set(id, next);
      db.seq++;
      return send(res, method === 'PUT' ? 201 : 200, { ok: true, id, rev: next._rev });
    }
    return send(res, 405, { error: 'method_not_allowed' });
  }

  const servers: Server[] = [];
  const listen = async (pick: () => string | null) => {
    const s = createServer((req, res) => {
      const self = pick();
      if (!self) {
        req.socket.destroy();
        return;
      }
      handle(self, req, res).catch((e: unknown) => send(res, 500, { error: 'stand-in', reason: String(e) }));
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  const address: Record<string, string> = {};
  for (const n of nodes) address[n] = await listen(() => (state.down.has(n) ? null : n));
  const balancer = await listen(() => {
    const up = nodes.filter((n) => !state.down.has(n));
    if (up.length === 0) return null;
    return up[turn++ % up.length]!;
  });
  return {
    nodes,
    balancer,
    address,
    config,
    dbs,
    scheduler,
    local,
    get down() {
      return state.down;
    },
    set down(v: Set<string>) {
      state.down = v;
    },
    get securityFailure() {
      return state.securityFailure;
    },
    set securityFailure(v: string | null) {
      state.securityFailure = v;
    },
    log,
    async stop() {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };
}
