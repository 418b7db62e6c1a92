/**
 * A loopback TCP proxy in front of the test server that can cut connections
 * in the middle of a transfer: once armed, the next connection that carries
 * more than `afterBytes` in either direction is destroyed right there, as a
 * dropped mobile link would leave it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface CuttingProxy {
  readonly base: string;
  /** Cut the next connection that passes `afterBytes` bytes (either way). */
  arm(afterBytes: number): void;
  /** How many connections were cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startCuttingProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<CuttingProxy> {
  let armedAt: number | null = null;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    let bytes = 0;
    const pass = (from: Socket, to: Socket) =>
      from.on('data', (data: Buffer) => {
        const chunk = new Uint8Array(data);
        bytes += chunk.length;
        if (armedAt !== null && bytes > armedAt) {
          armedAt = null;
          cuts++;
          // Forward half of this chunk, then drop both sides mid-stream.
          to.write(chunk.subarray(0, chunk.length >> 1));
          client.destroy();
          upstream.destroy();
          return;
        }
        to.write(chunk);
      });
    pass(client, upstream);
    pass(upstream, client);
    const done = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', done).on('error', done);
    upstream.on('close', done).on('error', done);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    base: `http://127.0.0.1:${port}`,
    arm(afterBytes) {
      armedAt = afterBytes;
    },
    get cuts() {
      return cuts;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
