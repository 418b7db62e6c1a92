/**
 * Schema versions and migrations.
 *
 * The model. Every document says which version of its type's schema it was written to
 * (`schemaVersion`). Types change one at a time: a type's version goes up by one when its
 * shape changes, and MIGRATIONS says, as a pure function, how a document of version N of
 * that type becomes version N+1. A county runs kiosks of several app versions for months,
 * so every kiosk meets documents older and newer than its own:
 *
 *   older   migrated as they are read (`readDoc`), step by step up to this app's version,
 *           and checked against this app's schema. The stored document is left as it is
 *           until someone edits it: the next write stores the migrated form. No pass over
 *           the whole database at start (a center holds ~273,000 documents: minutes of
 *           writes, and every migrated document would become unreadable-for-edit to the
 *           older kiosks of the same center at once). The upgrade backup that
 *           app/backups.ts takes on the first start of a new app version, before anything
 *           writes, comes before any migrated document is stored.
 *   newer   (written by a newer app) kept exactly as stored: never dropped, never
 *           overwritten, never settled in a conflict by this kiosk. It is shown read-only
 *           when the fields this app knows still read under its schema (fields it does not
 *           know are left out of the view, and stay in the stored document), otherwise
 *           not shown at all; either way it is counted, and staff see "this kiosk must be
 *           updated" with the count. A write to it is refused with NewerDocumentError.
 *
 * To add a migration: copy the type's schema in documents.ts as `<type>DocV<N>` (the
 * version that is being left), change the current schema and its `schemaVersion` literal
 * to N+1, add the step here with a `reason`, and tests in versions.test.ts. The registry
 * is checked when this module loads: a gap, a step down or a step past the current
 * version fails every test at once.
 *
 * Runs anywhere (domain and sync code only): no UI, database or Electron imports.
 */
import { z } from 'zod';
import { CENTER_ID_RE } from './ids';
import {
  DOC_VERSIONS,
  encBlob,
  InvalidDocumentError,
  isPrivateType,
  isSealed,
  parseStored,
  PRIVATE_FIELDS,
  sealedSchemasByType,
  type PrivateType,
  schemasByType,
  screeningAnswersDocV1,
  childDocV1,
  type ChildDoc,
  type ChildDocV1,
  type DocOf,
  type DocType,
  type ScreeningAnswersDoc,
  type ScreeningAnswersDocV1,
} from './documents';

/** One step: a document of `type` at version `from` becomes version `from + 1`. Pure. */
export interface Migration {
  readonly type: DocType;
  readonly from: number;
  readonly to: number;
  /** Why the type changed, for the README and for whoever reads the registry. */
  readonly reason: string;
  readonly up: (doc: Record<string, unknown>) => Record<string, unknown>;
}

function step<From, To>(type: DocType, from: number, reason: string, up: (doc: From) => To): Migration {
  return { type, from, to: from + 1, reason, up: up as unknown as Migration['up'] };
}

export const MIGRATIONS: readonly Migration[] = [
  step<ScreeningAnswersDocV1, ScreeningAnswersDoc>(
    'screeningAnswers',
    1,
    'the note on an incomplete screening is always there ("" = no note): one spelling of "no note" for every reader and for the three-way merge',
    (d) => ({ ...d, schemaVersion: 2, incompleteNote: d.incompleteNote ?? '' }),
  ),
  step<ChildDocV1, ChildDoc>(
    'child',
    1,
    'a period\'s caregiver may be not recorded yet (a roster import does not guess it): every version-1 child is a version-2 child as it is',
    (d) => ({ ...d, schemaVersion: 2 }),
  ),
];

/** Every schema version of a type that changed, by version; the current one is schemasByType's. */
export const OLDER_SCHEMAS: { readonly [K in DocType]?: Readonly<Record<number, z.ZodObject>> } = {
  screeningAnswers: { 1: screeningAnswersDocV1 },
  child: { 1: childDocV1 },
};

/** The migration registry is not a chain 1 → 2 → … → current for some type. */
export class MigrationRegistryError extends Error {
  override name = 'MigrationRegistryError';
}

/**
 * Checks that each type's steps go one version at a time from 1 to `versions[type]`, with
 * a schema for every version below it.
 * @throws MigrationRegistryError naming the type and the step at fault.
 */
export function checkRegistry(
  migrations: readonly Migration[],
  versions: { readonly [type: string]: number },
  older: { readonly [type: string]: Readonly<Record<number, unknown>> | undefined } = OLDER_SCHEMAS,
): void {
  for (const m of migrations) {
    if (!(m.type in versions)) throw new MigrationRegistryError(`${m.type}: not a document type`);
    if (!Number.isInteger(m.from) || m.from < 1) throw new MigrationRegistryError(`${m.type}: a step from version ${m.from}`);
    if (m.to <= m.from) throw new MigrationRegistryError(`${m.type}: a step down, from version ${m.from} to ${m.to}`);
    if (m.to !== m.from + 1) throw new MigrationRegistryError(`${m.type}: a gap, from version ${m.from} to ${m.to} (one version at a time)`);
  }
  for (const [type, current] of Object.entries(versions)) {
    const steps = migrations.filter((m) => m.type === type).sort((a, b) => a.from - b.from);
    for (let v = 1; v < current; v++) {
      const here = steps.filter((m) => m.from === v);
      if (here.length === 0) throw new MigrationRegistryError(`${type}: no step from version ${v} to ${v + 1}`);
      if (here.length > 1) throw new MigrationRegistryError(`${type}: ${here.length} steps from version ${v}`);
      if (!older[type]?.[v]) throw new MigrationRegistryError(`${type}: no schema for version ${v}`);
    }
    const beyond = steps.find((m) => m.to > current);
    if (beyond) throw new MigrationRegistryError(`${type}: a step to version ${beyond.to}, past this app's ${current}`);
  }
}

