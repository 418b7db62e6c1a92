/**
 * The per-event county copies that kiosks up to DDOC_VERSION 6 wrote beside every consented
 * check-in and mood answer (`countyAttendance`, `countyMood`; retired, sync/schema/county.ts).
 * Today's kiosks write none, but county databases still hold them and still accept them from
 * kiosks not yet updated: the tests use this to play such a kiosk (the county rules accept its
 * copies, erasure reaches them, an updated kiosk deletes one when its event is written again).
 * Not used by the app.
 */
import type { AnyDoc, CountyAttendanceDoc, CountyMoodDoc } from './documents';
import { countyCopyId } from './county';

/** What an older kiosk wrote for `doc`, or null when it wrote nothing (no consent, no face chosen, another type). */
export function olderKioskCountyCopy(doc: AnyDoc): CountyAttendanceDoc | CountyMoodDoc | null {
  if ((doc.type !== 'attendance' && doc.type !== 'mood') || !doc.snapshot.countyOk) return null;
  const base = {
    _id: countyCopyId(doc._id),
    centerId: doc.centerId,
    schemaVersion: doc.schemaVersion,
    updatedAt: doc.updatedAt,
    childId: doc.childId,
    date: doc.date,
    snapshot: { group: doc.snapshot.group, ageBand: doc.snapshot.ageBand, gender: doc.snapshot.gender, countyOk: true as const },
  };
  if (doc.type === 'attendance') return { ...base, type: 'countyAttendance', status: doc.status };
  return doc.face === null ? null : { ...base, type: 'countyMood', face: doc.face };
}

/** `docs` with the copies an older kiosk wrote beside them (the app's own copies are `withCountyCopies`). */
export function withOlderKioskCopies(docs: readonly AnyDoc[]): AnyDoc[] {
  return docs.flatMap((d) => {
    const copy = olderKioskCountyCopy(d);
    return copy ? [d, copy] : [d];
  });
}
