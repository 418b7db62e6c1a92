/**
 * First-run setup: create a center with its first administrator, or load the
 * demo center. Validation is a pure function so the form and the tests share it.
 */
import type { AnyDoc, CenterDoc, PinHash, StaffDoc } from '@sync/schema/documents';
import { DEFAULT_CENTER_SETTINGS, SCHEMA_VERSION } from '@sync/schema/documents';
import { CENTER_ID_RE, ids, newUlid } from '@sync/schema/ids';
import type { Locale } from '@sync/schema/vocab';
import { hashPin, isGuessablePin, isValidPin } from '@/domain/pin';
import { DEMO_PIN, demoDocuments, generateDemoCenter, type DemoOptions } from '@/domain/demo';
import { addDays, localDate } from '@/domain/dates';
import type { DeviceStore, DocStore } from '../../storage/ports';

export interface SetupInput {
  readonly name: string;
  readonly county: string;
  readonly township: string;
  readonly village: string;
  readonly centerCode: string;
  readonly locale: Locale;
  readonly adminName: string;
  readonly pin: string;
  readonly pinAgain: string;
}

/** i18n keys under setup.errors, by field. Empty when the input is valid. */
export type SetupErrors = Partial<Record<keyof SetupInput, string>>;

export function validateSetup(input: SetupInput): SetupErrors {
  const errors: SetupErrors = {};
  if (!input.name.trim()) errors.name = 'nameRequired';
  if (!input.county.trim()) errors.county = 'countyRequired';
  if (input.centerCode.trim() && !CENTER_ID_RE.test(input.centerCode.trim())) errors.centerCode = 'codeFormat';
  if (!input.adminName.trim()) errors.adminName = 'adminRequired';
  if (!isValidPin(input.pin)) errors.pin = 'pinFormat';
  else if (isGuessablePin(input.pin)) errors.pin = 'pinGuessable';
  else if (input.pin !== input.pinAgain) errors.pinAgain = 'pinMismatch';
  return errors;
}

/** A center id for a center the county has not coded yet: `c-` and 10 random lowercase base32 characters. */
export function generateCenterId(): string {
  return `c-${newUlid().slice(-10).toLowerCase()}`;
}

interface Ports {
  readonly docs: DocStore;
  readonly device: DeviceStore;
  readonly deviceId: string;
  readonly now: () => Date;
}

/**
 * Writes the center and its first administrator, then binds this device to it.
 * @throws Error when the input is invalid (call validateSetup first); StorageFullError when the disk is full.
 */
export async function createCenter(p: Ports, input: SetupInput): Promise<CenterDoc> {
  const problems = validateSetup(input);
  if (Object.keys(problems).length > 0) throw new Error(`invalid setup: ${Object.values(problems).join(', ')}`);
  const centerId = input.centerCode.trim() || generateCenterId();
  const at = p.now().toISOString();
  const meta = { centerId, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId: p.deviceId };
  const center: CenterDoc = {
    _id: ids.center(centerId),
    type: 'center',
    ...meta,
    name: input.name.trim(),
    county: input.county.trim(),
    township: input.township.trim(),
    village: input.village.trim(),
    defaultLocale: input.locale,
    settings: DEFAULT_CENTER_SETTINGS,
  };
  const admin: StaffDoc = {
    _id: ids.staff(newUlid()),
    type: 'staff',
    ...meta,
    displayName: input.adminName.trim(),
    role: 'admin',
    pin: await hashPin(input.pin),
    active: true,
  };
  await p.docs.bulkCreate([center, admin]);
  await p.device.saveSettings({ centerId, locale: input.locale });
  return center;
}

export const DEMO_CENTER_ID = 'demo-qingshan';
/** The demo center's recovery code (issue 14): fictional data, a published code, like its PIN 2580, so a second kiosk can join the demo. */
export const DEMO_RECOVERY_CODE = '2580-2580-2580-2580-2580-2580';
export const DEMO_CHILDREN = 120;
export const DEMO_SEED = 20261129;
/** A term: sixteen weeks of history ending yesterday, so today starts fresh. */
export const DEMO_WEEKS = 16;
const CHUNK = 1000;

/** The demo center's generator options for a given day: sixteen weeks ending the day before. */
export function demoOptions(today: string, deviceId: string, pinHash: PinHash): DemoOptions {
  return { centerId: DEMO_CENTER_ID, seed: DEMO_SEED, children: DEMO_CHILDREN, from: addDays(today, -7 * DEMO_WEEKS), to: addDays(today, -1), deviceId, pinHash };
}

/** Generates the demo center ending today and writes it in chunks, reporting progress. */
export async function loadDemoCenter(p: Ports, onProgress: (done: number, total: number) => void = () => {}): Promise<CenterDoc> {
  const today = localDate(p.now());
  const demo = generateDemoCenter(demoOptions(today, p.deviceId, await hashPin(DEMO_PIN)));
  const docs: AnyDoc[] = demoDocuments(demo);
  for (let i = 0; i < docs.length; i += CHUNK) {
    await p.docs.bulkCreate(docs.slice(i, i + CHUNK));
    onProgress(Math.min(i + CHUNK, docs.length), docs.length);
  }
  // Bind the device last: an interrupted load leaves the setup screen, not a half center.
  await p.device.saveSettings({ centerId: DEMO_CENTER_ID, locale: 'zh-CN' });
  return demo.center;
}
