import { describe, expect, it } from 'vitest';
import { syncAddressProblem } from './syncAddress';

describe('the sync server address', () => {
  it('is refused in words when it is not an address, before any connection is tried', () => {
    expect(syncAddressProblem('county server')).toBe('not-an-address');
    expect(syncAddressProblem('县服务器')).toBe('not-an-address');
    expect(syncAddressProblem('ftp://county.example')).toBe('not-an-address');
    expect(syncAddressProblem('county.example:6984')).toBe('no-scheme');
    expect(syncAddressProblem('  ')).toBe('empty');
    expect(syncAddressProblem('https://county.example:6984')).toBeNull();
    expect(syncAddressProblem('http://127.0.0.1:5984/')).toBeNull();
  });
});
