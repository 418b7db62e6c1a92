/**
 * Conflict resolution. CouchDB and PouchDB never lose a write made on two
 * kiosks offline: both revisions are kept and one is picked as the winner,
 * the other stays as a conflict. This module settles each conflict by a rule
 * per document type, writes the result on top of the winner and removes the
 * losing branches, so every replica converges:
 *
 *   attendance  merged (domain/attendance.ts): earliest check-in, latest
 *               check-out, notes united — both kiosks' facts survive.
 *   records people edit field by field (child, private record, consent,
 *               follow-up): merged field by field against the two revisions'
 *               common ancestor (a three-way merge): a field changed on one
 *               side only takes that change, a follow-up's actions are united,
 *               and only a field changed differently on both sides is settled
 *               by the latest edit — that, and only that, needs review.
 *               PouchDB keeps old revision bodies only until compaction: when
 *               the ancestor's body is gone the rule below applies (and says so).
 *   everything else: the revision with the latest `updatedAt` wins (ties go
 *               to the higher revision id, so every replica picks the same);
 *               the losing revisions are returned so they can be kept in the
 *               conflict log for an admin to review.
 *
 * Revisions that differ only in bookkeeping (`updatedAt`, `deviceId`) are
 * settled silently: nothing is lost, so nothing needs review. The rules are
 * commutative, so two kiosks resolving the same conflict at the same time
 * produce equal content and the next pass settles it.
 *
 * Private documents are stored sealed under the center key (issue 14): with a `codec`, every
 * revision — winner, losers and the common ancestor — is opened before the rules run, so
 * they merge decrypted content, and the settled document is sealed again before it is written.
 *
 * Schema versions (sync/schema/versions.ts): revisions of an older version are migrated
 * before the rules compare them, so both sides have one shape. A conflict where any revision
 * was written by a newer app than this one is left as it is (CouchDB keeps every branch):
 * settling it would write this app's older shape over the newer fields. A kiosk of the
 * newer version settles it when it sees it.
 *
 * County copies (sync/schema/county.ts) are not settled on their own: a copy is
 * derived again from its document as that document now stands, and a settled
 * document brings its copy in step.
 */
import { mergeAttendance } from '@/domain/attendance';
import type { AnyDoc, AttendanceDoc } from '../schema/documents';
import { COUNTY_COPY_PREFIX } from '../schema/county';
import { keepCountyCopy } from './countyCopy';
import { APP_SCHEMAS, isNewer, readAnyDoc, versionOf, type SchemaSet } from '../schema/versions';

type Stored = AnyDoc & { _id: string; _rev: string };

/** Types merged field by field from the common ancestor. */
export const FIELD_MERGED_TYPES: ReadonlySet<string> = new Set(['child', 'childPrivate', 'consent', 'followup']);
/** Fields that say who wrote a revision and when, not what it holds. */
const BOOKKEEPING: ReadonlySet<string> = new Set(['_id', '_rev', '_revisions', '_conflicts', 'updatedAt', 'deviceId']);

export interface ConflictResolution {
  readonly id: string;
  readonly type: string;
  readonly rule: 'merged' | 'latest-wins';
  /** The revisions that were replaced, as they were (for the conflict log). */
  readonly replaced: readonly Stored[];
  readonly result: AnyDoc;
  /** Nothing was lost (bookkeeping only, or edits to different fields merged): no review needed, not logged. */
  readonly silent: boolean;
  /** Fields changed differently on both sides (settled by the latest edit). */
  readonly conflictingFields: readonly string[];
}

/** JSON with sorted keys: equal content gives equal text. */
function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  ) ?? 'undefined';
}
const same = (a: unknown, b: unknown) => canon(a) === canon(b);
const substance = (d: object) => Object.fromEntries(Object.entries(d).filter(([k]) => !BOOKKEEPING.has(k)));

/** True when two revisions differ only in bookkeeping. */
export function sameContent(a: object, b: object): boolean {
  return same(substance(a), substance(b));
}

