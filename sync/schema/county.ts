/**
 * The county copy: what leaves a center for the county database, in ONE table.
 *
 * Each row is a document type the county database may hold, with
 *   schema     its zod schema; the schema's keys are the only fields the county holds of it,
 *   idPrefix   the ids it may have (so a county type under a `private:` id is never copied),
 *   consented  an event about one child: copied only with the guardian's county-statistics
 *              consent at the time (snapshot.countyOk),
 *   from       when the kiosk derives it from a working document (`derive`), that type.
 *
 * Everything on the server follows from this table (sync/couchdb/ddocs.ts): the
 * CouchDB 3 `_replicator` selector, the trial server's filter (the same selector,
 * evaluated by a small ES5 interpreter) and the county database's own
 * validate_doc_update, which refuses any other type, id or field — so a mistake
 * upstream is refused there too and the replication reports it.
 *
 * Working documents (attendance with check-in times and who picked a child up, mood
 * check-ins with `wantsTalk`, screenings with scores, the safety flag and the staff
 * member) stay in the center. For a valid screening the kiosk writes a county copy beside
 * it (storage/*DocStore: put, update, remove, bulkCreate), holding what the screening levels
 * table needs — the pseudonymous child id, the center, the date, the child's snapshot, the
 * instrument and the level.
 *
 * Retired per-event copies (`countyAttendance`, `countyMood`): kiosks up to DDOC_VERSION 6
 * wrote one beside every consented check-in and mood answer — 98% of a center's county
 * documents — but no county view reads them any more: the dashboard, report, exports and the
 * province roll-up read the kiosks' monthly counts (`centerTally`, `moodTally`) instead. So the
 * kiosk derives none (derive → null, which also deletes an older kiosk's copy when its event is
 * next written here: the deletion reaches the county), while the county rules keep ACCEPTING
 * them, since a county server updated before its kiosks must not refuse their sync. Copies
 * already in a county database stay there until their event is written again by an updated
 * kiosk or the child is erased (county-purge purges them from the county database too:
 * sync/couchdb/purge.ts, sync/schema/erasure.ts `isRetiredCountyCopy`).
 *
 * Retired per-session copies (`serviceTally`, `tally:<activityId>`) the same way: kiosks up to
 * DDOC_VERSION 8 wrote one with every service session; since DDOC_VERSION 8 the activity, mix,
 * resources and coordination tables read the monthly `serviceMonthTally`, and DDOC_VERSION 9
 * removed the last views over them (`services`, `sessions`, read by nothing). This version writes
 * none, deletes an older one when its session is next corrected or withdrawn here (the tombstone
 * carries `type` and `centerId`, so the selector lets it through to the county), and the county
 * rules still accept them. They hold no child id, so an erasure has nothing of a child in them.
 *
 * To add a county type (for example a monthly de-identified tally): define its strict
 * zod schema in documents.ts, add a row here, and the selector, filter and county rules
 * follow; the test listing every county field (sync/couchdb/ddocs.test.ts) names it.
 */
import type { z } from 'zod';
import {
  centerDoc,
  centerTallyDoc,
  moodTallyDoc,
  serviceMonthTallyDoc,
  countyAttendanceDoc,
  countyMoodDoc,
  countyScreeningDoc,
  coverageDoc,
  serviceTallyDoc,
  type AnyDoc,
  type CountyAttendanceDoc,
  type CountyMoodDoc,
  type CountyScreeningDoc,
  type DocType,
} from './documents';

export const COUNTY_COPY_PREFIX = 'county:';

/** The id of the county copy of the working document `sourceId`. */
export const countyCopyId = (sourceId: string) => `${COUNTY_COPY_PREFIX}${sourceId}`;

type CountyCopy = CountyAttendanceDoc | CountyMoodDoc | CountyScreeningDoc;

interface CountyRule {
  readonly schema: z.ZodObject;
  readonly idPrefix: string;
  readonly consented: boolean;
  readonly from?: DocType;
  /** A copy no county view reads any more: the county accepts it from older kiosks, the kiosk writes none. */
  readonly retired?: boolean;
  /** The copy of a working document of type `from`, or null when the county gets none of it. */
  readonly derive?: (doc: AnyDoc) => CountyCopy | null;
}

function copyBase(d: Extract<AnyDoc, { type: 'attendance' | 'mood' | 'screening' }>) {
  return {
    _id: countyCopyId(d._id),
    centerId: d.centerId,
    schemaVersion: d.schemaVersion,
    updatedAt: d.updatedAt,
    childId: d.childId,
    date: d.date,
    snapshot: { group: d.snapshot.group, ageBand: d.snapshot.ageBand, gender: d.snapshot.gender, countyOk: true as const },
  };
}

