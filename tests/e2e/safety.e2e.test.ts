/**
 * Issue 10 end to end on the demo center, in Chromium: a child asking for help
 * is never left waiting. Each flow is walked through the UI as the role that
 * meets it — volunteer, teacher, counsellor, administrator — with screenshots
 * (child screens also at 1024×600). The time from a flagged answer being saved
 * to the pathway on screen is measured and printed, never asserted.
 * Starts: a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openKiosk, typePin, type Kiosk } from './harness';
import { demoChildren, NOW, TODAY } from './demoFixture';
import { tapOwnTile } from './kioskFind';
import { ageOn } from '../../renderer/src/domain/child';

const kids = demoChildren();
const unique = kids.filter((k) => kids.filter((o) => o.fullName === k.fullName || o.displayName === k.displayName).length === 1);
const screens = (k: (typeof kids)[0]) => k.consents.some((c) => c.action === 'grant' && c.scopes.includes('screening'));
const teens = unique.filter((k) => ageOn(k.birthMonth, TODAY) === 13 && screens(k));
const [teen, tired] = teens as [(typeof kids)[0], (typeof kids)[0]];
const younger = unique.filter((k) => ageOn(k.birthMonth, TODAY) < 12);
const [asker, forgetful, unsure, mistap, withdrawn, unsaved] = younger as [(typeof kids)[0], (typeof kids)[0], (typeof kids)[0], (typeof kids)[0], (typeof kids)[0], (typeof kids)[0]];
const wrong = (code: readonly string[]) => code.map((p) => (p === 'sun' ? 'moon' : 'sun'));
const at = (minutesAfterNow: number) => new Date(Date.parse(NOW) + minutesAfterNow * 60_000);

let kiosk: Kiosk;

async function unlockAs(page: Page, name: string, next = '') {
  await page.goto(`${kiosk.url}#/unlock${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.click(`[data-testid="staff-${name}"]`);
  await typePin(page, '2580');
  await page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
}
async function pinFor(page: Page, name: string) {
  await page.waitForSelector('[data-testid="staff-unlock"]');
  await page.click(`[data-testid="staff-${name}"]`);
  await typePin(page, '2580');
  await page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
}
async function lock(page: Page) {
  await page.goto(`${kiosk.url}#/staff`);
  await page.click('[data-testid="staff-lock"]');
  await page.waitForSelector('[data-testid="kiosk-home"]');
}
async function home(page: Page) {
  await page.goto(`${kiosk.url}#/kiosk`);
  await page.waitForSelector('[data-testid="kiosk-home"]');
}
async function enterCode(page: Page, code: readonly string[]) {
  for (const p of code) await page.click(`[data-picture="${p}"]`);
}
/** A screenshot at the kiosk's smallest supported screen too (child screens). */
async function bothSizes(name: string) {
  await kiosk.screenshot(name);
  await kiosk.page.setViewportSize({ width: 1024, height: 600 });
  await kiosk.screenshot(`${name}-1024x600`);
  await kiosk.page.setViewportSize({ width: 1366, height: 768 });
}

beforeAll(async () => {
  expect(teen && tired, 'the demo has two 13-year-olds with screening consent').toBeTruthy();
  expect(unsaved, 'the demo has six younger children with unique names').toBeTruthy();
  kiosk = await openKiosk();
  await kiosk.page.clock.setFixedTime(at(0));
  kiosk.page.on('dialog', (d) => void d.accept());
  await kiosk.page.goto(`${kiosk.url}#/setup?demo=1`);
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 90_000 });
});
afterAll(async () => kiosk?.close());

