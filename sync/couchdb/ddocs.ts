/**
 * Builds the CouchDB design documents from the small ES5 files beside this
 * module (one per view, validation or filter), so they can be read, tested in
 * node:vm and installed unchanged by the provisioning CLI.
 *
 *   center_<id>  _design/tongxin   validate_doc_update (structure + authority), filter `deidentified`
 *   county       _design/county    validate_doc_update (county admins only), views for dashboards
 *
 * The structure rules are the zod schemas of sync/schema turned into JSON
 * Schema: the kiosk and the server enforce one rule set.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { schemasByType } from '../schema/documents';
import { COUNTY_VIEWS, COUNTY_VIEW_REDUCERS, type CountyView } from '../schema/countyViews';

/**
 * Document types copied into the county database: de-identified events and the center
 * itself. Activities stay in the center (they list participants and free text); the
 * county gets their serviceTally instead.
 */
export const COUNTY_TYPES = ['center', 'day', 'attendance', 'mood', 'serviceTally', 'screening', 'centerTally'] as const;
/** Events about one child: copied only when the guardian had consented to county statistics at the time (snapshot.countyOk). */
export const CONSENTED_TYPES = ['attendance', 'mood', 'screening'] as const;

/**
 * The CouchDB 3 replication selector for the county copy: center-level documents,
 * one child's events only with county-statistics consent, and deletions of any of
 * them (a tombstone keeps type and centerId). Private types are never listed.
 */
export const COUNTY_SELECTOR = {
  $or: [
    { type: { $in: COUNTY_TYPES.filter((t) => !(CONSENTED_TYPES as readonly string[]).includes(t)) } },
    { type: { $in: [...CONSENTED_TYPES] }, 'snapshot.countyOk': true },
    { type: { $in: [...COUNTY_TYPES] }, _deleted: true },
  ],
} as const;

export { COUNTY_VIEWS, COUNTY_VIEW_REDUCERS, type CountyView } from '../schema/countyViews';

/** Bumped when a design document changes, so provisioning knows to update it. */
export const DDOC_VERSION = 2;

function source(relative: string): string {
  const text = readFileSync(new URL(relative, import.meta.url), 'utf8');
  // Drop the leading comment: CouchDB evaluates the field as one function expression.
  return text.replace(/^\s*\/\*[\s\S]*?\*\/\s*/, '').trim();
}

/** JSON Schema per document type, from the zod schemas (input shape: what a writer must send). */
export function schemasAsJson(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schemasByType).map(([type, schema]) => {
      const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
      return [type, json];
    }),
  );
}

export function validateSource(centerId: string | null): string {
  return source('./validate_doc_update.js')
    .replace('/*SCHEMAS*/ null', JSON.stringify(schemasAsJson()))
    .replace('/*CENTER*/ null', JSON.stringify(centerId));
}

export function filterSource(): string {
  return source('./deidentified_filter.js').replace('/*TYPES*/ null', JSON.stringify(COUNTY_TYPES)).replace('/*CONSENTED*/ null', JSON.stringify(CONSENTED_TYPES));
}

export function viewSource(view: CountyView): string {
  return source(`./views/${view}/map.js`);
}

export interface DesignDoc {
  _id: string;
  _rev?: string;
  language: 'javascript';
  tongxinVersion: number;
  validate_doc_update: string;
  filters?: Record<string, string>;
  views?: Record<string, { map: string; reduce: string }>;
}

export function centerDesignDoc(centerId: string): DesignDoc {
  return { _id: '_design/tongxin', language: 'javascript', tongxinVersion: DDOC_VERSION, validate_doc_update: validateSource(centerId), filters: { deidentified: filterSource() } };
}

/** The county's transfer database (one per server): requests between centers, packages encrypted. */
export const TRANSFERS_DB = 'tongxin_transfers';

export function transfersDesignDoc(): DesignDoc {
  return { _id: '_design/transfers', language: 'javascript', tongxinVersion: DDOC_VERSION, validate_doc_update: source('./transfers_validate.js') };
}

export function countyDesignDoc(): DesignDoc {
  return {
    _id: '_design/county',
    language: 'javascript',
    tongxinVersion: DDOC_VERSION,
    validate_doc_update: validateSource(null),
    views: Object.fromEntries(COUNTY_VIEWS.map((v) => [v, { map: viewSource(v), reduce: COUNTY_VIEW_REDUCERS[v] }])),
  };
}
