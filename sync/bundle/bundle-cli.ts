/**
 * At the county office: `npm run bundle -- inspect <file>` shows what a
 * bundle says about itself (no passphrase needed); `npm run bundle -- import
 * <file> --server <url>` opens it with the county passphrase
 * (TONGXIN_BUNDLE_PASSPHRASE or a prompt) and merges it into that center's
 * database on the county server, as replication would (admin account:
 * TONGXIN_ADMIN_USER, default admin, and TONGXIN_ADMIN_PASSWORD or a prompt).
 * The server's validate_doc_update checks every document, as for live sync.
 * Importing the same file twice writes nothing the second time.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import { BundleError, openBundle, planImport, importBundle, readBundleHeader } from './bundle';
import { centerDbUrl } from '../client/replication';

const USAGE = 'usage: npm run bundle -- inspect <file.tongxin>\n       npm run bundle -- import <file.tongxin> --server <county server URL>';

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = (await rl.question(question)).trim();
  rl.close();
  return answer;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const [command, file] = process.argv.slice(2);
const serverAt = process.argv.indexOf('--server');
const server = serverAt > 0 ? process.argv[serverAt + 1] : undefined;
if (!file || (command !== 'inspect' && command !== 'import') || (command === 'import' && !server)) {
  console.error(USAGE);
  process.exit(2);
}

let text: string;
try {
  text = await readFile(file, 'utf8');
} catch (e) {
  fail(`Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
}

try {
  const { header } = readBundleHeader(text);
  console.log(`center     ${header.centerId}\nexported   ${header.createdAt} by ${header.deviceId}\nscope      ${JSON.stringify(header.scope)}\ndocuments  ${header.docCount}`);
  if (command === 'inspect') process.exit(0);

  const passphrase = process.env.TONGXIN_BUNDLE_PASSPHRASE ?? (await ask('County transfer passphrase: '));
  const { docs } = await openBundle(text, passphrase);
  const username = process.env.TONGXIN_ADMIN_USER ?? 'admin';
  const password = process.env.TONGXIN_ADMIN_PASSWORD ?? (await ask(`Password of ${username} on ${server}: `));
  const remote = new PouchDB(centerDbUrl(server!, header.centerId), { skip_setup: true, auth: { username, password } } as object);
  const plan = await planImport(remote, docs);
  console.log(`new        ${plan.newRecords}\nupdates    ${plan.incoming.length - plan.newRecords}\nalready    ${plan.alreadyHere}`);
  const { written } = await importBundle(remote, docs);
  console.log(`imported   ${written.length} into center_${header.centerId}`);
} catch (e) {
  if (e instanceof BundleError) fail(`Refused: ${e.message}. Nothing was imported.`);
  const err = e as { status?: number; message?: string; reason?: string };
  if (err.status === 401) fail('Wrong administrator name or password.');
  if (err.status === 404) fail('The county server has no database for this center: run `npm run provision` with this center in the county file first.');
  fail(`Import stopped: ${err.reason ?? err.message ?? String(e)}. What was written before the error stays; importing again completes it.`);
}
