// The Content-Security-Policy of every response that carries the renderer: Electron's
// app:// protocol (main/security.ts) and the loopback server (static-server.mjs).
// `connect-src` allows http(s) because the county server's address is set at run time.
// renderer/index.html repeats it in a <meta> tag (minus frame-ancestors, which a meta
// tag cannot carry); electron/main/security.test.ts checks the two agree.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' http: https:",
  "media-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
