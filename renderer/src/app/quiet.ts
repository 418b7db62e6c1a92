/**
 * Background work that reads much of the database (the newer-documents count after an
 * update, app/newerDocs.ts) waits for the kiosk to be left alone: a child checking in or a
 * teacher typing a name must not share the main thread and the disk with a scan of 270,000
 * documents (issue 19: measured, the first check-ins after a start took 60 ms at the 95th
 * percentile while the scan ran, 19 ms after).
 */
const QUIET_MS = 3_000;
let lastInput = Number.NEGATIVE_INFINITY;
let watching = false;

/** Starts noting the person's input (taps, keys, typing). Idempotent. */
export function watchInput(target: Pick<Window, 'addEventListener'> = window): void {
  if (watching) return;
  watching = true;
  for (const type of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'])
    target.addEventListener(type, () => (lastInput = performance.now()), { capture: true, passive: true });
}

/**
 * Counts as the person's input, for a moment when someone is at the kiosk before their first
 * tap: a kiosk that has just joined its center opens for the staff member who joined it, and the
 * history it starts fetching then (app/sync.ts) gives way to them as it would after a tap.
 */
export function noteUse(): void {
  lastInput = performance.now();
}

/** Resolves once nobody has touched the kiosk for `quietMs`, in an idle moment of the page. */
export function whenQuiet(quietMs = QUIET_MS): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const wait = lastInput + quietMs - performance.now();
      if (wait > 0) {
        setTimeout(check, Math.min(wait, quietMs));
        return;
      }
      if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1_000 });
      else setTimeout(resolve, 0);
    };
    check();
  });
}
