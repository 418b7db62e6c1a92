/**
 * DeviceStore over Dexie (IndexedDB): what this kiosk keeps for itself and
 * never syncs — its id and settings, the staff-mode audit log, PIN attempt
 * state, secrets where no OS keychain is available. Later: the sync journal,
 * drafts and cached dashboards.
 */
import Dexie, { type Table } from './dexie';
import type { AuditEntry, ConflictLogEntry, DeviceSettings, DeviceStore, KioskAlert, PinAttempts } from '../ports';
import { newUlid } from '@sync/schema/ids';

interface KeyValue {
  key: string;
  value: unknown;
}
interface AuditRow extends AuditEntry {
  id?: number;
}

type ConflictRow = Omit<ConflictLogEntry, 'id'> & { id?: number };
type AlertRow = Omit<KioskAlert, 'id'> & { id?: number };

class DeviceDb extends Dexie {
  kv!: Table<KeyValue, string>;
  audit!: Table<AuditRow, number>;
  conflicts!: Table<ConflictRow, number>;
  alerts!: Table<AlertRow, number>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ kv: 'key', audit: '++id, at' });
    // v2: the conflict log (sync settles conflicts by rule; an admin reviews them here).
    this.version(2).stores({ kv: 'key', audit: '++id, at', conflicts: '++id, at' });
    // v3: kiosk alerts (a child who could not sign in) for the adult in the room.
    this.version(3).stores({ kv: 'key', audit: '++id, at', conflicts: '++id, at', alerts: '++id, at' });
  }
}

const DEFAULTS: Omit<DeviceSettings, 'deviceId'> = {
  centerId: null,
  locale: 'zh-CN',
  kioskFullscreen: false,
  startAtLogin: false,
  readAloud: false,
  syncUrl: null,
  syncUser: null,
  waitingSound: false,
};

export class DexieDeviceStore implements DeviceStore {
  private readonly db: DeviceDb;
  constructor(name = 'tongxin-device') {
    this.db = new DeviceDb(name);
  }

  async getSettings(): Promise<DeviceSettings> {
    // A read-only transaction first: read-write ones on the same table run one after another, and
    // the boot asks for the settings from several places at once while reading the keys (issue 19: cold start).
    const row = await this.db.kv.get('settings');
    if (row) return { ...DEFAULTS, ...(row.value as DeviceSettings) };
    return this.db.transaction('rw', this.db.kv, async () => {
      const row = await this.db.kv.get('settings');
      if (row) return { ...DEFAULTS, ...(row.value as DeviceSettings) };
      // First start on this device: give it a stable id that documents carry as `deviceId`.
      const fresh: DeviceSettings = { deviceId: `kiosk-${newUlid().toLowerCase()}`, ...DEFAULTS };
      await this.db.kv.put({ key: 'settings', value: fresh });
      return fresh;
    });
  }

  async saveSettings(patch: Partial<Omit<DeviceSettings, 'deviceId'>>): Promise<DeviceSettings> {
    const current = await this.getSettings();
    const next = { ...current, ...patch };
    await this.db.kv.put({ key: 'settings', value: next });
    return next;
  }

  async appendAudit(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void> {
    await this.db.audit.add({ ...entry, at: entry.at ?? new Date().toISOString() });
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.audit.orderBy('id').reverse().limit(limit).toArray();
    return rows.map(({ at, staffId, action, detail }) => ({ at, staffId, action, detail }));
  }

  async appendConflict(entry: Omit<ConflictLogEntry, 'id' | 'reviewedAt' | 'reviewedBy'>): Promise<void> {
    await this.db.conflicts.add({ ...entry, reviewedAt: null, reviewedBy: null });
  }

  async listConflicts(limit: number, all = false): Promise<ConflictLogEntry[]> {
    const rows = await this.db.conflicts
      .orderBy('id')
      .reverse()
      .filter((r) => all || r.reviewedAt === null)
      .limit(limit)
      .toArray();
    return rows as ConflictLogEntry[];
  }

  async markConflictReviewed(id: number, staffId: string | null): Promise<void> {
    await this.db.conflicts.update(id, { reviewedAt: new Date().toISOString(), reviewedBy: staffId });
  }

  async appendKioskAlert(entry: Pick<KioskAlert, 'at' | 'kind' | 'childId'>): Promise<void> {
    await this.db.alerts.add({ ...entry, resolvedAt: null, resolvedBy: null });
  }

  async listKioskAlerts(): Promise<KioskAlert[]> {
    return (await this.db.alerts.orderBy('id').filter((r) => r.resolvedAt === null).toArray()) as KioskAlert[];
  }

  async resolveKioskAlert(id: number, staffId: string | null): Promise<void> {
    await this.db.alerts.update(id, { resolvedAt: new Date().toISOString(), resolvedBy: staffId });
  }

  async getPinAttempts(): Promise<PinAttempts> {
    const row = await this.db.kv.get('pinAttempts');
    return (row?.value as PinAttempts | undefined) ?? { failures: 0, lastFailureAt: null };
  }

  async savePinAttempts(state: PinAttempts): Promise<void> {
    await this.db.kv.put({ key: 'pinAttempts', value: state });
  }

  async getSecret(key: string): Promise<string | null> {
    const row = await this.db.kv.get(`secret:${key}`);
    return typeof row?.value === 'string' ? row.value : null;
  }

  async setSecret(key: string, value: string | null): Promise<void> {
    if (value === null) await this.db.kv.delete(`secret:${key}`);
    else await this.db.kv.put({ key: `secret:${key}`, value });
  }
}
