import { describe, expect, it } from 'vitest';
import {
  CenterKeyMissingError,
  CenterKeyring,
  TamperedCiphertextError,
  WrongRecoveryCodeError,
  exportCenterKey,
  generateCenterKey,
  importCenterKey,
  newRecoveryCode,
  normalizeRecoveryCode,
  openFields,
  sealFields,
  unwrapCenterKey,
  wrapCenterKey,
  fromB64,
  toB64,
} from './centerKey';
import { openDoc, sealDoc } from './sealDoc';
import { parseStored, parseDoc, type ChildPrivateDoc } from '../schema/documents';

const ring = (...keys: Awaited<ReturnType<typeof generateCenterKey>>[]) => {
  const r = new CenterKeyring();
  for (const k of keys) r.add(k);
  return r;
};

const priv: ChildPrivateDoc = {
  _id: 'private:child:01JCDEFGHJKMNPQRSTVWXYZ012', type: 'childPrivate', centerId: 'qingshan', schemaVersion: 1,
  createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00', deviceId: 'k1', childId: '01JCDEFGHJKMNPQRSTVWXYZ012',
  fullName: '王小明', displayName: '小明', guardians: [{ name: '王大山', relation: 'father', phone: '13800138000', isLegalGuardian: true, worksAway: true }],
  address: '青山村三组', photo: null, pictureCode: ['sun', 'fish'],
};

describe('the center key (WebCrypto)', () => {
  it('round-trips fields, with a fresh IV each time', async () => {
    const k = await generateCenterKey();
    const a = await sealFields(k, 'doc:1', 'consent', { note: '电话同意' });
    const b = await sealFields(k, 'doc:1', 'consent', { note: '电话同意' });
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toContain('电话');
    expect(await openFields(ring(k), 'doc:1', 'consent', a)).toEqual({ note: '电话同意' });
  });

  it('refuses tampered ciphertext and a ciphertext moved to another document or type', async () => {
    const k = await generateCenterKey();
    const enc = await sealFields(k, 'doc:1', 'consent', { note: 'x' });
    const bytes = fromB64(enc.ct);
    bytes[0] = bytes[0]! ^ 1;
    await expect(openFields(ring(k), 'doc:1', 'consent', { ...enc, ct: toB64(bytes) })).rejects.toBeInstanceOf(TamperedCiphertextError);
    await expect(openFields(ring(k), 'doc:2', 'consent', enc)).rejects.toBeInstanceOf(TamperedCiphertextError);
    await expect(openFields(ring(k), 'doc:1', 'followup', enc)).rejects.toBeInstanceOf(TamperedCiphertextError);
  });

  it('says so when the kiosk does not hold the key', async () => {
    const k = await generateCenterKey();
    const enc = await sealFields(k, 'doc:1', 'consent', { note: 'x' });
    await expect(openFields(ring(await generateCenterKey()), 'doc:1', 'consent', enc)).rejects.toBeInstanceOf(CenterKeyMissingError);
  });

  it('wraps the key under a recovery code; the right code (however typed) opens it, a wrong one is refused', async () => {
    const k = await generateCenterKey();
    const code = newRecoveryCode();
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/);
    const w = await wrapCenterKey(k, code, 100_000);
    const typed = code.toLowerCase().replace(/-/g, ' ');
    const back = await unwrapCenterKey(w, typed);
    const enc = await sealFields(k, 'doc:1', 'consent', { note: 'x' });
    expect(await openFields(ring(back), 'doc:1', 'consent', enc)).toEqual({ note: 'x' });
    await expect(unwrapCenterKey(w, newRecoveryCode())).rejects.toBeInstanceOf(WrongRecoveryCodeError);
    await expect(unwrapCenterKey(w, '1234')).rejects.toBeInstanceOf(WrongRecoveryCodeError);
    // One character changed: still refused.
    const changed = code.slice(0, -1) + (code.endsWith('0') ? '1' : '0');
    await expect(unwrapCenterKey(w, changed)).rejects.toBeInstanceOf(WrongRecoveryCodeError);
  });

  it('reads codes the way people type them, and refuses what cannot be one', () => {
    expect(normalizeRecoveryCode('abcd-efgh-jkmn-pqrs-tvwx-yz01')).toBe('ABCDEFGHJKMNPQRSTVWXYZ01');
    expect(normalizeRecoveryCode('oooo iiii llll 0000 1111 2222')).toBe('000011111111000011112222');
    expect(normalizeRecoveryCode('ABCD-EFGH')).toBeNull();
    expect(normalizeRecoveryCode('UUUU-UUUU-UUUU-UUUU-UUUU-UUUU')).toBeNull();
  });

  it('keeps the key on the device as text and reads it back', async () => {
    const k = await generateCenterKey();
    const back = await importCenterKey(await exportCenterKey(k));
    expect(back.id).toBe(k.id);
    const enc = await sealFields(k, 'a', 'consent', 1);
    expect(await openFields(ring(back), 'a', 'consent', enc)).toBe(1);
    await expect(importCenterKey('nonsense')).rejects.toThrow();
  });
});

describe('sealing documents', () => {
  it('stores only clear ids, dates and codes beside enc, and the sealed form passes the sync schema', async () => {
    const k = await generateCenterKey();
    const sealed = await sealDoc(priv, k);
    const text = JSON.stringify(sealed);
    for (const secret of ['王小明', '小明', '13800138000', '青山村', 'sun']) expect(text).not.toContain(secret);
    expect(sealed).toMatchObject({ _id: priv._id, type: 'childPrivate', centerId: 'qingshan', childId: priv.childId });
    expect(() => parseStored(sealed)).not.toThrow();
    // A sealed document may not carry a clear private field beside enc.
    expect(() => parseStored({ ...sealed, fullName: '王小明' })).toThrow(/fullName/);
    const opened = await openDoc(sealed, ring(k));
    expect(parseDoc('childPrivate', opened)).toEqual(priv);
  });

  it('refuses to store a private document in clear when there is no key, and passes other types through', async () => {
    await expect(sealDoc(priv, null)).rejects.toBeInstanceOf(CenterKeyMissingError);
    const day = { _id: 'day:2026-11-30', type: 'day' };
    expect(await sealDoc(day, null)).toBe(day);
  });

  it('an enc moved from one document to another is refused', async () => {
    const k = await generateCenterKey();
    const a = (await sealDoc(priv, k)) as Record<string, unknown>;
    const other = { ...priv, _id: 'private:child:01JCDEFGHJKMNPQRSTVWXYZ013', childId: '01JCDEFGHJKMNPQRSTVWXYZ013' };
    const b = (await sealDoc(other, k)) as Record<string, unknown>;
    await expect(openDoc({ ...b, enc: a.enc }, ring(k))).rejects.toBeInstanceOf(TamperedCiphertextError);
  });
});
