/**
 * Finding yourself on the kiosk as a child does (issue 11): on a big roster the first
 * step is the family name — the first character of the full name, with the grade when a
 * family name is split — then the tile. Returns the taps it took after 我来了/我要走了.
 */
import type { Page } from 'playwright-core';

export async function tapOwnTile(page: Page, kid: { childId: string; fullName: string; grade: number }): Promise<number> {
  return (await findOwnTile(page, kid)).taps;
}

/** As tapOwnTile, and says whether the tile was off screen when found (the child would have had to scroll). */
export async function findOwnTile(page: Page, kid: { childId: string; fullName: string; grade: number }): Promise<{ taps: number; offscreen: boolean }> {
  const tile = page.locator(`[data-testid="child-grid"] [data-child-id="${kid.childId}"]`);
  await page.locator('[data-testid="kiosk-initials"], [data-testid="child-grid"]').first().waitFor();
  let taps = 0;
  if (await page.locator('[data-testid="kiosk-initials"]').count()) {
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
    }
  }
  const box = await tile.boundingBox();
  const view = page.viewportSize();
  const offscreen = !box || !view || box.y < 0 || box.x < 0 || box.y + box.height > view.height || box.x + box.width > view.width;
  await tile.click();
  return { taps: taps + 1, offscreen };
}
