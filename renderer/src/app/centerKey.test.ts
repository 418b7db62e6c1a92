// @vitest-environment happy-dom
// Issue 14 on the kiosk: real PouchDB (indexeddb adapter over fake-indexeddb) behind the
// PouchDocStore, two kiosks of one center replicating to each other, the key on each
// kiosk's own device store.
import { describe, expect, it } from 'vitest';
import { openCenterDb } from '../storage/pouch/createPouch';
import { PouchDocStore } from '../storage/pouch/PouchDocStore';
import { MemoryDeviceStore } from '../storage/memory/MemoryDeviceStore';
import { watch } from 'vue';
import { createKeyState, PRIVATE_ID_PREFIXES } from './centerKey';
import { ids } from '@sync/schema/ids';
import { PRIVATE_FIELDS, type PrivateType } from '@sync/schema/documents';
import { WrongRecoveryCodeError, TamperedCiphertextError, CenterKeyMissingError, newRecoveryCode } from '@sync/crypto/centerKey';
import { conflictedIds, resolveConflicts } from '@sync/client/conflicts';
import type { ChildPrivateDoc, ConsentDoc, FamilyMessageDoc } from '@sync/schema/documents';

const childId = '01JCDEFGHJKMNPQRSTVWXYZ012';
const priv: ChildPrivateDoc = {
  _id: `private:child:${childId}`, type: 'childPrivate', centerId: 'qingshan', schemaVersion: 1,
  createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00', deviceId: 'k1', childId,
  fullName: '王小明', displayName: '小明', guardians: [{ name: '王大山', relation: 'father', phone: '13800138000', isLegalGuardian: true, worksAway: true }],
  address: '青山村三组', photo: null, pictureCode: ['sun', 'fish'],
};
const consent: ConsentDoc = {
  _id: `consent:${childId}:01JCDEFGHJKMNPQRSTVWXYZ013`, type: 'consent', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00',
  deviceId: 'k1', childId, action: 'grant', scopes: ['attendance'], givenBy: { relation: 'father', isLegalGuardian: true }, method: 'phone', effectiveOn: '2026-09-01', recordedByStaffId: '01JCDEFGHJKMNPQRSTVWXYZ099', note: '爸爸电话同意',
};
const SECRETS = ['王小明', '13800138000', '青山村', '爸爸电话同意'];

let n = 0;
function kiosk() {
  const db = openCenterDb(`e2ee-${Date.now()}-${n++}`);
  const missing: string[] = [];
  const docs = new PouchDocStore(db);
  docs.onKeyMissing = (id) => missing.push(id);
  const device = new MemoryDeviceStore();
  const keys = createKeyState(device, docs);
  return { db, docs, device, keys, missing };
}
async function rawText(db: PouchDB.Database): Promise<string> {
  const all = await db.allDocs({ include_docs: true });
  return JSON.stringify(all.rows.map((r) => r.doc));
}
const sync = async (a: PouchDB.Database, b: PouchDB.Database) => {
  await a.replicate.to(b);
  await b.replicate.to(a);
};

