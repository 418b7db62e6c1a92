/**
 * County escrow of the center key (issue 14, optional in the issue): for a center that lost
 * every kiosk and its paper recovery code. WebCrypto only.
 *
 *   county recovery key  an RSA-OAEP-3072 (SHA-256) key pair that county IT makes offline
 *                        (`npm run county-recovery -- generate`). The private half goes to a
 *                        file for a USB stick or paper and never to the server; the public half
 *                        is put into every center database (`countyRecoveryKey` document).
 *   escrow               each kiosk with the key encrypts the center key to that public key
 *                        (label: center id and key id, so an escrow cannot be moved to another
 *                        center) and syncs it (`centerKeyEscrow` document).
 *   restore              `npm run county-recovery -- restore` with the private half opens the
 *                        escrow and re-wraps the center key under a fresh recovery code, which
 *                        it prints for the center.
 *
 * The server holds the public half and the escrow only: without the private half it cannot
 * open it. What this does not protect against: whoever holds the private half together with a
 * copy of a center database (that is what keeping it offline is for); a server administrator
 * who puts his own public key in place of the county's before a kiosk escrows — so the kiosk
 * shows the fingerprint of the key it escrows to (Settings → 加密), for county IT to compare
 * with the one the generate command printed.
 */
import { fromB64, toB64, type CenterKey } from './centerKey';

export const ESCROW_ALG = 'RSA-OAEP-3072-SHA256';
const RSA = { name: 'RSA-OAEP', hash: 'SHA-256' } as const;

/** The private half given does not open this escrow (another county's key, another file, or damaged). */
export class EscrowKeyError extends Error {
  override name = 'EscrowKeyError';
}

export interface CountyRecoveryKeyPair {
  /** SPKI, base64: what the server and the kiosks get. */
  readonly publicKey: string;
  /** PKCS#8, base64: what stays offline. */
  readonly privateKey: string;
  readonly fingerprint: string;
}

export interface CenterKeyEscrow {
  readonly keyId: string;
  readonly countyKeyId: string;
  readonly alg: typeof ESCROW_ALG;
  readonly ct: string;
}

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const utf8 = (s: string) => new TextEncoder().encode(s);
const label = (centerId: string, keyId: string) => utf8(`tongxin-escrow-v1\n${centerId}\n${keyId}`);

/** The first 16 hex digits of SHA-256 of the public key (SPKI), grouped by four: what people compare. */
export async function countyKeyFingerprint(publicKey: string): Promise<string> {
  const h = new Uint8Array(await subtle().digest('SHA-256', fromB64(publicKey)));
  return [...h.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('').match(/.{4}/g)!.join('-');
}

export async function generateCountyRecoveryKey(): Promise<CountyRecoveryKeyPair> {
  const pair = (await subtle().generateKey({ ...RSA, modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['encrypt', 'decrypt'])) as CryptoKeyPair;
  const publicKey = toB64(new Uint8Array(await subtle().exportKey('spki', pair.publicKey)));
  const privateKey = toB64(new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey)));
  return { publicKey, privateKey, fingerprint: await countyKeyFingerprint(publicKey) };
}

/** The center key encrypted to the county's public key. @throws Error when `publicKey` is not an RSA public key */
export async function escrowCenterKey(centerId: string, key: CenterKey, publicKey: string): Promise<CenterKeyEscrow> {
  const pub = await subtle().importKey('spki', fromB64(publicKey), RSA, false, ['encrypt']);
  const raw = new Uint8Array(await subtle().exportKey('raw', key.key));
  const ct = await subtle().encrypt({ name: 'RSA-OAEP', label: label(centerId, key.id) }, pub, raw);
  return { keyId: key.id, countyKeyId: await countyKeyFingerprint(publicKey), alg: ESCROW_ALG, ct: toB64(new Uint8Array(ct)) };
}

/** @throws EscrowKeyError when the private half does not open the escrow (in words, for the command to print) */
export async function openEscrow(centerId: string, escrow: CenterKeyEscrow, privateKey: string): Promise<CenterKey> {
  let priv: CryptoKey;
  try {
    priv = await subtle().importKey('pkcs8', fromB64(privateKey.trim()), RSA, false, ['decrypt']);
  } catch {
    throw new EscrowKeyError('This file is not a county recovery private key (it could not be read as one).');
  }
  let raw: ArrayBuffer;
  try {
    raw = await subtle().decrypt({ name: 'RSA-OAEP', label: label(centerId, escrow.keyId) }, priv, fromB64(escrow.ct));
  } catch {
    throw new EscrowKeyError(`This private key does not open the escrow of center ${centerId} (key ${escrow.keyId}): it is another county recovery key, or the escrow was made for another one (${escrow.countyKeyId}).`);
  }
  if (raw.byteLength !== 32) throw new EscrowKeyError('The escrow opened but does not hold a center key.');
  return { id: escrow.keyId, key: await subtle().importKey('raw', raw, { name: 'AES-GCM' }, true, ['encrypt', 'decrypt']) };
}
