/**
 * Transfers at the kiosk (protocol: sync/transfer/transfer.ts).
 *
 * Out: record the guardian's consent, pack the child's history under a new
 * transfer code, keep a `transfer` record (with the request until it is
 * decided), file it with the county when online — or export the package as a
 * file. When the receiving center accepts, the child is archived here (left
 * on that day); nothing is deleted.
 * In: list pending requests for this center (or open a transfer file), accept
 * with the code — the child's history becomes this center's records — or
 * reject with a reason. Both directions leave a `transfer` record and an
 * audit entry.
 */
import type { AnyDoc, TransferDoc } from '@sync/schema/documents';
import { SCHEMA_VERSION } from '@sync/schema/documents';
import { ids, newUlid } from '@sync/schema/ids';
import type { ConsentMethod, Relation } from '@sync/schema/vocab';
import { newTransferCode, packTransfer, requestId, transferFileHeader, unpackTransfer, type OnTransferProgress, type TransferClient, type TransferRequest } from '@sync/transfer/transfer';
import { BUNDLE_EXTENSION } from '@sync/bundle/bundle';
import { ageBand, ageOn } from '@/domain/child';
import { localDate } from '@/domain/dates';
import type { DeviceStore, DocStore } from '../../storage/ports';
import type { RosterEntry } from '../../app/roster';
import { recordConsent, setArchived } from '../children/childrenService';

export interface TransferPorts {
  readonly docs: DocStore;
  readonly centerDb: PouchDB.Database;
  readonly device: DeviceStore;
  readonly deviceId: string;
  readonly now: () => Date;
}

export class TransferInputError extends Error {
  constructor(readonly code: 'sameCenter' | 'centerCode' | 'consent' | 'alreadyHere' | 'notPending') {
    super(code);
    this.name = 'TransferInputError';
  }
}

const CENTER_CODE = /^[a-z0-9][a-z0-9-]{1,39}$/;

export interface CreateInput {
  readonly to: string;
  readonly relation: Relation;
  readonly isLegalGuardian: boolean;
  readonly method: ConsentMethod;
  readonly consentGiven: boolean;
}

export interface Created {
  readonly code: string;
  readonly record: TransferDoc;
  readonly request: TransferRequest;
}

/** The store's decryption (PouchDocStore with a center key), so a transfer carries the records in a form the receiver can read. */
function openerOf(docs: unknown): (<T extends object>(d: T) => Promise<T>) | undefined {
  const open = (docs as { open?: <T extends object>(d: T) => Promise<T> }).open;
  return typeof open === 'function' ? <T extends object>(d: T) => open.call(docs, d) as Promise<T> : undefined;
}

/**
 * A transfer's progress as the page shows it: the records found, read and sealed (packing), or
 * opened, checked and stored (accepting). A child's three years are ~1,200 records, and finding
 * them reads every attendance and mood id of the center (issue 11: progress over a second).
 */
export type TransferStepProgress = Parameters<OnTransferProgress>[0] | { readonly step: 'store'; readonly done: number; readonly total: number };
const noProgress = (): void => {};

/** Records consent, packs the history, keeps the record; files it when `client` is given and reachable. */
export async function createTransfer(p: TransferPorts, entry: RosterEntry, staffId: string, input: CreateInput, client: TransferClient | null, onProgress: (p: TransferStepProgress) => void = noProgress): Promise<Created> {
  const to = input.to.trim().toLowerCase();
  const from = entry.child.centerId;
  if (!CENTER_CODE.test(to)) throw new TransferInputError('centerCode');
  if (to === from) throw new TransferInputError('sameCenter');
  if (!input.consentGiven) throw new TransferInputError('consent');
  const now = p.now();
  const at = now.toISOString();
  const today = localDate(now);
  const consent = await recordConsent({ docs: p.docs, deviceId: p.deviceId, now: p.now }, entry, staffId, {
    action: 'grant', scopes: ['transfer'], relation: input.relation, isLegalGuardian: input.isLegalGuardian, method: input.method, effectiveOn: today, note: `transfer to ${to}`,
  });
  const transferId = newUlid();
  const code = newTransferCode();
  const request = await packTransfer(p.centerDb, {
    from, to, childId: entry.childId, transferId, code, createdAt: at, deviceId: p.deviceId,
    summary: { grade: entry.child.grade, gender: entry.child.gender, ageBand: ageBand(ageOn(entry.child.birthMonth, today)) },
  }, openerOf(p.docs), onProgress);
  let record: TransferDoc = await p.docs.put({
    _id: ids.transfer(transferId), type: 'transfer', centerId: from, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId: p.deviceId,
    transferId, direction: 'out', otherCenterId: to, childId: entry.childId, status: 'pending', via: 'server', consentId: consent._id,
    staffId: staffId.replace(/^staff:/, ''), decidedAt: null, reason: '', request: JSON.stringify(request), posted: false,
  });
  await p.device.appendAudit({ staffId, action: 'transfer-out', detail: `${entry.childId} → ${to}` });
  if (client) record = (await flushOutbox(p, client, [record]))[0] ?? record;
  return { code, record, request };
}

