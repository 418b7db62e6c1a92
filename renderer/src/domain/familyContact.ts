/**
 * 亲情连线 (issue 15): the rules of family contact, pure.
 *
 * - A call that happened, or a child's message handed over to the parents, is a
 *   parent–child contact on that day. It counts exactly like a "parent–child contact"
 *   service session for the continuity prompt ("no contact with parents away for N
 *   weeks") and for the county's continuity count (centerTally.parentContact: distinct
 *   children, counted, never the content). `contactEvents` turns them into the shape
 *   those two already read, so neither needs to know where contact came from.
 * - A call plan is a weekly window (weekday + time); it is due on that weekday from an
 *   hour before its time until the end of the day, unless a call of that plan was
 *   already logged that day.
 * - Messages and replies are kept for the center's retention period (default one
 *   term), then erased; withdrawing the consent erases messages not yet delivered.
 */
import type { CallLogDoc, CallPlanDoc, CenterSettings, FamilyMessageDoc, FamilyReplyDoc } from '@sync/schema/documents';
import { FAMILY_RETENTION_DEFAULT_DAYS } from '@sync/schema/documents';
import type { ConsentState } from './consent';
import { addDays, weekday } from './dates';

/** A contact as the continuity prompt and the county tally read services: the day and the children. */
export interface ContactEvent {
  readonly date: string;
  readonly serviceType: 'parent-child-contact';
  readonly participants: readonly { readonly childId: string }[];
}

/**
 * Parent–child contacts from delivered messages and calls that happened. `localDateOf`
 * turns a delivery time into the center's calendar day.
 */
export function contactEvents(
  messages: readonly Pick<FamilyMessageDoc, 'childId' | 'status' | 'deliveredAt'>[],
  calls: readonly Pick<CallLogDoc, 'childIds' | 'date' | 'outcome'>[],
  localDateOf: (iso: string) => string,
): ContactEvent[] {
  const out: ContactEvent[] = [];
  for (const m of messages)
    if (m.status === 'delivered' && m.deliveredAt !== null) out.push({ date: localDateOf(m.deliveredAt), serviceType: 'parent-child-contact', participants: [{ childId: m.childId }] });
  for (const c of calls)
    if (c.outcome === 'happened') out.push({ date: c.date, serviceType: 'parent-child-contact', participants: c.childIds.map((childId) => ({ childId })) });
  return out;
}

/** Whether the child may leave and receive family messages today. */
export function mayMessage(consent: ConsentState): boolean {
  return consent['family-messages'];
}

/** How many days messages and replies are kept. */
export function retentionDays(settings: Pick<CenterSettings, 'familyRetentionDays'>): number {
  return settings.familyRetentionDays ?? FAMILY_RETENTION_DEFAULT_DAYS;
}

/** Messages and replies made before this day are erased. */
export function retentionCutoff(settings: Pick<CenterSettings, 'familyRetentionDays'>, today: string): string {
  return addDays(today, -retentionDays(settings));
}

/** Documents (messages or replies) past the retention period on `today`. */
export function expired<T extends Pick<FamilyMessageDoc | FamilyReplyDoc, 'createdAt'>>(
  docs: readonly T[],
  settings: Pick<CenterSettings, 'familyRetentionDays'>,
  today: string,
  localDateOf: (iso: string) => string,
): T[] {
  const cutoff = retentionCutoff(settings, today);
  return docs.filter((d) => localDateOf(d.createdAt) < cutoff);
}

/** A plan's window opens this many minutes before its time. */
export const CALL_DUE_LEAD_MIN = 60;

/**
 * Active plans due now: today is the plan's weekday, the time is at most
 * CALL_DUE_LEAD_MIN minutes away or past, and no call of the plan is logged today.
 * `clock` is the local time HH:MM.
 */
export function dueCallPlans(
  plans: readonly CallPlanDoc[],
  logs: readonly Pick<CallLogDoc, 'planId' | 'date'>[],
  today: string,
  clock: string,
): CallPlanDoc[] {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const loggedToday = new Set(logs.filter((l) => l.date === today && l.planId !== null).map((l) => l.planId));
  const wd = weekday(today);
  return plans.filter((p) => {
    const planId = p._id.slice(p._id.lastIndexOf(':') + 1);
    return p.active && p.weekday === wd && minutes(clock) >= minutes(p.time) - CALL_DUE_LEAD_MIN && !loggedToday.has(planId);
  });
}

/** Replies the child has not opened yet ("爸爸/妈妈给你回信了"). */
export function unseenReplies<T extends Pick<FamilyReplyDoc, 'childId' | 'seenAt'>>(replies: readonly T[], childId: string): T[] {
  return replies.filter((r) => r.childId === childId && r.seenAt === null);
}
