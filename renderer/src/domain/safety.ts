/**
 * What waits for an adult right now. A child's request for help must reach the
 * adult in the room at once, whatever that adult's role:
 *
 * - an urgent follow-up (a screening safety answer, an urgent staff concern) waits
 *   until a counsellor or administrator records that the child has been seen
 *   (`acknowledgedAt`); until then every staff page pins it, and the adult present
 *   sees the same-day pathway — never the answers or the score;
 * - a child's talk request waits until someone takes it (status leaves `open`);
 * - a child who could not sign in (kiosk alerts, device-local) waits until an adult
 *   marks it handled.
 *
 * Oldest first within each kind: the child who has waited longest comes first.
 */
import type { FollowupDoc } from '@sync/schema/documents';
import { byCodeUnits } from './search';

export function isWaitingSafety(f: Pick<FollowupDoc, 'status' | 'urgent' | 'acknowledgedAt'>): boolean {
  return f.status !== 'closed' && f.urgent && f.acknowledgedAt === null;
}

export function isWaitingTalk(f: Pick<FollowupDoc, 'status' | 'reason'>): boolean {
  return f.reason === 'talk-request' && f.status === 'open';
}

const oldestFirst = (a: FollowupDoc, b: FollowupDoc) => byCodeUnits(a.openedAt, b.openedAt);

export function waitingSafety(list: readonly FollowupDoc[]): FollowupDoc[] {
  return list.filter(isWaitingSafety).sort(oldestFirst);
}

export function waitingTalks(list: readonly FollowupDoc[]): FollowupDoc[] {
  return list.filter((f) => isWaitingTalk(f) && !isWaitingSafety(f)).sort(oldestFirst);
}

/** Whole minutes from `since` (ISO) to `now`; never negative (a kiosk clock a little behind another's). */
export function minutesWaited(since: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 60_000));
}

export interface Waited {
  readonly hours: number;
  readonly minutes: number;
}

/** A wait split for display ("1 小时 5 分钟"). */
export function splitWait(minutes: number): Waited {
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}