/** Files the requests the server has not received yet. Failures stay queued (returned unchanged). */
export async function flushOutbox(p: TransferPorts, client: TransferClient, records?: TransferDoc[]): Promise<TransferDoc[]> {
  const queue = (records ?? (await p.docs.list('transfer', 'transfer:'))).filter((r) => r.direction === 'out' && r.status === 'pending' && !r.posted && r.request);
  const out: TransferDoc[] = [];
  for (const r of queue) {
    try {
      await client.post(JSON.parse(r.request!) as TransferRequest);
      out.push(await p.docs.put({ ...r, posted: true, updatedAt: p.now().toISOString() }));
    } catch {
      out.push(r); // offline or refused: it stays in the outbox and is retried
    }
  }
  return out;
}

/** Learns the decisions on this center's pending outgoing transfers; archives children that were accepted. */
export async function refreshOutgoing(p: TransferPorts, client: TransferClient, roster: readonly RosterEntry[]): Promise<number> {
  let changed = 0;
  for (const r of await p.docs.list('transfer', 'transfer:')) {
    if (r.direction !== 'out' || r.status !== 'pending' || !r.posted) continue;
    const remote = await client.get(requestId(r.otherCenterId, r.centerId, r.transferId)).catch(() => null);
    if (!remote || remote.status === 'pending') continue;
    await settleOut(p, r, remote.status, remote.reason, remote.decidedAt ?? p.now().toISOString(), roster, null);
    changed++;
  }
  return changed;
}

async function settleOut(p: TransferPorts, r: TransferDoc, status: TransferDoc['status'], reason: string, decidedAt: string, roster: readonly RosterEntry[], staffId: string | null): Promise<void> {
  await p.docs.put({ ...r, status, reason, decidedAt, request: null, updatedAt: p.now().toISOString() });
  const entry = roster.find((e) => e.childId === r.childId);
  if (status === 'accepted' && entry && !entry.child.archived) await setArchived({ docs: p.docs, deviceId: p.deviceId, now: p.now }, entry, true);
  await p.device.appendAudit({ staffId, action: `transfer-out-${status}`, detail: `${r.childId} → ${r.otherCenterId}${reason ? `: ${reason}` : ''}` });
}

/** The sender cancels a pending transfer (on the server too, when it was filed). */
export async function cancelTransfer(p: TransferPorts, r: TransferDoc, staffId: string, client: TransferClient | null): Promise<void> {
  if (r.status !== 'pending') throw new TransferInputError('notPending');
  if (r.posted && client) await client.decide(requestId(r.otherCenterId, r.centerId, r.transferId), 'cancelled', '', p.now().toISOString());
  await settleOut(p, r, 'cancelled', '', p.now().toISOString(), [], staffId);
}

/** A file-based transfer: staff confirm that the receiving center took the child in. */
export async function confirmAcceptedByFile(p: TransferPorts, r: TransferDoc, staffId: string, roster: readonly RosterEntry[]): Promise<void> {
  if (r.status !== 'pending') throw new TransferInputError('notPending');
  await settleOut(p, r, 'accepted', '', p.now().toISOString(), roster, staffId);
}

