/**
 * 亲情连线 (issue 15): what the kiosk and the staff page write and read.
 *
 * - A child leaves a message (voice / drawing / a few words) only with the family-messages
 *   consent; the recording or drawing is an attachment on the message itself
 *   (`message.webm` / `message.png`), so erasing the message erases it.
 * - Staff hand a message over (saved as a file, printed, or read out on a call) and mark it
 *   delivered; that is a parent–child contact (domain/familyContact.ts).
 * - Staff attach a parent's reply (voice note, photo, or words written during a call); the
 *   child sees it after the next check-in and it is marked seen when opened.
 * - Call plans (weekly windows) and call logs (happened / no answer / postponed).
 * - The privacy sweep: messages of children whose consent no longer covers them, not yet
 *   delivered, and everything past the retention period, are erased.
 * Every write goes through the DocStore, so it is validated like any record.
 */
import { SEALED_ATTACHMENT, SEALED_ATTACHMENT_OVERHEAD } from '@sync/crypto/sealDoc';
import type { CallLogDoc, CallPlanDoc, FamilyMessageDoc, FamilyReplyDoc, StaffDoc } from '@sync/schema/documents';
import { FAMILY_VOICE_MAX_SEC, SCHEMA_VERSION } from '@sync/schema/documents';
import { ids, newUlid } from '@sync/schema/ids';
import type { Relation } from '@sync/schema/vocab';
import { assertConsent, consentOn } from '@/domain/consent';
import { localDate } from '@/domain/dates';
import { expired, mayMessage } from '@/domain/familyContact';
import type { CenterSettings } from '@sync/schema/documents';
import type { DocStore } from '../../storage/ports';
import type { RosterEntry } from '../../app/roster';
import { byCodeUnits } from '@/domain/search';

export interface FamilyPorts {
  readonly docs: DocStore;
  readonly deviceId: string;
  readonly now: () => Date;
}

export const MESSAGE_PREFIX = 'private:fmsg:';
export const REPLY_PREFIX = 'private:freply:';
export const PLAN_PREFIX = 'private:call-plan:';
export const LOG_PREFIX = 'private:call-log:';

/** Attachment names: one per message or reply. */
export function attachmentName(contentType: string): string {
  if (contentType.startsWith('audio/')) return contentType.includes('ogg') ? 'voice.ogg' : contentType.includes('mp4') || contentType.includes('aac') ? 'voice.m4a' : contentType.includes('mpeg') ? 'voice.mp3' : 'voice.webm';
  if (contentType === 'image/png') return 'picture.png';
  if (contentType === 'image/webp') return 'picture.webp';
  return 'picture.jpg';
}

/** A file staff pick for a reply: audio or a picture, at most this big. */
export const MAX_REPLY_BYTES = 8 * 1024 * 1024;
/** A message blob from the kiosk (60 s of Opus at 24 kbps is ~180 KB; a drawing a few hundred KB). */
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/** The file is not audio or a picture, or too big: the page says which, in words. */
export class FamilyFileError extends Error {
  override name = 'FamilyFileError';
  constructor(readonly reason: 'type' | 'size' | 'empty') {
    super(`file refused: ${reason}`);
  }
}

export interface Payload {
  readonly base64: string;
  readonly contentType: string;
  readonly bytes: number;
}