export const COUNTY_COPY = {
  /** The center itself (no child data): the dashboard's hierarchy county → township → village → center. */
  center: { schema: centerDoc, idPrefix: 'center:', consented: false },
  // `day:<date>` (whether a session took place) is not copied: its id carries no center, so two
  // centers' days of one date collided in the county database; what the county needs of days
  // (open days) reaches it counted in centerTally.
  /**
   * Retired (module comment): one service session (`tally:<activityId>`, the shape of domain/tally.ts `tallyOf`), which
   * kiosks up to DDOC_VERSION 8 wrote with each session. No county view reads it since DDOC_VERSION 9 (the activity
   * tables read serviceMonthTally); accepted from older kiosks, written by none of this version, and an older copy is
   * deleted when its session is next corrected or withdrawn here (features/services/serviceService.ts).
   */
  serviceTally: { schema: serviceTallyDoc, idPrefix: 'tally:', consented: false, retired: true },
  /** A center's counts for a month, term or year (domain/county/centerTally.ts): children, staff and follow-ups counted, never named. */
  centerTally: { schema: centerTallyDoc, idPrefix: 'ctally:', consented: false },
  /** A center's mood check-ins of a month by group and face (domain/county/moodTally.ts): what the wellbeing chart reads, counted. */
  moodTally: { schema: moodTallyDoc, idPrefix: 'mtally:', consented: false },
  /** A center's service sessions of a month by type, provider kind and group (domain/county/serviceMonthTally.ts): what the activity, mix, resources and coordination tables read, counted. */
  serviceMonthTally: { schema: serviceMonthTallyDoc, idPrefix: 'stally:', consented: false },
  /** Coverage across providers: a keyed hash of an enrolled child under the county coverage code, with center and group (domain/county/coverage.ts). */
  coverage: { schema: coverageDoc, idPrefix: 'cover:', consented: false },
  /** Retired (module comment): accepted from older kiosks, never derived; an older copy is deleted when its attendance is next written. */
  countyAttendance: { schema: countyAttendanceDoc, idPrefix: 'county:att:', consented: true, from: 'attendance', retired: true, derive: () => null },
  /** Retired (module comment): accepted from older kiosks, never derived; an older copy is deleted when its check-in is next written. */
  countyMood: { schema: countyMoodDoc, idPrefix: 'county:mood:', consented: true, from: 'mood', retired: true, derive: () => null },
  countyScreening: {
    schema: countyScreeningDoc,
    idPrefix: 'county:screening:',
    consented: true,
    from: 'screening',
    derive: (d) =>
      d.type === 'screening' && d.snapshot.countyOk && d.valid ? { ...copyBase(d), type: 'countyScreening', instrumentId: d.instrumentId, level: d.level } : null,
  },
} as const satisfies { readonly [K in DocType]?: CountyRule };

export type CountyType = keyof typeof COUNTY_COPY;
export const COUNTY_TYPES = Object.keys(COUNTY_COPY) as CountyType[];

const rules = COUNTY_COPY as Readonly<Record<CountyType, CountyRule>>;

/** Every field the county database can hold, by type (CouchDB's own `_id`, `_rev`, `_revisions`, `_deleted` included). */
export function countyFields(): Record<CountyType, string[]> {
  return Object.fromEntries(COUNTY_TYPES.map((t) => [t, Object.keys(rules[t].schema.shape).sort()])) as Record<CountyType, string[]>;
}

/** Working document types that have a county copy the kiosk keeps in step. */
export const COPIED_TYPES: readonly DocType[] = COUNTY_TYPES.flatMap((t) => (rules[t].from ? [rules[t].from] : []));

/**
 * The county copy of a working document: null when it has none (a private type, no
 * county-statistics consent, a skipped mood question, an invalid screening). When it
 * returns null for a type in COPIED_TYPES, any earlier copy must be deleted.
 */
export function countyCopyOf(doc: AnyDoc): CountyCopy | null {
  for (const t of COUNTY_TYPES) {
    const rule = rules[t];
    if (rule.from === doc.type && rule.derive) return rule.derive(doc);
  }
  return null;
}

/** `docs` with the county copy of each working document added (for seeding a database without a DocStore). */
export function withCountyCopies(docs: readonly AnyDoc[]): AnyDoc[] {
  return docs.flatMap((d) => {
    const copy = countyCopyOf(d);
    return copy ? [d, copy] : [d];
  });
}

/**
 * The rule of the county copy as a CouchDB 3 Mango selector: a document of a county type,
 * under that type's id prefix, and for an event about a child either the guardian's
 * consent at the time or a deletion (a tombstone keeps `type` and `centerId`, so the
 * county copy learns of it). The trial server evaluates the very same object
 * (sync/couchdb/deidentified_filter.js).
 */
export function countySelector(): { $or: Record<string, unknown>[] } {
  return {
    $or: COUNTY_TYPES.map((t) => ({
      type: t,
      _id: { $regex: `^${rules[t].idPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` },
      ...(rules[t].consented ? { $or: [{ 'snapshot.countyOk': true }, { _deleted: true }] } : {}),
    })),
  };
}

/** County types that kiosks no longer write but a county database still accepts (module comment). */
export const RETIRED_COUNTY_TYPES = COUNTY_TYPES.filter((t) => rules[t].retired === true);

/** True for the id of a retired county copy (`county:att:…`, `county:mood:…`, `tally:…`). */
export function isRetiredCountyCopy(id: string): boolean {
  return RETIRED_COUNTY_TYPES.some((t) => id.startsWith(rules[t].idPrefix));
}

/** Consented county types (their documents must carry snapshot.countyOk === true). */
export const CONSENTED_COUNTY_TYPES = COUNTY_TYPES.filter((t) => rules[t].consented);

export function countyRule(type: string): CountyRule | undefined {
  return (COUNTY_TYPES as readonly string[]).includes(type) ? rules[type as CountyType] : undefined;
}
