/**
 * Provisioning a county on a CouchDB 3 cluster, against the recorded-answer
 * stand-in of a three-node cluster behind a round-robin load balancer
 * (clusterStandIn.ts; each node keeps its own configuration). What it cannot
 * show — validation, views, replication actually running — is tested on the
 * trial server (county.test.ts) or on a real CouchDB (TONGXIN_TEST_COUCHDB).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureSecurity, isDefaultSecurity, type Admin } from '../../sync/couchdb/admin';
import { parseCountyFile, provision, type CountyFile } from '../../sync/couchdb/provision';
import { corsSettings, ensureServerSettings, mergeList } from '../../sync/couchdb/serverSettings';
import { countyReplicationFacts, replicationFacts } from '../../sync/couchdb/replicationStatus';
import { ADMIN, OPERATOR, startClusterStandIn, type ClusterStandIn } from './clusterStandIn';

let cluster: ClusterStandIn;
beforeEach(async () => {
  cluster = await startClusterStandIn();
});
afterEach(async () => cluster?.stop());

const via = (base: string, who: { username: string; password: string } = ADMIN): Admin => ({ base, ...who });
const countyFile = (extra: Record<string, unknown> = {}): CountyFile =>
  parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: cluster.balancer, replicationUrl: 'http://couch-lb.yunxi.internal:5984', centers: [{ id: 'qingshan', name: '青山' }, { id: 'shiqiao', name: '石桥' }], ...extra }));
const ORIGINS = ['app://tongxin', 'http://127.0.0.1:47813'];

describe('server settings on every node', () => {
  it('writes CORS on each node through the balancer, reads each back, and a second run changes nothing', async () => {
    const first = await ensureServerSettings(via(cluster.balancer), corsSettings(ORIGINS, false), false, 'CORS');
    expect(first.errors).toEqual([]);
    expect(first.steps.map((s) => s.outcome)).toEqual(['updated', 'updated', 'updated']);
    for (const node of cluster.nodes) {
      const cfg = cluster.config[node]!;
      expect(cfg.get('cors/origins'), node).toBe('app://tongxin, http://127.0.0.1:47813');
      expect(cfg.get('chttpd/enable_cors'), node).toBe('true');
      expect(cfg.get('cors/credentials'), node).toBe('true');
    }
    expect(first.checks).toEqual(cluster.nodes.map((n) => `CORS read back from node ${n}: complete`));
    // Written by name, never through _node/_local (which the balancer sends anywhere).
    expect(cluster.log.filter((l) => l.includes('/_node/_local/'))).toEqual([]);

    const again = await ensureServerSettings(via(cluster.balancer), corsSettings(ORIGINS, false), false, 'CORS');
    expect(again.steps.map((s) => s.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(again.steps.every((s) => !s.what.includes(':'))).toBe(true);
    // Through one node's own address: the same, nothing to change.
    const viaNode = await ensureServerSettings(via(cluster.address[cluster.nodes[1]!]!), corsSettings(ORIGINS, false), false, 'CORS');
    expect(viaNode.steps.map((s) => s.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('adds to what other applications set, never removes, and says exactly what it added where', async () => {
    const [n1, n2] = cluster.nodes;
    cluster.config[n1!]!.set('cors/origins', 'https://other-app.example, app://tongxin');
    cluster.config[n1!]!.set('cors/headers', 'accept, authorization, content-type, origin, referer, x-other');
    cluster.config[n2!]!.set('cors/origins', 'https://gis.example');
    const res = await ensureServerSettings(via(cluster.balancer), corsSettings(ORIGINS, false), false, 'CORS');
    expect(res.errors).toEqual([]);
    expect(cluster.config[n1!]!.get('cors/origins')).toBe('https://other-app.example, app://tongxin, http://127.0.0.1:47813');
    expect(cluster.config[n1!]!.get('cors/headers')).toBe('accept, authorization, content-type, origin, referer, x-other');
    expect(cluster.config[n2!]!.get('cors/origins')).toBe('https://gis.example, app://tongxin, http://127.0.0.1:47813');
    const n1Step = res.steps.find((s) => s.what.includes(n1!))!.what;
    expect(n1Step).toContain(`added origin http://127.0.0.1:47813 to cors/origins`);
    expect(n1Step).not.toContain('added origin app://tongxin');
    expect(n1Step).not.toContain('header');
    expect(res.steps.find((s) => s.what.includes(n2!))!.what).toContain('added origin app://tongxin to cors/origins; added origin http://127.0.0.1:47813 to cors/origins');
  });

  it('names a node that is down and leaves it for the next run, and the others are still set', async () => {
    const down = cluster.nodes[2]!;
    cluster.down = new Set([down]);
    const res = await ensureServerSettings(via(cluster.balancer), corsSettings(ORIGINS, false), false, 'CORS');
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0]).toMatch(new RegExp(`node ${down.replace(/\./g, '\\.')} is a member of the cluster but not connected.*Run provisioning again`));
    expect(res.steps.map((s) => s.outcome)).toEqual(['updated', 'updated']);
    expect(cluster.config[down]!.size).toBe(0);
    cluster.down = new Set();
    const later = await ensureServerSettings(via(cluster.balancer), corsSettings(ORIGINS, false), false, 'CORS');
    expect(later.errors).toEqual([]);
    expect(later.steps.map((s) => s.outcome)).toEqual(['unchanged', 'unchanged', 'updated']);
  });

  it('merges list settings entry by entry', () => {
    expect(mergeList(undefined, 'a, b')).toEqual({ value: 'a, b', added: ['a', 'b'] });
    expect(mergeList('b,c', 'a, b')).toEqual({ value: 'b, c, a', added: ['a'] });
    expect(mergeList(' a , b ', 'a, b')).toEqual({ value: 'a, b', added: [] });
  });
});

describe('provisioning a county on the cluster', () => {
  it('reports brand-new databases as created, and a second run — through another node — as unchanged with the same replication documents', async () => {
    const first = await provision(via(cluster.balancer), countyFile(), { replicationCheckMs: 0 });
    expect(first.errors).toEqual([]);
    const security = first.steps.filter((s) => s.what.endsWith(' security'));
    expect(security.length).toBeGreaterThanOrEqual(4);
    expect(security.map((s) => s.outcome)).toEqual(security.map(() => 'created'));
    const replicator = cluster.dbs.get('_replicator')!.docs;
    const before = JSON.stringify([...replicator.values()]);
    expect(replicator.get('county-yunxi-qingshan')).toMatchObject({ source: { url: 'http://couch-lb.yunxi.internal:5984/center_qingshan' }, target: { url: 'http://couch-lb.yunxi.internal:5984/county_yunxi' } });

    const again = await provision(via(cluster.address[cluster.nodes[2]!]!), countyFile({ server: cluster.address[cluster.nodes[2]!] }), { replicationCheckMs: 0 });
    expect(again.errors).toEqual([]);
    expect(again.credentials).toEqual([]);
    expect(again.steps.filter((s) => s.outcome !== 'unchanged')).toEqual([]);
    expect(JSON.stringify([...replicator.values()])).toBe(before);
  });

  it('never puts the server administrator in a replication document: a replication-only account per center', async () => {
    const res = await provision(via(cluster.balancer), countyFile(), { replicationCheckMs: 0 });
    expect(res.errors).toEqual([]);
    const doc = cluster.dbs.get('_replicator')!.docs.get('county-yunxi-qingshan')!;
    expect(JSON.stringify(doc)).not.toContain(ADMIN.password);
    expect(doc).toMatchObject({ source: { auth: { basic: { username: 'repl-qingshan' } } }, target: { auth: { basic: { username: 'repl-qingshan' } } } });
    const user = cluster.dbs.get('_users')!.docs.get('org.couchdb.user:repl-qingshan')!;
    expect(user.roles).toEqual(['copy-from:qingshan', 'copy-to:yunxi']);
    expect(cluster.dbs.get('center_qingshan')!.security).toMatchObject({ members: { roles: expect.arrayContaining(['copy-from:qingshan']) } });
    expect(cluster.dbs.get('county_yunxi')!.security).toMatchObject({ members: { roles: expect.arrayContaining(['copy-to:yunxi']) } });
    // Its password is printed nowhere: it lives only in the replication document.
    expect(res.credentials.map((c) => c.user)).not.toContain('repl-qingshan');
  });

  it('changes the replication address only when told to, and says from where to where', async () => {
    await provision(via(cluster.balancer), countyFile(), { replicationCheckMs: 0 });
    const moved = countyFile({ replicationUrl: 'http://couch-lb2.yunxi.internal:5984' });
    const refused = await provision(via(cluster.balancer), moved, { replicationCheckMs: 0 });
    expect(refused.errors.join('\n')).toMatch(/replication county-yunxi-qingshan copies http:\/\/couch-lb\.yunxi\.internal:5984\/center_qingshan .*county file says http:\/\/couch-lb2.*Nothing was changed.*--move-replication/);
    expect(cluster.dbs.get('_replicator')!.docs.get('county-yunxi-qingshan')).toMatchObject({ source: { url: 'http://couch-lb.yunxi.internal:5984/center_qingshan' } });

    const done = await provision(via(cluster.balancer), moved, { moveReplication: true, replicationCheckMs: 0 });
    expect(done.errors).toEqual([]);
    expect(done.steps.find((s) => s.what.startsWith('replication county-yunxi-qingshan'))).toEqual({
      what: 'replication county-yunxi-qingshan: moved from http://couch-lb.yunxi.internal:5984/center_qingshan → http://couch-lb.yunxi.internal:5984/county_yunxi to http://couch-lb2.yunxi.internal:5984/center_qingshan → http://couch-lb2.yunxi.internal:5984/county_yunxi',
      outcome: 'updated',
    });
    const doc = cluster.dbs.get('_replicator')!.docs.get('county-yunxi-qingshan')!;
    expect(doc).toMatchObject({ source: { url: 'http://couch-lb2.yunxi.internal:5984/center_qingshan', auth: { basic: { username: 'repl-qingshan' } } } });
  });

  it('replaces a replication document that signs in as the administrator (made by an older Tongxin), keeping its addresses', async () => {
    await provision(via(cluster.balancer), countyFile(), { replicationCheckMs: 0 });
    const docs = cluster.dbs.get('_replicator')!.docs;
    const cur = docs.get('county-yunxi-qingshan')!;
    const adminAuth = { basic: { username: ADMIN.username, password: ADMIN.password } };
    docs.set('county-yunxi-qingshan', { ...cur, source: { url: (cur.source as { url: string }).url, auth: adminAuth }, target: { url: (cur.target as { url: string }).url, auth: adminAuth } });
    const res = await provision(via(cluster.balancer), countyFile(), { replicationCheckMs: 0 });
    expect(res.errors).toEqual([]);
    expect(res.steps.find((s) => s.what.startsWith('replication county-yunxi-qingshan'))!.what).toBe('replication county-yunxi-qingshan: signs in as repl-qingshan (was admin; its checkpoints start over once)');
    expect(JSON.stringify(docs.get('county-yunxi-qingshan'))).not.toContain(ADMIN.password);
    expect(docs.get('county-yunxi-qingshan')).toMatchObject({ source: { url: (cur.source as { url: string }).url } });
  });

  it('checks each county copy with the scheduler and says in words when one does not run', async () => {
    cluster.scheduler.set('county-yunxi-shiqiao', { state: 'crashing', info: { error: 'session_request_failed: http://couch-lb.yunxi.internal:5984/center_shiqiao/ failed due to error {conn_failed,{error,econnrefused}}' } });
    const res = await provision(via(cluster.balancer), countyFile(), { replicationCheckMs: 0 });
    expect(res.checks).toContain('county copy of qingshan (county-yunxi-qingshan) runs');
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0]).toMatch(/county copy of shiqiao \(county-yunxi-shiqiao\) is failing and retrying: cannot reach the address it copies from or to .*econnrefused.*replicationUrl/);
  });

  it('says in words when the account may not set security (CouchDB 3 answers 500), and that a new database is not "updated"', async () => {
    await provision(via(cluster.balancer), countyFile(), { replicationCheckMs: 0 });
    const ops = via(cluster.balancer, OPERATOR);
    await expect(ensureSecurity(ops, 'center_qingshan', { admins: { names: [], roles: ['county-admin'] }, members: { names: ['x'], roles: [] } })).rejects.toThrow(
      /refused to set who may use center_qingshan \(HTTP 500\): only a server administrator can set a database's security on CouchDB 3/,
    );
    // The same 500 to a server administrator is not about permission: it is said differently.
    cluster.securityFailure = 'no_majority';
    await expect(ensureSecurity(via(cluster.balancer), 'center_qingshan', { admins: { names: [], roles: ['county-admin'] }, members: { names: ['x'], roles: [] } })).rejects.toThrow(
      /could not set who may use center_qingshan \(HTTP 500, no_majority\): on a cluster a node may be down/,
    );
    expect(isDefaultSecurity({ members: { roles: ['_admin'] }, admins: { roles: ['_admin'] } })).toBe(true);
    expect(isDefaultSecurity({})).toBe(true);
    expect(isDefaultSecurity({ members: { roles: ['center:a'] } })).toBe(false);
  });
});

describe('county status facts', () => {
  it('gives per center the state, the checkpoint age, what waits and what was refused', async () => {
    await provision(via(cluster.balancer), countyFile(), { replicationCheckMs: 0 });
    const now = Date.parse('2026-12-01T08:00:00Z');
    cluster.scheduler.set('county-yunxi-qingshan', { state: 'running', id: 'a1b2c3+continuous', info: { changes_pending: 42, doc_write_failures: 3, checkpointed_source_seq: '17-g1AAAA' } });
    cluster.local.set('center_qingshan', new Map([['a1b2c3', { history: [{ end_time: 'Tue, 01 Dec 2026 07:45:00 GMT' }] }]]));
    cluster.scheduler.set('county-yunxi-shiqiao', { state: 'failed', info: { error: 'unauthorized: unauthorized to access or create database http://couch-lb.yunxi.internal:5984/county_yunxi/' } });
    const facts = await countyReplicationFacts(via(cluster.balancer), countyFile(), false, now);
    expect(facts[0]).toMatchObject({ centerId: 'qingshan', state: 'running', words: 'runs', docsWaiting: 42, writeFailures: 3, checkpointedSeq: '17-g1AAAA', checkpointAt: '2026-12-01T07:45:00.000Z', checkpointAgeMs: 15 * 60_000 });
    expect(facts[1]).toMatchObject({ centerId: 'shiqiao', state: 'failed', docsWaiting: null });
    expect(facts[1]!.words).toMatch(/has failed and will not retry: the replication account's password is refused/);
    // Without changes_pending, what waits is the source's sequence minus the checkpointed one.
    cluster.dbs.get('center_qingshan')!.seq = 25;
    cluster.scheduler.set('county-yunxi-qingshan', { state: 'running', info: { checkpointed_source_seq: '17-g1AAAA' } });
    expect((await replicationFacts(via(cluster.balancer), 'yunxi', 'qingshan', false, now)).docsWaiting).toBe(8);
    // A center with no replication document says so.
    cluster.dbs.get('_replicator')!.docs.delete('county-yunxi-qingshan');
    expect(await replicationFacts(via(cluster.balancer), 'yunxi', 'qingshan', false, now)).toMatchObject({ state: 'missing', words: 'has no replication document; run provisioning' });
  });
});
