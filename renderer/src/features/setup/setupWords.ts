/** The setup screen's failures in words (SetupPage.vue): creating a center, loading the demo, joining a center. */
import { StorageFullError } from '../../storage/ports';
import { errorWords, type Translate } from '../../ui/errorWords';
import { JoinError } from './joinCenter';

export function setupErrorWords(e: unknown, t: Translate): string {
  if (e instanceof StorageFullError) return t('setup.errors.storageFull');
  return errorWords(e, t);
}

/** Joining a center from the county server: the problem the join found, or setupErrorWords. */
export function joinErrorWords(e: unknown, t: Translate): string {
  if (!(e instanceof JoinError)) return setupErrorWords(e, t);
  if (e.problem === 'locked') return t('syncField.verdictLocked');
  if (e.problem === 'recovery-needed') return t('e2ee.join.needed');
  if (e.problem === 'recovery-wrong') return t('e2ee.join.wrong');
  return t(`setup.join.errors.${e.problem}`);
}
