/**
 * What the composition root (main.ts) hands to features: storage ports, the
 * OS bridge, a clock, and the app-wide reactive state (the center, the staff
 * session). Features get them with useServices(); tests build them with fakes.
 */
import { inject, type InjectionKey } from 'vue';
import type { TongxinBridge } from '../../../electron/contract';
import type { DeviceStore, DocStore, InvalidStoredDoc } from '../storage/ports';
import type { CenterState } from './center';
import type { RosterState } from './roster';
import type { SyncState } from './sync';
import type { StorageState } from './storage';
import type { BackupService } from './backups';
import type { StaffSession } from '../features/staff/staffSession';
import type { CountyState } from '../features/county/countyState';
import type { KeyState } from './centerKey';
import type { NewerDocsState } from './newerDocs';

export interface AppServices {
  readonly docs: DocStore;
  /** The center database itself, for work at the replication level (sync, bundles); features read and write through `docs`. */
  readonly centerDb: PouchDB.Database;
  readonly device: DeviceStore;
  readonly bridge: TongxinBridge;
  readonly deviceId: string;
  /** The device clock; injectable so tests can pin "today". */
  readonly now: () => Date;
  readonly center: CenterState;
  readonly session: StaffSession;
  readonly roster: RosterState;
  readonly sync: SyncState;
  /** The device's storage: level, usage, whether the browser keeps the data (app/storage.ts). */
  readonly storage: StorageState;
  /** Automatic encrypted backups and restore (app/backups.ts, issue 13). */
  readonly backups: BackupService;
  /** Coordinator mode (issue 9): a device with no center that reads the county's views. */
  readonly county: CountyState;
  /** The center key on this kiosk (issue 14): status, recovery, migration, rotation. Optional so tests of other parts need no key. */
  readonly keys?: KeyState;
  /** Documents written by a newer app version, kept unchanged here (app/newerDocs.ts). Optional so tests of other parts need none. */
  readonly newerDocs?: NewerDocsState;
  /** Documents that failed their schema when read (listed for the admin). */
  readonly invalidDocs: InvalidStoredDoc[];
}

export const SERVICES: InjectionKey<AppServices> = Symbol('services');

export function useServices(): AppServices {
  const s = inject(SERVICES);
  if (!s) throw new Error('useServices() called outside the app');
  return s;
}
