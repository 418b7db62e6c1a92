import { describe, expect, it } from 'vitest';
import { compareVersions, CRASH_WINDOW_MS, dataVersionDecision, isKioskEscapeKey, parseDataVersion, rendererGoneAction, userDataDir, type KeyInput } from './lifecycle';

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ type: 'keyDown', key: k, control: false, alt: false, meta: false, shift: false, ...mods });

describe('data folder and upgrades', () => {
  it('keeps the data in a fixed folder whatever the product name', () => {
    expect(userDataDir('/home/a/.config')).toBe('/home/a/.config/tongxin');
  });

  it('compares versions as numbers', () => {
    expect(compareVersions('1.10.0', '1.9.3')).toBe(1);
    expect(compareVersions('0.2.0', '0.10.0')).toBe(-1);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
    expect(compareVersions('2.0.0-beta.1', '2.0.0')).toBe(0);
  });

  it('opens data of its own or an older version, and refuses data a newer version wrote', () => {
    expect(dataVersionDecision('0.2.0', null)).toBe('first-run');
    expect(dataVersionDecision('0.2.0', '0.2.0')).toBe('same');
    expect(dataVersionDecision('0.3.0', '0.2.0')).toBe('upgrade');
    expect(dataVersionDecision('0.2.0', '0.3.0')).toBe('refuse-downgrade');
  });

  it('reads the recorded version, and treats a damaged record as none', () => {
    expect(parseDataVersion('{"version":"0.3.1"}')).toBe('0.3.1');
    expect(parseDataVersion('{"version":"../../x"}')).toBeNull();
    expect(parseDataVersion('not json')).toBeNull();
    expect(parseDataVersion(null)).toBeNull();
  });
});

describe('kiosk mode', () => {
  it('swallows the keys that close, quit, reload or leave the window, only in kiosk mode', () => {
    for (const k of [key('F4', { alt: true }), key('w', { control: true }), key('q', { meta: true }), key('F11'), key('F12'), key('F5'), key('r', { control: true }), key('I', { control: true, shift: true }), key('n', { control: true })])
      expect(isKioskEscapeKey(k, true), JSON.stringify(k)).toBe(true);
    expect(isKioskEscapeKey(key('F4', { alt: true }), false)).toBe(false);
  });

  it('lets ordinary typing through (names, PINs, searches)', () => {
    for (const k of [key('a'), key('W', { shift: true }), key('4'), key('Backspace'), key('Enter'), key('Escape')]) expect(isKioskEscapeKey(k, true)).toBe(false);
    expect(isKioskEscapeKey({ ...key('w', { control: true }), type: 'keyUp' }, true)).toBe(false);
  });

  it('reloads a crashed page, but not forever', () => {
    const now = 1_000_000;
    expect(rendererGoneAction('clean-exit', now, [])).toBe('none');
    expect(rendererGoneAction('crashed', now, [])).toBe('reload');
    expect(rendererGoneAction('oom', now, [now - 10_000])).toBe('reload');
    expect(rendererGoneAction('crashed', now, [now - 20_000, now - 10_000])).toBe('give-up');
    expect(rendererGoneAction('crashed', now, [now - CRASH_WINDOW_MS - 1, now - CRASH_WINDOW_MS - 2])).toBe('reload');
  });
});
