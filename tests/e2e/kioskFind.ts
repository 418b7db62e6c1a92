/**
 * Finding yourself on the kiosk as a child does (issue 11): on a big roster the first
 * step is the family name — the first character of the full name, with the grade when a
 * family name is split — then the tile. Returns the taps it took after 我来了/我要走了.
 * checkInFromHome starts on the home screen, where a big roster's check-in family names are.
 */
import type { Locator, Page } from 'playwright-core';

export async function tapOwnTile(page: Page, kid: { childId: string; fullName: string; grade: number }): Promise<number> {
  return (await findOwnTile(page, kid)).taps;
}

/** As tapOwnTile, and says whether the tile was off screen when found (the child would have had to scroll). */
export async function findOwnTile(page: Page, kid: { childId: string; fullName: string; grade: number }): Promise<{ taps: number; offscreen: boolean }> {
  const tile = page.locator(`[data-testid="child-grid"] [data-child-id="${kid.childId}"]`);
  await page.locator('[data-testid="kiosk-initials"], [data-testid="child-grid"]').first().waitFor();
  const taps = (await page.locator('[data-testid="kiosk-initials"]').count()) ? await tapFamilyName(page, kid, tile) : 0;
  const offscreen = await offScreen(page, tile);
  await tile.click();
  return { taps: taps + 1, offscreen };
}

/**
 * A check-in from the kiosk home, as a child does it: the family name on the home screen when
 * it shows them, else 我来了 and the steps after it. The taps include the first one on the home screen.
 */
export async function checkInFromHome(page: Page, kid: { childId: string; fullName: string; grade: number }): Promise<{ taps: number; offscreen: boolean }> {
  await page.locator('[data-testid="kiosk-home"]').waitFor();
  if ((await page.locator('[data-testid="kiosk-home-by-name"]').count()) === 0) {
    await page.click('[data-testid="kiosk-checkin"]');
    const found = await findOwnTile(page, kid);
    return { taps: found.taps + 1, offscreen: found.offscreen };
  }
  const tile = page.locator(`[data-testid="child-grid"] [data-child-id="${kid.childId}"]`);
  const taps = await tapFamilyName(page, kid, tile);
  const offscreen = await offScreen(page, tile);
  await tile.click();
  return { taps: taps + 1, offscreen };
}

/** Taps the child's family name (trying each group of it, and back, until the tile shows); returns the taps. */
async function tapFamilyName(page: Page, kid: { fullName: string; grade: number }, tile: Locator): Promise<number> {
  let taps = 0;
  const initial = [...kid.fullName][0]!;
  const buttons = page.locator(`[data-testid="kiosk-group"][data-initial="${initial}"]`);
  const graded = page.locator(`[data-testid="kiosk-group"][data-initial="${initial}"][data-grade="${kid.grade}"]`);
  const candidates = (await graded.count()) > 0 ? graded : buttons;
  const n = await candidates.count();
  for (let i = 0; i < n; i++) {
    await candidates.nth(i).click();
    taps++;
    await page.locator('[data-testid="child-grid"]').waitFor();
    if (await tile.count()) break;
    await page.click('[data-testid="kiosk-initials-back"]');
    taps++;
    await page.locator('[data-testid="kiosk-initials"]').waitFor();
  }
  return taps;
}

async function offScreen(page: Page, tile: Locator): Promise<boolean> {
  const box = await tile.boundingBox();
  const view = page.viewportSize();
  return !box || !view || box.y < 0 || box.x < 0 || box.y + box.height > view.height || box.x + box.width > view.width;
}
