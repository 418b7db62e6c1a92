/**
 * The center key from another kiosk of the center (issue 14), so that the server that
 * carries the messages cannot get it, nor give the new kiosk a key of its own choosing
 * without staff seeing it. WebCrypto only: ECDH P-256, HKDF-SHA256, AES-256-GCM, SHA-256.
 *
 * The two kiosks talk through one short-lived `keyPairing` document in the center database
 * (or anything else that carries the same four messages):
 *
 *   1. new kiosk N   makes an ephemeral ECDH key pair and publishes only a commitment to its
 *                    public key: SHA-256 of it.                                  (commit)
 *   2. old kiosk O   (an administrator unlocked it) makes its own ephemeral pair and
 *                    publishes its public key.                                   (offerKey)
 *   3. new kiosk N   reveals its public key; O checks it against the commitment. (requestKey)
 *      Both screens now show the same six-digit verification code, SHA-256 of the pairing id
 *      and both public keys, and staff compare them.
 *   4. old kiosk O   only when the administrator confirms that the codes match: the center
 *                    key, AES-GCM under a key HKDF derives from the ECDH secret. (grant)
 *
 * Why it holds: a server that swaps either public key for its own makes the two codes
 * differ, and staff see it before O sends anything. The commitment is what keeps six digits
 * enough: N is bound to its key before it sees O's, and O chooses its key after N committed,
 * so a server cannot try a million keys of its own until one gives a matching code (it gets
 * one guess, right with probability 1 in 10^6, and a mismatch is seen). The ephemeral
 * private keys never leave memory and are not extractable; a captured document is useless
 * afterwards (forward secrecy). What it does not protect against: an administrator who
 * confirms without comparing, or a new kiosk that is itself in the wrong hands (that is what
 * the administrator's presence at both screens is for).
 */
import { fromB64, importCenterKey, exportCenterKey, toB64, type CenterKey } from './centerKey';

/** How long a pairing stays open: long enough to walk between two kiosks, short enough not to linger. */
export const PAIRING_TTL_MS = 15 * 60 * 1000;

/** The verification codes differ, the revealed key does not match its commitment, or the grant does not open. */
export class PairingError extends Error {
  override name = 'PairingError';
  constructor(readonly problem: 'commitment' | 'grant' | 'expired' | 'malformed') {
    super(`key pairing refused: ${problem}`);
  }
}

export interface EphemeralPair {
  readonly publicKey: string;
  readonly privateKey: CryptoKey;
}

export interface PairingGrant {
  readonly keyId: string;
  readonly iv: string;
  readonly ct: string;
}

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s);
const P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;
const PUBLIC_KEY_RE = /^[A-Za-z0-9+/]{87}=$/; // 65 bytes: an uncompressed P-256 point

/** A new ephemeral ECDH key pair; the private half cannot be exported. */
export async function newEphemeralPair(): Promise<EphemeralPair> {
  const pair = (await subtle().generateKey(P256, false, ['deriveBits'])) as CryptoKeyPair;
  return { publicKey: toB64(new Uint8Array(await subtle().exportKey('raw', pair.publicKey))), privateKey: pair.privateKey };
}

async function sha256(...parts: string[]): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', utf8(parts.join('\n'))));
}

/** Step 1: the commitment to the new kiosk's public key. */
export async function commitment(pairingId: string, publicKey: string): Promise<string> {
  return toB64(await sha256('tongxin-pair-commit-v1', pairingId, publicKey));
}

/** Step 3, on the old kiosk: whether the revealed key is the one committed to. */
export async function checkCommitment(pairingId: string, publicKey: string, commit: string): Promise<boolean> {
  return PUBLIC_KEY_RE.test(publicKey) && (await commitment(pairingId, publicKey)) === commit;
}

/** The six-digit code both screens show, from the pairing id and both public keys ("123 456"). */
export async function verificationCode(pairingId: string, requestKey: string, offerKey: string): Promise<string> {
  const h = await sha256('tongxin-pair-sas-v1', pairingId, requestKey, offerKey);
  const n = (((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0) % 1_000_000;
  const s = String(n).padStart(6, '0');
  return `${s.slice(0, 3)} ${s.slice(3)}`;
}

async function sharedKey(pairingId: string, own: CryptoKey, otherPublic: string, requestKey: string, offerKey: string): Promise<CryptoKey> {
  if (!PUBLIC_KEY_RE.test(otherPublic)) throw new PairingError('malformed');
  let other: CryptoKey;
  try {
    other = await subtle().importKey('raw', fromB64(otherPublic), P256, false, []);
  } catch {
    throw new PairingError('malformed');
  }
  const bits = await subtle().deriveBits({ name: 'ECDH', public: other }, own, 256);
  const hkdf = await subtle().importKey('raw', bits, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: utf8(pairingId), info: utf8(`tongxin-pair-key-v1\n${requestKey}\n${offerKey}`) }, hkdf, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Step 4, on the old kiosk: the center key for the new kiosk's public key (after the codes were compared). */
export async function grantCenterKey(pairingId: string, offer: EphemeralPair, requestKey: string, key: CenterKey): Promise<PairingGrant> {
  const k = await sharedKey(pairingId, offer.privateKey, requestKey, requestKey, offer.publicKey);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: utf8(`${pairingId}\n${key.id}`) }, k, utf8(await exportCenterKey(key)));
  return { keyId: key.id, iv: toB64(iv), ct: toB64(new Uint8Array(ct)) };
}

/** On the new kiosk: the center key out of the grant. @throws PairingError('grant') when it does not open (another key, changed on the way). */
export async function openGrant(pairingId: string, request: EphemeralPair, offerKey: string, grant: PairingGrant): Promise<CenterKey> {
  const k = await sharedKey(pairingId, request.privateKey, offerKey, request.publicKey, offerKey);
  let plain: ArrayBuffer;
  try {
    plain = await subtle().decrypt({ name: 'AES-GCM', iv: fromB64(grant.iv), additionalData: utf8(`${pairingId}\n${grant.keyId}`) }, k, fromB64(grant.ct));
  } catch {
    throw new PairingError('grant');
  }
  const key = await importCenterKey(new TextDecoder().decode(plain)).catch(() => {
    throw new PairingError('grant');
  });
  if (key.id !== grant.keyId) throw new PairingError('grant');
  return key;
}
