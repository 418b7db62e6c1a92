/**
 * Migrant-child transfer (the research's information-sharing recommendation):
 * a center hands a child's history to the center the child moves to, with the
 * guardian's recorded consent.
 *
 * The sending kiosk packs the child's documents into a bundle
 * (sync/bundle/bundle.ts) sealed with a one-time transfer code, which staff
 * give the receiving center by phone or message — never in the same channel.
 * The request (routing in clear: the two centers, dates, grade/gender/age
 * band; everything else encrypted) goes to the county's transfer database
 * (rules: sync/couchdb/transfers_validate.js) or, without a connection, the
 * package goes as a file. The receiving center sees it pending, accepts with
 * the code (the documents are re-written as its own: its centerId, new
 * revisions) or rejects with a reason. Each side records the transfer in its
 * own database (`transfer` documents): the audit trail.
 */
import { collectForBundle, openBundle, readBundleHeader, sealBundle, BundleError, type BundleDoc, type BundleHeader, type RecordProgress } from '../bundle/bundle';

/**
 * How far packing or opening a transfer got (issue 11: every operation over a second shows progress).
 * Besides the bundle's record steps, `find`: the kinds of a child's records searched so far (a big
 * center's attendance and mood ids are read to find one child's).
 */
export type TransferProgress = RecordProgress | { readonly step: 'find'; readonly done: number; readonly total: number };
export type OnTransferProgress = (p: TransferProgress) => void;
const noProgress: OnTransferProgress = () => {};
import { prefixRange } from '../schema/ids';

export const TRANSFERS_DB = 'tongxin_transfers';

export interface TransferSummary {
  readonly grade: number;
  readonly gender: string;
  readonly ageBand: string;
}

/** A request in the county's transfer database. */
export interface TransferRequest {
  readonly _id: string;
  readonly _rev?: string;
  readonly type: 'transferRequest';
  readonly transferId: string;
  readonly from: string;
  readonly to: string;
  readonly childId: string;
  readonly createdAt: string;
  readonly summary: TransferSummary;
  readonly status: 'pending' | 'accepted' | 'rejected' | 'cancelled';
  readonly decidedAt: string | null;
  readonly reason: string;
  /** A bundle file's text, sealed with the transfer code. */
  readonly package: string;
}

/**
 * A request's id names the receiver, the sender and the transfer. The server's rules
 * (transfers_validate.js) accept a request only under the id of the center that files
 * it, so another center cannot write on it — not even a branch of its own with
 * `_bulk_docs` and `new_edits: false`, which CouchDB validates against that branch's
 * parent (none), not against the request everyone sees.
 */
export const requestId = (to: string, from: string, transferId: string) => `transfer:${to}:${from}:${transferId}`;

/** A request on the server that cannot be trusted as it stands; the UI says why in words. */
export class TransferProvenanceError extends Error {
  override name = 'TransferProvenanceError';
  constructor(
    readonly kind: 'conflict' | 'not-from-sender' | 'malformed',
    readonly requestId: string,
    detail: string,
  ) {
    super(`${kind}: ${requestId}: ${detail}`);
  }
}

/**
 * Checks where a request from the server comes from before the kiosk shows or acts on
 * it: its id binds it to its receiver, sender and transfer; it has no conflicting
 * versions (a second branch is a write nobody should have been able to make: the county
 * must look at it); and its package says it was sealed by the sender for the receiver.
 * The package's header is authenticated by the transfer code, so opening it with the
 * code confirms this again.
 * @throws TransferProvenanceError
 */
export function verifyRequest(doc: TransferRequest & { _conflicts?: string[] }, expected: { to?: string; from?: string } = {}): TransferRequest {
  const id = String(doc._id);
  if (doc.type !== 'transferRequest' || typeof doc.from !== 'string' || typeof doc.to !== 'string' || typeof doc.transferId !== 'string' || typeof doc.package !== 'string')
    throw new TransferProvenanceError('malformed', id, 'not a transfer request');
  if (doc._conflicts && doc._conflicts.length > 0) throw new TransferProvenanceError('conflict', id, `conflicting versions ${doc._conflicts.join(', ')}`);
  if (id !== requestId(doc.to, doc.from, doc.transferId)) throw new TransferProvenanceError('not-from-sender', id, `the id does not name ${doc.from} → ${doc.to}`);
  if ((expected.to && doc.to !== expected.to) || (expected.from && doc.from !== expected.from)) throw new TransferProvenanceError('not-from-sender', id, 'not the transfer asked for');
  let header: BundleHeader;
  try {
    header = transferFileHeader(doc.package);
  } catch (e) {
    throw new TransferProvenanceError('malformed', id, e instanceof Error ? e.message : String(e));
  }
  const scope = header.scope as { kind: 'transfer'; to: string; transferId: string };
  if (header.centerId !== doc.from || scope.to !== doc.to || scope.transferId !== doc.transferId)
    throw new TransferProvenanceError('not-from-sender', id, `the package was sealed by ${header.centerId} for ${scope.to}`);
  const { _conflicts: _c, ...request } = doc;
  return request;
}

