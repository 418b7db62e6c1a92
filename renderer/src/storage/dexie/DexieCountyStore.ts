/**
 * CountyStore over Dexie: a coordinator device's account settings and the
 * last dashboard results (view rows: counts, never documents or names), kept
 * apart from the kiosk's device database so a coordinator device holds nothing
 * of a center.
 */
import Dexie, { type Table } from './dexie';
import type { CoordinatorSettings, CountyStore } from '../ports';

interface KeyValue {
  key: string;
  value: unknown;
}

class CountyDb extends Dexie {
  kv!: Table<KeyValue, string>;
  cache!: Table<KeyValue, string>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ kv: 'key', cache: 'key' });
  }
}

export class DexieCountyStore implements CountyStore {
  private readonly db: CountyDb;
  constructor(name = 'tongxin-county') {
    this.db = new CountyDb(name);
  }
  async getCoordinator(): Promise<CoordinatorSettings | null> {
    return ((await this.db.kv.get('coordinator'))?.value as CoordinatorSettings | undefined) ?? null;
  }
  async saveCoordinator(settings: CoordinatorSettings | null): Promise<void> {
    if (settings) await this.db.kv.put({ key: 'coordinator', value: settings });
    else await this.db.kv.delete('coordinator');
  }
  async getCached<T>(key: string): Promise<T | null> {
    return ((await this.db.cache.get(key))?.value as T | undefined) ?? null;
  }
  async setCached(key: string, value: unknown): Promise<void> {
    await this.db.cache.put({ key, value });
  }
  async clearCache(): Promise<void> {
    await this.db.cache.clear();
  }
}