describe('a safety answer reaches the adult present at once', () => {
  it('the teacher who handed the kiosk over sees the pathway — no answers, no score — as soon as the PIN is in', async () => {
    const { page } = kiosk;
    await unlockAs(page, '刘老师');
    await page.goto(`${kiosk.url}#/staff/screenings`);
    await page.fill('[data-testid="screening-search"]', teen.fullName);
    await page.click(`.kids button[data-child="${teen.fullName}"]`);
    await page.click('[data-start="phq9"]');
    await page.click('[data-testid="screening-handover"]');
    for (let i = 0; i < 8; i++) {
      await page.waitForSelector('[data-testid="screening-item"]');
      await page.click('.choices [data-value="0"]');
    }
    expect(await page.textContent('[data-testid="screening-item"]')).toContain('伤害自己');
    await bothSizes('safety-child-item9');
    // "一半以上的天数" (2) on item 9.
    expect(await page.textContent('.choices [data-value="2"]')).toContain('一半以上的天数');
    await page.click('.choices [data-value="2"]');
    await page.waitForSelector('[data-testid="screening-thanks"]');
    // The thank-you screen comes up once the answers and the follow-up are saved.
    const savedAt = Date.now();
    const childSees = await page.textContent('[data-testid="screening-child"]');
    expect(childSees).not.toMatch(/需关注|需尽快跟进|得分|当天处理|安全/);
    await bothSizes('safety-child-thanks');
    const handedBackAt = Date.now();
    await page.click('[data-testid="screening-handback"]');
    await page.waitForSelector('[data-testid="staff-unlock"]');
    await page.click('[data-testid="staff-刘老师"]');
    await typePin(page, '2580');
    const pinOkAt = Date.now();
    await page.waitForSelector('[data-testid="pathway"]');
    const shownAt = Date.now();
    // Measured in wall-clock time from the test (the page's clock is fixed, so its own marks cannot time this).
    // Reported, never asserted: the first span leaves out the test's own screenshots of the child's screen.
    console.log(
      `[safety figure] flagged answer saved → pathway on screen for the adult: ${shownAt - handedBackAt} ms` +
        ` (hand-back tap, the PIN typed by the test and checked, the result page; PIN submitted → pathway: ${shownAt - pinOkAt} ms;` +
        ` the test's own screenshots of the child's screen, ${handedBackAt - savedAt} ms, left out)`,
    );
    const result = await page.textContent('[data-testid="screening-result"]');
    expect(result).toContain('需尽快跟进');
    expect(result).toContain('12356');
    expect(result).toContain('不要让孩子一个人待着');
    expect(result).not.toMatch(/得分|一半以上/);
    await kiosk.screenshot('safety-teacher-result');
    // The banner is on every staff page, says since when, and stays for the teacher (who cannot acknowledge).
    await page.goto(`${kiosk.url}#/staff`);
    await expect.poll(() => page.textContent('[data-testid="safety-banner"]')).toContain(teen.fullName);
    expect(await page.textContent('[data-testid="safety-banner"]')).toMatch(/起在等待/);
    await kiosk.screenshot('safety-banner-teacher-home');
    await page.goto(`${kiosk.url}#/staff/services`);
    await page.waitForSelector('[data-testid="safety-banner"]');
    await page.click('[data-testid="safety-banner-open"]');
    await page.waitForSelector('[data-testid="waiting-safety"]');
    expect(await page.locator('[data-testid="waiting-seen"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="waiting-lead-only"]')).toContain('社工或管理员');
    await lock(page);
  });

  it('a volunteer who unlocks next is taken to the pathway, and the child file shows it too', async () => {
    const { page } = kiosk;
    await page.clock.setFixedTime(at(14));
    await home(page);
    await page.click('[data-testid="staff-entry"]');
    await pinFor(page, '小杨 (志愿者)');
    await page.waitForSelector('[data-testid="waiting-safety"]');
    const text = await page.textContent('[data-testid="waiting-safety"]');
    expect(text).toContain(teen.fullName);
    expect(text).toContain('已等 14 分钟');
    expect(text).toContain('12356');
    expect(text).not.toMatch(/得分|一半以上/);
    await kiosk.screenshot('safety-volunteer-waiting');
    await page.goto(`${kiosk.url}#/staff/children/${teen.childId}/file`);
    await page.waitForSelector('[data-testid="file-safety"] [data-testid="pathway"]');
    expect(await page.textContent('[data-testid="file-screenings"]')).not.toContain('得分');
    await kiosk.screenshot('safety-volunteer-file');
    await lock(page);
  });

  it('the counsellor records that the child has been seen, and the banner goes for every role', async () => {
    const { page } = kiosk;
    await unlockAs(page, '周社工');
    await page.waitForSelector('[data-testid="waiting-safety"]');
    await kiosk.screenshot('safety-counsellor-waiting');
    await page.click('[data-testid="waiting-seen"]');
    await expect.poll(() => page.locator('[data-testid="waiting-safety"]').count()).toBe(0);
    await page.goto(`${kiosk.url}#/staff`);
    await page.waitForSelector('[data-testid="staff-home"]');
    expect(await page.locator('[data-testid="safety-banner"]').count()).toBe(0);
    // The counsellor still sees the follow-up itself, acknowledged, with its pathway until closed.
    await page.goto(`${kiosk.url}#/staff/followups`);
    await page.click('[data-testid="followup-list"] li[data-reason="safety-item"] button');
    await page.waitForSelector('[data-testid="pathway"]');
    expect(await page.locator('[data-testid="followup-ack"]').count()).toBe(0);
    await lock(page);
    await unlockAs(page, '陈老师');
    await page.waitForSelector('[data-testid="staff-home"]');
    expect(await page.locator('[data-testid="safety-banner"]').count()).toBe(0);
  });

  it('the audit log records who opened a child file, a screening result and a follow-up', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff/settings`);
    await page.click('[data-tab="audit"]');
    const audit = await page.textContent('[data-testid="audit-table"]');
    // In words (issue 11): who, what and whose, never an action code or an id.
    expect(audit).toContain(`查看了 ${teen.fullName} 的一人一档`);
    expect(audit).toContain('的筛查结果');
    expect(audit).toContain('的跟进事项');
    expect(audit).not.toContain('view-child-file');
    expect(audit).not.toContain(teen.childId);
    const rows = await page.locator('[data-testid="audit-table"] tr').allTextContents();
    expect(rows.find((r) => r.includes('的一人一档'))).toContain('小杨');
    expect(rows.find((r) => r.includes('的跟进事项'))).toContain('周社工');
    expect(rows.find((r) => r.includes('的筛查结果'))).toContain('刘老师');
    await kiosk.screenshot('safety-admin-audit');
    await lock(page);
  });
});

describe('talk requests and failed sign-ins', () => {
  it('a child who asks is heard with or without the picture code', async () => {
    const { page } = kiosk;
    await page.clock.setFixedTime(at(20));
    await home(page);
    expect(await page.locator('[data-testid="kiosk-waiting-signal"]').count()).toBe(0);
    // With the code.
    await page.click('[data-testid="kiosk-talk"]');
    await tapOwnTile(page, asker);
    await enterCode(page, asker.code);
    await expect.poll(() => page.textContent('[data-testid="checkin-thanks"]')).toContain('老师会来找你的');
    await home(page);
    // Without the code: "I want to talk" is never gated by remembering it.
    await page.click('[data-testid="kiosk-talk"]');
    await tapOwnTile(page, forgetful);
    await bothSizes('talk-code-screen');
    await page.click('[data-testid="talk-no-code"]');
    await expect.poll(() => page.textContent('[data-testid="checkin-thanks"]')).toContain('老师会来找你的');
    await home(page);
    // Three wrong codes in talk mode still raise the request (and tell staff the sign-in failed).
    await page.click('[data-testid="kiosk-talk"]');
    await tapOwnTile(page, unsure);
    for (let i = 0; i < 3; i++) await enterCode(page, wrong(unsure.code));
    await expect.poll(() => page.textContent('[data-testid="checkin-thanks"]')).toContain('老师会来找你的');
    await home(page);
  });

  it('one mis-tap is taken back without costing a try; three failures at check-in are shown to staff', async () => {
    const { page } = kiosk;
    await page.click('[data-testid="kiosk-checkin"]');
    await tapOwnTile(page, mistap);
    await page.click(`[data-picture="${wrong(mistap.code)[0]}"]`);
    expect(await page.locator('[data-testid="code-slots"] span.filled').count()).toBe(1);
    await page.click('[data-testid="code-erase"]');
    expect(await page.locator('[data-testid="code-slots"] span.filled').count()).toBe(0);
    expect(await page.textContent('[data-testid="code-message"]')).toBe('');
    await enterCode(page, mistap.code);
    await page.waitForSelector('[data-testid="mood-faces"], [data-testid="checkin-thanks"]');
    await home(page);
    // The same child fails three times later (a check-out): the alert names the avatar for staff.
    await page.clock.setFixedTime(at(25));
    await page.click('[data-testid="kiosk-checkout"]');
    await tapOwnTile(page, mistap);
    for (let i = 0; i < 3; i++) await enterCode(page, wrong(mistap.code));
    await expect.poll(() => page.textContent('[data-testid="checkin-help"]')).toContain('请找老师帮忙');
    await home(page);
  });

  it('the kiosk home shows a discreet count; one tap plus a PIN shows who waits, since when and how long', async () => {
    const { page } = kiosk;
    await page.clock.setFixedTime(at(32));
    await home(page);
    // Three talk requests and two failed sign-ins — a number on the staff entry, no name, no kind.
    await expect.poll(() => page.textContent('[data-testid="kiosk-waiting-signal"]')).toBe('5');
    const homeText = await page.textContent('[data-testid="kiosk-home"]');
    for (const k of [asker, forgetful, unsure, mistap]) {
      expect(homeText).not.toContain(k.fullName);
      expect(homeText).not.toContain(k.displayName);
    }
    await bothSizes('kiosk-home-waiting-signal');
    await page.click('[data-testid="staff-entry"]');
    await pinFor(page, '刘老师');
    await page.waitForSelector('[data-testid="waiting-talks"]');
    const talks = page.locator('[data-testid="waiting-talks"] li');
    expect(await talks.count()).toBe(3);
    expect(await talks.nth(0).textContent()).toContain(asker.fullName);
    expect(await talks.nth(0).textContent()).toContain('已等 12 分钟');
    expect(await talks.nth(0).locator('[data-testid="code-not-confirmed"]').count()).toBe(0);
    expect(await talks.nth(1).textContent()).toContain(forgetful.fullName);
    expect(await talks.nth(1).textContent()).toContain('没有确认图画密码');
    expect(await talks.nth(2).textContent()).toContain(unsure.fullName);
    expect(await talks.nth(2).textContent()).toContain('没有确认图画密码');
    const alerts = page.locator('[data-testid="waiting-alerts"] li');
    expect(await alerts.count()).toBe(2);
    expect(await alerts.nth(0).textContent()).toMatch(new RegExp(`头像的孩子（${unsure.fullName}）图画密码试了 3 次都没成功`));
    expect(await alerts.nth(1).textContent()).toContain(mistap.fullName);
    await kiosk.screenshot('waiting-teacher');
    // In the follow-up queue the talk requests come first, with their time and wait.
    await page.goto(`${kiosk.url}#/staff/followups`);
    await page.waitForSelector('[data-testid="followup-list"] li');
    const reasons = await page.locator('[data-testid="followup-list"] li').evaluateAll((els) => els.slice(0, 3).map((e) => e.getAttribute('data-reason')));
    expect(reasons).toEqual(['talk-request', 'talk-request', 'talk-request']);
    expect(await page.locator('[data-testid="talk-wait"]').first().textContent()).toContain('已等 12 分钟');
    await kiosk.screenshot('followups-talk-first');
    // The teacher takes the first one and the alerts are handled.
    await page.goto(`${kiosk.url}#/staff/waiting`);
    await page.locator('[data-testid="waiting-talks"] li').first().locator('[data-testid="waiting-take"]').click();
    await page.waitForSelector('[data-testid="followup-talk-time"]');
    expect(await page.textContent('[data-testid="followup-talk-time"]')).toContain('提出');
    await page.goto(`${kiosk.url}#/staff/waiting`);
    await page.waitForSelector('[data-testid="waiting-alerts"]');
    await page.locator('[data-testid="waiting-handled"]').first().click();
    await expect.poll(() => page.locator('[data-testid="waiting-alerts"] li').count()).toBe(1);
    await page.locator('[data-testid="waiting-handled"]').first().click();
    await expect.poll(() => page.locator('[data-testid="waiting-alerts"]').count()).toBe(0);
    await lock(page);
    await expect.poll(() => page.textContent('[data-testid="kiosk-waiting-signal"]')).toBe('2');
  });

  it('if the request cannot be saved, the child is told to go to a teacher now', async () => {
    const { page } = kiosk;
    await page.click('[data-testid="kiosk-talk"]');
    await tapOwnTile(page, unsaved);
    // The device refuses every write from here (a full disk, a broken profile).
    await page.evaluate(() => {
      const refuse = () => {
        throw new DOMException('The disk is full', 'QuotaExceededError');
      };
      IDBObjectStore.prototype.put = refuse;
      IDBObjectStore.prototype.add = refuse;
    });
    await enterCode(page, unsaved.code);
    await page.waitForSelector('[data-testid="checkin-help"]');
    const said = await page.textContent('[data-testid="kiosk-checkin-page"]');
    expect(said).toContain('请现在就去找一位老师');
    expect(said).not.toContain('老师会来找你的');
    await bothSizes('talk-not-saved');
    // A fresh page load restores the real IndexedDB; nothing was saved for this child.
    await page.goto(`${kiosk.url}#/kiosk`);
    await page.reload();
    await page.waitForSelector('[data-testid="kiosk-home"]');
    await unlockAs(page, '小杨 (志愿者)', '/staff/waiting');
    await page.waitForSelector('[data-testid="waiting-talks"]');
    expect(await page.textContent('[data-testid="waiting-talks"]')).not.toContain(unsaved.fullName);
    await lock(page);
  });
});

