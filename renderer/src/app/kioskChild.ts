/**
 * The child who just confirmed their picture code at the kiosk, handed to the next kiosk
 * screen (issue 15: the family-message screen opens after check-in or from the home
 * screen). Held in memory only, for a short while, and taken once: a screen opened later,
 * or by someone else, finds no child and goes home. Never stored, never in the URL.
 */
export const KIOSK_CHILD_TTL_MS = 60_000;

let held: { childId: string; at: number } | null = null;

export function handOverKioskChild(childId: string, now: number = Date.now()): void {
  held = { childId, at: now };
}

/** The child handed over in the last KIOSK_CHILD_TTL_MS, or null; clears it. */
export function takeKioskChild(now: number = Date.now()): string | null {
  const h = held;
  held = null;
  return h && now - h.at <= KIOSK_CHILD_TTL_MS ? h.childId : null;
}
