/**
 * Schema versions in both directions of sync (issue 13). Starts: pouchdb-server (the trial
 * server) with the real design documents — their validate_doc_update checks each version.
 * Two kiosks of one center, each a real PouchDB with the app's PouchDocStore and
 * ReplicationController:
 *
 *   kiosk "new"  this app: screeningAnswers at version 2.
 *   kiosk "old"  the app of version 1, represented by the same code with its schema registry
 *                cut where version 1 shipped (`schemaSetAt({ screeningAnswers: 1 })`): it
 *                validates, writes and reads screeningAnswers with the version-1 schema (the
 *                one documents.ts keeps as screeningAnswersDocV1, unchanged), knows no
 *                migration to 2, and meets version 2 as "newer". What it does with a newer
 *                document is this release's code (an app before it had no such rule), so
 *                this is the first old version that behaves so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { provisionCenter } from '../../sync/couchdb/admin';
import { centerDbUrl, ReplicationController } from '../../sync/client/replication';
import { PouchDocStore } from '../../renderer/src/storage/pouch/PouchDocStore';
import { NewerDocumentError, schemaSetAt } from '../../sync/schema/versions';
import type { ConflictResolution } from '../../sync/client/conflicts';
import type { ScreeningAnswersDoc } from '../../sync/schema/documents';
import { createNewerDocs } from '../../renderer/src/app/newerDocs';
import { errorWords } from '../../renderer/src/ui/errorWords';
import zhCN from '../../renderer/src/i18n/zh-CN';
import { startCountyServer, until, type CountyServer } from './countyServer';

PouchDB.plugin(MemoryAdapter);
let server: CountyServer;
let password: string;

beforeAll(async () => {
  server = await startCountyServer();
  password = (await provisionCenter(server.admin, 'qingshan')).syncPassword!;
});
afterAll(async () => server?.stop());

const CHILD = '01JCDEFGHJKMNPQRSTVWXYZ012';
const meta = (device: string, at: string) => ({ centerId: 'qingshan', createdAt: at, updatedAt: at, deviceId: device });
const answersId = (n: number) => `private:answers:01JCDEFGHJKMNPQRSTVWXYZ0${10 + n}`;
const answers = (n: number) => ({ _id: answersId(n), type: 'screeningAnswers' as const, screeningId: answersId(n).slice(-26), childId: CHILD, answers: { q1: n, q2: null } });

function kiosk(name: string, old: boolean) {
  const db = new PouchDB(`kiosk-${name}-${Date.now()}`, { adapter: 'memory' });
  const docs = new PouchDocStore(db);
  if (old) docs.schemas = schemaSetAt({ screeningAnswers: 1 });
  const kept = new Map<string, string>();
  const newer = createNewerDocs(db, docs.schemas, { getItem: (k) => kept.get(k) ?? null, setItem: (k, v) => void kept.set(k, v) });
  docs.onNewer = (id, v) => newer.note(id, v);
  const settled: ConflictResolution[] = [];
  const sync = new ReplicationController({ local: db, PouchDB, url: centerDbUrl(server.base, 'qingshan'), username: 'sync-qingshan', password, codec: docs, onConflict: (r) => settled.push(r) });
  return { db, docs, newer, sync, settled };
}
type Kiosk = ReturnType<typeof kiosk>;

/** Both kiosks exchange until each holds `ids` at the server's revisions, then stop. */
async function exchange(kiosks: readonly Kiosk[], ids: readonly string[]): Promise<void> {
  const remote = new PouchDB(centerDbUrl(server.base, 'qingshan'), { skip_setup: true, auth: { username: 'sync-qingshan', password } } as object);
  for (const k of kiosks) k.sync.start();
  try {
    await until(async () => {
      for (const k of kiosks) if (k.sync.current.rejected.length > 0) throw new Error(`refused: ${JSON.stringify(k.sync.current.rejected)}`);
      for (const id of ids) {
        const there = (await remote.get(id, { conflicts: true }).catch(() => null)) as { _rev: string; _conflicts?: string[] } | null;
        if (!there || there._conflicts?.length) return false;
        for (const k of kiosks) {
          const here = (await k.db.get(id, { conflicts: true }).catch(() => null)) as { _rev: string; _conflicts?: string[] } | null;
          if (!here || here._rev !== there._rev || here._conflicts?.length) return false;
        }
      }
      return true;
    }, 60_000);
  } finally {
    for (const k of kiosks) await k.sync.stop();
  }
}
const raw = (k: Kiosk, id: string) => k.db.get(id) as Promise<Record<string, unknown>>;
const withoutRev = ({ _rev: _r, ...d }: Record<string, unknown>) => d;
const t = (key: string, values: Record<string, unknown> = {}): string =>
  String(key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], zhCN)).replace(/\{(\w+)\}/g, (_m: string, k: string) => String(values[k]));

