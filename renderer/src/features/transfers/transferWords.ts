/** A transfer step that did not work (TransfersPage.vue), in words. */
import { BundleError } from '@sync/bundle/bundle';
import { TransferProvenanceError } from '@sync/transfer/transfer';
import { errorWords, type Translate } from '../../ui/errorWords';
import { TransferInputError } from './transferService';

export function transferErrorWords(e: unknown, t: Translate): string {
  if (e instanceof BundleError) return t(`transfer.errors.${e.kind === 'wrong-passphrase' ? 'wrongCode' : e.kind === 'other-center' ? 'otherCenter' : e.kind === 'not-a-transfer' ? 'notTransfer' : 'damaged'}`);
  if (e instanceof TransferInputError) return t(`transfer.errors.${e.code}`);
  if (e instanceof TransferProvenanceError) return t(`transferProvenance.${e.kind}`);
  // The county transfer database refused the account (an HTTP answer, PouchDB's shape).
  const status = typeof e === 'object' && e !== null ? (e as { status?: unknown }).status : undefined;
  if (status === 403 || status === 401) return t('transfer.errors.forbidden');
  return errorWords(e, t);
}
