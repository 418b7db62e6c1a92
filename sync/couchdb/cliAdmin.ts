/**
 * The start shared by the county IT commands (provision-cli.ts, county-status.ts): read and
 * check the county file, ask for the administrator's password (TONGXIN_ADMIN_PASSWORD or a
 * prompt), and sign in — each failure said in one line, exit 1.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { parseCountyFile, type CountyFile } from './provision';
import { adminWorks } from './localServer';
import type { Admin } from './admin';

/** The county file, checked; exits 1 with the reason when it cannot be read or is not valid. */
export async function readCountyFileOrExit(file: string): Promise<CountyFile> {
  try {
    return parseCountyFile(await readFile(file, 'utf8'));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}

/** An administrator who can sign in at `via` or the county file's server; exits 1 when not. */
export async function signInAdminOrExit(county: CountyFile, via: string | undefined): Promise<Admin> {
  const username = process.env.TONGXIN_ADMIN_USER ?? 'admin';
  const base = (via ?? county.server).replace(/\/+$/, '');
  let password = process.env.TONGXIN_ADMIN_PASSWORD ?? '';
  if (!password) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    password = (await rl.question(`Password of ${username} on ${base}: `)).trim();
    rl.close();
  }
  const admin = { base, username, password };
  try {
    if (!(await adminWorks(admin))) {
      console.error(`Cannot sign in to ${base} as ${username}: wrong password, or not an administrator.`);
      process.exit(1);
    }
  } catch (e) {
    console.error(`Cannot reach ${base}: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  return admin;
}