checkRegistry(MIGRATIONS, DOC_VERSIONS);

/**
 * The schemas one app version knows: for each type, its versions 1…`versions[type]`. The
 * running app uses APP_SCHEMAS; a test represents an older app by the same registry cut at
 * the versions that app shipped with (`schemaSetAt({ screeningAnswers: 1 })`) — the older
 * schemas here are the ones that app validated with, unchanged.
 */
export interface SchemaSet {
  readonly versions: { readonly [K in DocType]: number };
  schemaOf(type: DocType, version: number): z.ZodObject | null;
  /** Migrations this app applies (steps up to its versions). */
  readonly migrations: readonly Migration[];
}

export function schemaSetAt(known: { readonly [K in DocType]?: number } = {}): SchemaSet {
  const versions = { ...DOC_VERSIONS } as { [K in DocType]: number };
  for (const [type, v] of Object.entries(known) as [DocType, number][]) {
    if (!Number.isInteger(v) || v < 1 || v > DOC_VERSIONS[type]) throw new MigrationRegistryError(`${type}: this code has no version ${v}`);
    versions[type] = v;
  }
  return {
    versions,
    migrations: MIGRATIONS.filter((m) => m.to <= versions[m.type]),
    schemaOf(type, version) {
      if (!Number.isInteger(version) || version < 1 || version > versions[type]) return null;
      if (version === DOC_VERSIONS[type]) return schemasByType[type] as unknown as z.ZodObject;
      return OLDER_SCHEMAS[type]?.[version] ?? null;
    },
  };
}

/** This app: every type at its current version. */
export const APP_SCHEMAS: SchemaSet = schemaSetAt();

/** What reading one stored document gave. */
export type ReadDoc<K extends DocType> =
  | { readonly kind: 'current'; readonly doc: DocOf<K> }
  /** Written at an older version: `doc` is migrated (the stored document is unchanged). */
  | { readonly kind: 'migrated'; readonly doc: DocOf<K>; readonly from: number }
  /**
   * Written by a newer app. `doc` is what this app can show of it, read-only (its known
   * fields; `schemaVersion` keeps the newer number, so a write of it is refused), or null
   * when its known fields no longer read under this app's schema: then it is not shown.
   */
  | { readonly kind: 'newer'; readonly doc: DocOf<K> | null; readonly version: number };

/** The document was written by a newer app than this one; this kiosk keeps it and does not change it. */
export class NewerDocumentError extends Error {
  override name = 'NewerDocumentError';
  constructor(
    readonly docId: string,
    readonly version: number,
    readonly known: number,
  ) {
    super(`document ${docId} has schema version ${version}; this app knows up to ${known}: it is kept unchanged until this kiosk is updated`);
  }
}

function invalid(value: unknown, issues: readonly z.core.$ZodIssue[] | readonly string[]): InvalidDocumentError {
  const id = typeof value === 'object' && value !== null && '_id' in value ? String(value._id) : '(no id)';
  return new InvalidDocumentError(id, issues.map((i) => (typeof i === 'string' ? i : `${i.path.join('.') || '(document)'}: ${i.message}`)));
}

/** The schema version a stored value says it has; NaN when it says none. */
export function versionOf(value: unknown): number {
  const v = typeof value === 'object' && value !== null ? (value as { schemaVersion?: unknown }).schemaVersion : undefined;
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : Number.NaN;
}

/** True when `value` was written by a newer app than `set` (for its type). */
export function isNewer(value: unknown, set: SchemaSet = APP_SCHEMAS): boolean {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  return typeof type === 'string' && type in set.versions && versionOf(value) > set.versions[type as DocType];
}

/**
 * Reads a stored (opened, not sealed) document of type `type` as the app of `set` sees it.
 * @throws InvalidDocumentError when it is not a valid document of its own version.
 */