/** The package as a file, for a center the request cannot reach over the network. */
export function transferFile(r: TransferDoc): { name: string; content: string } {
  if (!r.request) throw new TransferInputError('notPending');
  const request = JSON.parse(r.request) as TransferRequest;
  return { name: `tongxin-transfer-${request.from}-to-${request.to}-${r.transferId.slice(-6)}${BUNDLE_EXTENSION}`, content: request.package };
}

export interface Incoming {
  readonly source: 'server' | 'file';
  readonly transferId: string;
  readonly from: string;
  readonly createdAt: string;
  readonly summary: TransferRequest['summary'] | null;
  readonly request: TransferRequest | null;
  readonly pkg: string;
}

export const incomingFromRequest = (r: TransferRequest): Incoming => ({ source: 'server', transferId: r.transferId, from: r.from, createdAt: r.createdAt, summary: r.summary, request: r, pkg: r.package });

/** @throws BundleError when the file is not a transfer, or is for another center */
export function incomingFromFile(text: string, centerId: string): Incoming {
  const h = transferFileHeader(text);
  if (h.scope.to !== centerId) throw Object.assign(new TransferInputError('centerCode'), { detail: h.scope.to });
  return { source: 'file', transferId: h.scope.transferId, from: h.centerId, createdAt: h.createdAt, summary: null, request: null, pkg: text };
}

/** Accepts with the code: the child's history becomes this center's records. @throws BundleError (wrong code, tampered), TransferInputError('alreadyHere') */
export async function acceptTransfer(p: TransferPorts, inc: Incoming, code: string, centerId: string, staffId: string, client: TransferClient | null, onProgress: (p: TransferStepProgress) => void = noProgress): Promise<{ childId: string; records: number }> {
  const now = p.now().toISOString();
  const { docs } = await unpackTransfer(inc.pkg, code, { to: centerId, deviceId: p.deviceId, now }, onProgress);
  const child = docs.find((d) => d.type === 'child') as { childId?: string; _id: string } | undefined;
  const childId = String(child?._id ?? '').replace(/^child:/, '');
  if (await p.docs.get('child', `child:${childId}`)) throw new TransferInputError('alreadyHere');
  // One write, all or nothing (bulkCreate checks every record first): the line says how many, without a count that moves.
  onProgress({ step: 'store', done: 0, total: docs.length });
  const res = await p.docs.bulkCreate(docs as unknown as AnyDoc[]);
  if (res.failed.length) throw new Error(res.failed.map((f) => `${f.id}: ${f.reason}`).join('; '));
  if (inc.source === 'server' && client) await client.decide(requestId(centerId, inc.from, inc.transferId), 'accepted', '', now);
  await recordIn(p, inc, centerId, childId, 'accepted', '', staffId);
  await p.device.appendAudit({ staffId, action: 'transfer-in-accepted', detail: `${childId} ← ${inc.from} (${res.written} records)` });
  return { childId, records: res.written };
}

export async function rejectTransfer(p: TransferPorts, inc: Incoming, reason: string, centerId: string, staffId: string, client: TransferClient | null): Promise<void> {
  if (inc.source === 'server' && client) await client.decide(requestId(centerId, inc.from, inc.transferId), 'rejected', reason.trim(), p.now().toISOString());
  await recordIn(p, inc, centerId, inc.request?.childId ?? null, 'rejected', reason.trim(), staffId);
  await p.device.appendAudit({ staffId, action: 'transfer-in-rejected', detail: `${inc.from}: ${reason.trim()}` });
}

async function recordIn(p: TransferPorts, inc: Incoming, centerId: string, childId: string | null, status: 'accepted' | 'rejected', reason: string, staffId: string): Promise<void> {
  const at = p.now().toISOString();
  await p.docs.put({
    _id: ids.transfer(inc.transferId), type: 'transfer', centerId, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId: p.deviceId,
    transferId: inc.transferId, direction: 'in', otherCenterId: inc.from, childId, status, via: inc.source, consentId: null,
    staffId: staffId.replace(/^staff:/, ''), decidedAt: at, reason, request: null, posted: inc.source === 'server',
  });
}