describe('the optional chime', () => {
  it('sounds once when a new request arrives, after an administrator turns it on for this kiosk', async () => {
    const { page } = kiosk;
    await unlockAs(page, '陈老师', '/staff/settings');
    await page.goto(`${kiosk.url}#/staff/settings`);
    await page.click('[data-tab="device"]');
    await page.check('[data-testid="waiting-sound"]');
    await expect.poll(() => page.isChecked('[data-testid="waiting-sound"]')).toBe(true);
    await lock(page);
    const chimes = () => page.evaluate(() => Number(document.body.dataset.chimes ?? 0));
    await page.waitForSelector('[data-testid="kiosk-waiting-signal"]');
    const before = await chimes();
    await page.click('[data-testid="kiosk-talk"]');
    await tapOwnTile(page, unsaved);
    await enterCode(page, unsaved.code);
    await expect.poll(() => page.textContent('[data-testid="checkin-thanks"]')).toContain('老师会来找你的');
    await page.click('text=回首页');
    await expect.poll(chimes).toBe(before + 1);
    // Coming back to the home screen with nothing new: no second chime.
    await page.click('[data-testid="kiosk-checkin"]');
    await page.click('[data-testid="checkin-home"]');
    await page.waitForSelector('[data-testid="kiosk-waiting-signal"]');
    await page.waitForTimeout(500);
    expect(await chimes()).toBe(before + 1);
  });
});