export function readDoc<K extends DocType>(type: K, value: unknown, set: SchemaSet = APP_SCHEMAS): ReadDoc<K> {
  const version = versionOf(value);
  const current = set.versions[type];
  if (Number.isNaN(version)) throw invalid(value, ['schemaVersion: expected a whole number from 1']);
  if (version > current) {
    // Read what this app knows: its own schema, unknown fields left out, the newer version kept.
    const known = (set.schemaOf(type, current) as z.ZodObject).strip().extend({ schemaVersion: z.number().int().min(current + 1) });
    const r = known.safeParse(value);
    return { kind: 'newer', doc: r.success ? (r.data as unknown as DocOf<K>) : null, version };
  }
  const schema = set.schemaOf(type, version);
  if (!schema) throw invalid(value, [`schemaVersion: no version ${version} of ${type}`]);
  const own = schema.safeParse(value);
  if (!own.success) throw invalid(value, own.error.issues);
  if (version === current) return { kind: 'current', doc: own.data as DocOf<K> };
  let doc = own.data as Record<string, unknown>;
  for (let v = version; v < current; v++) {
    const m = set.migrations.find((s) => s.type === type && s.from === v)!;
    doc = m.up(doc);
  }
  const migrated = (set.schemaOf(type, current) as z.ZodObject).safeParse(doc);
  if (!migrated.success) throw invalid(value, migrated.error.issues.map((i) => `after migration from version ${version}: ${i.path.join('.')}: ${i.message}`));
  return { kind: 'migrated', doc: migrated.data as DocOf<K>, from: version };
}

/**
 * The same, when the type is read off the document (a bundle, a backup, a conflict).
 * @throws InvalidDocumentError for an unknown type or an invalid document.
 */
export function readAnyDoc(value: unknown, set: SchemaSet = APP_SCHEMAS): ReadDoc<DocType> {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !(type in set.versions)) throw invalid(value, [`type: unknown document type ${JSON.stringify(type)}`]);
  return readDoc(type as DocType, value, set);
}

/**
 * What this app checks of a document written by a newer app (a bundle, a transfer, a
 * backup): that it is a document of a known type for a center, with a version — its
 * content is the newer app's business and is kept exactly as it came.
 */
export const newerEnvelope = z.looseObject({
  _id: z.string().min(1),
  type: z.enum(Object.keys(DOC_VERSIONS) as [DocType, ...DocType[]]),
  centerId: z.string().regex(CENTER_ID_RE, 'expected a lowercase center id'),
  schemaVersion: z.number().int().min(2),
});

/** The stored (encrypted) form of a private type at one version of its schema (documents.ts: sealedSchemasByType, for the current one). */
export function sealedSchemaAt(type: PrivateType, version: number, set: SchemaSet = APP_SCHEMAS): z.ZodObject | null {
  const schema = set.schemaOf(type, version);
  if (!schema) return null;
  if (version === DOC_VERSIONS[type]) return sealedSchemasByType[type];
  const mask = Object.fromEntries(PRIVATE_FIELDS[type].map((f) => [f, true])) as Record<string, true>;
  return schema.omit(mask).extend({ enc: encBlob });
}

/**
 * Checks a document as stored (plain, sealed or a deletion) the way a bundle, a backup or a
 * transfer must be checked when it may come from an older or a newer app: an older version
 * against its own schema, a newer one by its envelope only.
 * @returns the problems in words, none when it is fine.
 */
export function storedProblems(value: Record<string, unknown>, set: SchemaSet = APP_SCHEMAS): string[] {
  const type = value.type;
  if (typeof type !== 'string' || !(type in set.versions)) return ['type'];
  const version = versionOf(value);
  const issues = (r: { success: boolean; error?: z.ZodError }) => (r.success ? [] : [...new Set(r.error!.issues.map((i) => i.path.join('.') || 'type'))]);
  if (version > set.versions[type as DocType]) return issues(newerEnvelope.safeParse(value));
  if (isSealed(value)) {
    const schema = sealedSchemaAt(value.type, version, set);
    return schema ? issues(schema.safeParse(value)) : ['schemaVersion'];
  }
  const schema = Number.isNaN(version) ? null : set.schemaOf(type as DocType, version);
  return schema ? issues(schema.safeParse(value)) : ['schemaVersion'];
}

/** The stored form of `type` at `version`: its schema, and for a private type also its sealed form. null when the app has no such version. */
export function storedSchemaAt(type: DocType, version: number, set: SchemaSet = APP_SCHEMAS): z.ZodType | null {
  const plain = set.schemaOf(type, version);
  if (!plain) return null;
  return isPrivateType(type) ? z.union([plain, sealedSchemaAt(type, version, set)!]) : plain;
}

/**
 * The verdict on anything about to be stored by replication, a bundle or a backup, the one
 * the server's validate_doc_update reaches too (sync/couchdb/ddocs.test.ts): a deletion, a
 * document of any version this app knows checked against that version, or a newer one by
 * its envelope.
 * @throws InvalidDocumentError
 */
export function checkStored(value: unknown, set: SchemaSet = APP_SCHEMAS): void {
  if (typeof value === 'object' && value !== null && '_deleted' in value && value._deleted !== undefined) {
    parseStored(value);
    return;
  }
  const id = typeof value === 'object' && value !== null && '_id' in value ? String(value._id) : '(no id)';
  if (typeof value !== 'object' || value === null) throw new InvalidDocumentError(id, ['(document): expected an object']);
  const problems = storedProblems(value as Record<string, unknown>, set);
  if (problems.length > 0) throw new InvalidDocumentError(id, problems);
}
