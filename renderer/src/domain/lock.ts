/** Staff mode falls back to the kiosk after inactivity: a pure decision so it is tested without timers. */

export function shouldLock(lastActivityAt: number, now: number, timeoutMinutes: number): boolean {
  return now - lastActivityAt >= timeoutMinutes * 60_000;
}

export function msUntilLock(lastActivityAt: number, now: number, timeoutMinutes: number): number {
  return Math.max(0, lastActivityAt + timeoutMinutes * 60_000 - now);
}
