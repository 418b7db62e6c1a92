// Serves the built renderer (dist/renderer) on loopback for the non-Electron
// shells: Chromium in app mode, a plain browser, and the end-to-end tests.
// Same CSP as Electron's app:// protocol. Plain JS so `npm start` needs no build of it.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';

export { CONTENT_SECURITY_POLICY as CSP } from './csp.mjs';
import { CONTENT_SECURITY_POLICY as CSP } from './csp.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/**
 * The build names every chunk after its content (`assets/KioskHome-CqVEQGAt.js`): such a file never
 * changes under its name, so the browser may keep it — and V8 the code compiled from it — without
 * asking again (issue 19: a cold start that does not fetch and compile 1 MB of code every morning).
 * Everything else (index.html, which names the chunks of the current build) is checked every time.
 * @param {string} rel path below the served folder
 * @returns {string} the Cache-Control header
 */
export function cacheControlFor(rel) {
  return /(?:^|\/)assets\/[^/]+-[A-Za-z0-9_-]{8}\.(?:js|css)$/.test(rel) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** A marker path that tells a second `npm start` the port already serves Tongxin. */
export const HEALTH_PATH = '/__tongxin';

/**
 * @param {string} root folder with index.html
 * @param {number} port 0 for any free port
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startStaticServer(root, port = 0, host = '127.0.0.1') {
  const absRoot = path.resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === HEALTH_PATH) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('tongxin');
        return;
      }
      const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
      const file = path.resolve(absRoot, rel);
      if (!file.startsWith(absRoot + path.sep)) {
        res.writeHead(404).end();
        return;
      }
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) {
        res.writeHead(404).end('not found');
        return;
      }
      const etag = `"${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}"`;
      const headers = {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'cache-control': cacheControlFor(rel),
        etag,
      };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers).end();
        return;
      }
      res.writeHead(200, headers);
      res.end(await readFile(file));
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${actualPort}/`,
    port: actualPort,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
