/**
 * Backups and restore with no server at all (issue 13). Starts: a static
 * server for dist/renderer and headless Chromium, twice (two kiosks with
 * their own profiles). Kiosk A sets up its recovery code in Settings → 备份
 * and backs up (into the origin's private file system: the browser shell);
 * the admin downloads the file. Kiosk B, new, refuses a damaged file, a file
 * that is not a backup, a newer-version backup and a wrong code — each in
 * words, with nothing written — then restores the center from the file and
 * the paper code; staff sign in with their old PIN, another center's backup
 * is refused, and B makes its own daily backup by itself.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCenter, openKiosk, typePin, type Kiosk } from './harness';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { generateRecoveryCode, makeBackup, type BackupFile } from '../../sync/backup/backup';
import { DATA_VERSION } from '../../sync/schema/documents';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';

PouchDB.plugin(MemoryAdapter);
let a: Kiosk;
let b: Kiosk;

beforeAll(async () => {
  a = await openKiosk();
  b = await openKiosk();
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

async function signIn(k: Kiosk, name: string, pin: string) {
  await k.page.goto(`${k.url}#/unlock`);
  await k.page.click(`[data-testid="staff-${name}"]`);
  await typePin(k.page, pin);
  await k.page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
}

async function restoreAttempt(page: Page, file: { name: string; buffer: Buffer }, code: string) {
  await page.setInputFiles('[data-testid="backup-file"]', { ...file, mimeType: 'application/octet-stream' });
  await page.fill('[data-testid="backup-code"]', code);
  await page.click('[data-testid="backup-preview"]');
  await page.waitForSelector('[data-testid="backup-error"], [data-testid="backup-plan"]', { timeout: 30_000 });
  return (await page.$('[data-testid="backup-error"]')) ? await page.textContent('[data-testid="backup-error"]') : 'plan';
}

const sha = async (text: string) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))].map((x) => x.toString(16).padStart(2, '0')).join('');

describe('backups and restore', () => {
  let code = '';
  let backup = '';
  let backupName = '';

  it('kiosk A: the admin sets up the recovery code (typed back to confirm) and backs up; the backup is listed and downloads', async () => {
    const { page } = a;
    await page.goto(a.url);
    await createCenter(page, { name: '青山村儿童之家', county: '云溪县', admin: '李老师', pin: '2468', code: 'qingshan' });
    await signIn(a, '李老师', '2468');
    await page.goto(`${a.url}#/staff/settings`);
    await page.click('[data-tab="backup"]');
    expect(await page.textContent('[data-testid="backup-none"]')).toContain('还没有设置备份');
    await page.click('[data-testid="backup-setup"]');
    code = (await page.textContent('[data-testid="backup-new-code"]'))!.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    await a.screenshot('backup-code');
    await page.fill('[data-testid="backup-confirm"]', code.slice(-4) === 'ZZZZ' ? 'YYYY' : 'ZZZZ');
    await page.click('[data-testid="backup-save-code"]');
    expect(await page.textContent('[role="alert"]')).toContain('最后 4 位不对');
    await page.fill('[data-testid="backup-confirm"]', code.slice(-4).toLowerCase());
    await page.click('[data-testid="backup-save-code"]');
    await expect.poll(() => page.textContent('[data-testid="backup-message"]').catch(() => ''), { timeout: 30_000 }).toContain('备份完成');
    expect(await page.locator('[data-testid="backup-list"] tbody tr').count()).toBe(1);
    expect(await page.textContent('[data-testid="backup-list"]')).toContain('手动');
    await a.screenshot('backup-settings');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="backup-list"] [data-action="download"]')]);
    backupName = download.suggestedFilename();
    expect(backupName).toMatch(/^tongxin-qingshan-\d{14}-manual\.tongxin-backup$/);
    backup = await readFile((await download.path())!, 'utf8');
    expect(backup).not.toContain('李老师'); // staff names are inside the encrypted part only
  });

  it('kiosk B, new: damaged, foreign-format, newer-version and wrongly-coded files are refused in words; nothing is written', async () => {
    const { page } = b;
    await page.goto(b.url);
    await page.waitForSelector('[data-testid="setup-restore"]');
    const file = JSON.parse(backup) as BackupFile;
    expect(await restoreAttempt(page, { name: backupName, buffer: Buffer.from(backup.slice(0, backup.length / 2)) }, code)).toContain('已损坏');
    expect(await restoreAttempt(page, { name: 'notes.tongxin-backup', buffer: Buffer.from('{"hello":"world"}') }, code)).toContain('不是童心的备份文件');
    const newer = { ...file.manifest, schemaVersion: DATA_VERSION + 1, appVersion: '9.0.0' };
    const newerText = JSON.stringify({ ...file, manifest: newer, sha256: await sha(`${JSON.stringify(newer)}\n${file.bundle}`) });
    expect(await restoreAttempt(page, { name: backupName, buffer: Buffer.from(newerText) }, code)).toContain('较新的童心（9.0.0）');
    expect(await restoreAttempt(page, { name: backupName, buffer: Buffer.from(backup) }, generateRecoveryCode())).toContain('恢复码打不开');
    expect(await restoreAttempt(page, { name: backupName, buffer: Buffer.from(backup) }, code.slice(0, -1) + (code.endsWith('0') ? '1' : '0'))).toContain('恢复码有误');
    await b.screenshot('backup-restore-refused');
    // After a restart the setup screen is still there: the kiosk is bound to no center (and the next preview shows nothing was written).
    await page.reload();
    await page.waitForSelector('[data-testid="setup-form"]');
  });

  it('kiosk B restores the center from the file and the paper code: preview first, then the old PIN works', async () => {
    const { page } = b;
    expect(await restoreAttempt(page, { name: backupName, buffer: Buffer.from(backup) }, code.replace(/-/g, ' ').toLowerCase())).toBe('plan');
    const plan = await page.textContent('[data-testid="backup-plan"]');
    expect(plan).toContain('青山村儿童之家');
    expect(plan).toContain('站点 1');
    expect(plan).toContain('员工 1');
    // Every record is new here: the refused attempts wrote nothing.
    expect(plan).toContain(`新增记录：${(JSON.parse(backup) as BackupFile).manifest.docCount}`);
    await b.screenshot('backup-restore-preview');
    await page.click('[data-testid="backup-restore-go"]');
    await page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 30_000 });
    await signIn(b, '李老师', '2468');
  });

  it("kiosk B refuses another center's backup, then makes its own daily backup by itself", async () => {
    const { page } = b;
    const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
    const other = new PouchDB(`other-${Math.random()}`, { adapter: 'memory' });
    await other.bulkDocs(demoDocuments(generateDemoCenter({ centerId: 'hongshi', seed: 2, children: 3, from: '2026-11-02', to: '2026-11-03', deviceId: 'k', pinHash })));
    const foreign = await makeBackup(other, { centerId: 'hongshi', centerName: '红石村儿童之家', deviceId: 'k', appVersion: '0.1.0', reason: 'daily', now: new Date(), secret: code, iterations: 100_000 });
    await page.goto(`${b.url}#/staff/settings`);
    await page.click('[data-tab="backup"]');
    expect(await restoreAttempt(page, { name: foreign.fileName, buffer: Buffer.from(foreign.text) }, code)).toContain('另一个站点（红石村儿童之家）');
    // The restore kept the code on this kiosk: the automatic check (20 s after start) makes the first daily backup.
    await page.reload();
    await signIn(b, '李老师', '2468');
    await page.goto(`${b.url}#/staff/settings`);
    await page.click('[data-tab="backup"]');
    await expect
      .poll(
        async () => {
          await page.click('[data-tab="device"]');
          await page.click('[data-tab="backup"]');
          return page.textContent('[data-testid="backup-settings"]');
        },
        { timeout: 60_000, interval: 3_000 },
      )
      .toContain('每日');
    await b.screenshot('backup-daily');
  });
});
