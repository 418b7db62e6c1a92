/**
 * Document ids. An id names its type first, so a prefix range query lists a
 * type, and where a document is "one per X" its id is built from X, so two
 * kiosks of one center can never create duplicates of it:
 *
 *   center:<centerId>                       one per center database
 *   child:<ulid>                            pseudonymous profile (synced to the county only via events)
 *   private:child:<ulid>                    names, guardians, photo, picture code: never leaves the center DB
 *   staff:<ulid>
 *   consent:<childUlid>:<ulid>              append-only consent events
 *   att:<yyyy-mm-dd>:<childUlid>            one attendance per child per day
 *   day:<yyyy-mm-dd>                        whether the session took place that day
 *   mood:<yyyy-mm-dd>:<moment>:<childUlid>  one mood check-in per child, day and moment
 *   activity:<ulid>                         a service session
 *   followup:<ulid>                         something staff must follow up
 *   screening:<ulid>                        a screening result (scores, level; no answers)
 *   private:answers:<ulid>                  that screening's item answers
 *   private:pack:<instrumentId>             an instrument imported under the center's permission
 *   private:activity-photos:<ulid>          evidence photos of a service session
 *   ctally:<centerId>:<period>              a center's counts for one month/term/year (county dashboard)
 *   private:fmsg:<ulid>                     a child's message for parents away (voice/drawing as attachment)
 *   private:freply:<ulid>                   a parent's reply brought back by staff
 *   private:call-plan:<ulid>                a family's recurring call window
 *   private:call-log:<ulid>                 one family call as it went
 *   erasure:<childUlid>                     a request to purge an erased child from the server (ids only)
 *
 * Everything under `private:` is excluded from the county copy by id as well
 * as by type, so a new private type is safe by default.
 */
import { decodeTime, encodeTime, monotonicFactory } from 'ulid';
import type { MoodMoment } from './vocab';

const nextUlid = monotonicFactory();

/** A new ULID: time-ordered, random, safe to create offline on many kiosks. */
export function newUlid(now: number = Date.now()): string {
  return nextUlid(now);
}

const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const CENTER_ID_RE = /^[a-z][a-z0-9-]{1,39}$/;

export const PRIVATE_PREFIX = 'private:';

export function isUlid(value: string): boolean {
  return ULID_RE.test(value);
}

/** The smallest ULID of instant `ms`: with it as `startkey`, a range holds the ids made at or after `ms`. */
export function ulidFloor(ms: number): string {
  return encodeTime(Math.max(0, ms), 10) + '0'.repeat(16);
}

/** Milliseconds encoded in a ULID; throws on a malformed one. */
export function ulidTime(ulid: string): number {
  return decodeTime(ulid);
}

function assertDate(date: string): void {
  if (!DATE_RE.test(date)) throw new InvalidIdError(`not a yyyy-mm-dd date: ${date}`);
}
function assertUlid(id: string): void {
  if (!isUlid(id)) throw new InvalidIdError(`not a ULID: ${id}`);
}

export class InvalidIdError extends Error {
  override name = 'InvalidIdError';
}

export const ids = {
  center: (centerId: string) => {
    if (!CENTER_ID_RE.test(centerId)) throw new InvalidIdError(`not a center id: ${centerId}`);
    return `center:${centerId}`;
  },
  child: (childId: string) => (assertUlid(childId), `child:${childId}`),
  childPrivate: (childId: string) => (assertUlid(childId), `${PRIVATE_PREFIX}child:${childId}`),
  staff: (staffId: string) => (assertUlid(staffId), `staff:${staffId}`),
  consent: (childId: string, eventId: string) => (assertUlid(childId), assertUlid(eventId), `consent:${childId}:${eventId}`),
  attendance: (date: string, childId: string) => (assertDate(date), assertUlid(childId), `att:${date}:${childId}`),
  day: (date: string) => (assertDate(date), `day:${date}`),
  mood: (date: string, moment: MoodMoment, childId: string) =>
    (assertDate(date), assertUlid(childId), `mood:${date}:${moment}:${childId}`),
  activity: (activityId: string) => (assertUlid(activityId), `activity:${activityId}`),
  followup: (followupId: string) => (assertUlid(followupId), `followup:${followupId}`),
  screening: (screeningId: string) => (assertUlid(screeningId), `screening:${screeningId}`),
  screeningAnswers: (screeningId: string) => (assertUlid(screeningId), `${PRIVATE_PREFIX}answers:${screeningId}`),
  instrumentPack: (instrumentId: string) => `${PRIVATE_PREFIX}pack:${instrumentId}`,
  activityPhotos: (activityId: string) => (assertUlid(activityId), `${PRIVATE_PREFIX}activity-photos:${activityId}`),
  familyMessage: (id: string) => (assertUlid(id), `${PRIVATE_PREFIX}fmsg:${id}`),
  familyReply: (id: string) => (assertUlid(id), `${PRIVATE_PREFIX}freply:${id}`),
  callPlan: (id: string) => (assertUlid(id), `${PRIVATE_PREFIX}call-plan:${id}`),
  callLog: (id: string) => (assertUlid(id), `${PRIVATE_PREFIX}call-log:${id}`),
  erasureRequest: (childId: string) => (assertUlid(childId), `erasure:${childId}`),
  transfer: (transferId: string) => (assertUlid(transferId), `transfer:${transferId}`),
  serviceTally: (activityId: string) => (assertUlid(activityId), `tally:${activityId}`),
  /** Carries the center id: the county database holds every center's tallies side by side. */
  centerTally: (centerId: string, period: string) => {
    if (!CENTER_ID_RE.test(centerId) || !/^\d{4}(-(0[1-9]|1[0-2])|-spring|-autumn)?$/.test(period)) throw new InvalidIdError(`not a center tally: ${centerId} ${period}`);
    return `ctally:${centerId}:${period}`;
  },
  /** A center's mood check-ins of one month, counted (issue 9): the center id in it, as centerTally. */
  moodTally: (centerId: string, month: string) => {
    if (!CENTER_ID_RE.test(centerId) || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new InvalidIdError(`not a mood tally: ${centerId} ${month}`);
    return `mtally:${centerId}:${month}`;
  },
  /** A center's service sessions of one month, counted (issue 9): the center id in it, as moodTally. */
  serviceMonthTally: (centerId: string, month: string) => {
    if (!CENTER_ID_RE.test(centerId) || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new InvalidIdError(`not a service tally: ${centerId} ${month}`);
    return `stally:${centerId}:${month}`;
  },
  /** One enrolled child's coverage key at one center: the key, not the child id, so nothing links it to the child's other county documents. */
  coverage: (centerId: string, key: string) => {
    if (!CENTER_ID_RE.test(centerId) || !/^[A-Za-z0-9_-]{22}$/.test(key)) throw new InvalidIdError(`not a coverage key: ${centerId}`);
    return `cover:${centerId}:${key}`;
  },
} as const;

/** The [startkey, endkey] pair that lists every id starting with `prefix` in allDocs. */
export function prefixRange(prefix: string): { startkey: string; endkey: string } {
  return { startkey: prefix, endkey: `${prefix}\ufff0` };
}

/** The ULID at the end of a `child:`/`staff:`/... id. Returns null for an id of another shape. */
export function trailingUlid(id: string): string | null {
  const last = id.slice(id.lastIndexOf(':') + 1);
  return isUlid(last) ? last : null;
}
