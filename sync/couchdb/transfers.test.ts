// The transfer database's rules in node:vm, as CouchDB 3 runs them, and the client's provenance check.
import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import { transfersDesignDoc } from './ddocs';
import { sealBundle } from '../bundle/bundle';
import { requestId, TransferProvenanceError, verifyRequest, type TransferRequest } from '../transfer/transfer';

type Validate = (newDoc: object, oldDoc: object | null, userCtx: { name: string | null; roles: string[] }) => void;
const validate = vm.runInNewContext(`(${transfersDesignDoc().validate_doc_update})`, {}) as Validate;
const as = (center: string) => ({ name: `sync-${center}`, roles: [`center:${center}`, 'tongxin-center'] });
function refusal(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as { forbidden?: string }).forbidden ?? `unexpected: ${String(e)}`;
  }
}

const transferId = '01M3SGPM00TRANSFER00000000';
async function request(from: string, to: string, sealedBy = from): Promise<TransferRequest> {
  const pkg = await sealBundle({ centerId: sealedBy, createdAt: '2026-11-29T10:00:00+08:00', deviceId: 'k', scope: { kind: 'transfer', to, transferId } }, [], 'ABCD-EFGH-JKMN');
  return {
    _id: requestId(to, from, transferId), type: 'transferRequest', transferId, from, to, childId: '01M3SGPM001D4PRKZZZJWYTAMY', createdAt: '2026-11-29T10:00:00+08:00',
    summary: { grade: 3, gender: 'female', ageBand: '9-11' }, status: 'pending', decidedAt: null, reason: '', package: pkg,
  };
}

describe('transfer requests cannot be forged or hijacked', () => {
  it('binds a request to its sender: another center cannot write a branch of its own on it (new_edits: false, no parent)', async () => {
    const real = await request('qingshan', 'shiqiao');
    expect(refusal(() => validate(real, null, as('qingshan')))).toBeNull();
    // CouchDB 3 validates a made-up branch against its own (absent) parent: oldDoc is null.
    const forged = { ...real, _rev: '9-f', _revisions: { start: 9, ids: ['f', 'e'] }, from: 'heping' };
    expect(refusal(() => validate(forged, null, as('heping')))).toMatch(/the id must be transfer:<to>:<from>:<transferId>/);
    // Keeping the sender's name does not help: only the sender files under an id that names it.
    expect(refusal(() => validate({ ...real, _rev: '9-f', package: `${real.package} ` }, null, as('heping')))).toMatch(/only center qingshan may send/);
    // The request as the previous rules had it (transfer:<to>:<transferId>) is refused.
    expect(refusal(() => validate({ ...forged, _id: `transfer:shiqiao:${transferId}` }, null, as('heping')))).toMatch(/the id must be/);
    // heping may send its own children, under its own name.
    const own = await request('heping', 'shiqiao');
    expect(refusal(() => validate(own, null, as('heping')))).toBeNull();
  });

  it('keeps the other rules: only the receiver decides, only the sender cancels, nothing added or deleted', async () => {
    const real = await request('qingshan', 'shiqiao');
    expect(refusal(() => validate({ ...real, status: 'accepted' }, real, as('heping')))).toMatch(/only the receiving center decides/);
    expect(refusal(() => validate({ ...real, status: 'accepted' }, real, as('qingshan')))).toMatch(/only the receiving center decides/);
    expect(refusal(() => validate({ ...real, status: 'accepted' }, real, as('shiqiao')))).toBeNull();
    expect(refusal(() => validate({ ...real, status: 'cancelled' }, real, as('shiqiao')))).toMatch(/only the sending center cancels/);
    expect(refusal(() => validate({ ...real, from: 'heping' }, real, as('heping')))).toMatch(/the id must be/);
    expect(refusal(() => validate({ ...real, note: '孩子的名字' }, null, as('qingshan')))).toMatch(/note is not a field/);
    expect(refusal(() => validate({ ...real, _deleted: true }, real, as('qingshan')))).toMatch(/cannot be deleted/);
  });
});

describe('the client checks where a request comes from', () => {
  it('accepts a request whose id, sender and sealed package agree', async () => {
    const real = await request('qingshan', 'shiqiao');
    expect(verifyRequest(real, { to: 'shiqiao' })).toEqual(real);
  });
  it('refuses a request with conflicting versions, under another id, or sealed by another center', async () => {
    const real = await request('qingshan', 'shiqiao');
    expect(() => verifyRequest({ ...real, _conflicts: ['9-f'] })).toThrow(TransferProvenanceError);
    expect(() => verifyRequest({ ...real, _conflicts: ['9-f'] })).toThrow(/conflict/);
    expect(() => verifyRequest({ ...real, from: 'heping' })).toThrow(/not-from-sender/);
    const resealed = await request('qingshan', 'shiqiao', 'heping');
    expect(() => verifyRequest(resealed)).toThrow(/sealed by heping/);
    expect(() => verifyRequest(real, { to: 'heping' })).toThrow(/not the transfer asked for/);
    expect(() => verifyRequest({ ...real, package: 'x'.repeat(200) })).toThrow(/malformed/);
  });
});
