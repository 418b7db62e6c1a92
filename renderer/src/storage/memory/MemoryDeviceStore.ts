/** In-memory DeviceStore for unit tests of features. */
import type { AuditEntry, ConflictLogEntry, DeviceSettings, DeviceStore, KioskAlert, PinAttempts } from '../ports';

export class MemoryDeviceStore implements DeviceStore {
  settings: DeviceSettings = { deviceId: 'kiosk-test', centerId: null, locale: 'zh-CN', kioskFullscreen: false, startAtLogin: false, readAloud: false, syncUrl: null, syncUser: null, waitingSound: false };
  audit: AuditEntry[] = [];
  attempts: PinAttempts = { failures: 0, lastFailureAt: null };
  secrets = new Map<string, string>();

  async getSettings() {
    return this.settings;
  }
  async saveSettings(patch: Partial<Omit<DeviceSettings, 'deviceId'>>) {
    this.settings = { ...this.settings, ...patch };
    return this.settings;
  }
  async appendAudit(entry: Omit<AuditEntry, 'at'> & { at?: string }) {
    this.audit.push({ ...entry, at: entry.at ?? new Date().toISOString() });
  }
  async listAudit(limit: number) {
    return [...this.audit].reverse().slice(0, limit);
  }
  conflicts: ConflictLogEntry[] = [];
  async appendConflict(entry: Omit<ConflictLogEntry, 'id' | 'reviewedAt' | 'reviewedBy'>) {
    this.conflicts.push({ ...entry, id: this.conflicts.length + 1, reviewedAt: null, reviewedBy: null });
  }
  async listConflicts(limit: number, all = false) {
    return [...this.conflicts].reverse().filter((c) => all || c.reviewedAt === null).slice(0, limit);
  }
  async markConflictReviewed(id: number, staffId: string | null) {
    this.conflicts = this.conflicts.map((c) => (c.id === id ? { ...c, reviewedAt: new Date().toISOString(), reviewedBy: staffId } : c));
  }
  alerts: KioskAlert[] = [];
  async appendKioskAlert(entry: Pick<KioskAlert, 'at' | 'kind' | 'childId'>) {
    this.alerts.push({ ...entry, id: this.alerts.length + 1, resolvedAt: null, resolvedBy: null });
  }
  async listKioskAlerts() {
    return this.alerts.filter((a) => a.resolvedAt === null);
  }
  async resolveKioskAlert(id: number, staffId: string | null) {
    this.alerts = this.alerts.map((a) => (a.id === id ? { ...a, resolvedAt: new Date().toISOString(), resolvedBy: staffId } : a));
  }
  async getPinAttempts() {
    return this.attempts;
  }
  async savePinAttempts(state: PinAttempts) {
    this.attempts = state;
  }
  async getSecret(key: string) {
    return this.secrets.get(key) ?? null;
  }
  async setSecret(key: string, value: string | null) {
    if (value === null) this.secrets.delete(key);
    else this.secrets.set(key, value);
  }
}
