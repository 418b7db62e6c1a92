/**
 * A soft two-note chime made with Web Audio (no sound file to ship or license).
 * Returns false when the platform has no audio or refuses to play (autoplay rules).
 */
export function playChime(): boolean {
  const Ctx = (window as unknown as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctx) return false;
  try {
    const ctx = new Ctx();
    const start = ctx.currentTime;
    for (const [i, freq] of [660, 880].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const at = start + i * 0.35;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.05);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.6);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.65);
    }
    setTimeout(() => void ctx.close(), 1500);
    return true;
  } catch {
    return false;
  }
}

let lastHeard = 0;
/**
 * Whether `waiting` is more than the kiosk home last showed (across visits to the
 * home screen, so a request made a moment ago chimes once, not on every return).
 */
export function isNewWaiting(waiting: number): boolean {
  const more = waiting > lastHeard;
  lastHeard = waiting;
  return more;
}
