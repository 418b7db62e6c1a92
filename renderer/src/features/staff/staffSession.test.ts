import { describe, expect, it } from 'vitest';
import { createStaffSession } from './staffSession';
import { MemoryDeviceStore } from '../../storage/memory/MemoryDeviceStore';
import { hashPin } from '@/domain/pin';
import type { StaffDoc } from '@sync/schema/documents';

async function staff(pin: string, active = true): Promise<StaffDoc> {
  return {
    _id: 'staff:01JCDEFGHJKMNPQRSTVWXYZ012', type: 'staff', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-11-01T08:00:00+08:00',
    updatedAt: '2026-11-01T08:00:00+08:00', deviceId: 'k', displayName: '陈老师', role: 'admin', pin: await hashPin(pin, 10_000), active,
  };
}

describe('staff session', () => {
  it('unlocks with the right PIN, audits, and locks after inactivity', async () => {
    let t = 1_000_000;
    const device = new MemoryDeviceStore();
    const s = createStaffSession(device, () => t);
    const who = await staff('2580');
    expect((await s.unlock(who, '2580')).kind).toBe('ok');
    expect(s.staff.value?.displayName).toBe('陈老师');
    t += 2 * 60_000;
    expect(await s.checkInactivity(3)).toBe(false);
    s.touch();
    t += 3 * 60_000;
    expect(await s.checkInactivity(3)).toBe(true);
    expect(s.staff.value).toBeNull();
    expect(device.audit.map((a) => `${a.action}:${a.detail}`)).toEqual(['unlock:admin', 'lock:inactivity']);
  });

  it('counts wrong PINs across restarts and backs off', async () => {
    let t = 5_000_000;
    const device = new MemoryDeviceStore();
    const who = await staff('2580');
    const s = createStaffSession(device, () => t);
    expect(await s.unlock(who, '1111')).toEqual({ kind: 'wrong-pin', triesLeft: 2, waitMs: 0 });
    expect(await s.unlock(who, '1112')).toEqual({ kind: 'wrong-pin', triesLeft: 1, waitMs: 0 });
    expect(await s.unlock(who, '1113')).toEqual({ kind: 'wrong-pin', triesLeft: 0, waitMs: 30_000 });
    // A new session (app restarted) still waits, even with the right PIN.
    const again = createStaffSession(device, () => t);
    expect(await again.unlock(who, '2580')).toEqual({ kind: 'locked-out', waitMs: 30_000 });
    t += 30_000;
    expect((await again.unlock(who, '2580')).kind).toBe('ok');
    expect(device.attempts.failures).toBe(0);
  });

  it('refuses a deactivated account', async () => {
    const s = createStaffSession(new MemoryDeviceStore());
    expect((await s.unlock(await staff('2580', false), '2580')).kind).toBe('inactive');
  });
});
