/**
 * Conflict resolution. CouchDB and PouchDB never lose a write made on two
 * kiosks offline: both revisions are kept and one is picked as the winner,
 * the other stays as a conflict. This module settles each conflict by a rule
 * per document type, writes the result on top of the winner and removes the
 * losing branches, so every replica converges:
 *
 *   attendance  merged (domain/attendance.ts): earliest check-in, latest
 *               check-out, notes united — both kiosks' facts survive.
 *   everything else: the revision with the latest `updatedAt` wins (ties go
 *               to the higher revision id, so every replica picks the same);
 *               the losing revisions are returned so they can be kept in the
 *               conflict log for an admin to review.
 *
 * The rules are commutative, so two kiosks resolving the same conflict at the
 * same time produce equal content and the next pass settles it.
 *
 * County copies (sync/schema/county.ts) are not settled on their own: a copy is
 * derived again from its document as that document now stands, and a settled
 * document brings its copy in step.
 */
import { mergeAttendance } from '@/domain/attendance';
import type { AnyDoc, AttendanceDoc } from '../schema/documents';
import { COUNTY_COPY_PREFIX } from '../schema/county';
import { keepCountyCopy } from './countyCopy';

type Stored = AnyDoc & { _id: string; _rev: string };

export interface ConflictResolution {
  readonly id: string;
  readonly type: string;
  readonly rule: 'merged' | 'latest-wins';
  /** The revisions that were replaced, as they were (for the conflict log). */
  readonly replaced: readonly Stored[];
  readonly result: AnyDoc;
}

function latest(a: Stored, b: Stored): Stored {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? a : b;
  return a._rev > b._rev ? a : b;
}

/** The content both revisions settle on, by the rule for their type. */
export function settle(a: Stored, b: Stored): { doc: AnyDoc; rule: ConflictResolution['rule'] } {
  if (a.type === 'attendance' && b.type === 'attendance') return { doc: mergeAttendance(a as AttendanceDoc, b as AttendanceDoc), rule: 'merged' };
  return { doc: latest(a, b), rule: 'latest-wins' };
}

/** Settles the conflicts of one document. Returns null when it had no conflicts. */
export async function resolveConflicts(db: PouchDB.Database, id: string): Promise<ConflictResolution | null> {
  const winner = (await db.get(id, { conflicts: true })) as unknown as Stored & { _conflicts?: string[] };
  const conflicts = winner._conflicts ?? [];
  if (conflicts.length === 0) return null;
  const losers = (await Promise.all(conflicts.map((rev) => db.get(id, { rev })))) as unknown as Stored[];
  const { _conflicts: _ignored, ...base } = winner;
  let result: AnyDoc = base;
  let rule: ConflictResolution['rule'] = 'latest-wins';
  for (const other of losers) {
    const s = settle(result as Stored, other);
    result = s.doc;
    rule = s.rule;
  }
  const { _rev: _r, ...content } = result as Stored;
  await db.bulkDocs([
    { ...content, _id: id, _rev: winner._rev },
    // Losing branches are deleted keeping type and centerId, as every deletion must (validate_doc_update).
    ...losers.map((l) => ({ _id: id, _rev: l._rev, _deleted: true, type: l.type, centerId: l.centerId })),
  ] as PouchDB.Core.PutDocument<object>[]);
  if (id.startsWith(COUNTY_COPY_PREFIX)) {
    // A copy is derived, not settled: once its branches are one, it is made again from its document as that stands.
    const sourceId = id.slice(COUNTY_COPY_PREFIX.length);
    const source = (await db.get(sourceId).catch(() => null)) as AnyDoc | null;
    if (source) await keepCountyCopy(db, sourceId, source.type, source);
  } else await keepCountyCopy(db, id, content.type, content as AnyDoc);
  return { id, type: winner.type, rule, replaced: [base as Stored, ...losers], result: content as AnyDoc };
}

/** Ids of documents that currently have conflicts (a full scan; fine for a kiosk-sized database). */
export async function conflictedIds(db: PouchDB.Database): Promise<string[]> {
  const res = await db.allDocs({ include_docs: true, conflicts: true });
  return res.rows.filter((r) => (r.doc as { _conflicts?: string[] } | undefined)?._conflicts?.length).map((r) => r.id);
}
