import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertBackupRef, assertWriteBackupRequest, InvalidArgumentError } from '../contract';
import { isFolder, listBackupFiles, readChosenFolder, saveChosenFolder, writeBackupFile } from './backups';

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(path.join(tmpdir(), 'tongxin-backups-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const name = (day: number, reason = 'daily') => `tongxin-qingshan-202611${String(day).padStart(2, '0')}080000-${reason}.tongxin-backup`;
const BODY = '{"format":"tongxin-backup","version":1}';

describe('backup files on disk', () => {
  it('writes into a new folder, keeps the newest N, lists newest first and leaves other files alone', async () => {
    const root = await tmp();
    const dir = path.join(root, 'backups');
    await writeFile(path.join(root, 'keep-me.txt'), 'x');
    for (let day = 1; day <= 5; day++) await writeBackupFile(dir, name(day), BODY, 3);
    await writeFile(path.join(dir, 'notes.txt'), 'not a backup');
    expect((await readdir(dir)).sort()).toEqual([name(3), name(4), name(5), 'notes.txt'].sort());
    const listed = await listBackupFiles(dir, 'data');
    expect(listed.map((e) => e.name)).toEqual([name(5), name(4), name(3)]);
    expect(listed[0]).toMatchObject({ place: 'data', size: BODY.length });
    expect(await readFile(path.join(dir, name(5)), 'utf8')).toBe(BODY);
    expect(await listBackupFiles(path.join(root, 'missing'), 'folder')).toEqual([]);
  });

  it('remembers the chosen folder and sees whether it is there (a stick pulled out)', async () => {
    const userData = await tmp();
    const stick = await tmp();
    expect(await readChosenFolder(userData)).toBeNull();
    await saveChosenFolder(userData, stick);
    expect(await readChosenFolder(userData)).toBe(stick);
    expect(await isFolder(stick)).toBe(true);
    await rm(stick, { recursive: true });
    expect(await isFolder(stick)).toBe(false);
    await writeFile(path.join(userData, 'backup-folder.json'), '{"folder":"relative/path"}');
    expect(await readChosenFolder(userData)).toBeNull();
  });

  it('main refuses a name with folders, another file type, content that is not a backup, or a wild keep count', () => {
    expect(() => assertBackupRef('data', '../credentials.json')).toThrow(InvalidArgumentError);
    expect(() => assertBackupRef('elsewhere', name(1))).toThrow(InvalidArgumentError);
    expect(() => assertBackupRef('folder', `../${name(1)}`)).toThrow(InvalidArgumentError);
    expect(() => assertBackupRef('folder', name(1))).not.toThrow();
    expect(() => assertWriteBackupRequest({ name: name(1), content: BODY, keep: 7 })).not.toThrow();
    expect(() => assertWriteBackupRequest({ name: name(1), content: 'rm -rf', keep: 7 })).toThrow(/backup/);
    expect(() => assertWriteBackupRequest({ name: name(1), content: BODY, keep: 0 })).toThrow(/keeps/);
    expect(() => assertWriteBackupRequest({ name: 'x.exe', content: BODY, keep: 7 })).toThrow(/name/);
  });
});
