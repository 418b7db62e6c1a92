/**
 * Kiosk-to-kiosk transfer of the center key (issue 14) over the center database: the four
 * steps of sync/crypto/pairing.ts, each one a write of the `keyPairing` document that reaches
 * the other kiosk by the ordinary sync. Both sides are driven by `advance()`, called whenever
 * the document may have changed (a timer and the DocStore's change feed); each call looks at
 * the document and does the next step that is its own, or nothing.
 *
 *   new kiosk  (Settings → 加密, no key)      KeyRequest: commit → reveal → open the grant
 *   old kiosk  (Settings → 加密, administrator) KeyOffer:   offer → [staff compare] → grant
 *
 * The ephemeral private keys live only in these objects: a kiosk closed half-way starts a new
 * pairing (the old document expires). The new kiosk deletes the document once it has the key.
 */
import { SCHEMA_VERSION, type KeyPairingDoc } from '@sync/schema/documents';
import {
  PAIRING_TTL_MS,
  PairingError,
  checkCommitment,
  commitment,
  grantCenterKey,
  newEphemeralPair,
  openGrant,
  verificationCode,
  type EphemeralPair,
} from '@sync/crypto/pairing';
import type { CenterKey } from '@sync/crypto/centerKey';
import type { DocStore } from '../storage/ports';

export const KEY_PAIRING_PREFIX = 'keypair:';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

export type RequestStep = 'waiting' | 'compare' | 'done' | 'failed';
export type OfferStep = 'offered' | 'compare' | 'sent' | 'failed';

export interface KeyRequest {
  readonly pairingId: string;
  /** The short number staff look for on the old kiosk's list (the first six hex digits of the id, grouped). */
  readonly shortId: string;
  readonly step: RequestStep;
  /** The verification code, once both public keys are known. */
  readonly code: string | null;
  readonly problem: PairingError['problem'] | null;
  /** Does the next step of the new kiosk; @returns the center key once the grant has opened. */
  advance(now?: Date): Promise<CenterKey | null>;
  /** Takes the document away (done, or given up). */
  close(): Promise<void>;
}

export const shortPairingId = (pairingId: string): string => `${pairingId.slice(0, 3)} ${pairingId.slice(3, 6)}`.toUpperCase();
const expired = (d: KeyPairingDoc, now: Date) => Date.parse(d.expiresAt) <= now.getTime();

/** New kiosk: publishes the commitment to a fresh ephemeral key (step 1). */
export async function requestCenterKey(docs: DocStore, centerId: string, deviceId: string, now = new Date()): Promise<KeyRequest> {
  const pairingId = hex(globalThis.crypto.getRandomValues(new Uint8Array(8)));
  const pair = await newEphemeralPair();
  const id = `${KEY_PAIRING_PREFIX}${pairingId}`;
  const at = now.toISOString();
  await docs.put({
    _id: id, type: 'keyPairing', centerId, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId,
    pairingId, expiresAt: new Date(now.getTime() + PAIRING_TTL_MS).toISOString(), commit: await commitment(pairingId, pair.publicKey),
    offerKey: null, requestKey: null, grant: null,
  });
  let step: RequestStep = 'waiting';
  let code: string | null = null;
  let problem: KeyRequest['problem'] = null;
  const request: KeyRequest = {
    pairingId,
    shortId: shortPairingId(pairingId),
    get step() {
      return step;
    },
    get code() {
      return code;
    },
    get problem() {
      return problem;
    },
    async advance(at = new Date()) {
      if (step === 'done' || step === 'failed') return null;
      const d = await docs.get('keyPairing', id);
      if (!d || expired(d, at)) {
        step = 'failed';
        problem = 'expired';
        return null;
      }
      if (!d.offerKey) return null;
      code = await verificationCode(pairingId, pair.publicKey, d.offerKey);
      step = 'compare';
      if (!d.requestKey) {
        // Step 3: reveal the key committed to; the old kiosk checks it and shows the same code.
        await docs.update('keyPairing', id, (cur) => (cur && !cur.requestKey ? { ...cur, requestKey: pair.publicKey, updatedAt: at.toISOString(), deviceId } : null));
        return null;
      }
      if (d.requestKey !== pair.publicKey) {
        step = 'failed';
        problem = 'commitment';
        return null;
      }
      if (!d.grant) return null;
      try {
        const key = await openGrant(pairingId, pair, d.offerKey, d.grant);
        step = 'done';
        return key;
      } catch (e) {
        step = 'failed';
        problem = e instanceof PairingError ? e.problem : 'grant';
        return null;
      }
    },
    async close() {
      await docs.remove('keyPairing', id).catch(() => {});
    },
  };
  return request;
}

