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