type Action = { readonly at: string };
/** A follow-up's actions from both sides: the ancestor's, plus what either side added, in time order. */
function uniteActions(ancestor: readonly Action[], mine: readonly Action[], theirs: readonly Action[]): Action[] {
  const seen = new Set<string>();
  const out: Action[] = [];
  for (const a of [...ancestor, ...mine, ...theirs]) {
    const key = canon(a);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  const removed = (side: readonly Action[]) => ancestor.filter((a) => !side.some((x) => same(x, a))).map(canon);
  const gone = new Set([...removed(mine), ...removed(theirs)]);
  return out.filter((a) => !gone.has(canon(a))).sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
}

/**
 * A three-way merge of two revisions against their common ancestor. A field
 * changed on one side takes that side's value; changed differently on both,
 * the latest edit's value (and the field is named in `conflicting`).
 */
export function mergeFields(ancestor: object, mine: Stored, theirs: Stored): { doc: AnyDoc; conflicting: string[] } {
  const newer = latest(mine, theirs);
  const a = ancestor as Record<string, unknown>;
  const m = mine as unknown as Record<string, unknown>;
  const t = theirs as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const conflicting: string[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(m), ...Object.keys(t)])].filter((k) => !BOOKKEEPING.has(k) && k !== '_deleted').sort();
  for (const k of keys) {
    let v: unknown;
    if (same(m[k], t[k]) || same(t[k], a[k])) v = m[k];
    else if (same(m[k], a[k])) v = t[k];
    else if (k === 'actions' && mine.type === 'followup' && Array.isArray(m[k]) && Array.isArray(t[k]))
      v = uniteActions((Array.isArray(a[k]) ? a[k] : []) as Action[], m[k] as Action[], t[k] as Action[]);
    else {
      v = (newer as unknown as Record<string, unknown>)[k];
      conflicting.push(k);
    }
    if (v !== undefined) out[k] = v;
  }
  // Only the field-merged types (child, private record, consent, follow-up) come here; all carry deviceId.
  return { doc: { ...out, _id: mine._id, updatedAt: newer.updatedAt, deviceId: (newer as { deviceId?: string }).deviceId } as unknown as AnyDoc, conflicting };
}

/** The revision ids of one revision's history, newest first. */
async function history(db: PouchDB.Database, id: string, rev: string): Promise<string[]> {
  const doc = (await db.get(id, { rev, revs: true })) as { _revisions?: { start: number; ids: string[] } };
  const r = doc._revisions;
  return r ? r.ids.map((h, i) => `${r.start - i}-${h}`) : [rev];
}