describe('nothing adult on child screens', () => {
  it('a refused check-in shows the child friendly words; staff see the reason after unlocking', async () => {
    const { page } = kiosk;
    await unlockAs(page, '陈老师');
    await page.goto(`${kiosk.url}#/staff/children/${withdrawn.childId}`);
    await page.waitForSelector('[data-testid="consent-section"]');
    await page.click('[data-testid="consent-withdraw"]');
    await page.click('[data-consent-scope="attendance"]');
    await page.selectOption('select[name="consent-relation"]', 'mother');
    await page.click('[data-testid="consent-legal-yes"]');
    await page.selectOption('select[name="consent-method"]', 'phone');
    await page.click('[data-testid="consent-save"]');
    await expect.poll(() => page.textContent('[data-scope="attendance"]')).toContain('未同意');
    await lock(page);
    await page.click('[data-testid="kiosk-checkin"]');
    await tapOwnTile(page, withdrawn);
    await enterCode(page, withdrawn.code);
    await page.waitForSelector('[data-testid="checkin-blocked"]');
    const childSees = await page.textContent('[data-testid="kiosk-checkin-page"]');
    expect(childSees).toContain('请老师帮你登记');
    expect(childSees).not.toMatch(/同意|撤回/);
    await bothSizes('checkin-blocked-child');
    await home(page);
    await page.click('[data-testid="staff-entry"]');
    await pinFor(page, '周社工');
    await page.waitForSelector('[data-testid="waiting-alerts"]');
    expect(await page.textContent('[data-testid="waiting-alerts"]')).toContain(`${withdrawn.fullName} 的签到没有成功：这位孩子没有登记考勤同意，或已撤回`);
    await kiosk.screenshot('checkin-blocked-staff');
    await page.click('[data-testid="waiting-handled"]');
    await lock(page);
  });
});

