/** "已等 12 分钟" / "已等 1 小时 5 分钟": how long someone has waited, in the user's language. */
import { useI18n } from 'vue-i18n';
import { minutesWaited, splitWait } from '@/domain/safety';

export function useWaitText(): (since: string, now: Date) => string {
  const { t } = useI18n();
  return (since, now) => {
    const minutes = minutesWaited(since, now);
    if (minutes < 1) return t('safety.justNow');
    const { hours, minutes: m } = splitWait(minutes);
    return hours > 0 ? t('safety.waitHours', { h: hours, m }) : t('safety.waitMin', { n: m });
  };
}
