/** In-memory CountyStore for unit tests. */
import type { CoordinatorSettings, CountyStore } from '../ports';

export class MemoryCountyStore implements CountyStore {
  coordinator: CoordinatorSettings | null = null;
  readonly cache = new Map<string, unknown>();
  async getCoordinator() {
    return this.coordinator;
  }
  async saveCoordinator(settings: CoordinatorSettings | null) {
    this.coordinator = settings;
  }
  async getCached<T>(key: string): Promise<T | null> {
    return (structuredClone(this.cache.get(key)) as T | undefined) ?? null;
  }
  async setCached(key: string, value: unknown) {
    this.cache.set(key, structuredClone(value));
  }
  async clearCache() {
    this.cache.clear();
  }
}