// Crockford base32 without I, L, O, U: easy to read out over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A one-time transfer code: 12 characters (60 bits) shown as XXXX-XXXX-XXXX. */
export function newTransferCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const chars = [...bytes].map((b) => ALPHABET[b & 31]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

/** What staff type, in any case and with or without dashes, as the passphrase. */
export function normalizeCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

/** Every document of one child's history in a center database (the child's activities stay: they belong to the center). */
export async function childHistoryIds(db: PouchDB.Database, childId: string, onProgress: OnTransferProgress = noProgress): Promise<string[]> {
  const ids = [`child:${childId}`, `private:child:${childId}`];
  const KINDS = 5; // consents, attendance, moods, follow-ups, screenings
  let searched = 0;
  const searchedOne = () => onProgress({ step: 'find', done: ++searched, total: KINDS });
  onProgress({ step: 'find', done: 0, total: KINDS });
  const keys = async (prefix: string) => (await db.allDocs(prefixRange(prefix))).rows.map((r) => r.id);
  ids.push(...(await keys(`consent:${childId}:`)));
  searchedOne();
  for (const prefix of ['att:', 'mood:']) {
    ids.push(...(await keys(prefix)).filter((id) => id.endsWith(`:${childId}`)));
    searchedOne();
  }
  for (const prefix of ['followup:', 'screening:']) {
    const rows = (await db.allDocs({ ...prefixRange(prefix), include_docs: true })).rows;
    for (const r of rows)
      if ((r.doc as { childId?: string } | undefined)?.childId === childId) {
        ids.push(r.id);
        if (prefix === 'screening:') ids.push(`private:answers:${r.id.slice(prefix.length)}`);
      }
    searchedOne();
  }
  const present = await db.allDocs({ keys: ids });
  return present.rows.flatMap((r) => ('value' in r && r.value && !r.value.deleted ? [r.id] : []));
}

/** Packs a child's history into a request for `to`, sealed with `code`. */
export async function packTransfer(
  db: PouchDB.Database,
  o: { from: string; to: string; childId: string; transferId: string; code: string; createdAt: string; deviceId: string; summary: TransferSummary },
  /** Opens sealed records (issue 14): the package carries them decrypted, under the transfer code, so the receiver seals them under its own center key. */
  open: (doc: BundleDoc) => Promise<BundleDoc> = async (d) => d,
  onProgress: OnTransferProgress = noProgress,
): Promise<TransferRequest> {
  if (o.from === o.to) throw new Error('a center cannot transfer a child to itself');
  const docs = await Promise.all((await collectForBundle(db, await childHistoryIds(db, o.childId, onProgress), onProgress)).map(open));
  const header: Omit<BundleHeader, 'docCount'> = { centerId: o.from, createdAt: o.createdAt, deviceId: o.deviceId, scope: { kind: 'transfer', to: o.to, transferId: o.transferId } };
  return {
    _id: requestId(o.to, o.from, o.transferId),
    type: 'transferRequest',
    transferId: o.transferId,
    from: o.from,
    to: o.to,
    childId: o.childId,
    createdAt: o.createdAt,
    summary: o.summary,
    status: 'pending',
    decidedAt: null,
    reason: '',
    package: await sealBundle(header, docs, normalizeCode(o.code), undefined, onProgress),
  };
}

/** The routing of a transfer file (no code needed). @throws BundleError('not-a-transfer') */
export function transferFileHeader(text: string): BundleHeader & { scope: { kind: 'transfer'; to: string; transferId: string } } {
  const { header } = readBundleHeader(text);
  if (header.scope.kind !== 'transfer') throw new BundleError('not-a-transfer', 'this bundle is not a transfer');
  return header as BundleHeader & { scope: { kind: 'transfer'; to: string; transferId: string } };
}

/**
 * Opens a transfer package for center `to` with the code and returns the
 * documents re-written as that center's own: its centerId, this device, no
 * revisions (new records), no link to the sending center's staff.
 * @throws BundleError: wrong code, tampered, or meant for another center
 */
export async function unpackTransfer(pkg: string, code: string, o: { to: string; deviceId: string; now: string }, onProgress: OnTransferProgress = noProgress): Promise<{ header: BundleHeader; docs: Record<string, unknown>[] }> {
  const header = transferFileHeader(pkg);
  if (header.scope.to !== o.to) throw new BundleError('other-center', `this transfer is for center ${header.scope.to}`);
  const { docs } = await openBundle(pkg, normalizeCode(code), onProgress);
  return { header, docs: docs.map((d) => rekey(d, o)) };
}

function rekey(d: BundleDoc, o: { to: string; deviceId: string; now: string }): Record<string, unknown> {
  const { _rev: _r, _revisions: _h, ...rest } = d;
  const out: Record<string, unknown> = { ...rest, centerId: o.to, deviceId: o.deviceId, updatedAt: o.now };
  // A surrogate parent is a member of the old center's staff.
  if (out.type === 'child') out.surrogateParentStaffId = null;
  return out;
}

/** The county transfer database over HTTP, as a center's sync account. */
export class TransferClient {
  private readonly base: string;
  constructor(
    serverUrl: string,
    private readonly auth: string,
  ) {
    this.base = `${serverUrl.replace(/\/+$/, '')}/${TRANSFERS_DB}`;
  }

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${this.base}/${path}`, {
      method,
      headers: { Authorization: this.auth, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  }

  private static fail(what: string, r: { status: number; json: Record<string, unknown> }): never {
    throw Object.assign(new Error(`${what}: ${String(r.json.reason ?? r.json.error ?? `HTTP ${r.status}`)}`), { status: r.status });
  }

  /** Files a request; filing the same request again is harmless. */
  async post(request: TransferRequest): Promise<void> {
    const r = await this.call('PUT', encodeURIComponent(request._id), request);
    if (r.status === 409 && (await this.get(request._id))) return;
    if (r.status >= 300) TransferClient.fail('filing the transfer', r);
  }

  /**
   * The request, checked (verifyRequest), or null when there is none.
   * @throws TransferProvenanceError when it has conflicting versions or is not what its id says
   */
  async get(id: string): Promise<TransferRequest | null> {
    const r = await this.call('GET', `${encodeURIComponent(id)}?conflicts=true`);
    if (r.status === 404) return null;
    if (r.status >= 300) TransferClient.fail('reading the transfer', r);
    return verifyRequest(r.json as unknown as TransferRequest & { _conflicts?: string[] });
  }

  /**
   * Pending requests for `centerId`, oldest first, each checked (verifyRequest). Requests
   * that fail the check are left out and listed in `refused`, to be shown in words.
   */
  async incomingChecked(centerId: string): Promise<{ requests: TransferRequest[]; refused: TransferProvenanceError[] }> {
    const q = new URLSearchParams({ startkey: JSON.stringify(`transfer:${centerId}:`), endkey: JSON.stringify(`transfer:${centerId}:\ufff0`), include_docs: 'true', conflicts: 'true' });
    const r = await this.call('GET', `_all_docs?${q}`);
    if (r.status >= 300) TransferClient.fail('listing transfers', r);
    const requests: TransferRequest[] = [];
    const refused: TransferProvenanceError[] = [];
    for (const row of (r.json.rows ?? []) as { doc?: TransferRequest & { _conflicts?: string[] } }[]) {
      if (!row.doc) continue;
      try {
        const checked = verifyRequest(row.doc, { to: centerId });
        if (checked.status === 'pending') requests.push(checked);
      } catch (e) {
        if (!(e instanceof TransferProvenanceError)) throw e;
        refused.push(e);
      }
    }
    return { requests, refused };
  }

  /** Pending requests for `centerId` that pass the provenance check, oldest first. */
  async incoming(centerId: string): Promise<TransferRequest[]> {
    return (await this.incomingChecked(centerId)).requests;
  }

  /** Accept / reject (the receiver) or cancel (the sender). */
  async decide(id: string, status: 'accepted' | 'rejected' | 'cancelled', reason: string, at: string): Promise<TransferRequest> {
    const current = await this.get(id);
    if (!current) throw Object.assign(new Error('the transfer is not on the server'), { status: 404 });
    if (current.status === status) return current;
    const next = { ...current, status, reason, decidedAt: at };
    const r = await this.call('PUT', encodeURIComponent(id), next);
    if (r.status >= 300) TransferClient.fail('recording the decision', r);
    return { ...next, _rev: String(r.json.rev) };
  }
}
