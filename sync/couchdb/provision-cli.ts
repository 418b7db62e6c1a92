/** `npm run provision -- <county file>`: see provision.ts. Prints what it created, left unchanged, and any error in words. */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { parseCountyFile, provision } from './provision';
import { adminWorks } from './localServer';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run provision -- <county file.json>   (admin password from TONGXIN_ADMIN_PASSWORD or a prompt)');
  process.exit(2);
}
let county;
try {
  county = parseCountyFile(await readFile(file, 'utf8'));
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
const username = process.env.TONGXIN_ADMIN_USER ?? 'admin';
let password = process.env.TONGXIN_ADMIN_PASSWORD ?? '';
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  password = (await rl.question(`Password of ${username} on ${county.server}: `)).trim();
  rl.close();
}
const admin = { base: county.server.replace(/\/+$/, ''), username, password };
try {
  if (!(await adminWorks(admin))) {
    console.error(`Cannot sign in to ${admin.base} as ${username}: wrong password, or not an administrator.`);
    process.exit(1);
  }
} catch (e) {
  console.error(`Cannot reach ${admin.base}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
const report = await provision(admin, county);
for (const s of report.steps) console.log(`${s.outcome.padEnd(9)} ${s.what}`);
if (report.credentials.length) {
  console.log('\nNew accounts — passwords are shown only now:');
  for (const c of report.credentials) console.log(`  ${c.user.padEnd(20)} ${c.password}   (${c.for})`);
}
for (const e of report.errors) console.error(`error     ${e}`);
process.exit(report.errors.length ? 1 : 0);
