/**
 * Issue 13, retention on the kiosk: documents the server has acknowledged and that are older
 * than the center's window leave this kiosk's database (domain/retention.ts decides which).
 * They are purged locally (storage/pouch/purge.ts), so nothing is sent to the server: the
 * county server keeps them. Run from Settings → 保留与删除 with a preview and progress.
 */
import { unsentIds } from '@sync/client/acknowledged';
import { localDate } from '@/domain/dates';
import { planRetention, retentionCutoff, RETENTION_DEFAULT_YEARS, type RetentionDoc, type RetentionPreview } from '@/domain/retention';
import type { CenterDoc } from '@sync/schema/documents';
import type { DeviceStore } from '../storage/ports';
import { purgeDoc } from '../storage/pouch/purge';

export interface RetentionPlan {
  readonly preview: RetentionPreview;
  readonly ids: readonly string[];
  readonly cutoff: string;
  readonly years: number;
}

export const retentionYearsOf = (center: Pick<CenterDoc, 'settings'> | null) => center?.settings.retentionYears ?? RETENTION_DEFAULT_YEARS;

/** What retention would take off this kiosk now. */
export async function planKioskRetention(db: PouchDB.Database, years: number, now: Date): Promise<RetentionPlan> {
  const cutoff = retentionCutoff(localDate(now), years);
  const [all, unsent] = await Promise.all([db.allDocs({ include_docs: true }), unsentIds(db)]);
  const docs = all.rows.flatMap((r) => (r.doc ? [r.doc as unknown as RetentionDoc] : []));
  const currentChildIds = new Set<string>();
  const neededIds = new Set<string>();
  for (const d of docs) {
    const raw = d as RetentionDoc & { archived?: unknown; leftOn?: unknown; sourceId?: unknown };
    if (raw.type === 'child' && raw.archived !== true && (raw.leftOn ?? null) === null) currentChildIds.add(raw._id.replace(/^child:/, ''));
    if (raw.type === 'followup' && raw.status !== 'closed' && typeof raw.sourceId === 'string') neededIds.add(raw.sourceId);
  }
  const { preview, ids } = planRetention(docs, { cutoff, unsent: new Set(unsent), currentChildIds, neededIds });
  return { preview, ids, cutoff, years };
}

/**
 * Purges what the plan lists, re-checking each against what the server has acknowledged now
 * (a document edited since the preview stays). @returns how many left the kiosk.
 */
export async function runKioskRetention(
  d: { readonly centerDb: PouchDB.Database; readonly device: DeviceStore },
  plan: RetentionPlan,
  staffId: string,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<number> {
  const unsent = new Set(await unsentIds(d.centerDb));
  const ids = plan.ids.filter((id) => !unsent.has(id));
  let done = 0;
  onProgress(0, ids.length);
  for (const id of ids) {
    await purgeDoc(d.centerDb, id);
    onProgress(++done, ids.length);
  }
  await d.device.appendAudit({ staffId, action: 'retention', detail: `${done} ${plan.cutoff}` });
  return done;
}