describe('the center key on the kiosk', () => {
  it('seals private records as they are stored and opens them as they are read', async () => {
    const a = kiosk();
    await a.keys.load();
    expect(a.keys.status.value).toBe('not-enabled');
    await a.keys.create('qingshan', 'k1');
    expect(a.keys.status.value).toBe('ok');
    await a.docs.put(priv);
    await a.docs.put(consent);
    const text = await rawText(a.db);
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(await a.docs.get('childPrivate', priv._id)).toMatchObject({ fullName: '王小明', guardians: [{ phone: '13800138000' }] });
    expect((await a.docs.list('consent', `consent:${childId}:`))[0]?.note).toBe('爸爸电话同意');
    // The key stays in this device's store: a restart reads it back.
    const again = createKeyState(a.device, new PouchDocStore(a.db));
    await again.load();
    expect(again.status.value).toBe('ok');
  });

  it('a read started while the keys are still being restored waits for them: no sealed record is skipped (issue 19: the roster at the first line of the boot)', async () => {
    const a = kiosk();
    await a.keys.create('qingshan', 'k1');
    await a.docs.put(priv);
    await a.docs.put(consent);
    // A restart whose device store is slow to hand over the keys.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const getSecret = a.device.getSecret.bind(a.device);
    a.device.getSecret = async (key) => {
      await held;
      return getSecret(key);
    };
    const docs = new PouchDocStore(a.db);
    const missing: string[] = [];
    docs.onKeyMissing = (id) => missing.push(id);
    const keys = createKeyState(a.device, docs);
    const loading = keys.load();
    let settled = false;
    const privates = docs.list('childPrivate', 'private:child:').finally(() => (settled = true));
    const consents = docs.list('consent', 'consent:');
    // The records are read from IndexedDB meanwhile; opening them waits for the keys.
    await a.db.allDocs({ include_docs: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    release();
    await loading;
    expect((await privates).map((p) => p.fullName)).toEqual(['王小明']);
    expect((await consents).map((c) => c.note)).toEqual(['爸爸电话同意']);
    expect(missing).toEqual([]);
    expect(keys.status.value).toBe('ok');
  });

  it('a kiosk without the key says so, refuses a wrong recovery code, and reads everything after the right one', async () => {
    const a = kiosk();
    const { code } = await a.keys.create('qingshan', 'k1');
    await a.docs.put(priv);
    const b = kiosk();
    await a.db.replicate.to(b.db);
    await b.keys.load();
    expect(b.keys.status.value).toBe('missing');
    expect(await b.docs.list('childPrivate', 'private:child:')).toEqual([]);
    expect(b.missing).toContain(priv._id);
    await expect(b.docs.get('childPrivate', priv._id)).rejects.toBeInstanceOf(CenterKeyMissingError);
    // Nor does it write a private record in clear.
    await expect(b.docs.put({ ...priv, _id: 'private:child:01JCDEFGHJKMNPQRSTVWXYZ014', childId: '01JCDEFGHJKMNPQRSTVWXYZ014' })).rejects.toBeInstanceOf(CenterKeyMissingError);
    await expect(b.keys.recover(newRecoveryCode())).rejects.toBeInstanceOf(WrongRecoveryCodeError);
    expect(b.keys.status.value).toBe('missing');
    await b.keys.recover(code.toLowerCase());
    expect(b.keys.status.value).toBe('ok');
    expect((await b.docs.get('childPrivate', priv._id))?.fullName).toBe('王小明');
  });

  it('refuses a tampered record instead of showing garbage', async () => {
    const a = kiosk();
    await a.keys.create('qingshan', 'k1');
    await a.docs.put(priv);
    const raw = (await a.db.get(priv._id)) as unknown as { enc: { ct: string } };
    const ct = raw.enc.ct;
    await a.db.put({ ...raw, enc: { ...raw.enc, ct: (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1) } });
    await expect(a.docs.get('childPrivate', priv._id)).rejects.toBeInstanceOf(TamperedCiphertextError);
  });

  it('migrates an existing center: private records already there in clear are sealed, with progress', async () => {
    const a = kiosk();
    await a.db.bulkDocs([priv, consent, { _id: 'day:2026-11-30', type: 'day', centerId: 'qingshan', schemaVersion: 1, createdAt: priv.createdAt, updatedAt: priv.updatedAt, deviceId: 'k1', date: '2026-11-30', held: true, reason: '' }]);
    expect(await rawText(a.db)).toContain('王小明');
    await a.keys.load();
    expect(a.keys.status.value).toBe('not-enabled');
    await a.keys.create('qingshan', 'k1');
    const seen: number[] = [];
    const stop = watch(a.keys.progress, (p) => void (p && seen.push(p.done)), { flush: 'sync' });
    const written = await a.keys.resealAll();
    stop();
    expect(written).toBe(2);
    expect(seen.length).toBeGreaterThan(0);
    const text = await rawText(a.db);
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect((await a.docs.get('childPrivate', priv._id))?.fullName).toBe('王小明');
    expect(await a.keys.resealAll()).toBe(0);
  });

  it('the upgrade at first start: due only for a center with clear records and no key; the code stays the same until confirmed; then everything is sealed', async () => {
    const a = kiosk();
    await a.keys.load();
    expect(await a.keys.migrationDue()).toBe(false); // nothing here yet
    await a.db.bulkDocs([priv, consent]);
    expect(await a.keys.migrationDue()).toBe(true);
    const code = await a.keys.pendingMigrationCode();
    // The kiosk is closed while the code is on screen: the next start shows the same code, and nothing was sealed or published.
    const restarted = createKeyState(a.device, new PouchDocStore(a.db));
    await restarted.load();
    expect(restarted.status.value).toBe('not-enabled');
    expect(await restarted.pendingMigrationCode()).toBe(code);
    expect(await rawText(a.db)).toContain('王小明');
    expect(await restarted.countUnsealed()).toBe(2);
    const { done } = await restarted.confirmMigration('qingshan', 'k1');
    expect(restarted.status.value).toBe('ok');
    expect(await done).toBe(2);
    expect(await restarted.migrationDue()).toBe(false);
    expect(await restarted.countUnsealed()).toBe(0);
    const text = await rawText(a.db);
    for (const s of SECRETS) expect(text).not.toContain(s);
    // The code confirmed is the one that opens the published key on another kiosk.
    const b = kiosk();
    await a.db.replicate.to(b.db);
    await b.keys.load();
    expect(b.keys.status.value).toBe('missing');
    await b.keys.recover(code);
    expect((await b.docs.get('childPrivate', priv._id))?.fullName).toBe('王小明');
    // Confirming twice is refused (the pending code is gone once published).
    await expect(restarted.confirmMigration('qingshan', 'k1')).rejects.toThrow();
  });

  it('rotates the key: new recovery code, records re-encrypted, a kiosk with only the old key must type the new code', async () => {
    const a = kiosk();
    const first = await a.keys.create('qingshan', 'k1');
    await a.docs.put(priv);
    const b = kiosk();
    await sync(a.db, b.db);
    await b.keys.recover(first.code);
    const { code, done } = await a.keys.rotate('qingshan', 'k1');
    expect(code).not.toBe(first.code);
    expect(await done).toBe(1);
    const sealed = (await a.db.get(priv._id)) as unknown as { enc: { k: string } };
    expect(sealed.enc.k).toBe(a.keys.keyring.current?.id);
    expect(sealed.enc.k).not.toBe(first.key.id);
    await sync(a.db, b.db);
    await b.keys.refreshStatus();
    expect(b.keys.status.value).toBe('missing');
    await expect(b.keys.recover(first.code)).rejects.toBeInstanceOf(WrongRecoveryCodeError);
    await b.keys.recover(code);
    expect((await b.docs.get('childPrivate', priv._id))?.fullName).toBe('王小明');
  });

  it('settles conflicts on decrypted content: edits to different private fields on two kiosks are both kept', async () => {
    const a = kiosk();
    const { code } = await a.keys.create('qingshan', 'k1');
    await a.docs.put(priv);
    const b = kiosk();
    await sync(a.db, b.db);
    await b.keys.recover(code);
    const onA = (await a.docs.get('childPrivate', priv._id))!;
    const onB = (await b.docs.get('childPrivate', priv._id))!;
    await a.docs.put({ ...onA, address: '青山村五组', updatedAt: '2026-11-30T09:00:00+08:00', deviceId: 'kiosk-a' });
    await b.docs.put({ ...onB, displayName: '明明', updatedAt: '2026-11-30T10:00:00+08:00', deviceId: 'kiosk-b' });
    await sync(a.db, b.db);
    const res = await resolveConflicts(b.db, priv._id, b.docs);
    expect(res?.silent).toBe(true);
    await sync(a.db, b.db);
    expect(await conflictedIds(a.db)).toEqual([]);
    for (const k of [a, b]) expect(await k.docs.get('childPrivate', priv._id)).toMatchObject({ address: '青山村五组', displayName: '明明', fullName: '王小明' });
    expect(await rawText(b.db)).not.toContain('青山村五组');
  });

  it('seals a family message: its words and its recording are ciphertext on disk, open on this kiosk, refuse on one without the key or when changed', async () => {
    const a = kiosk();
    await a.keys.create('qingshan', 'k1');
    const voice = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 251);
    const b64 = btoa(String.fromCharCode(...voice));
    const msgId = '01JCDEFGHJKMNPQRSTVWXYZ200';
    const msg: FamilyMessageDoc = {
      _id: `private:fmsg:${msgId}`, type: 'familyMessage', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00',
      deviceId: 'k1', childId, kind: 'voice', text: '妈妈我想你', durationSec: 3, status: 'waiting', deliveredAt: null, deliveredByStaffId: null, deliveredHow: null,
      _attachments: { 'message.webm': { content_type: 'audio/webm', data: b64 } },
    };
    await a.docs.put(msg);
    const raw = (await a.db.get(msg._id)) as unknown as { _attachments: Record<string, { content_type: string }> };
    expect(JSON.stringify(raw)).not.toContain('妈妈我想你');
    expect(Object.keys(raw._attachments)).toEqual(['message.webm.sealed']);
    const stored = new Uint8Array((await a.db.getAttachment(msg._id, 'message.webm.sealed')) as unknown as Uint8Array); // a Buffer on Node
    expect(stored.length).toBe(voice.length + 8 + 12 + 16);
    expect(Buffer.from(stored).includes(Buffer.from(voice.subarray(0, 64)))).toBe(false);
    const read = await a.docs.get('familyMessage', msg._id);
    expect(read?.text).toBe('妈妈我想你');
    const opened = new Uint8Array(await (await a.docs.openAttachment(msg._id, 'message.webm.sealed')).arrayBuffer());
    expect(opened).toEqual(voice);
    // Marking it delivered keeps the sealed recording as it is (a stub is not sealed again).
    await a.docs.update('familyMessage', msg._id, (m) => (m ? { ...m, status: 'delivered', deliveredAt: '2026-09-02T08:00:00+08:00', deliveredByStaffId: '01JCDEFGHJKMNPQRSTVWXYZ099', deliveredHow: 'file' } : null));
    expect(new Uint8Array(await (await a.docs.openAttachment(msg._id, 'message.webm.sealed')).arrayBuffer())).toEqual(voice);

    const b = kiosk();
    await sync(a.db, b.db);
    await expect(b.docs.openAttachment(msg._id, 'message.webm.sealed')).rejects.toBeInstanceOf(CenterKeyMissingError);

    // One byte changed on disk: refused, never played as noise.
    const current = await a.db.get(msg._id);
    stored[40] = stored[40]! ^ 1;
    await a.db.putAttachment(msg._id, 'message.webm.sealed', current._rev, Buffer.from(stored), 'audio/webm');
    await expect(a.docs.openAttachment(msg._id, 'message.webm.sealed')).rejects.toBeInstanceOf(TamperedCiphertextError);
  });

  it('forgets every key when a join fails after its code was accepted: nothing of the other center can be opened, and a restart finds no key', async () => {
    const a = kiosk();
    await a.keys.create('qingshan', 'k1');
    await a.docs.put(priv);
    await a.keys.forget();
    expect(a.keys.keyring.size).toBe(0);
    await expect(a.docs.get('childPrivate', priv._id)).rejects.toBeInstanceOf(CenterKeyMissingError);
    const again = createKeyState(a.device, new PouchDocStore(a.db));
    await again.load();
    expect(again.keyring.size).toBe(0);
  });
});

describe('where the upgrade looks for records in clear', () => {
  it('covers the id of every private type', () => {
    const u = '01JCDEFGHJKMNPQRSTVWXYZ012';
    const samples: Record<PrivateType, string> = {
      childPrivate: ids.childPrivate(u), child: ids.child(u), consent: ids.consent(u, u), followup: ids.followup(u), screeningAnswers: ids.screeningAnswers(u),
      activity: ids.activity(u), activityPhotos: ids.activityPhotos(u), transfer: ids.transfer(u), familyMessage: ids.familyMessage(u), familyReply: ids.familyReply(u), callPlan: ids.callPlan(u),
    };
    expect(Object.keys(samples).sort()).toEqual(Object.keys(PRIVATE_FIELDS).sort());
    for (const [type, id] of Object.entries(samples)) expect(PRIVATE_ID_PREFIXES.some((p) => id.startsWith(p)), type).toBe(true);
  });
});
