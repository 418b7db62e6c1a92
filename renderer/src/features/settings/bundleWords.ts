/** A USB bundle that could not be made, opened or imported (SettingsBundle.vue), in words. */
import { BundleError } from '@sync/bundle/bundle';
import { errorWords, type HasWords, type Translate } from '../../ui/errorWords';

export function bundleErrorWords(e: unknown, t: Translate, te: HasWords): string {
  if (e instanceof BundleError && e.kind === 'bad-kdf') return t(`inputs.bundle.badKdf.${e.values.part ?? 'rounds'}`, e.values);
  if (e instanceof BundleError) return te(`inputs.bundle.${e.kind}`) ? t(`inputs.bundle.${e.kind}`, e.values) : t(`bundle.errors.${e.kind}`);
  return errorWords(e, t);
}
