/**
 * Staff PINs. A 4–6 digit PIN has at most a million values, so the hash alone
 * cannot protect it from someone holding the database; what protects it is a
 * slow KDF (PBKDF2-SHA256, 210k iterations, per OWASP's 2023 guidance) plus a
 * lockout with exponential backoff at the kiosk. Uses WebCrypto, which both
 * Chromium and Node provide.
 */
import type { PinHash } from '@sync/schema/documents';

export const PIN_ITERATIONS = 210_000;
const PIN_RE = /^\d{4,6}$/;

export function isValidPin(pin: string): boolean {
  return PIN_RE.test(pin);
}

/** A PIN that is all one digit or a straight run is refused: it is the first one tried. */
export function isGuessablePin(pin: string): boolean {
  if (/^(\d)\1+$/.test(pin)) return true;
  const digits = [...pin].map(Number);
  const step = (digits[1] ?? 0) - (digits[0] ?? 0);
  return Math.abs(step) === 1 && digits.every((d, i) => i === 0 || d - (digits[i - 1] ?? 0) === step);
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** @throws Error when `pin` is not 4–6 digits. */
export async function hashPin(pin: string, iterations = PIN_ITERATIONS): Promise<PinHash> {
  if (!isValidPin(pin)) throw new Error('a PIN is 4 to 6 digits');
  return hashSecret(pin, iterations);
}

export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  if (!isValidPin(pin)) return false;
  return verifySecret(pin, stored);
}

/** The same KDF for any secret (a coordinator's password, to unlock offline). */
export async function hashSecret(secret: string, iterations = PIN_ITERATIONS): Promise<PinHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { alg: 'PBKDF2-SHA256', iterations, salt: toBase64(salt), hash: toBase64(await derive(secret, salt, iterations)) };
}

export async function verifySecret(secret: string, stored: PinHash): Promise<boolean> {
  const actual = await derive(secret, fromBase64(stored.salt), stored.iterations);
  const expected = fromBase64(stored.hash);
  if (actual.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff |= (actual[i] ?? 0) ^ (expected[i] ?? 0);
  return diff === 0;
}

/** Failures allowed before the kiosk starts making people wait. */
export const FREE_ATTEMPTS = 3;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 15 * 60_000;

/**
 * How long the PIN pad stays locked after `failures` consecutive wrong PINs:
 * none for the first three, then 30 s doubling up to 15 minutes.
 */
export function lockoutMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_ATTEMPTS));
}

export interface PinAttemptState {
  readonly failures: number;
  readonly lastFailureAt: number | null;
}

/** Milliseconds until another attempt is allowed (0 = now). */
export function waitBeforeAttempt(state: PinAttemptState, now: number): number {
  if (state.lastFailureAt === null) return 0;
  return Math.max(0, state.lastFailureAt + lockoutMs(state.failures) - now);
}
