/**
 * Staff accounts: an admin adds staff with a role and a PIN, resets a
 * forgotten PIN, and deactivates accounts. The last active admin cannot be
 * deactivated or demoted, so a center can never lock itself out.
 */
import type { CenterDoc, CenterSettings, StaffDoc } from '@sync/schema/documents';
import { centerSettings, SCHEMA_VERSION } from '@sync/schema/documents';
import { ids, newUlid } from '@sync/schema/ids';
import type { StaffRole } from '@sync/schema/vocab';
import { hashPin, isGuessablePin, isValidPin } from '@/domain/pin';
import type { DeviceStore, DocStore } from '../../storage/ports';

interface Ports {
  readonly docs: DocStore;
  readonly device: DeviceStore;
  readonly deviceId: string;
  readonly now: () => Date;
}

/** A refused staff change; `code` is an i18n key under settings.errors. */
export class StaffChangeError extends Error {
  override name = 'StaffChangeError';
  constructor(readonly code: 'nameRequired' | 'pinFormat' | 'pinGuessable' | 'lastAdmin') {
    super(code);
  }
}

function checkPin(pin: string): void {
  if (!isValidPin(pin)) throw new StaffChangeError('pinFormat');
  if (isGuessablePin(pin)) throw new StaffChangeError('pinGuessable');
}

export async function addStaff(p: Ports, centerId: string, actor: StaffDoc, input: { name: string; role: StaffRole; pin: string }): Promise<StaffDoc> {
  if (!input.name.trim()) throw new StaffChangeError('nameRequired');
  checkPin(input.pin);
  const at = p.now().toISOString();
  const doc = await p.docs.put({
    _id: ids.staff(newUlid()), type: 'staff', centerId, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId: p.deviceId,
    displayName: input.name.trim(), role: input.role, pin: await hashPin(input.pin), active: true,
  });
  await p.device.appendAudit({ staffId: actor._id, action: 'staff-add', detail: `${doc._id} ${input.role}` });
  return doc;
}

export async function resetPin(p: Ports, actor: StaffDoc, target: StaffDoc, pin: string): Promise<void> {
  checkPin(pin);
  const hash = await hashPin(pin);
  await p.docs.update('staff', target._id, (c) => (c ? { ...c, pin: hash, updatedAt: p.now().toISOString(), deviceId: p.deviceId } : null));
  await p.device.appendAudit({ staffId: actor._id, action: 'pin-reset', detail: target._id });
}

async function assertAnotherAdmin(p: Ports, target: StaffDoc): Promise<void> {
  const admins = (await p.docs.list('staff', 'staff:')).filter((s) => s.active && s.role === 'admin' && s._id !== target._id);
  if (admins.length === 0) throw new StaffChangeError('lastAdmin');
}

export async function setStaffActive(p: Ports, actor: StaffDoc, target: StaffDoc, active: boolean): Promise<void> {
  if (!active && target.role === 'admin') await assertAnotherAdmin(p, target);
  await p.docs.update('staff', target._id, (c) => (c ? { ...c, active, updatedAt: p.now().toISOString(), deviceId: p.deviceId } : null));
  await p.device.appendAudit({ staffId: actor._id, action: active ? 'staff-activate' : 'staff-deactivate', detail: target._id });
}

export async function setStaffRole(p: Ports, actor: StaffDoc, target: StaffDoc, role: StaffRole): Promise<void> {
  if (target.role === 'admin' && role !== 'admin') await assertAnotherAdmin(p, target);
  await p.docs.update('staff', target._id, (c) => (c ? { ...c, role, updatedAt: p.now().toISOString(), deviceId: p.deviceId } : null));
  await p.device.appendAudit({ staffId: actor._id, action: 'staff-role', detail: `${target._id} ${role}` });
}

/** @throws InvalidDocumentError (via the schema) when a setting is out of range. */
export async function saveCenterSettings(p: Ports, actor: StaffDoc, center: CenterDoc, settings: CenterSettings): Promise<CenterDoc | null> {
  const valid = centerSettings.parse(settings);
  const saved = await p.docs.update('center', center._id, (c) => (c ? { ...c, settings: valid, updatedAt: p.now().toISOString(), deviceId: p.deviceId } : null));
  await p.device.appendAudit({ staffId: actor._id, action: 'center-settings', detail: JSON.stringify(valid) });
  return saved;
}