/** A Blob as base64 (for an inline attachment). */
export async function blobToPayload(blob: Blob, maxBytes: number): Promise<Payload> {
  if (blob.size === 0) throw new FamilyFileError('empty');
  if (blob.size > maxBytes) throw new FamilyFileError('size');
  const type = blob.type || 'application/octet-stream';
  if (!/^(audio|image)\//.test(type)) throw new FamilyFileError('type');
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { base64: btoa(binary), contentType: type, bytes: blob.size };
}

const meta = (p: FamilyPorts, centerId: string) => {
  const at = p.now().toISOString();
  return { centerId, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId: p.deviceId };
};
const sid = (s: StaffDoc) => s._id.slice('staff:'.length);

export type MessageInput =
  | { readonly kind: 'voice'; readonly payload: Payload; readonly durationSec: number }
  | { readonly kind: 'drawing'; readonly payload: Payload }
  | { readonly kind: 'text'; readonly text: string };

/** The words are empty (after trimming). */
export class EmptyMessageError extends Error {
  override name = 'EmptyMessageError';
}

/**
 * Saves a child's message. @throws ConsentRequiredError without the family-messages consent
 * (nothing is written), EmptyMessageError for words with nothing in them.
 */
export async function recordMessage(p: FamilyPorts, entry: RosterEntry, input: MessageInput): Promise<FamilyMessageDoc> {
  assertConsent(consentOn(entry.consents, localDate(p.now())), 'family-messages');
  const text = input.kind === 'text' ? input.text.trim() : '';
  if (input.kind === 'text' && !text) throw new EmptyMessageError('a message needs words');
  const doc: FamilyMessageDoc = {
    _id: ids.familyMessage(newUlid(p.now().getTime())),
    type: 'familyMessage',
    ...meta(p, entry.child.centerId),
    childId: entry.childId,
    kind: input.kind,
    text,
    durationSec: input.kind === 'voice' ? Math.min(FAMILY_VOICE_MAX_SEC, Math.max(0, Math.round(input.durationSec))) : null,
    status: 'waiting',
    deliveredAt: null,
    deliveredByStaffId: null,
    deliveredHow: null,
    ...(input.kind === 'text' ? {} : { _attachments: { [attachmentName(input.payload.contentType)]: { content_type: input.payload.contentType, data: input.payload.base64 } } }),
  };
  return p.docs.put(doc);
}

/** The one attachment of a message or reply, or null (a text). */
export function attachmentOf(doc: Pick<FamilyMessageDoc, '_attachments'>): { name: string; contentType: string; bytes: number | null } | null {
  const entries = Object.entries(doc._attachments ?? {});
  const first = entries[0];
  if (!first) return null;
  const [name, a] = first;
  // A sealed recording (issue 14) is its content plus the key id, IV and tag: the size shown is the content's.
  const stored = 'length' in a ? a.length : null;
  return { name, contentType: a.content_type, bytes: stored !== null && name.endsWith(SEALED_ATTACHMENT) ? stored - SEALED_ATTACHMENT_OVERHEAD : stored };
}

export async function childMessages(docs: DocStore, childId: string): Promise<FamilyMessageDoc[]> {
  return (await docs.list('familyMessage', MESSAGE_PREFIX)).filter((m) => m.childId === childId);
}
export async function childReplies(docs: DocStore, childId: string): Promise<FamilyReplyDoc[]> {
  return (await docs.list('familyReply', REPLY_PREFIX)).filter((r) => r.childId === childId).reverse();
}

/** The child opened a reply at the kiosk. */
export function markReplySeen(p: FamilyPorts, replyId: string) {
  return p.docs.update('familyReply', replyId, (r) => (r && r.seenAt === null ? { ...r, seenAt: p.now().toISOString(), updatedAt: p.now().toISOString(), deviceId: p.deviceId } : null));
}

export interface FamilyGroup {
  readonly childId: string;
  readonly waiting: readonly FamilyMessageDoc[];
}

/** Messages waiting for delivery, by child (family), oldest family first. */
export function waitingByFamily(messages: readonly FamilyMessageDoc[]): FamilyGroup[] {
  const by = new Map<string, FamilyMessageDoc[]>();
  for (const m of messages) if (m.status === 'waiting') by.set(m.childId, [...(by.get(m.childId) ?? []), m]);
  return [...by.entries()].map(([childId, waiting]) => ({ childId, waiting })).sort((a, b) => byCodeUnits(a.waiting[0]!.createdAt, b.waiting[0]!.createdAt));
}

export function markDelivered(p: FamilyPorts, messageId: string, staff: StaffDoc, how: NonNullable<FamilyMessageDoc['deliveredHow']>) {
  const at = p.now().toISOString();
  return p.docs.update('familyMessage', messageId, (m) =>
    m && m.status === 'waiting' ? { ...m, status: 'delivered', deliveredAt: at, deliveredByStaffId: sid(staff), deliveredHow: how, updatedAt: at, deviceId: p.deviceId } : null,
  );
}

export type ReplyInput = { readonly from: Relation } & ({ readonly kind: 'text'; readonly text: string } | { readonly kind: 'voice' | 'photo'; readonly payload: Payload; readonly text?: string });

/** @throws EmptyMessageError for written words with nothing in them; FamilyFileError for a file of the wrong kind. */
export async function addReply(p: FamilyPorts, entry: RosterEntry, staff: StaffDoc, input: ReplyInput): Promise<FamilyReplyDoc> {
  const text = (input.text ?? '').trim();
  if (input.kind === 'text' && !text) throw new EmptyMessageError('a reply needs words');
  if (input.kind !== 'text' && !input.payload.contentType.startsWith(input.kind === 'voice' ? 'audio/' : 'image/')) throw new FamilyFileError('type');
  return p.docs.put({
    _id: ids.familyReply(newUlid(p.now().getTime())),
    type: 'familyReply',
    ...meta(p, entry.child.centerId),
    childId: entry.childId,
    from: input.from,
    kind: input.kind,
    text,
    recordedByStaffId: sid(staff),
    seenAt: null,
    ...(input.kind === 'text' ? {} : { _attachments: { [attachmentName(input.payload.contentType)]: { content_type: input.payload.contentType, data: input.payload.base64 } } }),
  });
}

export interface PlanInput {
  readonly childIds: readonly string[];
  readonly weekday: number;
  readonly time: string;
  readonly withRelation: Relation;
  readonly note: string;
}

export async function saveCallPlan(p: FamilyPorts, centerId: string, input: PlanInput, existingId: string | null = null): Promise<CallPlanDoc> {
  const id = existingId ?? ids.callPlan(newUlid(p.now().getTime()));
  const saved = await p.docs.update('callPlan', id, (current) => ({
    _id: id,
    ...(current?._rev ? { _rev: current._rev } : {}),
    type: 'callPlan',
    ...meta(p, centerId),
    ...(current ? { createdAt: current.createdAt } : {}),
    childIds: [...input.childIds],
    weekday: input.weekday,
    time: input.time,
    withRelation: input.withRelation,
    note: input.note.trim(),
    active: true,
  }));
  return saved!;
}

export function endCallPlan(p: FamilyPorts, planId: string) {
  return p.docs.update('callPlan', planId, (c) => (c ? { ...c, active: false, updatedAt: p.now().toISOString(), deviceId: p.deviceId } : null));
}

export interface CallInput {
  readonly planId: string | null;
  readonly childIds: readonly string[];
  readonly outcome: CallLogDoc['outcome'];
  readonly durationMin: number;
  readonly participants: readonly Relation[];
}

export async function logCall(p: FamilyPorts, centerId: string, staff: StaffDoc, input: CallInput): Promise<CallLogDoc> {
  const now = p.now();
  return p.docs.put({
    _id: ids.callLog(newUlid(now.getTime())),
    type: 'callLog',
    ...meta(p, centerId),
    planId: input.planId,
    childIds: [...input.childIds],
    date: localDate(now),
    at: now.toISOString(),
    outcome: input.outcome,
    durationMin: input.outcome === 'happened' ? Math.max(0, Math.min(240, Math.round(input.durationMin))) : 0,
    participants: input.outcome === 'happened' ? [...input.participants] : [],
    staffId: sid(staff),
  });
}

/**
 * The privacy sweep: erases messages not yet delivered of children whose consent no
 * longer covers family messages, and messages and replies past the retention period.
 * Run when the staff page and the kiosk message screen open (a message written offline
 * on another kiosk may arrive after a withdrawal). @returns how many were erased.
 */
export async function privacySweep(p: FamilyPorts, roster: readonly RosterEntry[], settings: Pick<CenterSettings, 'familyRetentionDays'>): Promise<number> {
  const today = localDate(p.now());
  const dayOf = (iso: string) => localDate(new Date(iso));
  const [messages, replies] = await Promise.all([p.docs.list('familyMessage', MESSAGE_PREFIX), p.docs.list('familyReply', REPLY_PREFIX)]);
  const byId = new Map(roster.map((e) => [e.childId, e]));
  const withdrawn = messages.filter((m) => {
    const e = byId.get(m.childId);
    return m.status === 'waiting' && (!e || !mayMessage(consentOn(e.consents, today)));
  });
  const old = [...expired(messages, settings, today, dayOf), ...expired(replies, settings, today, dayOf)];
  const erase = new Map([...withdrawn, ...old].map((d) => [d._id, d.type]));
  for (const [id, type] of erase) await p.docs.remove(type, id);
  return erase.size;
}
