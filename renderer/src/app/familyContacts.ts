/**
 * Parent–child contacts recorded through 亲情连线 (issue 15: delivered messages, calls that
 * happened), loaded for the two places that count contact: the continuity prompts and the
 * county tally. Only the day and the children leave this function — never content.
 */
import { contactEvents, type ContactEvent } from '@/domain/familyContact';
import { localDate } from '@/domain/dates';
import type { DocStore } from '../storage/ports';

/** Contacts on or after `since` (yyyy-mm-dd). */
export async function loadContactEvents(docs: DocStore, since: string): Promise<ContactEvent[]> {
  const [messages, calls] = await Promise.all([docs.list('familyMessage', 'private:fmsg:'), docs.list('callLog', 'private:call-log:')]);
  return contactEvents(messages, calls, (iso) => localDate(new Date(iso))).filter((e) => e.date >= since);
}

/**
 * Erases a child's messages not yet delivered (the consent to family messages was
 * withdrawn: PIPL Art. 15, what was not handed over is not kept). Delivered ones stay
 * until the retention period: the parents have them already.
 * @returns how many were erased.
 */
export async function eraseUndeliveredMessages(docs: DocStore, childId: string): Promise<number> {
  const waiting = (await docs.list('familyMessage', 'private:fmsg:')).filter((m) => m.childId === childId && m.status === 'waiting');
  for (const m of waiting) await docs.remove('familyMessage', m._id);
  return waiting.length;
}