describe('a version-2 kiosk and a version-1 kiosk share a center through the trial server', () => {
  it('v1 documents reach the v2 kiosk and are migrated; v2 documents reach the v1 kiosk, stay intact, are never overwritten there, and come back unchanged', async () => {
    const fresh = kiosk('new', false);
    const old = kiosk('old', true);

    // The old kiosk saves answers the version-1 way (no note); the new one the version-2 way, one with a note.
    await old.docs.put({ ...answers(1), ...meta('kiosk-old', '2026-11-30T16:00:00+08:00'), schemaVersion: 1 } as unknown as ScreeningAnswersDoc);
    await fresh.docs.put({ ...answers(2), ...meta('kiosk-new', '2026-11-30T16:05:00+08:00'), schemaVersion: 2, incompleteNote: '孩子累了，明天再做' });
    await fresh.docs.put({ ...answers(3), ...meta('kiosk-new', '2026-11-30T16:06:00+08:00'), schemaVersion: 2, incompleteNote: '' });
    await exchange([fresh, old], [answersId(1), answersId(2), answersId(3)]);
    const sentByNew = await raw(fresh, answersId(2));

    // On the new kiosk the old document reads migrated (an empty note); what is stored is left as it came until someone edits it.
    expect(await fresh.docs.get('screeningAnswers', answersId(1))).toMatchObject({ schemaVersion: 2, incompleteNote: '', answers: { q1: 1 } });
    expect(await raw(fresh, answersId(1))).not.toHaveProperty('incompleteNote');
    expect(fresh.newer.count.value).toBe(0);

    // On the old kiosk the version-2 documents are there exactly as written, shown read-only, and counted for the banner.
    expect(withoutRev(await raw(old, answersId(2)))).toEqual(withoutRev(sentByNew));
    const shown = await old.docs.get('screeningAnswers', answersId(2));
    expect(shown).toMatchObject({ schemaVersion: 2, incompleteNote: '孩子累了，明天再做' });
    expect(await old.docs.list('screeningAnswers', 'private:answers:')).toHaveLength(3);
    await old.newer.refresh();
    expect(old.newer.count.value).toBe(2);
    expect(t('schemaVersions.banner', { n: old.newer.count.value })).toMatch(/本机有 2 条记录是较新版本的童心写的.*请管理员尽快更新这台电脑上的童心/);

    // Staff on the old kiosk try to change one: refused in words, nothing written.
    const before = await raw(old, answersId(2));
    const edit = old.docs.update('screeningAnswers', answersId(2), (c) => (c ? { ...c, incompleteNote: '改了' } : null));
    await expect(edit).rejects.toBeInstanceOf(NewerDocumentError);
    expect(errorWords(await edit.catch((e: unknown) => e), t)).toMatch(/较新版本的童心写的，这台电脑不能修改它/);
    await expect(old.docs.put({ ...shown!, incompleteNote: '改了' })).rejects.toBeInstanceOf(NewerDocumentError);
    await expect(old.docs.remove('screeningAnswers', answersId(2))).rejects.toBeInstanceOf(NewerDocumentError);
    expect(await raw(old, answersId(2))).toEqual(before);

    // The old kiosk edits something else (its own version-1 answers); the new kiosk edits the old document, which stores it as version 2.
    await old.docs.update('screeningAnswers', answersId(1), (c) => (c ? { ...c, answers: { q1: 1, q2: 3 }, updatedAt: '2026-11-30T17:00:00+08:00' } : null));
    await exchange([fresh, old], [answersId(1), answersId(2)]);
    await fresh.docs.update('screeningAnswers', answersId(1), (c) => (c ? { ...c, incompleteNote: '没做完', updatedAt: '2026-11-30T17:10:00+08:00' } : null));
    await exchange([fresh, old], [answersId(1), answersId(2), answersId(3)]);

    // The version-2 documents came back to the new kiosk unchanged: the same revision, the same content.
    expect(await raw(fresh, answersId(2))).toEqual(sentByNew);
    // The old kiosk's edit reached the new kiosk and was kept through the migration; it is now version 2 everywhere, and newer on the old kiosk.
    expect(await raw(fresh, answersId(1))).toMatchObject({ schemaVersion: 2, incompleteNote: '没做完', answers: { q1: 1, q2: 3 } });
    expect(await raw(old, answersId(1))).toMatchObject({ schemaVersion: 2, incompleteNote: '没做完' });
    await old.newer.refresh();
    expect(old.newer.count.value).toBe(3);
  }, 180_000);

  it('a conflict between a version-1 edit and a version-2 edit is left alone by the old kiosk and settled by the new one by its rule, at version 2', async () => {
    const fresh = kiosk('new2', false);
    const old = kiosk('old2', true);
    const id = answersId(5);
    await old.docs.put({ ...answers(5), ...meta('kiosk-old', '2026-12-01T16:00:00+08:00'), schemaVersion: 1 } as unknown as ScreeningAnswersDoc);
    await exchange([fresh, old], [id]);

    // Offline, each edits the same document: the old kiosk the answers (version 1), the new kiosk the note (version 2).
    await old.docs.update('screeningAnswers', id, (c) => (c ? { ...c, answers: { q1: 5, q2: 1 }, updatedAt: '2026-12-01T17:00:00+08:00', deviceId: 'kiosk-old' } : null));
    await fresh.docs.update('screeningAnswers', id, (c) => (c ? { ...c, incompleteNote: '停电了', updatedAt: '2026-12-01T17:05:00+08:00', deviceId: 'kiosk-new' } : null));
    expect(await raw(old, id)).toMatchObject({ schemaVersion: 1 });
    expect(await raw(fresh, id)).toMatchObject({ schemaVersion: 2 });

    // The new kiosk's edit reaches the server first; then the old kiosk meets the conflict, alone. It does not
    // settle it (that would write the version-1 shape over the note): both branches stay, nothing is refused.
    await exchange([fresh], [id]);
    old.sync.start();
    await until(async () => ((await old.db.get(id, { conflicts: true })) as { _conflicts?: string[] })._conflicts?.length === 1, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    await old.sync.stop();
    const branches = (await old.db.get(id, { conflicts: true })) as { _rev: string; _conflicts?: string[] };
    expect(branches._conflicts).toHaveLength(1);
    const both = await Promise.all([branches._rev, ...branches._conflicts!].map((rev) => old.db.get(id, { rev }) as Promise<Record<string, unknown>>));
    expect(both.map((d) => d.schemaVersion).sort()).toEqual([1, 2]);
    expect(old.settled).toEqual([]);
    // Then both: the new kiosk settles it by the rule of the type (screeningAnswers: the latest edit wins, the
    // other is kept for review), with the version-1 branch migrated first; the old kiosk receives the result.
    await exchange([fresh, old], [id]);
    const settled = await raw(fresh, id);
    expect(settled).toMatchObject({ schemaVersion: 2, incompleteNote: '停电了', answers: { q1: 5, q2: null } });
    expect(fresh.settled).toHaveLength(1);
    expect(fresh.settled[0]!.replaced.find((r) => (r as { deviceId?: string }).deviceId === 'kiosk-old')).toMatchObject({ schemaVersion: 2, incompleteNote: '', answers: { q1: 5, q2: 1 } });
    expect(await raw(old, id)).toEqual(settled);
    expect(old.settled).toEqual([]);
  }, 180_000);
});
