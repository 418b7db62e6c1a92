// Background scans wait for the kiosk to be left alone (issue 19).
import { describe, expect, it } from 'vitest';
import { noteUse, watchInput, whenQuiet } from './quiet';

describe('whenQuiet', () => {
  it('waits until nobody has touched the kiosk for the given time, and goes at once when nobody has', async () => {
    const target = new EventTarget();
    watchInput(target as unknown as Window);
    const t0 = performance.now();
    await whenQuiet(80);
    expect(performance.now() - t0).toBeLessThan(60);
    target.dispatchEvent(new Event('pointerdown'));
    const tapped = performance.now();
    // Typing goes on for a while: each keystroke pushes the quiet moment back.
    const typing = setInterval(() => target.dispatchEvent(new Event('input')), 20);
    setTimeout(() => clearInterval(typing), 150);
    await whenQuiet(80);
    expect(performance.now() - tapped).toBeGreaterThanOrEqual(150 + 80 - 25);
  });

  it('a kiosk opening for someone standing at it (noteUse) counts as a tap: background work waits as long', async () => {
    await whenQuiet(0);
    const t0 = performance.now();
    noteUse();
    await whenQuiet(80);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(80 - 5);
  });
});
