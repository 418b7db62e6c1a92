/**
 * Server-wide settings (CORS and the like) on every node of a CouchDB 3
 * cluster, or on a single node, which is a cluster of one.
 *
 * Model: configuration is per node. `/_membership` names the members
 * (`cluster_nodes`: every configured member, `all_nodes`: those connected now);
 * `/_node/{name}/_config/{section}/{key}` reads or writes one node's value and
 * works through any node, so provisioning behind a round-robin load balancer
 * reaches each member by name rather than wherever the balancer sends it.
 *
 * Add, never remove: a list setting (CORS origins, headers, methods) is merged
 * with what the node already has; other settings are set only when they differ.
 * Each change is reported in words, per node; an unchanged node reports nothing
 * changed. Afterwards every node is read back and anything missing is named.
 *
 * Stand-in difference (pouchdb-server, trial only): it answers `/_membership`
 * with a made-up node but has no `/_node/{name}/_config`; it keeps its one
 * configuration under `/_config`. It is treated as a single member named
 * STANDIN_NODE, and only the path differs.
 */
import { couch, type Admin, type Step } from './admin';

export interface ServerSetting {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  /** A comma-separated list: merged with the node's entries, never replacing them. */
  readonly list?: boolean;
  /** Singular noun for one list entry in reports ("origin"). */
  readonly entry?: string;
}

/** How the stand-in's single configuration is named in reports. */
export const STANDIN_NODE = 'trial server';

/** The settings kiosks need to call the server from their own origin, with credentials. */
export function corsSettings(origins: readonly string[], standIn: boolean): ServerSetting[] {
  return [
    { section: 'httpd', key: 'enable_cors', value: 'true' },
    // CouchDB 3 serves the clustered API through chttpd; the stand-in has only httpd.
    ...(standIn ? [] : [{ section: 'chttpd', key: 'enable_cors', value: 'true' }]),
    { section: 'cors', key: 'origins', value: origins.join(', '), list: true, entry: 'origin' },
    { section: 'cors', key: 'credentials', value: 'true' },
    { section: 'cors', key: 'headers', value: 'accept, authorization, content-type, origin, referer', list: true, entry: 'header' },
    { section: 'cors', key: 'methods', value: 'GET, PUT, POST, HEAD, DELETE', list: true, entry: 'method' },
  ];
}

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The node's list with the wanted entries that are missing appended, in order.
 * ", " joins them: CouchDB trims around commas; the stand-in splits on ", " exactly.
 */
export function mergeList(current: string | undefined, wanted: string): { value: string; added: string[] } {
  const have = splitList(current);
  const added = splitList(wanted).filter((w) => !have.includes(w));
  return { value: [...have, ...added].join(', '), added };
}

export interface Members {
  /** Every member the cluster is configured with. */
  readonly nodes: string[];
  /** Members not connected now (in cluster_nodes, not in all_nodes). */
  readonly down: string[];
}

/** @throws Error in words when the server does not say who its members are. */
export async function clusterMembers(a: Admin, standIn: boolean): Promise<Members> {
  if (standIn) return { nodes: [STANDIN_NODE], down: [] };
  const r = await couch(a, 'GET', '_membership');
  const cluster = r.json.cluster_nodes;
  const all = r.json.all_nodes;
  if (r.status !== 200 || !Array.isArray(cluster) || cluster.length === 0)
    throw new Error(`the server did not list its nodes (GET /_membership answered HTTP ${r.status}); server settings cannot be set on every node`);
  const nodes = cluster.map(String);
  const connected = Array.isArray(all) ? all.map(String) : nodes;
  return { nodes, down: nodes.filter((n) => !connected.includes(n)) };
}

const configPath = (node: string, standIn: boolean, s: ServerSetting) =>
  `${standIn ? '_config' : `_node/${encodeURIComponent(node)}/_config`}/${encodeURIComponent(s.section)}/${encodeURIComponent(s.key)}`;

