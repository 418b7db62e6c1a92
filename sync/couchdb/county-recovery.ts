/**
 * `npm run county-recovery -- …`: the county recovery key for county IT (issue 14; the model
 * is in sync/crypto/escrow.ts).
 *
 *   generate --out <file>                       offline, no server: makes the key pair, writes the
 *                                               private half to <file> (for a USB stick; print it
 *                                               for paper), prints the public half's file and the
 *                                               fingerprint
 *   publish <county file> --public <file>       puts the public half into every center database
 *   restore <county file> --center <id> --private <file>
 *                                               opens the center's escrow and prints a fresh
 *                                               recovery code for the center
 *
 * The admin password comes from TONGXIN_ADMIN_PASSWORD or a prompt (cliAdmin.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { readCountyFileOrExit, signInAdminOrExit } from './cliAdmin';
import { generateCountyRecoveryKey, EscrowKeyError } from '../crypto/escrow';
import { publishCountyRecoveryKey, restoreCenterFromEscrow, RestoreRefused } from './countyRecovery';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const usage = () => {
  console.error(
    'usage:\n  npm run county-recovery -- generate --out <private key file>\n  npm run county-recovery -- publish <county file.json> --public <public key file> [--via <url>]\n  npm run county-recovery -- restore <county file.json> --center <center id> --private <private key file> [--via <url>]',
  );
  process.exit(2);
};
const readKeyFile = async (file: string, what: string) => {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter((l) => l && !l.startsWith('#')).join('').trim();
  } catch (e) {
    console.error(`Cannot read the ${what} file ${file}: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
};

const command = args.shift();
if (command === 'generate') {
  const out = option('--out');
  if (!out) usage();
  const pair = await generateCountyRecoveryKey();
  const comment = `# Tongxin county recovery key (RSA-OAEP-3072), fingerprint ${pair.fingerprint}, made ${new Date().toISOString()}\n`;
  await writeFile(out!, `${comment}# PRIVATE: keep offline (USB stick in a safe, or printed). Never copy it to the server.\n${pair.privateKey.match(/.{1,64}/g)!.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
  await writeFile(`${out}.public`, `${comment}${pair.publicKey.match(/.{1,64}/g)!.join('\n')}\n`, { flag: 'wx' });
  console.log(`Private half written to ${out} (keep it offline). Public half: ${out}.public`);
  console.log(`Fingerprint: ${pair.fingerprint} — write it down; kiosks show the fingerprint of the key they escrow to.`);
} else if (command === 'publish' || command === 'restore') {
  const via = option('--via');
  const publicFile = option('--public');
  const center = option('--center');
  const privateFile = option('--private');
  const file = args[0];
  if (!file || (command === 'publish' && !publicFile) || (command === 'restore' && (!center || !privateFile))) usage();
  const county = await readCountyFileOrExit(file!);
  if (command === 'restore' && !county.centers.some((c) => c.id === center)) {
    console.error(`Center ${center} is not in ${file}.`);
    process.exit(1);
  }
  const keyText = await readKeyFile((command === 'publish' ? publicFile : privateFile)!, command === 'publish' ? 'public key' : 'private key');
  const admin = await signInAdminOrExit(county, via);
  try {
    if (command === 'publish') {
      const r = await publishCountyRecoveryKey(admin, county.centers.map((c) => c.id), keyText);
      console.log(`County recovery key ${r.fingerprint}: written for ${r.written.length} center(s)${r.already.length ? `, already there for ${r.already.join(', ')}` : ''}. Kiosks escrow their key at their next sync.`);
    } else {
      const r = await restoreCenterFromEscrow(admin, center!, keyText);
      console.log(`New recovery code for center ${center} (key ${r.keyId}):\n\n    ${r.code}\n\nGive it to the center on paper; a new kiosk types it when it joins. The center's old paper code no longer opens the key.`);
    }
  } catch (e) {
    if (e instanceof EscrowKeyError || e instanceof RestoreRefused) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
} else usage();
