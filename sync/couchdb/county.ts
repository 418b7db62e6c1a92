/**
 * `npm run county [-- --port 5984] [-- --dir county-data]`: a CouchDB-compatible
 * county server on 127.0.0.1 for trying Tongxin on one PC. Data stays in the
 * folder; the admin password is generated and printed once, at the first start.
 * Then: `TONGXIN_ADMIN_PASSWORD=… npm run provision -- county.json`.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { generatePassword } from './admin';
import { createFirstAdmin, localServer, PortTakenError } from './localServer';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const port = Number(arg('port', '5984'));
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`--port needs a port number between 1 and 65535, not "${arg('port', '')}". Example: npm run county -- --port 5985`);
  process.exit(2);
}
const dir = path.resolve(arg('dir', 'county-data'));
const firstStart = !existsSync(path.join(dir, 'config.json'));
const server = localServer(dir, port, (code) => {
  console.error(`The county server stopped (exit code ${code}).`);
  process.exit(1);
});

try {
  await server.start();
} catch (e) {
  if (e instanceof PortTakenError) {
    console.error(`The county server did not start: ${e.message}.`);
    console.error(`Stop that program, or choose another port: npm run county -- --port ${port === 65535 ? 5985 : port + 1}`);
    console.error('(provisioning and kiosks then use that port in the server address).');
  } else console.error(`The county server did not start: ${e instanceof Error ? e.message : String(e)}`);
  await server.kill();
  process.exit(1);
}
console.log(`County server (trial) at ${server.base}/ — data in ${dir}`);
if (firstStart) {
  const password = generatePassword();
  if (await createFirstAdmin({ base: server.base, username: 'admin', password })) {
    console.log(`Administrator: admin   password: ${password}`);
    console.log('This password is shown only now. Keep it somewhere safe; provisioning needs it (TONGXIN_ADMIN_PASSWORD).');
  }
} else console.log('Administrator: admin (password from the first start).');
console.log('Ctrl+C stops the server.');
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, async () => {
    await server.kill();
    process.exit(0);
  });
