/**
 * USB / file bundles at the kiosk (format and crypto: sync/bundle/bundle.ts).
 * Export: what the server has not acknowledged, everything, or the records
 * last edited in a date range, sealed with the county passphrase. Import: a
 * bundle of this center from another kiosk, previewed first, merged as
 * replication would, conflicts settled by rule and logged.
 */
import { BUNDLE_EXTENSION, collectForBundle, importBundle, KDF_ITERATIONS, openBundle, planImport, readBundleHeader, sealBundle, BundleError, type BundleDoc, type BundleHeader, type BundlePlan, type OnRecordProgress } from '@sync/bundle/bundle';
import { unsentIds } from '@sync/client/acknowledged';

export type ExportScope = Exclude<BundleHeader['scope'], { kind: 'transfer' } | { kind: 'backup' }>;

async function idsFor(db: PouchDB.Database, scope: ExportScope): Promise<string[]> {
  if (scope.kind === 'unsent') return unsentIds(db);
  const rows = (await db.allDocs({ include_docs: scope.kind === 'range' })).rows.filter((r) => !r.id.startsWith('_design/'));
  if (scope.kind === 'all') return rows.map((r) => r.id);
  // Last edited within the range, by the local date written in updatedAt (ISO with the center's offset).
  return rows.filter((r) => {
    const day = String((r.doc as { updatedAt?: string } | undefined)?.updatedAt ?? '').slice(0, 10);
    return day >= scope.from && day <= scope.to;
  }).map((r) => r.id);
}

export interface ExportResult {
  readonly fileName: string;
  readonly text: string;
  readonly count: number;
}

/** @returns null when there is nothing to export. @throws BundleError('weak-passphrase') */
export async function exportBundle(db: PouchDB.Database, o: { centerId: string; deviceId: string; scope: ExportScope; passphrase: string; now: Date; onProgress?: OnRecordProgress }): Promise<ExportResult | null> {
  const ids = await idsFor(db, o.scope);
  if (ids.length === 0) return null;
  const docs = await collectForBundle(db, ids, o.onProgress);
  const createdAt = o.now.toISOString();
  const text = await sealBundle({ centerId: o.centerId, createdAt, deviceId: o.deviceId, scope: o.scope }, docs, o.passphrase, KDF_ITERATIONS, o.onProgress);
  const stamp = createdAt.slice(0, 16).replace(/[-:T]/g, '');
  return { fileName: `tongxin-${o.centerId}-${stamp}${BUNDLE_EXTENSION}`, text, count: docs.length };
}

export interface Preview {
  readonly header: BundleHeader;
  readonly docs: BundleDoc[];
  readonly plan: BundlePlan;
}

/** Opens and checks a bundle and says what importing would change; writes nothing. @throws BundleError */
export async function previewBundle(db: PouchDB.Database, text: string, passphrase: string, centerId: string, onProgress?: OnRecordProgress): Promise<Preview> {
  if (readBundleHeader(text).header.scope.kind === 'transfer') throw new BundleError('transfer-file', 'open it on the transfers page');
  const { header, docs } = await openBundle(text, passphrase, onProgress);
  if (header.centerId !== centerId) throw new BundleError('other-center', `this bundle is from center ${header.centerId}`);
  return { header, docs, plan: await planImport(db, docs) };
}

export async function applyBundle(db: PouchDB.Database, preview: Preview, settle: (ids: readonly string[]) => Promise<number>, onProgress?: OnRecordProgress): Promise<{ written: number; conflicts: number }> {
  const { written } = await importBundle(db, preview.docs, onProgress);
  return { written: written.length, conflicts: await settle(written) };
}
