/**
 * County IT's provisioning commands (see provision.ts):
 *   npm run provision -- <county file> [--move-replication] [--via <url>]
 *   npm run provision -- add-kiosk <county file> <center>
 *   npm run provision -- reset-account <county file> <account>
 * The admin password comes from TONGXIN_ADMIN_PASSWORD (user: TONGXIN_ADMIN_USER,
 * default "admin") or a prompt. `--via` talks to another address than the file's
 * `server` (one node of a cluster, say); the replication documents do not change.
 * Prints what it created, changed, left unchanged and checked, and any error in words.
 */
import { addKioskAccount, provision, resetAccount, type Credential } from './provision';
import { readCountyFileOrExit, signInAdminOrExit } from './cliAdmin';

const USAGE = `usage: npm run provision -- <county file.json> [--move-replication] [--via <url>]
       npm run provision -- add-kiosk <county file.json> <center id>
       npm run provision -- reset-account <county file.json> <account>
(admin password from TONGXIN_ADMIN_PASSWORD or a prompt)`;

const LOCKOUT_HELP = `A kiosk account that signed in wrongly too often is locked on CouchDB 3.4 (5 failures from one
address lock it for 5 minutes, [chttpd_auth_lockout] threshold and max_lifetime). It ends by itself;
to end it now, or for a forgotten password: npm run provision -- reset-account <county file> <account>,
then enter the new password in 设置 → 同步 on that kiosk. Give each kiosk its own account
(npm run provision -- add-kiosk <county file> <center>) so one kiosk's wrong password locks only itself.`;

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
};
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const moveReplication = flag('move-replication');
const via = option('via');
const command = args[0] === 'add-kiosk' || args[0] === 'reset-account' ? args.shift()! : 'provision';
const file = args[0];
if (!file || (command !== 'provision' && !args[1])) {
  console.error(USAGE);
  process.exit(2);
}
const county = await readCountyFileOrExit(file);
const admin = await signInAdminOrExit(county, via);

const printCredentials = (list: readonly Credential[]) => {
  if (!list.length) return;
  console.log('\nNew passwords — shown only now:');
  for (const c of list) console.log(`  ${c.user.padEnd(22)} ${c.password}   (${c.for})`);
};

if (command !== 'provision') {
  try {
    const cred = command === 'add-kiosk' ? await addKioskAccount(admin, county, args[1]!) : await resetAccount(admin, county, args[1]!);
    console.log(command === 'add-kiosk' ? `created   user ${cred.user}` : `updated   password of ${cred.user} (a lockout on it ends now)`);
    printCredentials([cred]);
    process.exit(0);
  } catch (e) {
    console.error(`error     ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

const report = await provision(admin, county, { moveReplication });
for (const s of report.steps) console.log(`${s.outcome.padEnd(9)} ${s.what}`);
for (const c of report.checks) console.log(`checked   ${c}`);
printCredentials(report.credentials);
for (const e of report.errors) console.error(`error     ${e}`);
console.log(`\n${LOCKOUT_HELP}\nReplication state per center: npm run county-status -- ${file}`);
process.exit(report.errors.length ? 1 : 0);