export interface KeyOffer {
  readonly pairingId: string;
  readonly shortId: string;
  readonly step: OfferStep;
  readonly code: string | null;
  readonly problem: PairingError['problem'] | null;
  /** Does the next step of the old kiosk short of sending (offer, check the revealed key, compute the code). */
  advance(now?: Date): Promise<void>;
  /** Step 4, after the administrator saw the same code on both screens. @throws PairingError when the code is not yet there or the pairing expired */
  confirm(key: CenterKey, now?: Date): Promise<void>;
}

/** The requests from new kiosks of this center that are still open (nothing granted, not expired). */
export async function openKeyRequests(docs: DocStore, now = new Date()): Promise<KeyPairingDoc[]> {
  return (await docs.list('keyPairing', KEY_PAIRING_PREFIX)).filter((d) => !d.grant && !expired(d, now));
}

/** Old kiosk: answers one request with a fresh ephemeral key (step 2). */
export function offerCenterKey(docs: DocStore, pairingId: string, deviceId: string): KeyOffer {
  const id = `${KEY_PAIRING_PREFIX}${pairingId}`;
  let pair: EphemeralPair | null = null;
  let step: OfferStep = 'offered';
  let code: string | null = null;
  let problem: KeyOffer['problem'] = null;
  let requestKey: string | null = null;
  const fail = (p: NonNullable<KeyOffer['problem']>) => {
    step = 'failed';
    problem = p;
  };
  const offer: KeyOffer = {
    pairingId,
    shortId: shortPairingId(pairingId),
    get step() {
      return step;
    },
    get code() {
      return code;
    },
    get problem() {
      return problem;
    },
    async advance(at = new Date()) {
      if (step === 'sent' || step === 'failed') return;
      const d = await docs.get('keyPairing', id);
      if (!d || expired(d, at)) return fail('expired');
      if (!pair) {
        if (d.offerKey) return fail('malformed'); // answered by another kiosk, or by this one before a restart
        pair = await newEphemeralPair();
        const mine = pair.publicKey;
        await docs.update('keyPairing', id, (cur) => (cur && !cur.offerKey ? { ...cur, offerKey: mine, updatedAt: at.toISOString(), deviceId } : null));
        return;
      }
      if (d.offerKey !== pair.publicKey) return fail('malformed');
      if (!d.requestKey) return;
      if (!(await checkCommitment(pairingId, d.requestKey, d.commit))) return fail('commitment');
      requestKey = d.requestKey;
      code = await verificationCode(pairingId, d.requestKey, pair.publicKey);
      step = 'compare';
    },
    async confirm(key, at = new Date()) {
      if (step !== 'compare' || !pair || !requestKey) throw new PairingError('malformed');
      const grant = await grantCenterKey(pairingId, pair, requestKey, key);
      const updated = await docs.update('keyPairing', id, (cur) => (cur && !expired(cur, at) && cur.requestKey === requestKey && !cur.grant ? { ...cur, grant, updatedAt: at.toISOString(), deviceId } : null));
      if (!updated || updated.grant?.ct !== grant.ct) throw new PairingError('expired');
      step = 'sent';
    },
  };
  return offer;
}
