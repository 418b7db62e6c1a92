/** 亲情连线 failures in words: the staff page's (FamilyContactPage.vue) and the kiosk microphone's (FamilyKiosk.vue). */
import { StorageFullError } from '../../storage/ports';
import type { Translate } from '../../ui/errorWords';
import { EmptyMessageError, FamilyFileError } from './familyService';

/** Staff: a message, reply, plan or file that was not saved. Logs `e`. */
export function familyErrorWords(e: unknown, t: Translate): string {
  console.error(e);
  if (e instanceof StorageFullError) return t('family.staff.full');
  if (e instanceof EmptyMessageError) return t('family.staff.emptyWords');
  if (e instanceof FamilyFileError) return t(`family.staff.file.${e.reason}`);
  return t('family.staff.saveFailed');
}

/** A child at the kiosk: why the microphone did not start (refused, or none usable). */
export function micProblemWords(e: unknown, t: Translate): string {
  const n = e instanceof DOMException ? e.name : '';
  if (n === 'NotAllowedError' || n === 'SecurityError') return t('family.kiosk.micRefused');
  return t('family.kiosk.noMic');
}
