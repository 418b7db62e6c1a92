// @vitest-environment happy-dom
// The sync chip in words: the states a kiosk meets in the field, rendered as
// staff read them (issue 16 and issue 12's lockout).
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, nextTick, shallowRef } from 'vue';
import type { SyncStatus } from '@sync/client/replication';
import { createAppI18n } from '../i18n';
import { SERVICES, type AppServices } from '../app/services';
import SyncStatusChip from './SyncStatusChip.vue';

const base: SyncStatus = {
  state: 'idle', pendingUp: 0, pendingUpCapped: false, retryAt: null, lastSyncedAt: '2026-11-30T08:00:00.000Z', lastError: null, rejected: [], clockSkewMs: 0, batchSize: 500, firstPullDocs: null, firstPullProgress: null,
};
let host: HTMLElement | null = null;
afterEach(() => host?.remove());

async function chip(status: Partial<SyncStatus>, locale: 'zh-CN' | 'en' = 'zh-CN', history: { done: number; total: number | null } | null = null): Promise<string> {
  host = document.createElement('div');
  document.body.append(host);
  const app = createApp(SyncStatusChip);
  app.use(createAppI18n(locale));
  app.provide(SERVICES, { sync: { status: shallowRef<SyncStatus | null>({ ...base, ...status }), history: shallowRef(history) } } as unknown as AppServices);
  app.mount(host);
  await nextTick();
  return host.textContent ?? '';
}

describe('SyncStatusChip', () => {
  it('counts what waits exactly, with digit grouping, and says when there are more than it counts', async () => {
    expect(await chip({ state: 'active', pendingUp: 15_557 })).toContain('15,557 条待上传');
    expect(await chip({ state: 'active', pendingUp: 100_000, pendingUpCapped: true })).toContain('超过 100,000 条待上传');
    expect(await chip({ state: 'active', pendingUp: 15_557 }, 'en')).toContain('15,557 waiting to go up');
  });

  it('says "waiting for the server" when exchanges fail, and never 已同步 then', async () => {
    const text = await chip({ state: 'waiting', lastError: { kind: 'server', detail: 'HTTP 500' } });
    expect(text).toContain('等待服务器');
    expect(text).toContain('服务器出错');
    expect(text).not.toContain('已同步');
  });

  it('says a lockout in words, with when it retries', async () => {
    const text = await chip({ state: 'waiting', lastError: { kind: 'locked', detail: 'Account is temporarily locked due to multiple authentication failures' }, retryAt: '2026-11-30T08:05:15.000Z' });
    expect(text).toContain('同步账号因多次密码错误被服务器暂时锁定');
    expect(text).toContain('自动重试');
    expect(text).not.toMatch(/同步账号或密码不对|Account is temporarily/);
  });

  it('a refusal says when it tries again', async () => {
    const text = await chip({ state: 'denied', lastError: { kind: 'wrong-password', detail: 'HTTP 401' }, retryAt: '2026-11-30T08:30:00.000Z' });
    expect(text).toContain('同步账号或密码不对');
    expect(text).toContain('会再试一次');
  });

  it("shows a joined kiosk's history arriving as one line, and nothing once it is in", async () => {
    expect(await chip({ state: 'active' }, 'zh-CN', { done: 12_345, total: 273_000 })).toContain('正在下载历史记录：12,345 / 273,000');
    expect(await chip({ state: 'offline' }, 'en', { done: 10, total: null })).toContain('Downloading past records: 10 so far');
    expect(await chip({ state: 'idle' })).not.toMatch(/历史记录/);
  });
});
