import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { MemoryDeviceStore } from '../../storage/memory/MemoryDeviceStore';
import { createCenter } from '../setup/setupCenter';
import { addStaff, resetPin, saveCenterSettings, setStaffActive, setStaffRole, StaffChangeError } from './staffService';
import { verifyPin } from '@/domain/pin';

async function setup() {
  const docs = new MemoryDocStore();
  const device = new MemoryDeviceStore();
  const p = { docs, device, deviceId: 'k1', now: () => new Date('2026-11-30T09:00:00+08:00') };
  const center = await createCenter(p, { name: '青山', county: '云溪县', township: '', village: '', centerCode: 'qingshan', locale: 'zh-CN', adminName: '陈老师', pin: '2580', pinAgain: '2580' });
  const [admin] = await docs.list('staff', 'staff:');
  return { p, docs, device, center, admin: admin! };
}

describe('staff management', () => {
  it('adds staff with a hashed PIN and audits it', async () => {
    const { p, admin, device } = await setup();
    const v = await addStaff(p, 'qingshan', admin, { name: '小杨', role: 'volunteer', pin: '4826' });
    expect(await verifyPin('4826', v.pin)).toBe(true);
    expect(JSON.stringify(v)).not.toContain('4826');
    await expect(addStaff(p, 'qingshan', admin, { name: '小李', role: 'teacher', pin: '0000' })).rejects.toThrow(StaffChangeError);
    await expect(addStaff(p, 'qingshan', admin, { name: ' ', role: 'teacher', pin: '4826' })).rejects.toThrow('nameRequired');
    expect(device.audit.map((a) => a.action)).toEqual(['staff-add']);
  });

  it('resets a PIN so only the new one works', async () => {
    const { p, admin, docs } = await setup();
    const v = await addStaff(p, 'qingshan', admin, { name: '小杨', role: 'volunteer', pin: '4826' });
    await resetPin(p, admin, v, '7391');
    const after = await docs.get('staff', v._id);
    expect(await verifyPin('7391', after!.pin)).toBe(true);
    expect(await verifyPin('4826', after!.pin)).toBe(false);
  });

  it('never leaves the center without an active admin', async () => {
    const { p, admin } = await setup();
    await expect(setStaffActive(p, admin, admin, false)).rejects.toThrow('lastAdmin');
    await expect(setStaffRole(p, admin, admin, 'teacher')).rejects.toThrow('lastAdmin');
    const second = await addStaff(p, 'qingshan', admin, { name: '李站长', role: 'admin', pin: '4826' });
    await setStaffActive(p, admin, admin, false);
    await expect(setStaffActive(p, second, second, false)).rejects.toThrow('lastAdmin');
  });

  it('validates center settings', async () => {
    const { p, admin, center } = await setup();
    const saved = await saveCenterSettings(p, admin, center, { ...center.settings, inactivityLockMinutes: 5 });
    expect(saved?.settings.inactivityLockMinutes).toBe(5);
    await expect(saveCenterSettings(p, admin, center, { ...center.settings, inactivityLockMinutes: 0 })).rejects.toThrow();
  });
});
