/**
 * No record overwritten by another (issue 16): every page that shows or edits
 * a record named in its address loads that record afresh when the address
 * changes to another record — child edit, child file, follow-up detail,
 * screening form — and saving writes to the record on screen, not to the one
 * shown before. Addresses are changed in place (a hash change, as typing a
 * new address or a link between two records does), so the router would reuse
 * the page. Starts: a static server and headless Chromium on the demo center.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openKiosk, typePin, type Kiosk } from './harness';
import { demoChildren, NOW, TODAY } from './demoFixture';
import { ageOn } from '../../renderer/src/domain/child';

const kids = demoChildren();
const unique = kids.filter((k) => kids.filter((o) => o.fullName === k.fullName || o.displayName === k.displayName).length === 1);
const screens = (k: (typeof kids)[0]) => k.consents.some((c) => c.action === 'grant' && c.scopes.includes('screening'));
const pair = unique.filter((k) => screens(k) && ageOn(k.birthMonth, TODAY) >= 7 && ageOn(k.birthMonth, TODAY) <= 14).slice(0, 2);
const [a, b] = pair as [(typeof kids)[0], (typeof kids)[0]];

let kiosk: Kiosk;
const go = (page: Page, hash: string) => page.goto(`${kiosk.url}#${hash}`);

beforeAll(async () => {
  expect(pair.length, 'the demo has two children with screening consent').toBe(2);
  kiosk = await openKiosk();
  await kiosk.page.clock.setFixedTime(new Date(NOW));
  await go(kiosk.page, '/setup?demo=1');
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 90_000 });
  await go(kiosk.page, '/unlock');
  await kiosk.page.click('[data-testid="staff-陈老师"]');
  await typePin(kiosk.page, '2580');
  await kiosk.page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
});
afterAll(async () => kiosk?.close());

describe('a page follows its address from one record to another', () => {
  it('child edit: B’s page shows B, and saving changes B only', async () => {
    const { page } = kiosk;
    const fullName = () => page.inputValue('input[name="fullName"]');
    await go(page, `/staff/children/${a.childId}`);
    await expect.poll(fullName).toBe(a.fullName);
    const schoolA = await page.inputValue('input[name="school"]');
    await go(page, `/staff/children/${b.childId}`);
    await expect.poll(fullName).toBe(b.fullName);
    expect(await page.inputValue('input[name="birthMonth"]')).toBe(b.birthMonth);
    await page.fill('input[name="school"]', '乙的新学校');
    await page.click('[data-testid="child-save"]');
    await page.waitForSelector('[data-testid="child-message"]');
    // Each record reopened from another page holds its own data.
    await go(page, '/staff/children');
    await page.waitForSelector('[data-child]');
    await go(page, `/staff/children/${b.childId}`);
    await expect.poll(fullName).toBe(b.fullName);
    expect(await page.inputValue('input[name="school"]')).toBe('乙的新学校');
    await go(page, `/staff/children/${a.childId}`);
    await expect.poll(fullName).toBe(a.fullName);
    expect(await page.inputValue('input[name="school"]')).toBe(schoolA);
    expect(await page.inputValue('input[name="birthMonth"]')).toBe(a.birthMonth);
  });

  it('from a child to the blank new-child form: the form is empty', async () => {
    const { page } = kiosk;
    await go(page, `/staff/children/${a.childId}`);
    await expect.poll(() => page.inputValue('input[name="fullName"]')).toBe(a.fullName);
    await go(page, '/staff/children/new');
    await expect.poll(() => page.inputValue('input[name="fullName"]')).toBe('');
  });

  it('child file: B’s file shows B', async () => {
    const { page } = kiosk;
    await go(page, `/staff/children/${a.childId}/file`);
    await expect.poll(() => page.textContent('main h1')).toBe(a.fullName);
    await go(page, `/staff/children/${b.childId}/file`);
    await expect.poll(() => page.textContent('main h1')).toBe(b.fullName);
    await kiosk.screenshot('records-child-file-b');
  });

  it('screening form: the teacher’s form moved to B is saved for B', async () => {
    const { page } = kiosk;
    const title = () => page.textContent('.title');
    await go(page, `/staff/screenings/run/${a.childId}/psc17-teacher`);
    await expect.poll(title).toContain(a.fullName);
    await page.click('.form-items li:first-child [data-value="2"]');
    await go(page, `/staff/screenings/run/${b.childId}/psc17-teacher`);
    await expect.poll(title).toContain(b.fullName);
    // A's answers do not follow to B's form.
    expect(await page.locator('.form-items .on').count()).toBe(0);
    for (const li of await page.locator('.form-items li').all()) await li.locator('[data-value="0"]').click();
    await page.click('[data-testid="screening-submit"]');
    await page.waitForSelector('[data-testid="screening-result"]');
    await go(page, `/staff/children/${b.childId}/file`);
    await expect.poll(() => page.textContent('[data-testid="file-screenings"]')).toContain('PSC-17');
    await go(page, `/staff/children/${a.childId}/file`);
    await expect.poll(() => page.textContent('main h1')).toBe(a.fullName);
    expect(await page.textContent('[data-testid="file-screenings"]')).not.toContain('PSC-17');
  });

  it('follow-up detail: an action recorded after moving to B’s follow-up goes to B’s', async () => {
    const { page } = kiosk;
    const raise = async (name: string) => {
      await go(page, '/staff/followups');
      await page.fill('[data-testid="concern-search"]', name);
      await page.click(`.concern .kids button:has-text("${name}")`);
      await page.click('[data-testid="concern-raise"]');
      await page.waitForURL((u) => /#\/staff\/followups\/[0-9A-Z]{26}$/.test(u.hash));
      return new URL(page.url()).hash.slice(1);
    };
    const fa = await raise(a.fullName);
    const fb = await raise(b.fullName);
    const heading = () => page.textContent('.head h2');
    await go(page, fa);
    await expect.poll(heading).toContain(a.fullName);
    await page.fill('[data-testid="action-note"]', '甲的记录草稿');
    await go(page, fb);
    await expect.poll(heading).toContain(b.fullName);
    expect(await page.inputValue('[data-testid="action-note"]')).toBe('');
    await page.fill('[data-testid="action-note"]', '给乙打了电话');
    await page.click('[data-testid="action-add"]');
    await expect.poll(() => page.textContent('.actions')).toContain('给乙打了电话');
    await go(page, '/staff/followups');
    await page.waitForSelector('[data-testid="followup-list"]');
    await go(page, fb);
    await expect.poll(() => page.textContent('.actions')).toContain('给乙打了电话');
    await go(page, fa);
    await expect.poll(heading).toContain(a.fullName);
    expect(await page.textContent('.actions')).not.toContain('给乙打了电话');
  });
});
