// The kiosk-to-kiosk key transfer's cryptography (sync/crypto/pairing.ts), with no server: WebCrypto only.
import { describe, expect, it } from 'vitest';
import { exportCenterKey, generateCenterKey } from './centerKey';
import { PairingError, checkCommitment, commitment, grantCenterKey, newEphemeralPair, openGrant, verificationCode } from './pairing';

const ID = '0123456789abcdef';

describe('kiosk-to-kiosk key transfer', () => {
  it('the honest exchange: both sides compute the same code, and the new kiosk opens exactly the center key', async () => {
    const key = await generateCenterKey();
    const n = await newEphemeralPair();
    const commit = await commitment(ID, n.publicKey);
    const o = await newEphemeralPair();
    expect(await checkCommitment(ID, n.publicKey, commit)).toBe(true);
    const codeN = await verificationCode(ID, n.publicKey, o.publicKey);
    const codeO = await verificationCode(ID, n.publicKey, o.publicKey);
    expect(codeN).toMatch(/^\d{3} \d{3}$/);
    expect(codeO).toBe(codeN);
    const grant = await grantCenterKey(ID, o, n.publicKey, key);
    // The grant does not carry the key in any readable form.
    expect(JSON.stringify(grant)).not.toContain((await exportCenterKey(key)).split(':')[1]);
    const opened = await openGrant(ID, n, o.publicKey, grant);
    expect(await exportCenterKey(opened)).toBe(await exportCenterKey(key));
  });

  it('a server that swaps the public keys is seen: the codes differ; the key it would get is for its own key, not the kiosk it fooled', async () => {
    const n = await newEphemeralPair();
    const o = await newEphemeralPair();
    const m1 = await newEphemeralPair(); // shown to the old kiosk as "the new kiosk"
    const m2 = await newEphemeralPair(); // shown to the new kiosk as "the old kiosk"
    // The old kiosk checks the revealed key against the commitment it saw first: a key swapped after that is refused.
    expect(await checkCommitment(ID, m1.publicKey, await commitment(ID, n.publicKey))).toBe(false);
    // A server that committed to its own key from the start still shows two different codes.
    const codeO = await verificationCode(ID, m1.publicKey, o.publicKey);
    const codeN = await verificationCode(ID, n.publicKey, m2.publicKey);
    expect(codeO).not.toBe(codeN);
  });

  it('a grant opens only with the new kiosk\'s private key, for this pairing; a changed one is refused', async () => {
    const key = await generateCenterKey();
    const n = await newEphemeralPair();
    const o = await newEphemeralPair();
    const grant = await grantCenterKey(ID, o, n.publicKey, key);
    const eve = await newEphemeralPair();
    await expect(openGrant(ID, eve, o.publicKey, grant)).rejects.toBeInstanceOf(PairingError);
    await expect(openGrant('fedcba9876543210', n, o.publicKey, grant)).rejects.toBeInstanceOf(PairingError);
    const ct = grant.ct;
    await expect(openGrant(ID, n, o.publicKey, { ...grant, ct: (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1) })).rejects.toBeInstanceOf(PairingError);
    await expect(openGrant(ID, n, 'not a key', grant)).rejects.toMatchObject({ problem: 'malformed' });
  });

  it('the code is spread over a million values (a server cannot pick keys it does not see the effect of)', async () => {
    const n = await newEphemeralPair();
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) codes.add(await verificationCode(ID, n.publicKey, (await newEphemeralPair()).publicKey));
    expect(codes.size).toBeGreaterThan(17);
  });
});