describe('an incomplete screening is not silently dropped', () => {
  it('the teacher is told it is incomplete, a follow-up opens because the answered items already cross the threshold, and it is finished in place', async () => {
    const { page } = kiosk;
    await unlockAs(page, '刘老师');
    await page.goto(`${kiosk.url}#/staff/screenings`);
    await page.fill('[data-testid="screening-search"]', tired.fullName);
    await page.click(`.kids button[data-child="${tired.fullName}"]`);
    await page.click('[data-start="phq9"]');
    await page.click('[data-testid="screening-handover"]');
    for (let i = 0; i < 6; i++) {
      await page.waitForSelector('[data-testid="screening-item"]');
      await page.click('.choices [data-value="2"]');
    }
    for (let i = 0; i < 3; i++) {
      await page.waitForSelector('[data-testid="screening-item"]');
      await page.click('[data-testid="screening-skip"]');
    }
    await page.waitForSelector('[data-testid="screening-thanks"]');
    await page.click('[data-testid="screening-handback"]');
    await pinFor(page, '刘老师');
    await page.waitForSelector('[data-testid="result-incomplete"]');
    const result = await page.textContent('[data-testid="screening-result"]');
    expect(result).toContain('还有 3 题没有回答');
    expect(result).toContain('已回答的题已经达到“需关注”，已自动建立跟进');
    expect(result).not.toContain('得分');
    await page.click('[data-testid="result-note-save"]');
    await expect.poll(() => page.textContent('[data-testid="result-note-message"]')).toContain('请写一下没做完的原因');
    await page.fill('[data-testid="result-note-input"]', '孩子累了，约好明天做完');
    await page.click('[data-testid="result-note-save"]');
    await expect.poll(() => page.textContent('[data-testid="result-note"]')).toContain('孩子累了，约好明天做完');
    await kiosk.screenshot('screening-incomplete-teacher');
    // Finish it: only the three unanswered questions are asked, and the same record is rescored.
    await page.click('[data-testid="result-finish"]');
    await page.click('[data-testid="screening-handover"]');
    await page.waitForSelector('[data-testid="screening-item"]');
    expect(await page.textContent('.help')).toContain('第 1 / 3 题');
    for (let i = 0; i < 3; i++) {
      await page.waitForSelector('[data-testid="screening-item"]');
      await page.click('.choices [data-value="0"]');
    }
    await page.waitForSelector('[data-testid="screening-thanks"]');
    await page.click('[data-testid="screening-handback"]');
    await pinFor(page, '刘老师');
    await page.waitForSelector('[data-testid="screening-result"][data-valid="true"]');
    expect(await page.textContent('[data-testid="screening-result"]')).toContain('需关注');
    await lock(page);
  });
});

describe('continuity reminders', () => {
  it('identical reminders are one line with a count and a list to expand', async () => {
    const { page } = kiosk;
    await unlockAs(page, '周社工', '/staff/followups');
    await page.waitForSelector('[data-testid="continuity"]');
    const group = page.locator('[data-testid="continuity"] li[data-kind="no-parent-contact"]').first();
    const n = Number(await group.getAttribute('data-count'));
    expect(n).toBeGreaterThan(1);
    expect(await group.textContent()).toContain(`${n} 位孩子`);
    expect(await page.locator('[data-testid="continuity-members"]').count()).toBe(0);
    await kiosk.screenshot('continuity-grouped');
    await group.locator('[data-testid="continuity-group"]').click();
    await expect.poll(() => group.locator('[data-testid="continuity-members"] li').count()).toBe(n);
    await kiosk.screenshot('continuity-expanded');
    await lock(page);
  });
});
