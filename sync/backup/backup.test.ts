import { describe, expect, it } from 'vitest';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { DATA_VERSION } from '../schema/documents';
import { BackupError, backupsToPrune, dailyBackupDue, generateRecoveryCode, makeBackup, normalizeRecoveryCode, previewBackup, restoreBackup, type BackupFile } from './backup';

PouchDB.plugin(MemoryAdapter);
const open = (name: string) => new PouchDB(`${name}-${Math.random()}`, { adapter: 'memory' });
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const docs = demoDocuments(generateDemoCenter({ centerId: 'qingshan', seed: 5, children: 6, from: '2026-11-02', to: '2026-11-04', deviceId: 'kiosk-a', pinHash }));
const CODE = generateRecoveryCode();
const FAST = 100_000;

async function backupOf(db: PouchDB.Database, centerId = 'qingshan', code = CODE) {
  return makeBackup(db, { centerId, centerName: '青山儿童之家', deviceId: 'kiosk-a', appVersion: '0.1.0', reason: 'daily', now: new Date('2026-11-29T10:00:00Z'), secret: code, iterations: FAST });
}
const kind = (p: Promise<unknown>) => p.then(() => 'opened', (e: unknown) => (e instanceof BackupError ? e.kind : `other: ${String(e)}`));

describe('recovery code', () => {
  it('is five groups of four from an alphabet without look-alikes, and a typo is caught by its check letter', () => {
    expect(CODE).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(generateRecoveryCode()).not.toBe(CODE);
    expect(normalizeRecoveryCode(CODE.toLowerCase().replace(/-/g, ' '))).toBe(CODE);
    const last = CODE.at(-1)!;
    const typo = CODE.slice(0, -1) + (last === '0' ? '1' : '0');
    expect(() => normalizeRecoveryCode(typo)).toThrow(BackupError);
    expect(() => normalizeRecoveryCode('1234')).toThrow(/bad-code/);
  });
});

describe('backups', () => {
  it('round-trip to a new, empty kiosk: preview names the center, date and counts; restore brings every document with its revision', async () => {
    const source = open('source');
    await source.bulkDocs(docs);
    const { text, manifest, fileName } = await backupOf(source);
    expect(fileName).toMatch(/^tongxin-qingshan-20261129100000-daily\.tongxin-backup$/);
    expect(text).not.toMatch(/fullName|guardians|displayName/);
    expect(manifest).toMatchObject({ centerId: 'qingshan', docCount: docs.length, schemaVersion: DATA_VERSION });

    const fresh = open('fresh');
    const preview = await previewBackup(fresh, text, CODE.toLowerCase(), null);
    expect(preview.manifest.counts.child).toBe(6);
    expect(preview.plan.newRecords).toBe(docs.length);
    await restoreBackup(fresh, preview);
    const [a, b] = await Promise.all([source.allDocs(), fresh.allDocs()]);
    expect(b.rows.map((r) => [r.id, r.value.rev])).toEqual(a.rows.map((r) => [r.id, r.value.rev]));
    // A second restore adds nothing.
    expect((await previewBackup(fresh, text, CODE, 'qingshan')).plan.incoming).toHaveLength(0);
  });

  it('restoring on the same kiosk loses nothing written after the backup', async () => {
    const db = open('same');
    await db.bulkDocs(docs);
    const { text } = await backupOf(db);
    const child = docs.find((d) => d.type === 'child')!;
    const cur = await db.get(child._id);
    const edited = await db.put({ ...cur, updatedAt: '2026-11-30T09:00:00+08:00' });
    const preview = await previewBackup(db, text, CODE, 'qingshan');
    expect(preview.plan.incoming).toHaveLength(0);
    await restoreBackup(db, preview);
    expect((await db.get(child._id))._rev).toBe(edited.rev);
  });

  it('refuses a broken, foreign, newer-version or wrongly-coded backup with its reason, and writes nothing', async () => {
    const source = open('src');
    await source.bulkDocs(docs);
    const { text } = await backupOf(source);
    const target = open('target');
    const file = JSON.parse(text) as BackupFile;

    expect(await kind(previewBackup(target, text.slice(0, text.length - 200), CODE, null))).toBe('damaged');
    const flipped = { ...file, bundle: file.bundle.replace(/"payload":"(.)/, (_m, c: string) => `"payload":"${c === 'A' ? 'B' : 'A'}`) };
    expect(await kind(previewBackup(target, JSON.stringify(flipped), CODE, null))).toBe('damaged');
    // Someone without the code rewrites the readable manifest and its hash: the sealed bundle still tells.
    const forged = { ...file, manifest: { ...file.manifest, counts: { ...file.manifest.counts, child: 99 } } };
    const { sha256: _old, ...rest } = forged;
    const rehash = async (m: unknown, b: string) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${JSON.stringify(m)}\n${b}`)))].map((x) => x.toString(16).padStart(2, '0')).join('');
    expect(await kind(previewBackup(target, JSON.stringify({ ...rest, sha256: await rehash(forged.manifest, forged.bundle) }), CODE, null))).toBe('damaged');
    expect(await kind(previewBackup(target, text, CODE, 'another-center'))).toBe('other-center');
    const newer = { ...file.manifest, schemaVersion: DATA_VERSION + 1 };
    expect(await kind(previewBackup(target, JSON.stringify({ ...file, manifest: newer, sha256: await rehash(newer, file.bundle) }), CODE, null))).toBe('newer-version');
    expect(await kind(previewBackup(target, JSON.stringify({ ...file, version: 2 }), CODE, null))).toBe('newer-version');
    expect(await kind(previewBackup(target, text, generateRecoveryCode(), null))).toBe('wrong-code');
    expect(await kind(previewBackup(target, '{"format":"tongxin-bundle"}', CODE, null))).toBe('not-a-backup');
    expect((await target.info()).doc_count).toBe(0);
  });

  it('keeps the newest seven and is due once a day', () => {
    const names = Array.from({ length: 10 }, (_, i) => `tongxin-qingshan-202611${String(i + 10)}080000-daily.tongxin-backup`);
    expect(backupsToPrune([...names, 'notes.txt'])).toEqual(names.slice(0, 3).reverse());
    expect(dailyBackupDue([], new Date())).toBe(true);
    expect(dailyBackupDue(names, new Date('2026-11-19T20:00:00Z'))).toBe(false);
    expect(dailyBackupDue(names, new Date('2026-11-20T08:00:00Z'))).toBe(true);
  });
});
