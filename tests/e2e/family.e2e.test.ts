/**
 * Issue 15, 亲情连线, end to end on the demo center in Chromium: a child leaves a voice
 * message (the browser's fake microphone stands in: --use-fake-ui-for-media-stream and
 * --use-fake-device-for-media-stream, for this file only), a drawing and a few words;
 * a teacher saves the voice as a file, delivers, attaches a reply, plans and logs a call;
 * the child sees the reply; a withdrawn consent erases what waited and removes the way in.
 * The sizes of the stored recording and drawing are printed. Screenshots at 1366×768
 * and 1024×600.
 * Starts: a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { openKiosk, typePin, type Kiosk } from './harness';
import { demoChildren, NOW } from './demoFixture';
import { tapOwnTile } from './kioskFind';

const kids = demoChildren();
const unique = kids.filter((k) => kids.filter((o) => o.fullName === k.fullName || o.displayName === k.displayName).length === 1);
const older = unique.filter((k) => k.grade >= 4);
const [writer, withdrawn] = older as [(typeof kids)[0], (typeof kids)[0]];
const at = (minutesAfterNow: number) => new Date(Date.parse(NOW) + minutesAfterNow * 60_000);

let kiosk: Kiosk;

async function unlockAs(page: Page, name: string, next: string) {
  await page.goto(`${kiosk.url}#/unlock?next=${encodeURIComponent(next)}`);
  await page.click(`[data-testid="staff-${name}"]`);
  await typePin(page, '2580');
  await page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
}
async function lock(page: Page) {
  await page.goto(`${kiosk.url}#/staff`);
  await page.click('[data-testid="staff-lock"]');
  await page.waitForSelector('[data-testid="kiosk-home"]');
}
async function enterCode(page: Page, code: readonly string[]) {
  for (const p of code) await page.click(`[data-picture="${p}"]`);
}
async function bothSizes(name: string) {
  await kiosk.screenshot(name);
  await kiosk.page.setViewportSize({ width: 1024, height: 600 });
  await kiosk.screenshot(`${name}-1024x600`);
  await kiosk.page.setViewportSize({ width: 1366, height: 768 });
}
/** Every visible button on the page is at least 48 px both ways. */
async function targetsAtLeast48(page: Page) {
  const small = await page.$$eval('button', (bs) =>
    bs
      .filter((b) => b.offsetParent !== null)
      .map((b) => ({ text: (b.textContent ?? '').trim().slice(0, 20) || b.getAttribute('aria-label'), w: b.getBoundingClientRect().width, h: b.getBoundingClientRect().height }))
      .filter((r) => r.w < 48 || r.h < 48),
  );
  expect(small).toEqual([]);
}
/** The child's way into the message screen from the kiosk home: 给爸爸妈妈留言 → find yourself → picture code. */
async function intoMessages(page: Page, child: (typeof kids)[0]) {
  await page.goto(`${kiosk.url}#/kiosk`);
  await page.click('[data-testid="kiosk-family"]');
  await tapOwnTile(page, child);
  await enterCode(page, child.code);
  await page.waitForSelector('[data-testid="family-kiosk"]');
}

beforeAll(async () => {
  expect(withdrawn, 'the demo has two children in grade 4 or above with unique names').toBeTruthy();
  kiosk = await openKiosk({ chromiumArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
  await kiosk.page.clock.setFixedTime(at(0));
  kiosk.page.on('dialog', (d) => void d.accept());
  await kiosk.page.goto(`${kiosk.url}#/setup?demo=1`);
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 90_000 });
}, 120_000);
afterAll(async () => kiosk?.close());

