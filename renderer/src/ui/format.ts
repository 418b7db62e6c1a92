/** Small display helpers shared by pages. */

/** "1:05" / "15:00" style duration for lockout countdowns. */
export function formatWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** "820 KB", "35 MB", "1.2 GB": sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}

/**
 * Dates and times as the app's language writes them (walk12): every date a page formats goes
 * through here with the i18n locale, never the system's — on a computer whose own language is
 * English a Chinese screen showed 11/30/2026. A value the page holds as an input value
 * (yyyy-mm-dd, yyyy-mm, HH:MM) is read as a local date or time; '' for an empty or malformed one.
 */
export type DateValueKind = 'date' | 'month' | 'time';

const VALUE_FORMATS: Record<DateValueKind, Intl.DateTimeFormatOptions> = {
  date: { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' },
  month: { year: 'numeric', month: 'long' },
  time: { hour: '2-digit', minute: '2-digit', hour12: false },
};

function parseValue(value: string, kind: DateValueKind): Date | null {
  const m =
    kind === 'time' ? /^(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value) : kind === 'month' ? /^(\d{4})-(\d{2})$/.exec(value) : /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 1)];
  const d = kind === 'time' ? new Date(2000, 0, 1, a, b) : new Date(a, b - 1, c);
  // No 2026-02-30 quietly shown as March 2nd, no 25:00.
  const ok = kind === 'time' ? d.getHours() === a && d.getMinutes() === b : d.getFullYear() === a && d.getMonth() === b - 1 && d.getDate() === c;
  return ok ? d : null;
}

export function formatDateValue(value: string | null | undefined, kind: DateValueKind, locale: string): string {
  const d = value ? parseValue(value, kind) : null;
  return d ? new Intl.DateTimeFormat(locale, VALUE_FORMATS[kind]).format(d) : '';
}

/** A moment (ISO string or Date) with its date and time, in `locale`: 2026/11/30 16:30 · Nov 30, 2026, 16:30. */
export function formatDateTime(at: string | Date, locale: string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: locale.startsWith('zh') ? '2-digit' : 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
}

/** The clock time of a moment, in `locale`: 16:30. */
export function formatClock(at: Date, locale: string): string {
  return Number.isNaN(at.getTime()) ? '' : new Intl.DateTimeFormat(locale, VALUE_FORMATS.time).format(at);
}
