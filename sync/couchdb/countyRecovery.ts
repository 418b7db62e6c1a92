/**
 * County escrow on the server side (issue 14; the model is in sync/crypto/escrow.ts): putting
 * the public half of the county recovery key into each center database, and restoring a
 * center's key from its escrow with the private half (which the caller reads from the USB stick
 * or types from paper; it never goes to the server). Restoring re-wraps the center key under a
 * fresh recovery code in the center's `centerKey` document: kiosks then join or recover with
 * the new code; the old paper code no longer opens it.
 */
import { couch, centerDbName, type Admin } from './admin';
import { countyKeyFingerprint, openEscrow, ESCROW_ALG, EscrowKeyError } from '../crypto/escrow';
import { newRecoveryCode, wrapCenterKey } from '../crypto/centerKey';
import { SCHEMA_VERSION, type CenterKeyDoc, type CenterKeyEscrowDoc } from '../schema/documents';

const prefixQuery = (prefix: string) => `_all_docs?include_docs=true&startkey=${encodeURIComponent(JSON.stringify(prefix))}&endkey=${encodeURIComponent(JSON.stringify(`${prefix}\ufff0`))}`;

async function docsWithPrefix<T>(admin: Admin, centerId: string, prefix: string): Promise<T[]> {
  const res = await couch(admin, 'GET', `${centerDbName(centerId)}/${prefixQuery(prefix)}`);
  if (res.status !== 200) throw new Error(`cannot read ${centerDbName(centerId)}: HTTP ${res.status}`);
  return (res.json as { rows: { doc?: T }[] }).rows.flatMap((r) => (r.doc ? [r.doc] : []));
}

/** Puts the county's public key into each center's database. @returns the fingerprint, and per center whether it was new */
export async function publishCountyRecoveryKey(admin: Admin, centerIds: readonly string[], publicKey: string, now = new Date()): Promise<{ fingerprint: string; written: string[]; already: string[] }> {
  const fingerprint = await countyKeyFingerprint(publicKey.trim());
  const written: string[] = [];
  const already: string[] = [];
  for (const centerId of centerIds) {
    const id = `countyrecovery:${fingerprint.replace(/-/g, '')}`;
    const at = now.toISOString();
    const res = await couch(admin, 'PUT', `${centerDbName(centerId)}/${encodeURIComponent(id)}`, {
      _id: id, type: 'countyRecoveryKey', centerId, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId: 'county-recovery',
      alg: ESCROW_ALG, publicKey: publicKey.trim(), fingerprint,
    });
    if (res.status === 201) written.push(centerId);
    else if (res.status === 409) already.push(centerId);
    else throw new Error(`cannot write the county recovery key into ${centerDbName(centerId)}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
  }
  return { fingerprint, written, already };
}

export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

/**
 * Opens the center's escrow with the private half and re-wraps its current key under a new recovery code.
 * @returns the new code, to print for the center
 * @throws EscrowKeyError when the private half does not open the escrow; RestoreRefused when the center has no key or no escrow of it
 */
export async function restoreCenterFromEscrow(admin: Admin, centerId: string, privateKey: string, now = new Date()): Promise<{ code: string; keyId: string }> {
  const keys = (await docsWithPrefix<CenterKeyDoc>(admin, centerId, 'centerkey:')).filter((k) => !k.retired);
  if (keys.length === 0) throw new RestoreRefused(`Center ${centerId} has no encryption key on the server: there is nothing to restore.`);
  const escrows = await docsWithPrefix<CenterKeyEscrowDoc>(admin, centerId, 'escrow:');
  const newest = [...keys].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  let lastRefusal: EscrowKeyError | null = null;
  for (const k of newest) {
    for (const e of escrows.filter((x) => x.keyId === k.keyId)) {
      try {
        const key = await openEscrow(centerId, e, privateKey);
        const code = newRecoveryCode();
        const w = await wrapCenterKey(key, code);
        const res = await couch(admin, 'PUT', `${centerDbName(centerId)}/${encodeURIComponent(k._id)}`, { ...k, kdf: w.kdf, wrapped: w.wrapped, updatedAt: now.toISOString(), deviceId: 'county-recovery' });
        if (res.status !== 201) throw new Error(`cannot write the re-wrapped key into ${centerDbName(centerId)}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
        return { code, keyId: key.id };
      } catch (err) {
        if (!(err instanceof EscrowKeyError)) throw err;
        lastRefusal = err;
      }
    }
  }
  if (lastRefusal) throw lastRefusal;
  throw new RestoreRefused(`Center ${centerId} has no escrow of its current key: no kiosk of the center has synced since the county recovery key was published.`);
}
