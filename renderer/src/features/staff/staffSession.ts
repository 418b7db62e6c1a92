/**
 * The staff session: who unlocked staff mode, and when it locks again. PIN
 * checks go through the slow KDF in domain/pin; failures are counted per
 * device (persisted, so restarting the app does not reset the backoff), and
 * every unlock, lock and refusal is written to the device-local audit log.
 */
import { shallowRef, type ShallowRef } from 'vue';
import type { StaffDoc } from '@sync/schema/documents';
import { FREE_ATTEMPTS, lockoutMs, verifyPin, waitBeforeAttempt } from '@/domain/pin';
import { shouldLock } from '@/domain/lock';
import type { DeviceStore } from '../../storage/ports';

export type UnlockResult =
  | { readonly kind: 'ok'; readonly staff: StaffDoc }
  | { readonly kind: 'wrong-pin'; readonly triesLeft: number; readonly waitMs: number }
  | { readonly kind: 'locked-out'; readonly waitMs: number }
  | { readonly kind: 'inactive' };

export interface StaffSession {
  readonly staff: ShallowRef<StaffDoc | null>;
  unlock(staff: StaffDoc, pin: string): Promise<UnlockResult>;
  lock(reason: 'manual' | 'inactivity'): Promise<void>;
  /** Called on every touch or key press while unlocked. */
  touch(): void;
  /** Locks if the inactivity timeout passed; returns true when it locked. */
  checkInactivity(timeoutMinutes: number): Promise<boolean>;
  /** Milliseconds until the PIN pad accepts another try (0 = now). */
  waitMs(): Promise<number>;
}

export function createStaffSession(device: DeviceStore, now: () => number = () => Date.now()): StaffSession {
  const staff = shallowRef<StaffDoc | null>(null);
  let lastActivity = now();

  return {
    staff,
    async waitMs() {
      return waitBeforeAttempt(await device.getPinAttempts(), now());
    },
    async unlock(candidate, pin) {
      const attempts = await device.getPinAttempts();
      const wait = waitBeforeAttempt(attempts, now());
      if (wait > 0) return { kind: 'locked-out', waitMs: wait };
      if (!candidate.active) return { kind: 'inactive' };
      if (await verifyPin(pin, candidate.pin)) {
        await device.savePinAttempts({ failures: 0, lastFailureAt: null });
        staff.value = candidate;
        lastActivity = now();
        await device.appendAudit({ staffId: candidate._id, action: 'unlock', detail: candidate.role });
        return { kind: 'ok', staff: candidate };
      }
      const failures = attempts.failures + 1;
      await device.savePinAttempts({ failures, lastFailureAt: now() });
      await device.appendAudit({ staffId: candidate._id, action: 'pin-refused', detail: `failure ${failures}` });
      return { kind: 'wrong-pin', triesLeft: Math.max(0, FREE_ATTEMPTS - failures), waitMs: lockoutMs(failures) };
    },
    async lock(reason) {
      const who = staff.value;
      if (!who) return;
      staff.value = null;
      await device.appendAudit({ staffId: who._id, action: 'lock', detail: reason });
    },
    touch() {
      lastActivity = now();
    },
    async checkInactivity(timeoutMinutes) {
      if (!staff.value || !shouldLock(lastActivity, now(), timeoutMinutes)) return false;
      await this.lock('inactivity');
      return true;
    },
  };
}
