/**
 * Keeps this center's coverage documents (domain/county/coverage.ts) in step with its
 * roster: one `cover:<center>:<key>` per child enrolled today with county-statistics
 * consent, none for anyone else. Run when the county coverage code is entered, after
 * children are enrolled, edited or imported, and when sync goes idle — so existing
 * children get keys too. The code itself stays on this device (the OS keychain through
 * the bridge, like the sync password); only keys, center and group are written.
 */
import { consentOn } from '@/domain/consent';
import { groupOn } from '@/domain/child';
import { coverageKey, parseCoverageCode } from '@/domain/county/coverage';
import { localDate } from '@/domain/dates';
import { SCHEMA_VERSION, type CoverageDoc } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import type { DocStore } from '../storage/ports';

/** The bridge credential the county coverage code is kept under. */
export const COVERAGE_CREDENTIAL = 'county-coverage-code';

export interface CoverageWriteResult {
  readonly written: number;
  readonly removed: number;
  readonly kept: number;
}

/**
 * Writes the keys of the children who should have one and removes the others.
 * @throws RangeError when `code` is not a coverage code.
 */
export async function writeCoverageKeys(docs: DocStore, centerId: string, code: string, now: Date): Promise<CoverageWriteResult> {
  if (!parseCoverageCode(code)) throw new RangeError('not a coverage code');
  const today = localDate(now);
  const [children, privates, consents, existing] = await Promise.all([
    docs.list('child', 'child:'),
    docs.list('childPrivate', 'private:child:'),
    docs.list('consent', 'consent:'),
    docs.list('coverage', `cover:${centerId}:`),
  ]);
  const nameOf = new Map(privates.map((p) => [p.childId, p.fullName]));
  const consentsOf = new Map<string, typeof consents>();
  for (const c of consents) consentsOf.set(c.childId, [...(consentsOf.get(c.childId) ?? []), c]);
  const wanted = new Map<string, CoverageDoc>();
  for (const child of children) {
    const childId = child._id.slice('child:'.length);
    const name = nameOf.get(childId);
    if (!name || child.archived || child.enrolledOn > today || (child.leftOn !== null && child.leftOn <= today)) continue;
    if (!consentOn(consentsOf.get(childId) ?? [], today)['county-stats']) continue;
    const key = await coverageKey(code, name, child.birthMonth);
    const id = ids.coverage(centerId, key);
    wanted.set(id, { _id: id, type: 'coverage', centerId, schemaVersion: SCHEMA_VERSION, updatedAt: now.toISOString(), key, group: groupOn(child, today) });
  }
  let written = 0;
  let removed = 0;
  for (const old of existing) {
    if (wanted.has(old._id)) continue;
    await docs.remove('coverage', old._id);
    removed++;
  }
  const current = new Map(existing.map((d) => [d._id, d]));
  for (const [id, doc] of wanted) {
    const had = current.get(id);
    if (had && had.group === doc.group) continue;
    await docs.update('coverage', id, (cur) => (cur && cur.group === doc.group ? null : { ...doc, ...(cur?._rev ? { _rev: cur._rev } : {}) }));
    written++;
  }
  return { written, removed, kept: wanted.size - written };
}

/** Waits this long after the last change to a child, name or consent before recomputing (an import writes hundreds at once). */
export const COVERAGE_SETTLE_MS = 2000;

/**
 * Recomputes the keys after any change to a child, a private record or a consent — enrolment,
 * edit, import, withdrawal, or documents another kiosk of the center synced in. Does nothing
 * while this device holds no coverage code. @returns an unsubscribe.
 */
export function watchCoverage(docs: DocStore, loadCode: () => Promise<string | null>, centerId: () => string | null, now: () => Date = () => new Date()): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async () => {
    const id = centerId();
    const code = id ? await loadCode().catch(() => null) : null;
    if (id && code) await writeCoverageKeys(docs, id, code, now()).catch((e: unknown) => console.warn('coverage keys not written', e));
  };
  const off = docs.onChange((changed) => {
    if (!changed.some((c) => c.startsWith('child:') || c.startsWith('private:child:') || c.startsWith('consent:'))) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), COVERAGE_SETTLE_MS);
  });
  return () => {
    clearTimeout(timer);
    off();
  };
}