/** One node's value; undefined when it has none. @throws Error in words when the node does not answer. */
async function readSetting(a: Admin, node: string, standIn: boolean, s: ServerSetting): Promise<string | undefined> {
  const r = await couch(a, 'GET', configPath(node, standIn, s));
  if (r.status === 404) return undefined;
  // A config value comes back as a bare JSON string, which couch() hands over as parsed.
  if (r.status === 200 && typeof (r.json as unknown) === 'string') return r.json as unknown as string;
  throw new Error(`node ${node} did not answer for ${s.section}/${s.key} (HTTP ${r.status}${describeBody(r.json)}) — is it down?`);
}

function describeBody(json: Record<string, unknown>): string {
  const e = [json.error, json.reason].filter((x) => typeof x === 'string').join(': ');
  return e ? `, ${e}` : '';
}

/** What a setting lacks on a node, in words; null when it holds what is wanted. */
function lacking(s: ServerSetting, current: string | undefined): string | null {
  if (s.list) {
    const missing = mergeList(current, s.value).added;
    return missing.length ? `${s.section}/${s.key} lacks ${missing.join(', ')}` : null;
  }
  return current === s.value ? null : `${s.section}/${s.key} is ${current === undefined ? 'not set' : JSON.stringify(current)}, not ${JSON.stringify(s.value)}`;
}

export interface SettingsReport {
  /** One step per node: "updated" with what changed, or "unchanged". */
  readonly steps: Step[];
  /** The read-back, per node, in words. */
  readonly checks: string[];
  /** Nodes that could not be written or do not hold the settings afterwards. */
  readonly errors: string[];
}

/**
 * Writes `settings` on every member, adding what is missing and leaving
 * everything else as it is, then reads every member back.
 * `label` names the group of settings in reports ("CORS").
 */
export async function ensureServerSettings(a: Admin, settings: readonly ServerSetting[], standIn: boolean, label: string): Promise<SettingsReport> {
  const report: SettingsReport = { steps: [], checks: [], errors: [] };
  const { nodes, down } = await clusterMembers(a, standIn);
  for (const node of nodes) {
    if (down.includes(node)) {
      report.errors.push(`${label}: node ${node} is a member of the cluster but not connected; its settings were not written. Run provisioning again when it is back.`);
      continue;
    }
    try {
      const changes: string[] = [];
      for (const s of settings) {
        const current = await readSetting(a, node, standIn, s);
        let value = s.value;
        if (s.list) {
          const merged = mergeList(current, s.value);
          if (merged.added.length === 0) continue;
          value = merged.value;
          changes.push(...merged.added.map((x) => `added ${s.entry ?? 'entry'} ${x} to ${s.section}/${s.key}`));
        } else {
          if (current === s.value) continue;
          changes.push(`set ${s.section}/${s.key} to ${s.value}${current === undefined ? '' : ` (was ${current})`}`);
        }
        const put = await couch(a, 'PUT', configPath(node, standIn, s), value);
        if (put.status >= 400) throw new Error(`node ${node} refused ${s.section}/${s.key} (HTTP ${put.status}${describeBody(put.json)})`);
      }
      report.steps.push({ what: `${label} on node ${node}${changes.length ? `: ${changes.join('; ')}` : ''}`, outcome: changes.length ? 'updated' : 'unchanged' });
    } catch (e) {
      report.errors.push(`${label}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  // Read back every node, whichever node (or balancer) answered the writes.
  for (const node of nodes) {
    if (down.includes(node)) continue;
    try {
      const missing: string[] = [];
      for (const s of settings) {
        const gap = lacking(s, await readSetting(a, node, standIn, s));
        if (gap) missing.push(gap);
      }
      if (missing.length) report.errors.push(`${label} on node ${node} is incomplete after writing: ${missing.join('; ')}`);
      else report.checks.push(`${label} read back from node ${node}: complete`);
    } catch (e) {
      report.errors.push(`${label}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return report;
}
