import { describe, expect, it } from 'vitest';
import { createCenter, validateSetup, type SetupInput } from './setupCenter';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { MemoryDeviceStore } from '../../storage/memory/MemoryDeviceStore';
import { verifyPin } from '@/domain/pin';

const good: SetupInput = { name: '青山村儿童之家', county: '云溪县', township: '石桥镇', village: '青山村', centerCode: '', locale: 'zh-CN', adminName: '陈老师', pin: '2580', pinAgain: '2580' };

describe('setup validation', () => {
  it('accepts a complete form', () => expect(validateSetup(good)).toEqual({}));
  it('names each problem', () => {
    expect(validateSetup({ ...good, name: ' ', county: '' })).toEqual({ name: 'nameRequired', county: 'countyRequired' });
    expect(validateSetup({ ...good, pin: '12' }).pin).toBe('pinFormat');
    expect(validateSetup({ ...good, pin: '1234', pinAgain: '1234' }).pin).toBe('pinGuessable');
    expect(validateSetup({ ...good, pinAgain: '2581' }).pinAgain).toBe('pinMismatch');
    expect(validateSetup({ ...good, centerCode: 'Qing Shan' }).centerCode).toBe('codeFormat');
  });
});

describe('createCenter', () => {
  it('writes the center and an admin whose PIN verifies, and binds the device', async () => {
    const docs = new MemoryDocStore();
    const device = new MemoryDeviceStore();
    const center = await createCenter({ docs, device, deviceId: 'k1', now: () => new Date('2026-11-29T08:00:00Z') }, { ...good, centerCode: 'qingshan' });
    expect(center._id).toBe('center:qingshan');
    const staff = await docs.list('staff', 'staff:');
    expect(staff).toHaveLength(1);
    expect(staff[0]?.role).toBe('admin');
    expect(await verifyPin('2580', staff[0]!.pin)).toBe(true);
    expect(device.settings.centerId).toBe('qingshan');
  });
  it('refuses invalid input without writing', async () => {
    const docs = new MemoryDocStore();
    await expect(createCenter({ docs, device: new MemoryDeviceStore(), deviceId: 'k1', now: () => new Date() }, { ...good, pin: '1' })).rejects.toThrow();
    expect(await docs.count()).toBe(0);
  });
});
