/**
 * Scoring: one pure function for every instrument. Reverse items count as
 * (min + max − answer). A missing answer counts as nothing; more blanks than
 * the instrument allows make the result invalid (never a low score). The
 * level is the highest any cut-off reaches for the child's age; a safety item
 * at or above its value raises the level to "prompt" and sets the safety flag.
 *
 * Answers and scores are looked up in Maps, never as properties of a plain
 * object: an item id such as `constructor` must find the child's answer or
 * nothing, not a function inherited from Object.prototype.
 */
import type { Instrument } from './model';

export type Answers = Readonly<Record<string, number | null | undefined>>;
export type Level = 'none' | 'attention' | 'prompt';

export interface ScreeningResult {
  readonly valid: boolean;
  /** Why it is invalid (missing items), in item ids. */
  readonly missing: readonly string[];
  readonly total: number;
  readonly percent: number | null;
  readonly subscales: Readonly<Record<string, number>>;
  /** The band of the total (index into instrument.bands), or null. */
  readonly band: number | null;
  readonly level: Level;
  readonly safety: boolean;
  /** The cut-offs that were reached, as "target≥value" for the record. */
  readonly reasons: readonly string[];
}

const LEVEL_RANK: Record<Level, number> = { none: 0, attention: 1, prompt: 2 };

/** @throws RangeError when an answer is outside the instrument's scale or names an unknown item. */
export function scoreInstrument(inst: Instrument, answers: Answers, age: number): ScreeningResult {
  const items = new Map(inst.items.map((i) => [i.id, i]));
  // Own properties only: Object.entries never reads the prototype.
  const given = new Map(Object.entries(answers));
  for (const [key, v] of given) {
    if (!items.has(key)) throw new RangeError(`unknown item ${key}`);
    if (v !== null && v !== undefined && (!Number.isInteger(v) || v < inst.scale.min || v > inst.scale.max))
      throw new RangeError(`answer ${v} to ${key} is outside ${inst.scale.min}–${inst.scale.max}`);
  }
  const value = (itemId: string): number | null => {
    const v = given.get(itemId);
    if (v === null || v === undefined) return null;
    return items.get(itemId)!.reverse ? inst.scale.min + inst.scale.max - v : v;
  };
  const missing = inst.items.filter((i) => value(i.id) === null).map((i) => i.id);
  const total = inst.items.reduce((sum, i) => sum + (value(i.id) ?? 0), 0);
  const subscaleScores = new Map(inst.subscales.map((s) => [s.id, s.items.reduce((sum, i) => sum + (value(i) ?? 0), 0)]));
  const subscales: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, Object.fromEntries(subscaleScores));
  const percent = inst.percentFactor ? total * inst.percentFactor : null;
  const bandIndex = inst.bands.findIndex((b) => total >= b.min && total <= b.max);
  const valid = missing.length <= inst.maxMissing;
  // A safety answer counts even when the rest is incomplete: a child who said it must be heard.
  const safety = inst.safetyItems.some((s) => (given.get(s.item) ?? -1) >= s.minValue);
  let level: Level = 'none';
  const reasons: string[] = [];
  if (valid) {
    const scores = new Map<string, number | null>([['total', total], ['percent', percent], ...subscaleScores]);
    for (const c of inst.cutoffs) {
      if ((c.minAge !== undefined && age < c.minAge) || (c.maxAge !== undefined && age > c.maxAge)) continue;
      const s = scores.get(c.target);
      if (s === null || s === undefined) continue;
      const hit = c.direction === 'at-least' ? s >= c.value : s <= c.value;
      if (!hit) continue;
      reasons.push(`${c.target}${c.direction === 'at-least' ? '≥' : '≤'}${c.value}`);
      if (LEVEL_RANK[c.level] > LEVEL_RANK[level]) level = c.level;
    }
  }
  if (safety) {
    level = 'prompt';
    reasons.push('safety-item');
  }
  return { valid, missing, total, percent, subscales, band: bandIndex >= 0 ? bandIndex : null, level, safety, reasons };
}

/** Whether `inst` may be given to a child of `age`. */
export function suitsAge(inst: Instrument, age: number): boolean {
  return age >= inst.minAge && age <= inst.maxAge;
}
