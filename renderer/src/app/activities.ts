/**
 * Service sessions from a date on, without reading the whole history. A session is
 * recorded on or after its date (the form refuses a future date) and its id is a ULID of
 * when it was recorded, on the recording kiosk's own clock — the clock its date defaulted
 * from. So no session dated `from` or later has an id older than `from`'s first instant,
 * wherever the kiosk was: ids from two days before on (a margin for time zones) hold them
 * all, and the dates are then checked one by one. A center's three years of sessions are
 * about 18 MB of documents (each lists its participants); the staff home, the follow-up
 * prompts and the county tallies need the last weeks or months of them (issue 19).
 */
import type { ActivityDoc } from '@sync/schema/documents';
import { ulidFloor } from '@sync/schema/ids';
import type { DocStore } from '../storage/ports';

const MARGIN_MS = 2 * 24 * 60 * 60 * 1000;

/** Every session dated `from` (yyyy-mm-dd) or later. */
export async function activitiesFrom(docs: DocStore, from: string): Promise<ActivityDoc[]> {
  const start = Date.parse(`${from}T00:00:00Z`) - MARGIN_MS;
  const recent = await docs.listRange('activity', `activity:${ulidFloor(start)}`, 'activity:\ufff0');
  return recent.filter((a) => a.date >= from);
}

/**
 * Ids of about one month of recording time per read: a read the page can report and paint
 * between. 36 days: the month now — from two days before its first to two days after today,
 * at most 35 days — is always one read.
 */
const WINDOW_MS = 36 * 24 * 60 * 60 * 1000;

/**
 * Every session dated in `month` (yyyy-mm), read in windows of recording time from the
 * month's start to `now` (and everything after, for a kiosk whose clock ran ahead). The month
 * now is one window — a few dozen sessions, instead of three years of them; an older month
 * reads on to today (a session may be recorded long after its date) and reports each window
 * as it goes: the monthly counts show their progress (issue 11).
 */
export async function activitiesOfMonth(docs: DocStore, month: string, now: Date, onWindow: (done: number, total: number) => void = () => {}): Promise<ActivityDoc[]> {
  const start = Date.parse(`${month}-01T00:00:00Z`) - MARGIN_MS;
  const windows = Math.max(1, Math.ceil((now.getTime() + MARGIN_MS - start) / WINDOW_MS));
  const found = new Map<string, ActivityDoc>();
  for (let i = 0; i < windows; i++) {
    const lo = `activity:${ulidFloor(start + i * WINDOW_MS)}`;
    const hi = i === windows - 1 ? 'activity:\ufff0' : `activity:${ulidFloor(start + (i + 1) * WINDOW_MS)}`;
    for (const a of await docs.listRange('activity', lo, hi)) if (a.date.startsWith(month)) found.set(a._id, a);
    onWindow(i + 1, windows);
  }
  return [...found.values()];
}