describe('亲情连线', () => {
  it('a child checks in and leaves a voice message, a drawing and a few words', async () => {
    const { page } = kiosk;
    await page.waitForSelector('[data-testid="kiosk-family"]');
    await bothSizes('family-01-kiosk-home');
    await page.click('[data-testid="kiosk-checkin"]');
    await tapOwnTile(page, writer);
    await enterCode(page, writer.code);
    await page.click('[data-testid="mood-skip"]');
    await page.click('[data-testid="checkin-family"]');
    await page.waitForSelector('[data-testid="family-voice"]');
    await bothSizes('family-02-child-menu');
    await targetsAtLeast48(page);

    // Voice: the fake microphone records a tone; the timer counts; listen back; send.
    await page.click('[data-testid="family-voice"]');
    await page.click('[data-testid="family-record"]');
    await page.waitForSelector('[data-testid="family-stop"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="family-timer"]')?.textContent?.trim().startsWith('0:03'), null, { timeout: 15_000 });
    await bothSizes('family-03-child-recording');
    await page.click('[data-testid="family-stop"]');
    await page.waitForSelector('[data-testid="family-playback"]');
    await bothSizes('family-04-child-listen-back');
    await targetsAtLeast48(page);
    await page.click('[data-testid="family-send-voice"]');
    await page.waitForSelector('[data-testid="family-sent"]');

    // A drawing with a finger (the mouse here), two colours.
    await page.click('[data-testid="family-more"]');
    await page.click('[data-testid="family-drawing"]');
    const box = (await page.locator('[data-testid="family-canvas"]').boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + 40);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 40 + i * 15, box.y + 40 + Math.round(Math.sin(i / 3) * 60) + 60);
    await page.mouse.up();
    await page.click('[data-colour="#e53935"]');
    await page.mouse.move(box.x + 300, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + 400, box.y + 250);
    await page.mouse.up();
    await bothSizes('family-05-child-drawing');
    await targetsAtLeast48(page);
    await page.click('[data-testid="family-send-drawing"]');
    await page.waitForSelector('[data-testid="family-sent"]');

    // A few words (grade 3 and up); empty words are refused in words first.
    await page.click('[data-testid="family-more"]');
    await page.click('[data-testid="family-text"]');
    await page.click('[data-testid="family-send-text"]');
    expect(await page.textContent('[data-testid="family-problem"]')).toContain('还没有写字');
    await page.fill('[data-testid="family-words"]', '妈妈，我这次数学考了95分！');
    await page.click('[data-testid="family-send-text"]');
    await page.waitForSelector('[data-testid="family-sent"]');
    await bothSizes('family-06-child-sent');
    await page.click('[data-testid="family-more"]');
    expect(await page.textContent('[data-testid="family-waiting"]')).toContain('3');
  });

  it('a teacher saves the voice as a file, delivers all three, attaches replies, plans and logs a call', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/kiosk`);
    await unlockAs(page, '刘老师', '/staff/family');
    await page.waitForSelector('[data-testid="family-staff"]');
    const family = page.locator(`[data-family="${writer.fullName}"]`);
    await expect.poll(() => family.locator('.message').count()).toBe(3);
    const voiceBytes = Number(await family.locator('[data-message-kind="voice"] .bytes').getAttribute('data-bytes'));
    const drawingBytes = Number(await family.locator('[data-message-kind="drawing"] .bytes').getAttribute('data-bytes'));
    console.log(`[family] stored voice message: ${voiceBytes} bytes (${(await family.locator('[data-message-kind="voice"] .kind').textContent())?.trim()}); drawing: ${drawingBytes} bytes`);
    expect(voiceBytes).toBeGreaterThan(1000);
    expect(drawingBytes).toBeGreaterThan(1000);
    await kiosk.screenshot('family-07-staff-waiting');
    await targetsAtLeast48(page);

    const [download] = await Promise.all([page.waitForEvent('download'), family.locator('[data-message-kind="voice"] [data-testid="family-save-file"]').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${writer.fullName}-\\d{4}-\\d{2}-\\d{2}\\.webm$`));
    const saved = await readFile((await download.path())!);
    expect(saved.length).toBe(voiceBytes);
    expect(saved.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // the WebM (EBML) signature

    for (let i = 0; i < 3; i++) {
      await family.locator('[data-testid="family-delivered-file"]').first().click();
      await expect.poll(() => family.locator('.message').count()).toBe(2 - i);
    }
    await page.waitForSelector('[data-testid="family-none-waiting"]');

    // Words written down during a call, and a photo the mother sent.
    await page.selectOption('[data-testid="reply-child"]', writer.childId);
    await page.click('[data-testid="reply-save"]');
    expect(await page.textContent('[data-testid="family-failure"]')).toContain('请写下回信的内容');
    await page.fill('[data-testid="reply-text"]', '妈妈看到你的画了，真棒！周日给你打电话。');
    await page.click('[data-testid="reply-save"]');
    await page.waitForSelector('[data-testid="family-notice"]');
    await page.click('[data-reply-kind="photo"]');
    await page.setInputFiles('[data-testid="reply-file"]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
    await page.click('[data-testid="reply-save"]');
    expect(await page.textContent('[data-testid="family-failure"]')).toContain('不是录音或图片');
    const png = await readFile(await kiosk.screenshot('family-tmp-photo'));
    await page.setInputFiles('[data-testid="reply-file"]', { name: 'photo.png', mimeType: 'image/png', buffer: png });
    await page.fill('[data-testid="reply-text"]', '');
    await page.click('[data-testid="reply-save"]');
    await expect.poll(() => page.textContent('[data-testid="family-notice"]')).toContain('已保存给');

    // A call plan for today (Monday) at 17:00 is due now (16:30), and shows on the staff home.
    await page.selectOption('[data-testid="plan-child"]', writer.childId);
    await page.selectOption('[data-testid="plan-weekday"]', '1');
    await page.fill('[data-testid="plan-time"]', '17:00');
    await page.click('[data-testid="plan-save"]');
    await page.waitForSelector('[data-testid="family-due"]');
    await page.goto(`${kiosk.url}#/staff`);
    await expect.poll(() => page.textContent('[data-testid="staff-calls-due"]')).toContain(writer.displayName);
    await kiosk.screenshot('family-08-staff-home-call-due');
    await page.click('[data-testid="staff-calls-due"]');
    const plan = page.locator(`[data-plan="${writer.fullName}"]`);
    await plan.locator('[data-testid="call-happened"]').click();
    await plan.locator('[data-minutes="15"]').click();
    await expect.poll(() => page.textContent('[data-testid="family-notice"]')).toContain('接通了');
    await expect.poll(() => page.locator('[data-testid="family-due"]').count()).toBe(0);
    await kiosk.screenshot('family-09-staff-after-call');
    await lock(page);
  });

  it('the child sees 爸爸妈妈给你回信了 and opens the replies', async () => {
    const { page } = kiosk;
    await intoMessages(page, writer);
    await page.waitForSelector('[data-testid="family-new-reply"]');
    await bothSizes('family-10-child-new-reply');
    await page.click('[data-testid="family-new-reply"]');
    await page.waitForSelector('[data-testid="family-reply-photo"], [data-testid="family-reply-text"]');
    await bothSizes('family-11-child-reply');
    await page.click('text=返回');
    await page.waitForSelector('[data-testid="family-new-reply"]');
    await page.click('[data-testid="family-new-reply"]');
    await page.click('text=返回');
    // Both opened: nothing new any more, both still there to look at again.
    await expect.poll(() => page.locator('[data-testid="family-new-reply"]').count()).toBe(0);
    expect(await page.locator('.old-reply').count()).toBe(2);
    await page.click('[data-testid="family-home"]');
  });

  it('a withdrawn consent erases the message that waited and takes the way in away', async () => {
    const { page } = kiosk;
    await intoMessages(page, withdrawn);
    await page.click('[data-testid="family-text"]');
    await page.fill('[data-testid="family-words"]', '爸爸，你什么时候回来？');
    await page.click('[data-testid="family-send-text"]');
    await page.waitForSelector('[data-testid="family-sent"]');

    await unlockAs(page, '刘老师', `/staff/children/${withdrawn.childId}`);
    await page.waitForSelector('[data-testid="consent-section"]');
    await page.click('[data-testid="consent-withdraw"]');
    await page.click('[data-consent-scope="family-messages"]');
    await page.selectOption('select[name="consent-relation"]', 'mother');
    await page.click('[data-testid="consent-legal-yes"]');
    await page.selectOption('select[name="consent-method"]', 'phone');
    await page.click('[data-testid="consent-save"]');
    await expect.poll(() => page.getAttribute('[data-scope="family-messages"]', 'class')).toContain('no');
    await page.goto(`${kiosk.url}#/staff/family`);
    await page.waitForSelector('[data-testid="family-staff"]');
    expect(await page.locator(`[data-family="${withdrawn.fullName}"]`).count()).toBe(0);
    await lock(page);

    // Not in the message grid (seen whole, past the family-name step); after checking in, no button.
    await page.click('[data-testid="kiosk-family"]');
    if (await page.locator('[data-testid="kiosk-all"]').count()) await page.click('[data-testid="kiosk-all"]');
    await page.waitForSelector('[data-testid="child-grid"]');
    expect(await page.locator(`[data-child="${withdrawn.displayName}"]`).count()).toBe(0);
    expect(await page.locator(`[data-child="${writer.displayName}"]`).count()).toBe(1);
    await page.goto(`${kiosk.url}#/kiosk/checkin`);
    await tapOwnTile(page, withdrawn);
    await enterCode(page, withdrawn.code);
    await page.click('[data-testid="mood-skip"]');
    await page.waitForSelector('[data-testid="checkin-thanks"]');
    expect(await page.locator('[data-testid="checkin-family"]').count()).toBe(0);
    // The message screen itself, opened without a child who just confirmed their code, goes home.
    await page.goto(`${kiosk.url}#/kiosk/family`);
    await page.waitForSelector('[data-testid="kiosk-home"]');
  });
});
