import { describe, expect, it } from 'vitest';
import { openedFileFromArgv, openedFileKind } from './openedFile';

describe('a Tongxin file opened from the file manager', () => {
  it('is found on the command line as an absolute path of a .tongxin or .tongxin-backup file', () => {
    expect(openedFileFromArgv(['/opt/Tongxin/tongxin', '--kiosk', '/media/usb/tongxin-qingshan-202611291000.tongxin'])).toBe('/media/usb/tongxin-qingshan-202611291000.tongxin');
    expect(openedFileFromArgv(['C:\\Program Files\\Tongxin\\Tongxin.exe', 'E:\\备份\\tongxin-qingshan-20261129100000-daily.TONGXIN-BACKUP'].map((a) => a.replace(/\\/g, '/').replace(/^([A-Z]):/, '/$1')))).toMatch(/daily\.TONGXIN-BACKUP$/);
    expect(openedFileFromArgv(['/opt/Tongxin/tongxin'])).toBeNull();
    expect(openedFileFromArgv(['/opt/Tongxin/tongxin', 'relative.tongxin'])).toBeNull();
    expect(openedFileFromArgv(['/opt/Tongxin/tongxin', '--file=/tmp/x.tongxin'])).toBeNull();
    expect(openedFileFromArgv(['/opt/Tongxin/tongxin', '/home/a/report.pdf'])).toBeNull();
    // The program itself is never taken for the file.
    expect(openedFileFromArgv(['/weird/name.tongxin'])).toBeNull();
  });

  it('tells a bundle from a backup by its extension', () => {
    expect(openedFileKind('/a/b.tongxin')).toBe('bundle');
    expect(openedFileKind('/a/b.tongxin-backup')).toBe('backup');
    expect(openedFileKind('/a/b.tongxin.exe')).toBeNull();
  });
});