/** The body of the newest revision both `a` and `b` descend from; null when there is none or its body was compacted away. */
export async function commonAncestor(db: PouchDB.Database, id: string, a: string, b: string): Promise<{ rev: string; doc: object | null } | null> {
  const [ha, hb] = await Promise.all([history(db, id, a), history(db, id, b)]);
  const inB = new Set(hb);
  const rev = ha.find((r) => inB.has(r));
  if (!rev) return null;
  const doc = await db.get(id, { rev }).catch(() => null);
  return { rev, doc };
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

/** Opens stored revisions (decrypts sealed ones) and seals a result before it is written (PouchDocStore's open/seal). */
export interface DocCodec {
  open<T extends object>(raw: T): Promise<T>;
  seal<T extends object>(doc: T): Promise<T>;
  /** The schema versions the app knows (PouchDocStore's); absent: this app's. */
  readonly schemas?: SchemaSet;
}

/** A revision as the app of `set` sees it: migrated when it is of an older version (bookkeeping kept), else as it is. */
function upgraded<T extends object>(doc: T, set: SchemaSet): T {
  const type = (doc as { type?: unknown }).type;
  if (typeof type !== 'string' || !(type in set.versions) || !(versionOf(doc) < set.versions[type as keyof SchemaSet['versions']])) return doc;
  try {
    const { _conflicts, ...plain } = doc as Record<string, unknown>;
    return { ...readAnyDoc(plain, set).doc, ...(_conflicts ? { _conflicts } : {}) } as T;
  } catch {
    return doc; // not valid at its own version: the rules take it as it is
  }
}
const PLAIN: DocCodec = { open: async (d) => d, seal: async (d) => d };

/** Settles the conflicts of one document. Returns null when it had no conflicts. */
export async function resolveConflicts(db: PouchDB.Database, id: string, codec: DocCodec = PLAIN): Promise<ConflictResolution | null> {
  const set = codec.schemas ?? APP_SCHEMAS;
  const openedWinner = (await codec.open(await db.get(id, { conflicts: true }))) as unknown as Stored & { _conflicts?: string[] };
  const conflicts = [...(openedWinner._conflicts ?? [])].sort();
  if (conflicts.length === 0) return null;
  const opened = (await Promise.all(conflicts.map(async (rev) => codec.open(await db.get(id, { rev }))))) as unknown as Stored[];
  // A newer app's revision is never settled here: the conflict waits for a kiosk that knows its version.
  if (isNewer(openedWinner, set) || opened.some((l) => isNewer(l, set))) return null;
  const winner = upgraded(openedWinner, set);
  const losers = opened.map((l) => upgraded(l, set));
  const { _conflicts: _ignored, ...base } = winner;
  let result: AnyDoc = base;
  let rule: ConflictResolution['rule'] = 'latest-wins';
  let silent = true;
  const conflictingFields = new Set<string>();
  for (const other of losers) {
    const current = { ...result, _rev: winner._rev } as Stored;
    if (sameContent(current, other)) {
      // Bookkeeping only: keep the latest's stamps, nothing to review.
      result = latest(current, other);
      continue;
    }
    if (FIELD_MERGED_TYPES.has(winner.type) && other.type === winner.type) {
      const ancestor = await commonAncestor(db, id, winner._rev, other._rev);
      if (ancestor?.doc) {
        const merged = mergeFields(upgraded(await codec.open(ancestor.doc), set), current, other);
        result = merged.doc;
        for (const f of merged.conflicting) conflictingFields.add(f);
        if (merged.conflicting.length > 0) silent = false;
        continue;
      }
      console.warn(`conflicts: ${id}: the common ancestor ${ancestor ? `${ancestor.rev} was compacted away` : 'is unknown'}; the latest edit wins whole`);
    }
    const s = settle(current, other);
    result = s.doc;
    rule = s.rule;
    silent = false;
  }
  const { _rev: _r, ...content } = result as Stored;
  await db.bulkDocs([
    await codec.seal({ ...content, _id: id, _rev: winner._rev }),
    // Losing branches are deleted keeping type and centerId, as every deletion must (validate_doc_update).
    ...losers.map((l) => ({ _id: id, _rev: l._rev, _deleted: true, type: l.type, centerId: l.centerId })),
  ] as PouchDB.Core.PutDocument<object>[]);
  if (id.startsWith(COUNTY_COPY_PREFIX)) {
    // A copy is derived, not settled: once its branches are one, it is made again from its document as that stands.
    const sourceId = id.slice(COUNTY_COPY_PREFIX.length);
    const source = (await db.get(sourceId).catch(() => null)) as AnyDoc | null;
    if (source) await keepCountyCopy(db, sourceId, source.type, source);
  } else await keepCountyCopy(db, id, content.type, content as AnyDoc);
  return { id, type: winner.type, rule, replaced: [base as Stored, ...losers], result: content as AnyDoc, silent, conflictingFields: [...conflictingFields].sort() };
}

/** Ids of documents that currently have conflicts (a full scan; fine for a kiosk-sized database). */
export async function conflictedIds(db: PouchDB.Database): Promise<string[]> {
  const res = await db.allDocs({ include_docs: true, conflicts: true });
  return res.rows.filter((r) => (r.doc as { _conflicts?: string[] } | undefined)?._conflicts?.length).map((r) => r.id);
}
