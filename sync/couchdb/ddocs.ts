/**
 * Builds the CouchDB design documents from the small ES5 files beside this
 * module (one per view, validation or filter), so they can be read, tested in
 * node:vm and installed unchanged by the provisioning CLI.
 *
 *   center_<id>  _design/tongxin   validate_doc_update (structure + authority), filter `deidentified`
 *   county       _design/county    validate_doc_update (the county copy's table only), views for dashboards
 *
 * The structure rules are the zod schemas of sync/schema turned into JSON
 * Schema: the kiosk and the server enforce one rule set. What the county database
 * holds, and the replication rule that feeds it, come from one table
 * (sync/schema/county.ts).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DOC_TYPES, DOC_VERSIONS, tombstoneDoc } from '../schema/documents';
import { newerEnvelope, storedSchemaAt } from '../schema/versions';
import { COUNTY_COPY, COUNTY_TYPES, countySelector } from '../schema/county';

export { COUNTY_TYPES };
import { COUNTY_VIEWS, COUNTY_VIEW_REDUCERS, type CountyView } from '../schema/countyViews';

/**
 * The CouchDB 3 replication selector for the county copy, from the one table of
 * sync/schema/county.ts. The trial server's filter evaluates this same object.
 */
export const COUNTY_SELECTOR = countySelector();

export { COUNTY_VIEWS, COUNTY_VIEW_REDUCERS, type CountyView } from '../schema/countyViews';

/** Bumped when a design document changes, so provisioning knows to update it. */
export const DDOC_VERSION = 10;

function source(relative: string): string {
  const text = readFileSync(new URL(relative, import.meta.url), 'utf8');
  // Drop the leading comment: CouchDB evaluates the field as one expression that yields a
  // function (a function, or for the validation functions a call that returns one).
  return text.replace(/^\s*\/\*[\s\S]*?\*\/\s*/, '').trim();
}

/** A zod schema as JSON Schema (input shape: what a writer must send). */
function asJson(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return json;
}

/**
 * JSON Schema per document type and schema version, from the zod schemas (a private type: its
 * plain or its encrypted form, issue 14): `{ attendance: { "1": … }, screeningAnswers: { "1": …, "2": … } }`.
 * Every version stays: kiosks of older app versions keep writing them for months.
 */
export function schemasAsJson(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    DOC_TYPES.map((type) => [type, Object.fromEntries(Array.from({ length: DOC_VERSIONS[type] }, (_, i) => [String(i + 1), asJson(storedSchemaAt(type, i + 1)!)]))]),
  );
}

/** Pastes `value` as JSON over a placeholder. A function replacer, so `$&` and `$'` in the JSON stay as they are. */
function fill(src: string, placeholder: string, value: string): string {
  if (!src.includes(placeholder)) throw new Error(`design document source has no ${placeholder}`);
  return src.replace(placeholder, () => value);
}

/** The shared structure check (schema_check.js), as an expression. */
export function checkSource(): string {
  return source('./schema_check.js');
}

export function validateSource(centerId: string): string {
  let src = source('./validate_doc_update.js');
  src = fill(src, '/*SCHEMAS*/ null', JSON.stringify(schemasAsJson()));
  src = fill(src, '/*TOMBSTONE*/ null', JSON.stringify(asJson(tombstoneDoc)));
  src = fill(src, '/*NEWER*/ null', JSON.stringify(asJson(newerEnvelope)));
  src = fill(src, '/*CENTER*/ null', JSON.stringify(centerId));
  return fill(src, '/*CHECK*/ null', checkSource());
}

/** The county database's rules, from the county copy's table. */
export function countyValidateSource(): string {
  const rules = Object.fromEntries(
    COUNTY_TYPES.map((t) => {
      const r = COUNTY_COPY[t] as { schema: z.ZodType; idPrefix: string; consented: boolean };
      return [t, { schema: asJson(r.schema), idPrefix: r.idPrefix, consented: r.consented }];
    }),
  );
  let src = source('./county_validate.js');
  src = fill(src, '/*RULES*/ null', JSON.stringify(rules));
  src = fill(src, '/*TOMBSTONE*/ null', JSON.stringify(asJson(tombstoneDoc)));
  return fill(src, '/*CHECK*/ null', checkSource());
}

export function filterSource(): string {
  return fill(source('./deidentified_filter.js'), '/*SELECTOR*/ null', JSON.stringify(COUNTY_SELECTOR));
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
    validate_doc_update: countyValidateSource(),
    views: Object.fromEntries(COUNTY_VIEWS.map((v) => [v, { map: viewSource(v), reduce: COUNTY_VIEW_REDUCERS[v] }])),
  };
}
