// @vitest-environment happy-dom
// The replication controller and the browser's own word on the network: the
// `offline` event makes the state offline at once, and nothing is tried while
// the browser says it is offline. Needs no server: the address is never reached.
import { afterEach, describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { classifyError, isLockout, ReplicationController } from './replication';

PouchDB.plugin(MemoryAdapter);
const online = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(navigator), 'onLine');
afterEach(() => {
  if (online) Object.defineProperty(navigator, 'onLine', { ...online, configurable: true });
  Reflect.deleteProperty(navigator, 'onLine');
});
const make = () =>
  new ReplicationController({ local: new PouchDB(`k-${Math.random()}`, { adapter: 'memory' }), PouchDB, url: 'http://127.0.0.1:9/center_qingshan', username: 'sync-qingshan', password: 'x' });

describe('replication controller', () => {
  it('goes offline at once on the browser’s offline event, and says so while it lasts', async () => {
    const c = make();
    c.start();
    window.dispatchEvent(new Event('offline'));
    expect(c.current.state).toBe('offline');
    expect(c.current.lastError?.kind).toBe('unreachable');
    await c.stop();
  });

  it('tries nothing while the browser says it is offline', async () => {
    Object.defineProperty(navigator, 'onLine', { get: () => false, configurable: true });
    const c = make();
    c.start();
    expect(c.current.state).toBe('offline');
    await new Promise((r) => setTimeout(r, 200));
    expect(c.current.state).toBe('offline');
    await c.stop();
  });

  it('tells CouchDB 3.4’s lockout from a wrong password and from a refused database', () => {
    const reason = 'Account is temporarily locked due to multiple authentication failures';
    expect(isLockout(403, reason)).toBe(true);
    expect(isLockout(401, reason)).toBe(false);
    expect(classifyError({ status: 403, name: 'forbidden', reason }).kind).toBe('locked');
    expect(classifyError({ status: 403, name: 'forbidden', reason: 'You are not allowed to access this db.' }).kind).toBe('forbidden');
    expect(classifyError({ status: 401, name: 'unauthorized', reason: 'Name or password is incorrect.' }).kind).toBe('wrong-password');
  });
});
