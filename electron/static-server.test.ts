// The loopback server of the non-Electron shells (npm start in Chromium's app window, the e2e
// tests, the benches): the chunks the build names after their content are kept by the browser
// (and V8's code cache with them); index.html, which names the current chunks, is asked for
// every time and answered 304 when unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cacheControlFor, startStaticServer } from './static-server.mjs';

let root: string;
let server: Awaited<ReturnType<typeof startStaticServer>>;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'tongxin-static-'));
  await mkdir(path.join(root, 'assets'));
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(path.join(root, 'assets', 'KioskHome-CqVEQGAt.js'), 'export const a = 1;');
  await writeFile(path.join(root, 'assets', 'notes.js'), 'export const b = 2;');
  server = await startStaticServer(root, 0);
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('static server caching', () => {
  it('lets the browser keep content-named chunks and only those', () => {
    expect(cacheControlFor('assets/index-BkdcIAmI.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('renderer/assets/_plugin-vue_export-helper-DjkACiAr.js')).toContain('immutable');
    expect(cacheControlFor('assets/index-BCOZdIRF.css')).toContain('immutable');
    for (const rel of ['index.html', 'renderer/index.html', 'assets/notes.js', 'assets/sub/a-12345678.js', 'assets/a-1234567.js', 'app.js'])
      expect(cacheControlFor(rel), rel).toBe('no-cache');
  });

  it('serves a chunk as immutable and index.html with a validator, answered 304 when unchanged and 200 once changed', async () => {
    const chunk = await fetch(`${server.url}assets/KioskHome-CqVEQGAt.js`);
    expect(chunk.status).toBe(200);
    expect(chunk.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await chunk.text()).toBe('export const a = 1;');

    const first = await fetch(`${server.url}index.html`);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await fetch(`${server.url}index.html`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('content-security-policy')).toContain("default-src 'self'");

    // A new build rewrites index.html: a different size or time, so a different validator.
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>new build</title>');
    const changed = await fetch(`${server.url}index.html`, { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('new build');
  });
});
