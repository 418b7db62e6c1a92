/**
 * Progress of an operation a person started that can take more than a second at a big
 * center (300 children, three school years: a USB bundle of 15,000 records, a backup, a
 * roster import, a retention run …). One shape for all of them, one line of words
 * (ProgressLine.vue), and one guard: while it runs, the button that started it is off and a
 * second press starts nothing (issue 11).
 *
 * The work reports as it goes (`report`); the page keeps painting because the loops that
 * report wait on IndexedDB or yield between chunks (sync/bundle: yieldToUi).
 */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { RecordProgress } from '@sync/bundle/bundle';

/**
 * What is being done: the record steps of sync/bundle, plus the rows of a file read, checked or
 * written out; `find` (the kinds of a child's records searched for a transfer), `store` (records
 * saved in one step: a transfer accepted) and `months` (months of service records read for the
 * monthly counts).
 */
export type ProgressStep = RecordProgress['step'] | 'rows' | 'remove' | 'export' | 'find' | 'store' | 'months';

export interface Progress {
  readonly step: ProgressStep;
  readonly done: number;
  readonly total: number;
}

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** The progress line in words, numbers grouped the locale's way ("已写入 3,200 / 15,703 条记录"). */
export function progressWords(p: Progress, t: Translate, locale: string): string {
  const nf = new Intl.NumberFormat(locale);
  const done = Math.max(0, Math.min(p.done, p.total));
  return t(`everyday3.progress.${p.step}`, { done: nf.format(done), total: nf.format(Math.max(0, p.total)) });
}

/** Steps whose count does not move while they run (one WebCrypto or gzip call): the bar shows activity, not a share. */
export function isIndeterminate(p: Progress): boolean {
  return p.step === 'seal' || p.step === 'open' || p.step === 'save' || p.step === 'store' || p.total <= 0;
}

export interface ProgressRun {
  /** True while an operation runs: bind it to the buttons' `disabled`. */
  readonly busy: Ref<boolean>;
  /** The latest report, null when nothing runs. */
  readonly progress: ShallowRef<Progress | null>;
  /** Reports how far the work got (also the shape sync/bundle's callbacks take). */
  report(p: Progress): void;
  /**
   * Runs `work` unless another operation of this page is running (then returns undefined and
   * starts nothing). Clears the line when the work ends, in success or failure; a failure is
   * thrown on for the page to put in words.
   */
  run<T>(work: (report: (p: Progress) => void) => Promise<T>): Promise<T | undefined>;
}

export function useProgress(): ProgressRun {
  const busy = ref(false);
  const progress = shallowRef<Progress | null>(null);
  const report = (p: Progress) => {
    progress.value = p;
  };
  async function run<T>(work: (report: (p: Progress) => void) => Promise<T>): Promise<T | undefined> {
    if (busy.value) return undefined;
    busy.value = true;
    progress.value = null;
    try {
      return await work(report);
    } finally {
      busy.value = false;
      progress.value = null;
    }
  }
  return { busy, progress, report, run };
}
