// @vitest-environment happy-dom
/**
 * Dexie turns its debug mode on by itself on a page served from localhost — as the kiosk is in
 * its Chromium fallback. The app's Dexie never runs in debug mode (storage/dexie/dexie.ts).
 */
import { expect, it } from 'vitest';
import Dexie from 'dexie';
import { DexieDeviceStore } from './DexieDeviceStore';

it('the stores use Dexie without its debug mode, even on a page served from localhost', () => {
  expect(location.hostname).toBe('localhost');
  expect(DexieDeviceStore).toBeTypeOf('function');
  expect(Dexie.debug).toBe(false);
});
