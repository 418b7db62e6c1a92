// Which page instance shows an address: a new one for every other record, the same one
// when a page that keeps its filters in the query changes them (the county dashboard).
import { describe, expect, it } from 'vitest';
import { pageKey } from './pageKey';

describe('pageKey', () => {
  it('gives another record another page', () => {
    expect(pageKey({ path: '/staff/children/A', fullPath: '/staff/children/A', meta: {} })).not.toBe(pageKey({ path: '/staff/children/B', fullPath: '/staff/children/B', meta: {} }));
    expect(pageKey({ path: '/staff/x', fullPath: '/staff/x?child=A', meta: {} })).not.toBe(pageKey({ path: '/staff/x', fullPath: '/staff/x?child=B', meta: {} }));
  });
  it('keeps the county dashboard when only its filters in the query change', () => {
    const at = (q: string) => ({ path: '/county', fullPath: `/county?${q}`, meta: { coordinator: true, queryIsView: true } });
    expect(pageKey(at('period=2026-11'))).toBe(pageKey(at('period=2026-11&township=%E7%9F%B3%E6%A1%A5%E9%95%87')));
  });
});
