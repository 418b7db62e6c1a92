/**
 * A loopback HTTP server in front of the trial server that can stand in for
 * answers the trial server never gives ("stand-in" for CouchDB 3 behaviour):
 *
 *   pass     forwards every request to the trial server unchanged
 *   lockout  answers every request as CouchDB 3.4 does while an account is
 *            locked after 5 failed logins — 403 {"error":"forbidden","reason":
 *            "Account is temporarily locked due to multiple authentication
 *            failures"} — on `_session` and on the database alike, whatever
 *            the password; requests without credentials pass
 *   error    answers every request with 500 (a server that refuses exchanges)
 *   drop     closes every connection without an answer (a dead link)
 *
 * Apart from the mode, `hold` keeps requests whose path matches it waiting,
 * unanswered, until `release()` (a slow link for one kind of request).
 */
import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

export type GateMode = 'pass' | 'lockout' | 'error' | 'drop';

export interface Gate {
  readonly base: string;
  mode: GateMode;
  /** Requests that arrived, per mode they met. */
  readonly seen: Record<GateMode, number>;
  /** Every request that arrived, as "METHOD /path" (without the query). */
  readonly requests: string[];
  /** Requests whose path (without the query) matches wait until release(). */
  hold: RegExp | null;
  /** Lets the held requests through, and stops holding. */
  release(): void;
  close(): Promise<void>;
}

export const LOCKOUT_BODY = { error: 'forbidden', reason: 'Account is temporarily locked due to multiple authentication failures' };

export async function startGate(target: string): Promise<Gate> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  const held: (() => void)[] = [];
  const gate: Gate = {
    base: '',
    mode: 'pass',
    seen: { pass: 0, lockout: 0, error: 0, drop: 0 },
    requests: [],
    hold: null,
    release: () => {
      gate.hold = null;
      for (const go of held.splice(0)) go();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const answer = (res: import('node:http').ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'must-revalidate', Server: 'CouchDB/3.4.3 (Erlang OTP/26)', Date: new Date().toUTCString() });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    const mode = gate.mode;
    gate.seen[mode]++;
    gate.requests.push(`${req.method} ${(req.url ?? '').split('?')[0]}`);
    if (mode === 'drop') return req.socket.destroy();
    // The lock is on the account: requests without credentials (the welcome at `/`) pass as usual.
    if (mode === 'lockout' && (req.headers.authorization || req.url?.startsWith('/_session'))) return void req.resume().on('end', () => answer(res, 403, LOCKOUT_BODY));
    if (mode === 'error') return void req.resume().on('end', () => answer(res, 500, { error: 'internal_server_error', reason: 'stand-in failure' }));
    if (gate.hold?.test((req.url ?? '').split('?')[0] ?? '')) {
      req.pause();
      held.push(() => forward(req, res));
      return;
    }
    forward(req, res);
  });
  const forward = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const up = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
    req.resume();
  };
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (gate as { base: string }).base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return gate;
}
