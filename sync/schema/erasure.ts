/**
 * Issue 13, erasure (PIPL): which documents are a child's. One rule, used by the kiosk
 * (renderer/src/app/erasure.ts: what it removes from its own database) and by county IT's
 * purge command (sync/couchdb/purge.ts: what it purges from the center database).
 *
 * A document is the child's when it carries the child's id in a field that says whose it is:
 * the profile and private record (names, guardians, photo, picture code), consent events,
 * attendance, mood check-ins, screenings and their answers, follow-ups, transfers, family
 * messages and replies, the county copies of the child's events, and call plans and call logs
 * of this child alone. A deletion (tombstone: type and centerId only) is the child's when its
 * id names the child (att:<date>:<child>, consent:<child>:…, county:att:…:<child>).
 *
 * Kept on purpose, because they are records of something else and hold no more than the
 * pseudonymous id, which nothing links to the child once the profile and private record are
 * gone: a service session's participant list (activity) and a call plan or call log shared
 * with siblings. Counts (centerTally, moodTally, serviceMonthTally, and the retired per-session
 * serviceTally an older kiosk may have left) hold no id at all, so an erasure has nothing in them.
 */
import type { DocType } from './documents';
import { isRetiredCountyCopy } from './county';

/** The types that may be a child's document, and the field that says whose. */
const CHILD_FIELD: { readonly [K in DocType]?: 'childId' | 'childIds' | 'id' } = {
  child: 'id',
  childPrivate: 'childId',
  consent: 'childId',
  attendance: 'childId',
  mood: 'childId',
  screening: 'childId',
  screeningAnswers: 'childId',
  followup: 'childId',
  transfer: 'childId',
  familyMessage: 'childId',
  familyReply: 'childId',
  countyAttendance: 'childId',
  countyMood: 'childId',
  countyScreening: 'childId',
  callPlan: 'childIds',
  callLog: 'childIds',
};

/** The document types a child's erasure can reach (for the README and the preview). */
export const CHILD_DOC_TYPES = Object.keys(CHILD_FIELD) as DocType[];

/** A stored document as read raw (sealed or not): only the clear fields this rule reads. */
export interface RawDoc {
  readonly _id: string;
  readonly _deleted?: boolean;
  readonly type?: unknown;
  readonly childId?: unknown;
  readonly childIds?: unknown;
}

/** True when `doc` is one of `childId`'s own documents (see the module comment). */
export function isChildsDoc(doc: RawDoc, childId: string): boolean {
  if (doc._id.startsWith('_')) return false;
  if (doc._deleted) return idNamesChild(doc._id, childId);
  const field = typeof doc.type === 'string' ? CHILD_FIELD[doc.type as DocType] : undefined;
  if (field === 'id') return doc._id === `child:${childId}`;
  if (field === 'childId') return doc.childId === childId;
  if (field === 'childIds') return Array.isArray(doc.childIds) && doc.childIds.length === 1 && doc.childIds[0] === childId;
  return false;
}

/** A deletion keeps only its id: the ids that are built from the child's id. */
export function idNamesChild(id: string, childId: string): boolean {
  return id.split(':').includes(childId) && !id.startsWith('erasure:');
}

/** The county copy's documents among `ids`: the county keeps these (de-identified counts), except coverage keys and retired copies. */
export function isCountyEventCopy(id: string): boolean {
  return id.startsWith('county:');
}

/**
 * A retired per-event county copy (`county:att:…`, `county:mood:…`, sync/schema/county.ts) that an
 * older kiosk wrote: no county view counts it, so an erasure takes it out of the county database
 * too, rather than leaving a record of the child there for no count.
 */
export { isRetiredCountyCopy };
