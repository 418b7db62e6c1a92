/**
 * The sync contract: one zod schema per document type. Every document read
 * from PouchDB, imported from a file or received from the server is parsed
 * with these before the app trusts it; the server's validate_doc_update
 * (sync/couchdb) enforces the same structure.
 *
 * Private data (names, guardians, contacts, photos, picture codes) lives only
 * in `childPrivate` documents, whose ids start with `private:`.
 */
import { z } from 'zod';
import {
  AGE_BANDS,
  ATTENDANCE_STATUSES,
  AVATAR_ANIMALS,
  CAREGIVERS,
  CHILD_GROUPS,
  CONSENT_METHODS,
  CONSENT_SCOPES,
  GENDERS,
  LOCALES,
  MOOD_MOMENTS,
  PICTURES,
  PROVIDER_KINDS,
  RELATIONS,
  SERVICE_TYPES,
  STAFF_ROLES,
} from './vocab';
import { CENTER_ID_RE } from './ids';

/**
 * The first schema version of every document type, and the version of every type that has
 * never changed. A type that changed says its own version (DOC_VERSIONS below); the version
 * of the data as a whole is DATA_VERSION. See sync/schema/versions.ts.
 */
export const SCHEMA_VERSION = 1 as const;

export const isoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected yyyy-mm-dd');
export const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected yyyy-mm');
export const isoDateTime = z.iso.datetime({ offset: true });
export const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const ulidString = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID');
/**
 * Text carries no leading or trailing whitespace (JavaScript's \s: ASCII spaces, U+3000
 * ideographic space, line breaks…), and required text has a visible character. These are
 * checks, never transforms: a transform would make the kiosk accept what the server
 * refuses, or the reverse (zod and validate_doc_update must reach one verdict on one
 * document). Forms trim what people type before they save.
 */
const UNPADDED = /^(?:\S(?:[\s\S]*\S)?)?$/;
const UNPADDED_NONEMPTY = /^\S(?:[\s\S]*\S)?$/;
export const text = (max: number) => z.string().max(max).regex(UNPADDED, 'no leading or trailing spaces');
export const requiredText = (max: number) => z.string().min(1).max(max).regex(UNPADDED_NONEMPTY, 'required, without leading or trailing spaces');
const shortText = text(200);
const longText = z.string().max(4000);

/**
 * The revision history CouchDB hands validate_doc_update (and a replicated write carries):
 * part of every stored document's envelope, never of its content.
 */
const revisions = z.strictObject({ start: z.number().int().min(1), ids: z.array(z.string().min(1)).min(1) });

const envelope = {
  _id: z.string().min(1),
  _rev: z.string().optional(),
  _revisions: revisions.optional(),
};

const base = {
  ...envelope,
  centerId: z.string().regex(CENTER_ID_RE, 'expected a lowercase center id'),
  schemaVersion: z.literal(SCHEMA_VERSION),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  deviceId: z.string().min(1).max(64),
};

/** What county aggregation needs about a child at the moment of an event — never a name. */
export const childSnapshot = z.strictObject({
  group: z.enum(CHILD_GROUPS),
  ageBand: z.enum(AGE_BANDS),
  gender: z.enum(GENDERS),
  /** Whether the guardian consented to de-identified county statistics when the event happened. */
  countyOk: z.boolean(),
});
export type ChildSnapshot = z.infer<typeof childSnapshot>;

export const centerSettings = z.strictObject({
  /** Staff mode locks back to the kiosk after this long without a touch. */
  inactivityLockMinutes: z.number().int().min(1).max(60),
  /** Children younger than this must be recorded with who picked them up at check-out. */
  pickupRequiredUnderAge: z.number().int().min(0).max(16),
  /** Continuity prompts (issue: weak continuity for left-behind children). */
  absentDaysPrompt: z.number().int().min(1).max(60),
  surrogateVisitWeeksPrompt: z.number().int().min(1).max(26),
  parentContactWeeksPrompt: z.number().int().min(1).max(26),
  /** Days of the week the center normally runs (0 = Sunday). */
  openWeekdays: z.array(z.number().int().min(0).max(6)).max(7),
  /**
   * Issue 15: family messages and replies are erased this many days after they were made
   * (absent: FAMILY_RETENTION_DEFAULT_DAYS, one term). Optional, so centers set up before it keep validating.
   */
  familyRetentionDays: z.number().int().min(7).max(730).optional(),
  /**
   * Issue 13, retention: documents the server has acknowledged may leave the kiosk this many
   * school years after their last edit (absent: RETENTION_DEFAULT_YEARS). Optional, so older centers keep validating.
   */
  retentionYears: z.number().int().min(1).max(10).optional(),
});
export type CenterSettings = z.infer<typeof centerSettings>;

export const DEFAULT_CENTER_SETTINGS: CenterSettings = {
  inactivityLockMinutes: 3,
  pickupRequiredUnderAge: 9,
  absentDaysPrompt: 5,
  surrogateVisitWeeksPrompt: 4,
  parentContactWeeksPrompt: 3,
  openWeekdays: [1, 2, 3, 4, 5],
};

export const centerDoc = z.strictObject({
  ...base,
  type: z.literal('center'),
  name: requiredText(200),
  county: requiredText(200),
  township: shortText,
  village: shortText,
  defaultLocale: z.enum(LOCALES),
  settings: centerSettings,
});
export type CenterDoc = z.infer<typeof centerDoc>;

/**
 * A period of the child's situation, version 1. Kiosks before 2026-12-01 required the caregiver;
 * the app of that day (session 7) already wrote version-1 children without one (a roster import
 * that does not guess it) and servers of design-document version 5 accepted them — so version 1
 * as read here and by the server's rules keeps the caregiver optional: nothing already written
 * becomes invalid. Version 2 (below) is what this app writes, so that the older apps, which would
 * refuse a child without a caregiver, see it as written by a newer app (kept, read-only).
 */
