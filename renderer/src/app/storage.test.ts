import { describe, expect, it, vi } from 'vitest';
import { createStorageState, storageLevel, type StorageEnv } from './storage';

const MB = 1024 * 1024;

describe('storage levels', () => {
  it('names the level from what is free, in bytes and as a share of the quota', () => {
    expect(storageLevel(1_000 * MB, 10_000 * MB, false)).toBe('ok');
    expect(storageLevel(9_600 * MB, 10_000 * MB, false)).toBe('critical'); // 400 MB free but < 5 %
    expect(storageLevel(100 * MB, 500 * MB, false)).toBe('low'); // 400 MB free
    expect(storageLevel(450 * MB, 500 * MB, false)).toBe('critical'); // 50 MB free
    expect(storageLevel(null, null, false)).toBe('unknown');
    expect(storageLevel(1 * MB, 10_000 * MB, true)).toBe('full'); // a refused write outweighs the estimate
  });
});

describe('watching storage', () => {
  it('says full at once when a write is refused, and recovers by itself when a trial write succeeds again', async () => {
    vi.useFakeTimers();
    let room = false;
    const env: StorageEnv = {
      estimate: async () => ({ usage: 10 * MB, quota: 10_000 * MB }),
      persist: async () => true,
      trialWrite: async () => room,
    };
    const state = createStorageState(env);
    await state.refresh();
    expect(state.status.value.level).toBe('ok');
    state.reportWriteRefused();
    expect(state.status.value.level).toBe('full');
    await vi.advanceTimersByTimeAsync(6_000);
    expect(state.status.value.level).toBe('full'); // still no room
    room = true;
    await vi.advanceTimersByTimeAsync(6_000);
    expect(state.status.value.level).toBe('ok');
    expect(state.status.value.persisted).toBe(true);
    state.stop();
    vi.useRealTimers();
  });
});

describe('recovering', () => {
  it('tells whoever asked when space is back, once per refusal', async () => {
    vi.useFakeTimers();
    let room = false;
    const state = createStorageState({ estimate: async () => null, persist: async () => null, trialWrite: async () => room });
    let recoveries = 0;
    state.onRecovered(() => recoveries++);
    expect(await state.isOutOfSpace()).toBe(true);
    state.reportWriteRefused();
    await vi.advanceTimersByTimeAsync(6_000);
    expect(recoveries).toBe(0);
    room = true;
    await vi.advanceTimersByTimeAsync(6_000);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(recoveries).toBe(1);
    expect(state.status.value.level).toBe('unknown');
    state.stop();
    vi.useRealTimers();
  });
});
