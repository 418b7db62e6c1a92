/** Small display helpers shared by pages. */

/** "1:05" / "15:00" style duration for lockout countdowns. */
export function formatWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