export const groupPeriodV1 = z.strictObject({
  /** First day this situation applied. */
  from: isoDate,
  group: z.enum(CHILD_GROUPS),
  /** Who looks after the child now (absent: not recorded yet). */
  caregiver: z.enum(CAREGIVERS).optional(),
  /** Where the parents work, when they are away (city name; no address). */
  parentsWorkIn: shortText.optional(),
});

export const groupPeriod = z.strictObject({
  ...groupPeriodV1.shape,
  /**
   * Who looks after the child now. Absent = not recorded yet: a roster import whose file had no
   * caregiver for the child leaves it unanswered rather than guessing (issue 11); the child's
   * file shows it as missing and the edit form asks for it. Every form save records it.
   * Optional from the child schema's version 2.
   */
  caregiver: z.enum(CAREGIVERS).optional(),
});
export type GroupPeriod = z.infer<typeof groupPeriod>;

/**
 * A child, version 1 (see groupPeriodV1 on its caregiver). Kept for the server's rules and the
 * migration (sync/schema/versions.ts).
 */
export const childDocV1 = z.strictObject({
  ...base,
  type: z.literal('child'),
  birthMonth: isoMonth,
  gender: z.enum(GENDERS),
  /** 0 = kindergarten, 1–9 = primary and junior middle school grades. */
  grade: z.number().int().min(0).max(12),
  school: shortText,
  /** The child's situation over time, oldest first; never empty. */
  groupHistory: z.array(groupPeriodV1).min(1),
  surrogateParentStaffId: ulidString.nullable(),
  enrolledOn: isoDate,
  leftOn: isoDate.nullable(),
  archived: z.boolean(),
  avatar: z.strictObject({ animal: z.enum(AVATAR_ANIMALS), color: z.string().regex(/^#[0-9a-f]{6}$/i) }),
});
export type ChildDocV1 = z.infer<typeof childDocV1>;

/**
 * A child. Version 2: a period's caregiver may be not recorded yet (absent). A version-1 kiosk
 * would find such a child invalid, so the change is a new version: it sees version-2 children as
 * written by a newer app (kept, shown read-only where they read under its schema).
 */
export const CHILD_SCHEMA_VERSION = 2 as const;
export const childDoc = z.strictObject({
  ...childDocV1.shape,
  schemaVersion: z.literal(CHILD_SCHEMA_VERSION),
  groupHistory: z.array(groupPeriod).min(1),
});
export type ChildDoc = z.infer<typeof childDoc>;

export const guardian = z.strictObject({
  name: requiredText(200),
  relation: z.enum(RELATIONS),
  /** The words for 其他 (relation 'other'), e.g. 干妈; absent on older documents. */
  relationOther: text(40).optional(),
  phone: text(40),
  isLegalGuardian: z.boolean(),
  worksAway: z.boolean(),
});
export type Guardian = z.infer<typeof guardian>;

export const childPrivateDoc = z.strictObject({
  ...base,
  type: z.literal('childPrivate'),
  childId: ulidString,
  fullName: requiredText(200),
  /** Shown under the avatar on the kiosk: a given name or nickname. */
  displayName: requiredText(20),
  guardians: z.array(guardian).max(8),
  address: shortText,
  /** A small JPEG data URL, resized on the device. */
  photo: z.string().max(200_000).nullable(),
  /** The child's picture code, entered at the kiosk to confirm it is them. */
  pictureCode: z.array(z.enum(PICTURES)).min(2).max(6),
});
export type ChildPrivateDoc = z.infer<typeof childPrivateDoc>;

export const pinHash = z.strictObject({
  alg: z.literal('PBKDF2-SHA256'),
  iterations: z.number().int().min(10_000),
  salt: z.string().min(16),
  hash: z.string().min(32),
});
export type PinHash = z.infer<typeof pinHash>;

export const staffDoc = z.strictObject({
  ...base,
  type: z.literal('staff'),
  displayName: requiredText(40),
  role: z.enum(STAFF_ROLES),
  pin: pinHash,
  active: z.boolean(),
});
export type StaffDoc = z.infer<typeof staffDoc>;

export const consentDoc = z.strictObject({
  ...base,
  type: z.literal('consent'),
  childId: ulidString,
  action: z.enum(['grant', 'withdraw']),
  scopes: z.array(z.enum(CONSENT_SCOPES)).min(1),
  /** relationOther: the words for 其他 (relation 'other'); absent on older documents. */
  givenBy: z.strictObject({ relation: z.enum(RELATIONS), relationOther: text(40).optional(), isLegalGuardian: z.boolean() }),
  method: z.enum(CONSENT_METHODS),
  /** The day the guardian gave or withdrew it (may precede the record). */
  effectiveOn: isoDate,
  recordedByStaffId: ulidString,
  note: longText,
});
export type ConsentDoc = z.infer<typeof consentDoc>;

export const attendanceDoc = z.strictObject({
  ...base,
  type: z.literal('attendance'),
  childId: ulidString,
  date: isoDate,
  status: z.enum(ATTENDANCE_STATUSES),
  checkInAt: isoDateTime.nullable(),
  checkOutAt: isoDateTime.nullable(),
  late: z.boolean(),
  pickedUpBy: z.enum(RELATIONS).nullable(),
  /** Who recorded it: the child at the kiosk, or staff from the register. */
  source: z.enum(['kiosk', 'register']),
  /**
   * Kept for the kiosks already in use (their schema requires it, and their documents carry
   * it); no screen writes it. Attendance itself stays in the center: the county gets its
   * `countyAttendance` copy (sync/schema/county.ts), which has no notes.
   */
  notes: z.array(longText).max(50),
  snapshot: childSnapshot,
});
export type AttendanceDoc = z.infer<typeof attendanceDoc>;

export const dayDoc = z.strictObject({
  ...base,
  type: z.literal('day'),
  date: isoDate,
  /** false = the session did not take place (weather, holiday): distinct from "not marked". */
  held: z.boolean(),
  reason: shortText,
});
export type DayDoc = z.infer<typeof dayDoc>;

export const moodDoc = z.strictObject({
  ...base,
  type: z.literal('mood'),
  childId: ulidString,
  date: isoDate,
  moment: z.enum(MOOD_MOMENTS),
  /** 1 (very sad) … 5 (very happy); null when the child skipped the question. */
  face: z.number().int().min(1).max(5).nullable(),
  wantsTalk: z.boolean(),
  at: isoDateTime,
  snapshot: childSnapshot,
});
export type MoodDoc = z.infer<typeof moodDoc>;

export const participant = z.strictObject({ childId: ulidString, snapshot: childSnapshot });

export const activityDoc = z.strictObject({
  ...base,
  type: z.literal('activity'),
  date: isoDate,
  startTime: clockTime,
  durationMin: z.number().int().min(1).max(24 * 60),
  serviceType: z.enum(SERVICE_TYPES),
  providerKind: z.enum(PROVIDER_KINDS),
  providerName: shortText,
  facilitatorStaffIds: z.array(ulidString).max(20),
  participants: z.array(participant).max(500),
  notes: longText,
});
export type ActivityDoc = z.infer<typeof activityDoc>;

/**
 * What the county counts of one activity (domain/tally.ts): when, what, by whom in
 * kind, how long, and the snapshot of each participant whose guardian consented to
 * county statistics — no child ids, names, notes or provider names. Retired as a
 * stored county copy (sync/schema/county.ts): kiosks up to DDOC_VERSION 8 wrote one
 * with each activity, this version writes none; the schema stays so older copies
 * are still read, accepted and deleted.
 */
export const serviceTallyDoc = z.strictObject({
  ...base,
  type: z.literal('serviceTally'),
  activityId: ulidString,
  date: isoDate,
  serviceType: z.enum(SERVICE_TYPES),
  providerKind: z.enum(PROVIDER_KINDS),
  durationMin: z.number().int().min(1).max(24 * 60),
  participants: z.array(childSnapshot.omit({ countyOk: true })).max(500),
});
export type ServiceTallyDoc = z.infer<typeof serviceTallyDoc>;

export const LEVELS = ['none', 'attention', 'prompt'] as const;

/**
 * A screening's result. It carries scores and the level but never the item
 * answers, which live in the private `screeningAnswers` document.
 */
export const screeningDoc = z.strictObject({
  ...base,
  type: z.literal('screening'),
  childId: ulidString,
  instrumentId: z.string().min(1).max(40),
  instrumentVersion: z.string().min(1).max(20),
  date: isoDate,
  respondent: z.enum(['child', 'staff']),
  administeredByStaffId: ulidString,
  valid: z.boolean(),
  level: z.enum(LEVELS),
  safety: z.boolean(),
  total: z.number(),
  percent: z.number().nullable(),
  subscales: z.record(z.string(), z.number()),
  band: z.number().int().nullable(),
  reasons: z.array(z.string().max(60)).max(50),
  snapshot: childSnapshot,
});
export type ScreeningDoc = z.infer<typeof screeningDoc>;

/**
 * Item-level answers of a screening, version 1 (kiosks before schema versions 2): the note
 * was optional, so that answers saved before incomplete screenings existed stayed valid.
 * Kept for the server's rules and the migration (sync/schema/versions.ts).
 */
export const screeningAnswersDocV1 = z.strictObject({
  ...base,
  type: z.literal('screeningAnswers'),
  screeningId: ulidString,
  childId: ulidString,
  answers: z.record(z.string(), z.number().int().nullable()),
  /** Why an incomplete screening was left incomplete, as staff noted it (private: never leaves the center). */
  incompleteNote: shortText.optional(),
});
export type ScreeningAnswersDocV1 = z.infer<typeof screeningAnswersDocV1>;

/**
 * Item-level answers of a screening: private, never leaves the center database.
 * Version 2: `incompleteNote` is always there ('' = no note), so "no note" has one
 * spelling for every reader — the result page, the three-way merge of conflicts.ts
 * (absent on one side and '' on the other was a change) and the server.
 */
export const screeningAnswersDoc = z.strictObject({
  ...screeningAnswersDocV1.shape,
  schemaVersion: z.literal(2),
  /** Why an incomplete screening was left incomplete, as staff noted it; '' when there is no note. */
  incompleteNote: shortText,
});
export type ScreeningAnswersDoc = z.infer<typeof screeningAnswersDoc>;

/** An instrument a center imported under its own permission; validated by the instrument model on load. */
export const instrumentPackDoc = z.strictObject({
  ...base,
  type: z.literal('instrumentPack'),
  instrumentId: z.string().min(1).max(40),
  permission: z.string().min(1).max(1000),
  importedByStaffId: ulidString,
  instrument: z.record(z.string(), z.unknown()),
});
export type InstrumentPackDoc = z.infer<typeof instrumentPackDoc>;

/** Evidence photos of a service session (small JPEGs resized on the device): private. */
export const activityPhotosDoc = z.strictObject({
  ...base,
  type: z.literal('activityPhotos'),
  activityId: ulidString,
  photos: z.array(z.string().startsWith('data:image/').max(200_000)).max(4),
});
export type ActivityPhotosDoc = z.infer<typeof activityPhotosDoc>;

export const FOLLOWUP_REASONS = ['talk-request', 'safety-item', 'screening-attention', 'staff-concern', 'continuity'] as const;
export const FOLLOWUP_STATUSES = ['open', 'in-progress', 'closed'] as const;

/**
 * Something a staff member must follow up about one child. Opened by the
 * child's "I'd like to talk to a teacher", a screening safety item or result,
 * a staff concern or a continuity prompt. `urgent` follow-ups show the
 * same-day pathway and stay pinned until acknowledged.
 */
export const followupDoc = z.strictObject({
  ...base,
  type: z.literal('followup'),
  childId: ulidString,
  reason: z.enum(FOLLOWUP_REASONS),
  urgent: z.boolean(),
  /** The document that opened it (a mood check-in, a screening), when there is one. */
  sourceId: z.string().max(120).nullable(),
  openedAt: isoDateTime,
  dueOn: isoDate,
  status: z.enum(FOLLOWUP_STATUSES),
  ownerStaffId: ulidString.nullable(),
  acknowledgedAt: isoDateTime.nullable(),
  actions: z
    .array(z.strictObject({ at: isoDateTime, staffId: ulidString, kind: shortText, note: longText }))
    .max(200),
  closedAt: isoDateTime.nullable(),
  closeReason: shortText,
  snapshot: childSnapshot,
  /** A talk request from the kiosk: false when the child asked without confirming the picture code (followups never reach the county). */
  codeConfirmed: z.boolean().optional(),
});
export type FollowupDoc = z.infer<typeof followupDoc>;

/**
 * A transfer of a child between centers, as each side records it in its own
 * database (both keep it: the audit record). The request itself, with the
 * child's history encrypted under the transfer code, travels through the
 * county's transfer database or a file (sync/transfer).
 */
export const transferDoc = z.strictObject({
  ...base,
  type: z.literal('transfer'),
  transferId: ulidString,
  direction: z.enum(['out', 'in']),
  otherCenterId: z.string().regex(CENTER_ID_RE),
  /** Null only for a transfer file rejected unopened (its contents need the code). */
  childId: ulidString.nullable(),
  status: z.enum(['pending', 'accepted', 'rejected', 'cancelled']),
  via: z.enum(['server', 'file']),
  /** out: the guardian's consent event for this transfer. */
  consentId: z.string().max(120).nullable(),
  staffId: ulidString,
  decidedAt: isoDateTime.nullable(),
  reason: shortText,
  /** out, until decided: the request (routing and the encrypted package), to file with the server or export. */
  request: z.string().max(20_000_000).nullable(),
  /** out: the county's transfer database has the request. */
  posted: z.boolean(),
});
export type TransferDoc = z.infer<typeof transferDoc>;

/**
 * The county copy of a child's events. The kiosk writes one beside each attendance, mood
 * check-in and valid screening whose child's guardian consented to county statistics
 * (sync/schema/county.ts: countyCopyOf); server-side replication copies these, never the
 * events themselves, so check-in times, who picked a child up, notes, `wantsTalk`, scores,
 * the safety flag and staff ids stay in the center. Id: `county:<the event's id>`.
 */
const countyBase = {
  ...envelope,
  centerId: base.centerId,
  schemaVersion: base.schemaVersion,
  /** Copied from the event: conflicts between two kiosks' copies settle by it. */
  updatedAt: isoDateTime,
  childId: ulidString,
  date: isoDate,
  /** Only consented events have a county copy. */
  snapshot: childSnapshot.extend({ countyOk: z.literal(true) }),
};

export const countyAttendanceDoc = z.strictObject({
  ...countyBase,
  _id: z.string().startsWith('county:att:'),
  type: z.literal('countyAttendance'),
  status: z.enum(ATTENDANCE_STATUSES),
});
export type CountyAttendanceDoc = z.infer<typeof countyAttendanceDoc>;

/** A mood check-in where the child chose a face: the face only (never wantsTalk). */
export const countyMoodDoc = z.strictObject({
  ...countyBase,
  _id: z.string().startsWith('county:mood:'),
  type: z.literal('countyMood'),
  face: z.number().int().min(1).max(5),
});
export type CountyMoodDoc = z.infer<typeof countyMoodDoc>;

/** A valid screening: the instrument and the level (需关注 / 需尽快跟进), never a score. */
export const countyScreeningDoc = z.strictObject({
  ...countyBase,
  _id: z.string().startsWith('county:screening:'),
  type: z.literal('countyScreening'),
  instrumentId: z.string().min(1).max(40),
  level: z.enum(LEVELS),
});
export type CountyScreeningDoc = z.infer<typeof countyScreeningDoc>;

/**
 * Issue 9: what the county dashboard needs that no event carries, as counts a
 * kiosk computes for one period (a month `2026-10`, a term `2026-autumn` /
 * `2027-spring`, or a year `2026`) — distinct children, staff and follow-ups,
 * counted only, never an id or a name (domain/centerTally.ts). Children are
 * counted only with county-statistics consent, like the events.
 */
export const TALLY_PERIOD_RE = /^\d{4}(-(0[1-9]|1[0-2])|-spring|-autumn)?$/;
const count = z.number().int().min(0).max(1_000_000);
export const groupTally = z.strictObject({
  group: z.enum(CHILD_GROUPS),
  /** Enrolled at some point in the period. */
  enrolled: count,
  /** Attended at least once. */
  reached: count,
  /** Attended on at least half of the days the center was open (domain/centerTally.ts: REGULAR_SHARE). */
  regular: count,
  /** Had a run of absences of at least LONG_GAP_OPEN_DAYS open days while enrolled. */
  longGap: count,
  /** Received at least one surrogate-parent visit / parent–child contact session. */
  surrogateVisit: count,
  parentContact: count,
  /**
   * Issue 9 (continuity): the enrolled children by the share of the center's open days they
   * attended while enrolled (domain/centerTally.ts: attendanceBand) — none, under 25 %, 25–49 %,
   * 50–74 %, 75 % and over; the five add up to `enrolled`. Optional: a tally from an older kiosk
   * has none of them, and the dashboard shows "no data" for it, never 0.
   */
  attendNone: count.optional(),
  attendUnder25: count.optional(),
  attend25to49: count.optional(),
  attend50to74: count.optional(),
  attend75up: count.optional(),
  /**
   * Left-behind groups only: the enrolled children by the number of surrogate-parent visits /
   * parent–child contact sessions they took part in during the period — none, 1, 2–3, 4 or more
   * (domain/centerTally.ts: timesBand); each four add up to `enrolled`. Optional, as above.
   */
  visits0: count.optional(),
  visits1: count.optional(),
  visits2to3: count.optional(),
  visits4up: count.optional(),
  contacts0: count.optional(),
  contacts1: count.optional(),
  contacts2to3: count.optional(),
  contacts4up: count.optional(),
});
export type GroupTally = z.infer<typeof groupTally>;
export const centerTallyDoc = z.strictObject({
  ...base,
  type: z.literal('centerTally'),
  period: z.string().regex(TALLY_PERIOD_RE, 'expected yyyy, yyyy-mm, yyyy-spring or yyyy-autumn'),
  from: isoDate,
  to: isoDate,
  openDays: count,
  /** Active staff accounts by kind (volunteers apart), counted. */
  staffActive: count,
  volunteersActive: count,
  /** Follow-ups open at the end of the period, and of those past their due date. */
  followupsOpen: count,
  followupsOverdue: count,
  byGroup: z.array(groupTally).max(CHILD_GROUPS.length),
});
export type CenterTallyDoc = z.infer<typeof centerTallyDoc>;

/**
 * Issue 9 (speed): a center's mood check-ins of one month, counted by child group and
 * face (1 very sad … 5 very happy) — what the county's wellbeing chart draws, in a few
 * numbers instead of one county copy per check-in. The kiosk recomputes it from its own
 * check-ins of that month (domain/county/moodTally.ts), so two kiosks of one center and a
 * re-sync reach the same counts. Only check-ins with county-statistics consent at the time
 * and a face chosen count, as for the county copy; no child id, name or date.
 */
export const MOOD_FACES = 5;
export const moodGroupTally = z.strictObject({
  group: z.enum(CHILD_GROUPS),
  /** Check-ins with face 1 … 5, in that order. */
  faces: z.array(count).min(MOOD_FACES).max(MOOD_FACES),
});
export type MoodGroupTally = z.infer<typeof moodGroupTally>;
export const moodTallyDoc = z.strictObject({
  ...base,
  type: z.literal('moodTally'),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected yyyy-mm'),
  byGroup: z.array(moodGroupTally).max(CHILD_GROUPS.length),
});
export type MoodTallyDoc = z.infer<typeof moodTallyDoc>;

/**
 * Issue 9 (speed, sixth round): a center's service sessions of one month, counted by service
 * type and provider kind — sessions (场次), their minutes and the attendances (人次) of
 * consenting children by group — what the county's activity, mix, resources and coordination
 * tables draw, in a few numbers instead of one county row per session. The kiosk recounts it
 * from its own sessions of that month (domain/county/serviceMonthTally.ts), never increments
 * it, so two kiosks of one center and a re-sync reach the same counts. No child id, name,
 * date, provider name or note is in it.
 */
export const serviceMonthGroup = z.strictObject({
  group: z.enum(CHILD_GROUPS),
  /** Attendances (人次) of children of this group with county-statistics consent at the session. */
  attendances: count.min(1),
});
export const serviceMonthCell = z.strictObject({
  serviceType: z.enum(SERVICE_TYPES),
  providerKind: z.enum(PROVIDER_KINDS),
  sessions: count.min(1),
  minutes: z.number().int().min(1).max(100_000_000),
  byGroup: z.array(serviceMonthGroup).max(CHILD_GROUPS.length),
});
export type ServiceMonthCell = z.infer<typeof serviceMonthCell>;
export const serviceMonthTallyDoc = z.strictObject({
  ...base,
  type: z.literal('serviceMonthTally'),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected yyyy-mm'),
  cells: z.array(serviceMonthCell).max(SERVICE_TYPES.length * PROVIDER_KINDS.length),
});
export type ServiceMonthTallyDoc = z.infer<typeof serviceMonthTallyDoc>;

/**
 * Coverage across providers (issue 9): a keyed hash of one enrolled child under the county
 * coverage code (domain/county/coverage.ts), with the center and the child's group — no id,
 * name or birth month. Its id is `cover:<center>:<key>`, so the county holds one per child
 * per center and nothing links it to the child's other county documents. Written by the
 * kiosk (app/coverageKeys.ts) for children enrolled now with county-statistics consent;
 * deleted when the child leaves or the consent is withdrawn.
 */
export const COVERAGE_KEY_RE = /^[A-Za-z0-9_-]{22}$/;
export const coverageDoc = z.strictObject({
  ...envelope,
  _id: z.string().regex(/^cover:[a-z0-9-]+:[A-Za-z0-9_-]{22}$/, 'expected cover:<center>:<key>'),
  type: z.literal('coverage'),
  centerId: base.centerId,
  schemaVersion: base.schemaVersion,
  updatedAt: isoDateTime,
  key: z.string().regex(COVERAGE_KEY_RE, 'expected a coverage key'),
  group: z.enum(CHILD_GROUPS),
});
export type CoverageDoc = z.infer<typeof coverageDoc>;
/*
 * Issue 15, 亲情连线: family messages, replies, call plans and call logs. All four are
 * private (`private:` ids, never in the county copy: sync/schema/county.ts has no row for
 * them); the county learns only that contact happened, as a count in centerTally. Voice
 * and pictures are PouchDB attachments on the message or reply itself, so withdrawing
 * consent or the retention period removes them with the document.
 */
export const FAMILY_RETENTION_DEFAULT_DAYS = 150;
export const FAMILY_MESSAGE_KINDS = ['voice', 'drawing', 'text'] as const;
export const FAMILY_REPLY_KINDS = ['voice', 'photo', 'text'] as const;
export const FAMILY_DELIVERY_WAYS = ['file', 'print', 'call', 'other'] as const;
export const CALL_OUTCOMES = ['happened', 'no-answer', 'postponed'] as const;
/** At most this many seconds of voice per message. */
export const FAMILY_VOICE_MAX_SEC = 60;

/**
 * An attachment as stored: a stub (content_type, digest, length, revpos, stub) when read,
 * or `data` (base64) when written. CouchDB and PouchDB add their own bookkeeping keys.
 */
export type StoredAttachment =
  | { content_type: string; digest: string; length: number; stub: true; revpos?: number }
  | { content_type: string; data: string; digest?: string };
// Checked loosely (a content type, whatever bookkeeping the store adds); typed as what PouchDB reads and writes.
const attachment = z.looseObject({ content_type: z.string().min(1).max(100) }) as unknown as z.ZodType<StoredAttachment>;
const attachments = z.record(z.string().regex(/^[a-z0-9][a-z0-9.-]{0,39}$/), attachment).optional();

/** A child's message for parents away, left at the kiosk: private. The recording or drawing is the attachment `message.webm` / `message.png`. */
export const familyMessageDoc = z.strictObject({
  ...base,
  _attachments: attachments,
  type: z.literal('familyMessage'),
  childId: ulidString,
  kind: z.enum(FAMILY_MESSAGE_KINDS),
  /** The words of a text message ('' for voice and drawing). */
  text: text(500),
  /** Length of a voice message; null for the other kinds. */
  durationSec: z.number().int().min(0).max(FAMILY_VOICE_MAX_SEC + 5).nullable(),
  status: z.enum(['waiting', 'delivered']),
  deliveredAt: isoDateTime.nullable(),
  deliveredByStaffId: ulidString.nullable(),
  deliveredHow: z.enum(FAMILY_DELIVERY_WAYS).nullable(),
});
export type FamilyMessageDoc = z.infer<typeof familyMessageDoc>;

/** A parent's reply brought back by staff (a voice note, a photo, or words written down during a call): private. */
export const familyReplyDoc = z.strictObject({
  ...base,
  _attachments: attachments,
  type: z.literal('familyReply'),
  childId: ulidString,
  from: z.enum(RELATIONS),
  kind: z.enum(FAMILY_REPLY_KINDS),
  text: text(1000),
  recordedByStaffId: ulidString,
  /** When the child first opened it at the kiosk (null: new, "爸爸/妈妈给你回信了"). */
  seenAt: isoDateTime.nullable(),
});
export type FamilyReplyDoc = z.infer<typeof familyReplyDoc>;

/** A family's recurring call window (e.g. Sundays 19:00), for one child and siblings: private. */
export const callPlanDoc = z.strictObject({
  ...base,
  type: z.literal('callPlan'),
  childIds: z.array(ulidString).min(1).max(6),
  /** 0 = Sunday. */
  weekday: z.number().int().min(0).max(6),
  time: clockTime,
  /** Who usually calls (mother, father…). */
  withRelation: z.enum(RELATIONS),
  note: shortText,
  active: z.boolean(),
});
export type CallPlanDoc = z.infer<typeof callPlanDoc>;

/** One family call as it went (happened / no answer / postponed), never what was said: private. */
export const callLogDoc = z.strictObject({
  ...base,
  type: z.literal('callLog'),
  planId: ulidString.nullable(),
  childIds: z.array(ulidString).min(1).max(6),
  date: isoDate,
  at: isoDateTime,
  outcome: z.enum(CALL_OUTCOMES),
  durationMin: z.number().int().min(0).max(240),
  /** Who took part on the family's side. */
  participants: z.array(z.enum(RELATIONS)).max(9),
  staffId: ulidString,
});
export type CallLogDoc = z.infer<typeof callLogDoc>;

/**
 * Issue 14: the center key wrapped under the recovery code (sync/crypto/centerKey.ts), so a
 * joining kiosk that types the code can unwrap it. Never the key itself. `retired` once a
 * rotation replaced it. Id: `centerkey:<keyId>`.
 */
export const centerKeyDoc = z.strictObject({
  ...base,
  _id: z.string().regex(/^centerkey:[0-9a-f]{16}$/),
  type: z.literal('centerKey'),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  kdf: z.strictObject({ alg: z.literal('PBKDF2-SHA256'), iterations: z.number().int().min(100_000).max(2_000_000), salt: z.string().regex(/^[A-Za-z0-9+/]{22}==$/, 'expected a 16-byte salt') }),
  wrap: z.literal('AES-KW'),
  wrapped: z.string().regex(/^[A-Za-z0-9+/]{54}==$/, 'expected a wrapped 256-bit key'),
  retired: z.boolean(),
});
export type CenterKeyDoc = z.infer<typeof centerKeyDoc>;

/**
 * Issue 14: a new kiosk getting the center key from another kiosk of the center
 * (sync/crypto/pairing.ts explains the four steps). Short-lived: the new kiosk deletes it
 * once it has the key, and nobody acts on it after `expiresAt`. Only public keys, a
 * commitment and the key encrypted for the new kiosk's ephemeral key: nothing the server can
 * open. Id: `keypair:<pairingId>`.
 */
const ecPublicKey = z.string().regex(/^[A-Za-z0-9+/]{87}=$/, 'expected a P-256 public key');
export const keyPairingDoc = z.strictObject({
  ...base,
  _id: z.string().regex(/^keypair:[0-9a-f]{16}$/),
  type: z.literal('keyPairing'),
  pairingId: z.string().regex(/^[0-9a-f]{16}$/),
  expiresAt: isoDateTime,
  commit: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'expected a SHA-256 commitment'),
  offerKey: ecPublicKey.nullable(),
  requestKey: ecPublicKey.nullable(),
  grant: z.strictObject({ keyId: z.string().regex(/^[0-9a-f]{16}$/), iv: z.string().regex(/^[A-Za-z0-9+/]{16}$/), ct: z.string().regex(/^[A-Za-z0-9+/=]{40,200}$/) }).nullable(),
});
export type KeyPairingDoc = z.infer<typeof keyPairingDoc>;

/**
 * Issue 14, county escrow (sync/crypto/escrow.ts): the public half of the county recovery key,
 * put into each center database by county IT (`npm run county-recovery -- publish`). Id:
 * `countyrecovery:<fingerprint without dashes>`.
 */
const fingerprint16 = z.string().regex(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/, 'expected a key fingerprint');
export const countyRecoveryKeyDoc = z.strictObject({
  ...base,
  _id: z.string().regex(/^countyrecovery:[0-9a-f]{16}$/),
  type: z.literal('countyRecoveryKey'),
  alg: z.literal('RSA-OAEP-3072-SHA256'),
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{500,700}={0,2}$/, 'expected an RSA-3072 public key'),
  fingerprint: fingerprint16,
});
export type CountyRecoveryKeyDoc = z.infer<typeof countyRecoveryKeyDoc>;

/** The center key encrypted to the county recovery key by a kiosk. Id: `escrow:<keyId>:<county fingerprint without dashes>`. */
export const centerKeyEscrowDoc = z.strictObject({
  ...base,
  _id: z.string().regex(/^escrow:[0-9a-f]{16}:[0-9a-f]{16}$/),
  type: z.literal('centerKeyEscrow'),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  countyKeyId: fingerprint16,
  alg: z.literal('RSA-OAEP-3072-SHA256'),
  ct: z.string().regex(/^[A-Za-z0-9+/]{512}$/, 'expected an RSA-3072 ciphertext'),
});
export type CenterKeyEscrowDoc = z.infer<typeof centerKeyEscrowDoc>;

/**
 * Issue 13, erasure (PIPL): a center asks county IT to purge a child from the server. It holds
 * ids only — the pseudonymous child id and the ids of the child's documents — never a name or
 * any content; the kiosk has already removed the documents from its own database. County IT's
 * `npm run county-purge` purges every revision of them from the center database (and the
 * county copy's documents that identify the child), then marks the request done.
 * Id: `erasure:<childId>`.
 */
export const ERASURE_REASONS = ['left-retention-ended', 'guardian-request'] as const;
export const erasureRequestDoc = z.strictObject({
  ...base,
  _id: z.string().regex(/^erasure:[0-9A-HJKMNP-TV-Z]{26}$/, 'expected erasure:<child id>'),
  type: z.literal('erasureRequest'),
  childId: ulidString,
  reason: z.enum(ERASURE_REASONS),
  /** A guardian's request: who asked and how (the consent event that recorded it is erased with the child). */
  requestedBy: z.strictObject({ relation: z.enum(RELATIONS), method: z.enum(CONSENT_METHODS) }).nullable(),
  requestedOn: isoDate,
  requestedByStaffId: ulidString,
  /** The ids of the child's documents the kiosk erased (ids only). */
  docIds: z.array(z.string().min(1).max(200)).max(50_000),
  status: z.enum(['pending', 'done']),
  doneAt: isoDateTime.nullable(),
  /** Revisions purged by the county command: in the center database and in the county copy. */
  purged: z.strictObject({ center: z.number().int().min(0), county: z.number().int().min(0) }).nullable(),
});
export type ErasureRequestDoc = z.infer<typeof erasureRequestDoc>;

export const anyDoc = z.discriminatedUnion('type', [
  centerKeyDoc,
  keyPairingDoc,
  countyRecoveryKeyDoc,
  centerKeyEscrowDoc,
  countyAttendanceDoc,
  countyMoodDoc,
  countyScreeningDoc,
  transferDoc,
  serviceTallyDoc,
  centerDoc,
  childDoc,
  childPrivateDoc,
  staffDoc,
  consentDoc,
  attendanceDoc,
  dayDoc,
  moodDoc,
  activityDoc,
  followupDoc,
  screeningDoc,
  screeningAnswersDoc,
  instrumentPackDoc,
  activityPhotosDoc,
  centerTallyDoc,
  moodTallyDoc,
  serviceMonthTallyDoc,
  coverageDoc,
  familyMessageDoc,
  familyReplyDoc,
  callPlanDoc,
  callLogDoc,
  erasureRequestDoc,
]);
export type AnyDoc = z.infer<typeof anyDoc>;
export type DocType = AnyDoc['type'];

export const schemasByType = {
  centerKey: centerKeyDoc,
  keyPairing: keyPairingDoc,
  countyRecoveryKey: countyRecoveryKeyDoc,
  centerKeyEscrow: centerKeyEscrowDoc,
  countyAttendance: countyAttendanceDoc,
  countyMood: countyMoodDoc,
  countyScreening: countyScreeningDoc,
  transfer: transferDoc,
  serviceTally: serviceTallyDoc,
  center: centerDoc,
  child: childDoc,
  childPrivate: childPrivateDoc,
  staff: staffDoc,
  consent: consentDoc,
  attendance: attendanceDoc,
  day: dayDoc,
  mood: moodDoc,
  activity: activityDoc,
  followup: followupDoc,
  screening: screeningDoc,
  screeningAnswers: screeningAnswersDoc,
  instrumentPack: instrumentPackDoc,
  activityPhotos: activityPhotosDoc,
  centerTally: centerTallyDoc,
  moodTally: moodTallyDoc,
  serviceMonthTally: serviceMonthTallyDoc,
  coverage: coverageDoc,
  familyMessage: familyMessageDoc,
  familyReply: familyReplyDoc,
  callPlan: callPlanDoc,
  callLog: callLogDoc,
  erasureRequest: erasureRequestDoc,
} as const satisfies { [K in DocType]: z.ZodType<Extract<AnyDoc, { type: K }>> };

export type DocOf<K extends DocType> = Extract<AnyDoc, { type: K }>;

/**
 * The schema version this app writes for each type (the `schemaVersion` literal of its
 * schema). Types change version one at a time (sync/schema/versions.ts holds how each
 * older version becomes the next); a type that never changed stays at SCHEMA_VERSION.
 */
export const DOC_VERSIONS = Object.fromEntries(
  Object.entries(schemasByType).map(([type, schema]) => [type, (schema.shape.schemaVersion as z.ZodLiteral<number>).value]),
) as { readonly [K in DocType]: number };

/**
 * The version of this app's data as a whole: 1 plus every migration any type has had. It
 * only grows, so a backup made by a newer app (sync/backup) is recognised and refused.
 */
export const DATA_VERSION = 1 + Object.values(DOC_VERSIONS).reduce((sum, v) => sum + (v - 1), 0);

/**
 * Issue 14: the fields that name or describe a person, per type. The kiosk's DocStore
 * encrypts exactly these under the center key before a document is stored for sync
 * (renderer/src/storage/pouch/sealing.ts), and stores `enc` in their place; everything
 * else — the type, centerId, ids, dates and codes the server's rules, the county copy
 * and the views read — stays in clear. A new private type is one line here.
 *
 * Left in clear on purpose: staff (names of adults who sign in, needed before a joining
 * kiosk has the key; their PIN hashes are PBKDF2), `attendance.notes` (no screen writes it,
 * and sealing every check-in would cost the hot path), `day.reason` and the center's own name.
 */
export const PRIVATE_FIELDS = {
  childPrivate: ['fullName', 'displayName', 'guardians', 'address', 'photo', 'pictureCode'],
  child: ['school', 'groupHistory'],
  consent: ['note'],
  followup: ['actions', 'closeReason'],
  screeningAnswers: ['answers', 'incompleteNote'],
  activity: ['providerName', 'notes'],
  activityPhotos: ['photos'],
  transfer: ['reason'],
  // Issue 15: the words of a message or reply and a call plan's note; their recordings and
  // pictures (attachments) are sealed too (sync/crypto/sealDoc.ts: sealAttachments).
  familyMessage: ['text'],
  familyReply: ['text'],
  callPlan: ['note'],
} as const satisfies { readonly [K in DocType]?: readonly (Exclude<keyof DocOf<K>, keyof typeof base | 'type' | '_revisions'> & string)[] };

export type PrivateType = keyof typeof PRIVATE_FIELDS;
export const isPrivateType = (type: string): type is PrivateType => Object.prototype.hasOwnProperty.call(PRIVATE_FIELDS, type);

/** The encrypted part of a stored document (sync/crypto/centerKey.ts: EncBlob). */
export const encBlob = z.strictObject({
  v: z.literal(1),
  k: z.string().regex(/^[0-9a-f]{16}$/, 'expected a key id'),
  iv: z.string().regex(/^[A-Za-z0-9+/]{16}$/, 'expected a 12-byte IV'),
  // The largest private content (a record with a 200 kB photo and guardians; four photos) as base64.
  ct: z.string().min(24).max(1_200_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64'),
});

/** A private type as stored and synced: its clear fields and `enc` instead of the private ones. */
function sealedSchema<K extends PrivateType>(type: K) {
  const schema = schemasByType[type] as unknown as z.ZodObject;
  const mask = Object.fromEntries(PRIVATE_FIELDS[type].map((f) => [f, true])) as Record<string, true>;
  return schema.omit(mask).extend({ enc: encBlob });
}
export const sealedSchemasByType = Object.fromEntries((Object.keys(PRIVATE_FIELDS) as PrivateType[]).map((t) => [t, sealedSchema(t)])) as unknown as { [K in PrivateType]: z.ZodObject };

/** A private document as stored: clear fields and `enc` (the private ones are inside it). */
export type SealedDoc = { readonly _id: string; readonly _rev?: string; readonly type: PrivateType; readonly centerId: string; readonly enc: z.infer<typeof encBlob> } & Record<string, unknown>;

export function isSealed(value: unknown): value is SealedDoc {
  return typeof value === 'object' && value !== null && 'enc' in value && 'type' in value && typeof value.type === 'string' && isPrivateType(value.type);
}

/** What the server and a bundle accept for `type`: the plain form, or for a private type also the sealed one. */
export function storedSchema(type: DocType): z.ZodType {
  return isPrivateType(type) ? z.union([schemasByType[type], sealedSchemasByType[type]]) : schemasByType[type];
}

/** A document failed validation; `issues` says which fields and why, in words. */
export class InvalidDocumentError extends Error {
  override name = 'InvalidDocumentError';
  constructor(
    readonly docId: string,
    readonly issues: readonly string[],
  ) {
    super(`document ${docId} is invalid: ${issues.join('; ')}`);
  }
}

/**
 * Parses `value` as a document of type `type`.
 * @throws InvalidDocumentError when it is not one.
 */
export function parseDoc<K extends DocType>(type: K, value: unknown): DocOf<K> {
  const result = (schemasByType[type] as unknown as z.ZodType<DocOf<K>>).safeParse(value);
  if (!result.success) {
    const id = typeof value === 'object' && value !== null && '_id' in value ? String(value._id) : '(no id)';
    throw new InvalidDocumentError(
      id,
      result.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`),
    );
  }
  return result.data;
}

export const DOC_TYPES = Object.keys(schemasByType) as DocType[];

/**
 * A deletion. It carries its id, revision, `_deleted` and what the rules and the county
 * copy need — the type and the center — and nothing else: CouchDB keeps a tombstone's
 * body, replicates it and serves it with `?rev=`, so a body with a name in it would leak.
 */
export const tombstoneDoc = z.strictObject({
  ...envelope,
  _deleted: z.literal(true),
  type: z.enum(Object.keys(schemasByType) as [DocType, ...DocType[]]),
  centerId: base.centerId,
});
export type TombstoneDoc = z.infer<typeof tombstoneDoc>;

/**
 * The kiosk's verdict on anything about to be stored or replicated: a tombstone when
 * `_deleted` is set, otherwise a document of its type. The server's validate_doc_update
 * reaches the same verdict (sync/couchdb/ddocs.test.ts holds them to one corpus).
 * @throws InvalidDocumentError
 */
export function parseStored(value: unknown): AnyDoc | SealedDoc | TombstoneDoc {
  if (typeof value === 'object' && value !== null && '_deleted' in value && value._deleted !== undefined) {
    const result = tombstoneDoc.safeParse(value);
    if (!result.success)
      throw new InvalidDocumentError(String((value as { _id?: unknown })._id ?? '(no id)'), result.error.issues.map((i) => `${i.path.join('.') || '(deletion)'}: ${i.message}`));
    return result.data;
  }
  if (isSealed(value)) return parseSealed(value);
  return parseAnyDoc(value);
}

/**
 * Parses the clear part of a sealed document (its private fields are inside `enc`).
 * @throws InvalidDocumentError
 */
export function parseSealed(value: SealedDoc): SealedDoc {
  const result = sealedSchemasByType[value.type].safeParse(value);
  if (!result.success) throw new InvalidDocumentError(String(value._id), result.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`));
  return result.data as SealedDoc;
}

/**
 * Parses any document by its `type` field.
 * @throws InvalidDocumentError for an unknown type or invalid structure.
 */
export function parseAnyDoc(value: unknown): AnyDoc {
  const type = typeof value === 'object' && value !== null && 'type' in value ? value.type : undefined;
  if (typeof type !== 'string' || !(type in schemasByType)) {
    const id = typeof value === 'object' && value !== null && '_id' in value ? String(value._id) : '(no id)';
    throw new InvalidDocumentError(id, [`type: unknown document type ${JSON.stringify(type)}`]);
  }
  return parseDoc(type as DocType, value);
}
