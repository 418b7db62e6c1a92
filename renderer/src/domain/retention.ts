/**
 * Issue 13, retention (PIPL): which documents may leave this kiosk, and when a child may be
 * erased. Pure rules; the kiosk applies them in app/retention.ts and app/erasure.ts.
 *
 * A document may leave the kiosk only when all of these hold:
 *  - the server has it: it is not among the changes the server has not acknowledged;
 *  - it is old: both what it is about (its `date`) and its last edit fall before the cutoff,
 *    the start of the school year `years` school years before the current one (school years
 *    start on 1 September; the default window is two school years);
 *  - it is not still needed: the center, staff, the center key, instrument packs, erasure
 *    requests, children's profiles and private records (the roster: a child leaves the kiosk
 *    only by erasure), every consent event of a child still enrolled, open follow-ups and the
 *    documents they came from, pending transfers, active call plans, undelivered family
 *    messages, and the de-identified tallies and coverage keys the county's counts come from
 *    (not the retired per-session `serviceTally` copies an older kiosk wrote: they leave with their session).
 */
import type { DocType } from '@sync/schema/documents';

export const RETENTION_DEFAULT_YEARS = 2;
/** School years start on 1 September. */
const SCHOOL_YEAR_START_MONTH = 9;

/** The first day of the school year that contains `date` (yyyy-mm-dd). */
export function schoolYearStart(date: string): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return `${m >= SCHOOL_YEAR_START_MONTH ? y : y - 1}-09-01`;
}

/** Documents about days before this date, last edited before it, are old enough to leave. */
export function retentionCutoff(today: string, years: number): string {
  const start = schoolYearStart(today);
  return `${Number(start.slice(0, 4)) - years}${start.slice(4)}`;
}

/** Types that never leave the kiosk by retention. */
const ALWAYS_KEPT: ReadonlySet<string> = new Set<DocType>([
  'center',
  'staff',
  'centerKey',
  'instrumentPack',
  'erasureRequest',
  'child',
  'childPrivate',
  'centerTally',
  'moodTally',
  'serviceMonthTally',
  // Not `serviceTally`: the per-session county copy is retired (sync/schema/county.ts) and no county count comes from
  // it, so an older kiosk's copy leaves with its session (the same date and last edit), rather than outliving it here.
  'coverage',
]);

/** A stored document as read raw (sealed or not): the clear fields these rules read. */
export interface RetentionDoc {
  readonly _id: string;
  readonly type?: unknown;
  readonly date?: unknown;
  readonly updatedAt?: unknown;
  readonly childId?: unknown;
  readonly status?: unknown;
  readonly active?: unknown;
  readonly sourceId?: unknown;
}

export interface RetentionContext {
  /** From retentionCutoff. */
  readonly cutoff: string;
  /** Ids the server has not acknowledged yet. */
  readonly unsent: ReadonlySet<string>;
  /** Children still enrolled (not archived, no leaving date). */
  readonly currentChildIds: ReadonlySet<string>;
  /** Ids open follow-ups came from (a mood check-in, a screening). */
  readonly neededIds: ReadonlySet<string>;
}

export type KeepReason = 'unsent' | 'recent' | 'needed';

/** Why `doc` stays on the kiosk, or null when it may leave. */
export function keepReason(doc: RetentionDoc, ctx: RetentionContext): KeepReason | null {
  if (doc._id.startsWith('_')) return 'needed';
  if (ctx.unsent.has(doc._id)) return 'unsent';
  const type = typeof doc.type === 'string' ? doc.type : '';
  if (!type || ALWAYS_KEPT.has(type)) return 'needed';
  if (ctx.neededIds.has(doc._id)) return 'needed';
  if (type === 'consent' && typeof doc.childId === 'string' && ctx.currentChildIds.has(doc.childId)) return 'needed';
  if (type === 'followup' && doc.status !== 'closed') return 'needed';
  if (type === 'transfer' && doc.status === 'pending') return 'needed';
  if (type === 'callPlan' && doc.active !== false) return 'needed';
  if (type === 'familyMessage' && doc.status !== 'delivered') return 'needed';
  const day = lastDay(doc);
  if (day === null || day >= ctx.cutoff) return 'recent';
  return null;
}

/** The later of what a document is about and its last edit, as yyyy-mm-dd; null when it has neither. */
export function lastDay(doc: RetentionDoc): string | null {
  const days = [doc.date, doc.updatedAt].filter((v): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)).map((v) => v.slice(0, 10));
  return days.length === 0 ? null : days.sort().at(-1)!;
}

export interface RetentionPreview {
  readonly total: number;
  /** How many of each type may leave. */
  readonly byType: Readonly<Record<string, number>>;
  /** The oldest and newest day among them (null when none). */
  readonly from: string | null;
  readonly to: string | null;
  /** Documents old enough but kept: not yet on the server, or still needed. */
  readonly keptUnsent: number;
  readonly keptNeeded: number;
}

/** What retention would take off the kiosk, and the ids. */
export function planRetention(docs: readonly RetentionDoc[], ctx: RetentionContext): { preview: RetentionPreview; ids: string[] } {
  const ids: string[] = [];
  const byType: Record<string, number> = {};
  let from: string | null = null;
  let to: string | null = null;
  let keptUnsent = 0;
  let keptNeeded = 0;
  for (const d of docs) {
    const why = keepReason(d, ctx);
    const day = lastDay(d);
    const old = day !== null && day < ctx.cutoff;
    if (why === null) {
      ids.push(d._id);
      const t = String(d.type);
      byType[t] = (byType[t] ?? 0) + 1;
      if (from === null || day! < from) from = day;
      if (to === null || day! > to) to = day;
    } else if (old && why === 'unsent') keptUnsent++;
    else if (old && why === 'needed' && !d._id.startsWith('_')) keptNeeded++;
  }
  return { preview: { total: ids.length, byType, from, to, keptUnsent, keptNeeded }, ids };
}

export type ErasureGround = 'left-retention-ended' | 'guardian-request';

export type ErasureEligibility =
  | { readonly ok: true; readonly ground: 'left-retention-ended' }
  /** Enrolled, or left too recently: only a guardian's request allows it; `from` is when retention ends for a child who left. */
  | { readonly ok: false; readonly from: string | null };

/** Whether a child may be erased without a guardian's request: left, and the retention period since ended. */
export function erasureEligibility(child: { readonly leftOn: string | null; readonly archived: boolean }, today: string, years: number): ErasureEligibility {
  if (child.leftOn === null) return { ok: false, from: null };
  const cutoff = retentionCutoff(today, years);
  if (child.leftOn < cutoff) return { ok: true, ground: 'left-retention-ended' };
  // Retention ends on the first school-year start `years` school years after the leaving year's start.
  const start = schoolYearStart(child.leftOn);
  return { ok: false, from: `${Number(start.slice(0, 4)) + years + 1}${start.slice(4)}` };
}

/** The date by which every rolling backup was written after `erasedOn` (yyyy-mm-dd), when one backup is written a day and `kept` are kept. */
export function backupsCleanBy(erasedOn: string, kept: number): string {
  const d = new Date(`${erasedOn}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + kept);
  return d.toISOString().slice(0, 10);
}
