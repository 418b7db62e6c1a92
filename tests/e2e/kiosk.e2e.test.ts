/**
 * The center's daily heart, end to end in Chromium on the demo center: a
 * child checks in alone (wrong code, right code, mood, talk, undo), the
 * register, an archived child, consent withdrawn, and staff accounts.
 * Starts: a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openKiosk, typePin, type Kiosk } from './harness';
import { demoChildren, NOW } from './demoFixture';
import { tapOwnTile } from './kioskFind';

const kids = demoChildren();
const unique = kids.filter((k) => kids.filter((o) => o.displayName === k.displayName).length === 1);
const withMood = unique.filter((k) => k.consents.some((c) => c.action === 'grant' && c.scopes.includes('mood')));
const [alice, bob, carol, dave, erin] = withMood as [typeof kids[0], typeof kids[0], typeof kids[0], typeof kids[0], typeof kids[0]];

async function startCheckin(page: Page, kid: { childId: string; fullName: string; grade: number }, tile = 'kiosk-checkin') {
  await page.click(`[data-testid="${tile}"]`);
  await tapOwnTile(page, kid);
}
async function enterCode(page: Page, code: readonly string[]) {
  for (const p of code) await page.click(`[data-picture="${p}"]`);
}
const wrong = (code: readonly string[]) => code.map((p) => (p === 'sun' ? 'moon' : 'sun'));
async function presentCount(page: Page) {
  return Number((await page.textContent('[data-testid="present-count"]'))!.replace(/\D/g, ''));
}
async function unlock(page: Page, name: string, pin = '2580') {
  await page.click('[data-testid="staff-entry"]');
  await page.click(`[data-testid="staff-${name}"]`);
  await typePin(page, pin);
  await page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
  // While a child's request waits, the staff entry opens the waiting list first (safety.e2e.test.ts).
  if (!page.url().endsWith('#/staff')) await page.goto(`${kiosk.url}#/staff`);
  await page.waitForSelector('[data-testid="staff-home"]', { timeout: 15_000 });
}
async function lock(page: Page) {
  await page.goto(`${kiosk.url}#/staff`);
  await page.click('[data-testid="staff-lock"]');
  await page.waitForSelector('[data-testid="kiosk-home"]');
}

let kiosk: Kiosk;
beforeAll(async () => {
  kiosk = await openKiosk();
  await kiosk.page.clock.setFixedTime(new Date(NOW));
  kiosk.page.on('dialog', (d) => void d.accept());
  await kiosk.page.goto(`${kiosk.url}#/setup?demo=1`);
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 90_000 });
});
afterAll(async () => kiosk?.close());

describe('child self check-in', () => {
  it('refuses a wrong picture code, accepts the right one, asks the mood and clears', async () => {
    const { page } = kiosk;
    expect(await presentCount(page)).toBe(0);
    await page.click('[data-testid="kiosk-checkin"]');
    // 120 children: the first step is the family name, then the child's tile is on screen.
    await page.waitForSelector('[data-testid="kiosk-initials"]');
    await kiosk.screenshot('checkin-initials');
    expect(await tapOwnTile(page, alice)).toBe(2);
    await enterCode(page, wrong(alice.code));
    expect(await page.textContent('[data-testid="code-message"]')).toContain('不对哦');
    await kiosk.screenshot('checkin-code-wrong');
    await enterCode(page, alice.code);
    await page.waitForSelector('[data-testid="mood-faces"]');
    // The child sees their own name and nothing about anyone else.
    expect(await page.locator('[data-testid="child-grid"]').count()).toBe(0);
    await kiosk.screenshot('checkin-mood');
    await page.click('[data-face="4"]');
    await page.waitForSelector('[data-testid="checkin-thanks"]');
    const thanks = await page.textContent('main');
    expect(thanks).toContain('签到好了');
    expect(thanks).not.toMatch(/\d+\s*分|需关注|score/);
    await kiosk.screenshot('checkin-thanks');
    await page.click('text=回首页');
    await page.waitForSelector('[data-testid="kiosk-home"]');
    await expect.poll(() => presentCount(page)).toBe(1);
  });

  it('lets a child ask to talk to a teacher from the mood question', async () => {
    const { page } = kiosk;
    await startCheckin(page, bob);
    await enterCode(page, bob.code);
    await page.click('[data-testid="mood-talk"]');
    await page.waitForSelector('[data-testid="checkin-thanks"]');
    expect(await page.textContent('[data-testid="checkin-thanks"]')).toContain('老师会来找你的');
    await page.click('text=回首页');
    await expect.poll(() => presentCount(page)).toBe(2);
  });

  it('undoes a mistaken check-in from the thank-you screen', async () => {
    const { page } = kiosk;
    await startCheckin(page, carol);
    await enterCode(page, carol.code);
    await page.click('[data-testid="mood-skip"]');
    await page.click('[data-testid="checkin-undo"]');
    await expect.poll(() => page.textContent('[data-testid="checkin-thanks"]')).toContain('已经撤销了');
    await page.click('text=回首页');
    await expect.poll(() => presentCount(page)).toBe(2);
  });

  it('undoes a check-in when the child comes back within a minute', async () => {
    const { page } = kiosk;
    await startCheckin(page, carol);
    await enterCode(page, carol.code);
    await page.click('[data-testid="mood-skip"]');
    await page.click('text=回首页');
    await expect.poll(() => presentCount(page)).toBe(3);
    await startCheckin(page, carol);
    await enterCode(page, carol.code);
    await page.click('[data-testid="undo-recent"]');
    await page.waitForSelector('[data-testid="checkin-thanks"]');
    await page.click('text=回首页');
    await expect.poll(() => presentCount(page)).toBe(2);
  });

  it('sends a child to a teacher after three wrong codes', async () => {
    const { page } = kiosk;
    await startCheckin(page, dave);
    for (let i = 0; i < 3; i++) await enterCode(page, wrong(dave.code));
    await page.waitForSelector('[data-testid="checkin-help"]');
    expect(await page.textContent('[data-testid="checkin-help"]')).toContain('请找老师帮忙');
    await page.click('text=回首页');
  });

  it('checks a child out, showing only children who are here', async () => {
    const { page } = kiosk;
    // Later that afternoon (a minute after check-in the kiosk would offer to undo instead).
    await page.clock.setFixedTime(new Date('2026-11-30T18:05:00+08:00'));
    await page.click('[data-testid="kiosk-checkout"]');
    await page.waitForSelector('[data-testid="child-grid"] .child');
    expect(await page.locator('[data-testid="child-grid"] .child').count()).toBe(2);
    await page.click(`[data-child-id="${alice.childId}"]`);
    await enterCode(page, alice.code);
    await page.click('[data-testid="mood-skip"]');
    expect(await page.textContent('[data-testid="checkin-thanks"]')).toContain('签退好了');
    await page.click('text=回首页');
    // A child under the center's pick-up age (the demo's rule: under 9) does not sign out alone
    // (walk11): nothing is recorded, the child is told to wait for a grown-up, staff are told.
    await page.click('[data-testid="kiosk-checkout"]');
    await page.click(`[data-child-id="${bob.childId}"]`);
    await enterCode(page, bob.code);
    await page.waitForSelector('[data-testid="checkin-pickup"]');
    expect(await page.textContent('[data-testid="checkin-pickup"]')).toContain('请等大人来接你');
    await kiosk.screenshot('kiosk-pickup-needed');
    await page.click('text=回首页');
    await page.click('[data-testid="kiosk-checkout"]');
    // Still here: offered for check-out again, by a teacher in the register or later by the kiosk.
    await page.waitForSelector(`[data-child-id="${bob.childId}"]`);
    await page.click('[data-testid="checkin-home"]');
    await page.waitForSelector('[data-testid="kiosk-waiting-signal"]', { timeout: 5_000 });
    await page.click('[data-testid="staff-entry"]');
    await page.click('[data-testid="staff-陈老师"]');
    await typePin(page, '2580');
    await expect.poll(() => page.textContent('[data-testid="waiting-alerts"]'), { timeout: 15_000 }).toContain('想在自助机上自己签退');
    expect(await page.textContent('[data-testid="waiting-alerts"]')).toContain('9 岁以下');
    await lock(page);
  });
});

describe('staff: register, archive, consent, accounts', () => {
  it('takes the register: all present, exceptions, pick-up rules, no session', async () => {
    const { page } = kiosk;
    await unlock(page, '刘老师');
    await page.click('[data-testid="tile-register"]');
    await page.waitForSelector('[data-testid="register-rows"] li');
    await expect.poll(() => page.textContent('[data-testid="register-counts"]')).toContain('到 2');
    const before = (await page.textContent('[data-testid="register-counts"]'))!;
    await page.click('[data-testid="register-mark-all"]');
    // 120 records in one batch: on a loaded machine more than the poll's default second.
    await expect.poll(() => page.textContent('[data-testid="register-counts"]'), { timeout: 15_000 }).toContain('未点名 0');
    // One tap marked everyone: the undo bar takes it back (and keeps the kiosk's own check-ins).
    await page.click('[data-testid="register-undo"]');
    await expect.poll(() => page.textContent('[data-testid="register-counts"]'), { timeout: 15_000 }).toBe(before);
    await page.click('[data-testid="register-mark-all"]');
    // 120 records in one batch: on a loaded machine more than the poll's default second.
    await expect.poll(() => page.textContent('[data-testid="register-counts"]'), { timeout: 15_000 }).toContain('未点名 0');
    // The kiosk check-in of Alice was kept, not overwritten.
    expect(await page.textContent(`[data-testid="register-rows"] li[data-child="${alice.fullName}"]`)).toContain('16:30 到');
    const erinRow = page.locator(`[data-testid="register-rows"] li[data-child="${erin.fullName}"]`);
    await erinRow.locator('[data-status="excused"]').click();
    await expect.poll(() => page.textContent('[data-testid="register-counts"]')).toContain('请假 1');
    const young = kids.find((k) => k.birthMonth > '2018-06' && k.childId !== alice.childId && unique.includes(k))!;
    const youngRow = page.locator(`[data-testid="register-rows"] li[data-child="${young.fullName}"]`);
    await youngRow.locator('[data-action="check-out"]').click();
    await youngRow.locator('[data-action="confirm-out"]').click();
    await expect.poll(() => page.textContent('[data-testid="register-warn"]')).toContain('请选择谁来接');
    await youngRow.locator('[data-testid="pickup-select"]').selectOption('paternal-grandparent');
    await youngRow.locator('[data-action="confirm-out"]').click();
    await expect.poll(() => youngRow.textContent()).toContain('祖父母（爷爷 / 奶奶）');
    await kiosk.screenshot('register');
    // Children are present: "no session today" would contradict the register, and is refused in words.
    await page.click('[data-testid="register-held"]');
    await expect.poll(() => page.textContent('[data-testid="register-warn"]')).toContain('不能再登记为没开课');
    expect(await page.locator('[data-testid="register-not-held"]').count()).toBe(0);
    // Tomorrow nobody is marked: "no session" is recorded, undone from the bar, recorded again and resumed.
    await page.fill('[data-testid="register-date"]', '2026-12-01');
    await expect.poll(() => page.textContent('[data-testid="register-counts"]')).toContain('到 0');
    await page.click('[data-testid="register-held"]');
    await page.waitForSelector('[data-testid="register-not-held"]');
    await page.click('[data-testid="register-undo"]');
    await expect.poll(() => page.locator('[data-testid="register-not-held"]').count(), { timeout: 15_000 }).toBe(0);
    await page.click('[data-testid="register-held"]');
    await page.waitForSelector('[data-testid="register-not-held"]');
    expect(await page.isDisabled('[data-testid="register-mark-all"]')).toBe(true);
    await page.click('[data-testid="register-held"]');
    await expect.poll(() => page.locator('[data-testid="register-not-held"]').count(), { timeout: 15_000 }).toBe(0);
    await page.fill('[data-testid="register-date"]', '2026-11-30');
  });

  it('hides an archived child from the kiosk', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff/children`);
    await page.fill('[data-testid="child-search"]', dave.fullName);
    await page.click(`[data-testid="child-rows"] .row[data-child="${dave.fullName}"]`);
    await page.waitForSelector('[data-testid="consent-section"]');
    await kiosk.screenshot('child-record');
    await page.click('[data-testid="child-archive"]');
    await expect.poll(() => page.textContent('[data-testid="child-archive"]')).toContain('恢复在站');
    await lock(page);
    await page.click('[data-testid="kiosk-checkin"]');
    await page.click('[data-testid="kiosk-all"]');
    await page.waitForSelector('[data-testid="child-grid"] .child');
    expect(await page.locator(`[data-child-id="${dave.childId}"]`).count()).toBe(0);
    expect(await page.locator(`[data-child-id="${bob.childId}"]`).count()).toBe(1);
    await page.click('[data-testid="checkin-home"]');
  });

  it('blocks a child whose attendance consent was withdrawn, with an explanation', async () => {
    const { page } = kiosk;
    await unlock(page, '陈老师');
    await page.goto(`${kiosk.url}#/staff/children/${erin.childId}`);
    await page.waitForSelector('[data-testid="consent-section"]');
    await page.click('[data-testid="consent-withdraw"]');
    await page.click('[data-consent-scope="attendance"]');
    // Who gave it, whether a legal guardian, and how are never prefilled: unanswered, nothing is saved, in words.
    expect(await page.inputValue('select[name="consent-relation"]')).toBe('');
    expect(await page.inputValue('select[name="consent-method"]')).toBe('');
    await page.click('[data-testid="consent-save"]');
    await expect.poll(() => page.textContent('.consent-message')).toContain('请选择是谁同意的');
    expect(await page.textContent('[data-scope="attendance"]')).toContain('已同意');
    // The relation list fits real guardians and never offers 老师 or 自己回家.
    const offered = await page.locator('select[name="consent-relation"] option').evaluateAll((os) => os.map((o) => o.textContent ?? ''));
    expect(offered).toEqual(expect.arrayContaining(['舅舅', '姑姑', '叔叔 / 伯伯', '阿姨 / 姨妈', '哥哥 / 姐姐', '其他']));
    expect(offered.join('|')).not.toMatch(/老师|自己回家/);
    await page.selectOption('select[name="consent-relation"]', 'other');
    await page.click('[data-testid="consent-save"]');
    await expect.poll(() => page.textContent('.consent-message')).toContain('请写明');
    await page.fill('input[name="consent-relation-other"]', '干妈');
    await page.click('[data-testid="consent-save"]');
    await expect.poll(() => page.textContent('.consent-message')).toContain('法定监护人');
    await page.click('[data-testid="consent-legal-no"]');
    await page.click('[data-testid="consent-save"]');
    await expect.poll(() => page.textContent('.consent-message')).toContain('方式');
    await page.selectOption('select[name="consent-method"]', 'phone');
    await page.click('[data-testid="consent-save"]');
    await expect.poll(() => page.textContent('[data-scope="attendance"]')).toContain('未同意');
    expect(await page.textContent('[data-testid="consent-section"]')).toContain('撤回');
    expect(await page.textContent('[data-testid="consent-section"]')).toContain('其他：干妈');
    await kiosk.screenshot('child-consent');
    await lock(page);
    await startCheckin(page, erin);
    await enterCode(page, erin.code);
    await page.waitForSelector('[data-testid="checkin-blocked"]');
    // The child sees friendly words only; the reason is for staff, after unlocking.
    expect(await page.textContent('main')).toContain('请老师帮你登记');
    expect(await page.textContent('main')).not.toContain('没有登记考勤同意');
    await page.click('text=回首页');
    // The home's discreet signal counts the alert as soon as the home is back (the alert is kept
    // before the blocked screen shows), so the staff entry leads to the waiting list.
    await page.waitForSelector('[data-testid="kiosk-waiting-signal"]', { timeout: 5_000 });
    await page.click('[data-testid="staff-entry"]');
    await page.click('[data-testid="staff-陈老师"]');
    await typePin(page, '2580');
    await expect.poll(() => page.textContent('[data-testid="waiting-alerts"]'), { timeout: 15_000 }).toContain('没有登记考勤同意');
    await lock(page);
  });

  it('lets an admin add a volunteer, whose role sees no settings, and reset the PIN', async () => {
    const { page } = kiosk;
    await unlock(page, '陈老师');
    await page.click('[data-testid="tile-settings"]');
    await page.fill('input[name="staffName"]', '小王');
    await page.fill('input[name="staffPin"]', '1234');
    await page.click('[data-testid="staff-add"]');
    await expect.poll(() => page.textContent('[data-testid="settings-error"]')).toContain('太容易猜到');
    await page.fill('input[name="staffPin"]', '4826');
    await page.click('[data-testid="staff-add"]');
    await page.waitForSelector('tr[data-staff="小王"]');
    await page.click('tr[data-staff="小王"] [data-action="reset-pin"]');
    await page.fill('[data-testid="reset-pin-input"]', '7391');
    await page.click('[data-testid="reset-pin-save"]');
    await expect.poll(() => page.textContent('[data-testid="settings-message"]')).toContain('已保存');
    await kiosk.screenshot('settings-staff');
    await page.click('[data-tab="audit"]');
    // In words, naming who did it and for whom; no action code.
    const audit = await page.textContent('[data-testid="audit-table"]');
    expect(audit).toContain('陈老师重设了 小王 的 PIN');
    expect(audit).not.toContain('pin-reset');
    await lock(page);
    await page.click('[data-testid="staff-entry"]');
    await page.click('[data-testid="staff-小王"]');
    await typePin(page, '4826');
    await expect.poll(() => page.textContent('[data-testid="unlock-message"]'), { timeout: 10_000 }).toContain('PIN 不对');
    await typePin(page, '7391');
    // Children's requests from the tests above wait: the staff entry opens the waiting list, which a volunteer may see.
    await page.waitForSelector('[data-testid="waiting-talks"]', { timeout: 15_000 });
    await page.goto(`${kiosk.url}#/staff`);
    await page.waitForSelector('[data-testid="staff-home"]', { timeout: 15_000 });
    expect(await page.locator('[data-testid="tile-settings"]').count()).toBe(0);
    await page.goto(`${kiosk.url}#/staff/settings`);
    await page.waitForSelector('[data-testid="staff-home"]');
  });
});
