/**
 * A full disk, made on purpose: the kiosk's browser profile lives on a small tmpfs that
 * the test fills with a file until nothing is left (a real ENOSPC, as on a village kiosk
 * whose disk filled up). A write is then refused with a message in words, everything saved
 * before is still there, and when the file is removed the kiosk recovers by itself.
 * Starts: a tmpfs mount (needs root, as CI runs; Chromium's DevTools quota override does not
 * reach IndexedDB in this Chromium), a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createCenter, openKiosk, typePin, type Kiosk } from './harness';

const isRoot = process.getuid?.() === 0;
const mnt = mkdtempSync(path.join(tmpdir(), 'tongxin-small-disk-'));
const filler = path.join(mnt, 'filler');
let kiosk: Kiosk;

function fillDisk() {
  const { bavail, bsize } = statfsSync(mnt);
  try {
    writeFileSync(filler, new Uint8Array(bavail * bsize));
  } catch {
    // ENOSPC at the very end is what we want.
  }
  expect(statfsSync(mnt).bavail).toBe(0);
}

async function unlock() {
  const { page } = kiosk;
  await page.goto(`${kiosk.url}#/unlock?next=${encodeURIComponent('/staff/settings')}`);
  await page.click('[data-testid="staff-李站长"]');
  await typePin(page, '4826');
  await page.waitForSelector('input[name="staffName"]', { timeout: 20_000 });
}

async function addStaff(name: string) {
  const { page } = kiosk;
  await page.fill('input[name="staffName"]', name);
  await page.fill('input[name="staffPin"]', '1357');
  await page.click('[data-testid="staff-add"]');
}

describe.runIf(isRoot)('a full disk (root only: it mounts a small tmpfs)', () => {
  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tongxin-test', mnt]);
    kiosk = await openKiosk({ profileDir: path.join(mnt, 'profile') });
    const { page } = kiosk;
    await page.goto(kiosk.url);
    await createCenter(page, { name: '石桥村儿童之家', county: '云溪县', admin: '李站长', pin: '4826' });
    await unlock();
  });
  afterAll(async () => {
    await kiosk?.close().catch(() => {});
    execFileSync('umount', ['-l', mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it('refuses writes in words, keeps what was saved, and recovers by itself when space returns', async () => {
    const { page } = kiosk;
    await addStaff('王老师');
    await expect.poll(() => page.locator('tr[data-staff="王老师"]').count()).toBe(1);

    fillDisk();
    // The disk is full: keep trying as a teacher would, until the kiosk says so.
    for (let i = 0; i < 5 && (await page.locator('[data-testid="storage-banner"]').count()) === 0; i++) {
      await addStaff(`赵老师${i}`);
      await page.waitForTimeout(1500);
    }
    await expect.poll(() => page.textContent('[data-testid="storage-banner"]'), { timeout: 15_000 }).toContain('存储空间已满');
    expect(await page.textContent('[data-testid="settings-error"]')).toContain('存储空间已满');
    expect(await page.textContent('body')).not.toMatch(/unknown error|IO error|QuotaExceeded/i);
    await kiosk.screenshot('storage-full');

    // Space comes back: the banner goes by itself, the kiosk works again without anyone restarting it.
    rmSync(filler);
    await expect.poll(() => page.locator('[data-testid="storage-banner"]').count(), { timeout: 30_000 }).toBe(0);
    if (!(await page.locator('input[name="staffName"]').count())) await unlock();
    await addStaff('孙老师');
    await expect.poll(() => page.locator('tr[data-staff="孙老师"]').count(), { timeout: 15_000 }).toBe(1);
    // What was saved before the disk filled is all there.
    expect(await page.locator('tr[data-staff="王老师"]').count()).toBe(1);
    expect(await page.locator('tr[data-staff="李站长"]').count()).toBe(1);
  });
});
