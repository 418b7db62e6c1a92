/**
 * Screening instruments as data. An instrument says who answers it, for which
 * ages, its items and response scale, how it is scored (sum, reverse items,
 * subscales by item id), its cut-offs by age, its bands and its safety items.
 * The engine (score.ts) is one pure function over this model; no instrument
 * has code of its own. Built-in instruments are in builtin.ts; others arrive
 * as a JSON pack a center imports (parsePack), validated here with zod.
 *
 * Results are never diagnoses: a level of "needs attention" (需关注) or
 * "needs prompt follow-up" (需尽快跟进), plus a safety flag.
 */
import { z } from 'zod';

const text = z.object({ 'zh-CN': z.string().min(1).max(500), en: z.string().min(1).max(500) });

/**
 * Ids become keys of score maps and of stored answers. Names an object
 * already has (`constructor`, `__proto__`, `toString` …) would read the
 * prototype's value as an answer, so they are refused even though scoring
 * uses maps without a prototype. (A subscale may not take the name of a
 * derived score, total or percent: see the instrument check below.)
 */
export const SAFE_ID = /^[a-z][a-z0-9-]{0,39}$/;
const RESERVED_IDS = new Set(['constructor', 'prototype', '__proto__', 'hasownproperty', 'isprototypeof', 'tostring', 'valueof', 'tolocalestring']);
const RESERVED_SCORE_IDS = new Set(['total', 'percent']);

/** A refusal reason: `key` under inputs.pack in the locale files, with its values. */
export interface PackProblem {
  readonly key: string;
  readonly values: Readonly<Record<string, string>>;
}

const problem = (key: string, values: Record<string, string | number> = {}) => ({ key, values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])) });

const id = z.string().superRefine((v, ctx) => {
  if (!SAFE_ID.test(v) || RESERVED_IDS.has(v.toLowerCase())) ctx.addIssue({ code: 'custom', message: `unsafe id ${JSON.stringify(v.slice(0, 60))}`, params: problem('unsafeId', { id: v.slice(0, 60) }) });
});

export const instrumentSchema = z
  .object({
    id,
    version: z.string().min(1).max(20),
    name: text,
    /** Who answers: the child on the kiosk, or a teacher about the child. */
    respondent: z.enum(['child', 'staff']),
    minAge: z.number().int().min(3).max(18),
    maxAge: z.number().int().min(3).max(18),
    /** Response options, lowest value first: values are min..max in steps of 1. */
    scale: z.object({ min: z.number().int().min(0), max: z.number().int().max(10), labels: z.array(text).min(2).max(11) }),
    /** The recall period or instruction shown before the items. */
    prompt: text,
    items: z.array(z.object({ id, text, reverse: z.boolean().default(false) })).min(1).max(200),
    subscales: z.array(z.object({ id, name: text, items: z.array(id).min(1) })).default([]),
    /** Bands of the total, for counsellors (e.g. PHQ-9 0–4, 5–9 …). */
    bands: z.array(z.object({ min: z.number(), max: z.number(), name: text })).default([]),
    /** A score at or past `value` means the level; ages limit where a cut-off differs by age. */
    cutoffs: z
      .array(
        z.object({
          target: z.string().min(1),
          direction: z.enum(['at-least', 'at-most']),
          value: z.number(),
          level: z.enum(['attention', 'prompt']),
          minAge: z.number().int().optional(),
          maxAge: z.number().int().optional(),
        }),
      )
      .default([]),
    /** An answer at or above `minValue` on this item opens the same-day safety pathway. */
    safetyItems: z.array(z.object({ item: id, minValue: z.number().int() })).default([]),
    /** Most blanks allowed before the result is invalid (0 = every item required). */
    maxMissing: z.number().int().min(0),
    /** Derived scores: total × factor (WHO-5 percent = raw × 4). */
    percentFactor: z.number().positive().optional(),
    /** Minimum days between two administrations to the same child (PHQ-9/GAD-7: once a term). */
    minIntervalDays: z.number().int().min(0).default(0),
    /**
     * The owner's terms, in both languages ({ 'zh-CN', en }) — or one plain string, as packs
     * written before issue 11 have it (shown as it is in either language).
     */
    licence: z.union([z.string().min(1).max(1000), z.object({ 'zh-CN': z.string().min(1).max(1000), en: z.string().min(1).max(1000) })]),
  })
  .superRefine((inst, ctx) => {
    const add = (message: string, path: (string | number)[], key: string, values: Record<string, string | number> = {}) =>
      ctx.addIssue({ code: 'custom', message, path, params: problem(key, { instrument: inst.id, ...values }) });
    const itemIds = new Set(inst.items.map((i) => i.id));
    if (itemIds.size !== inst.items.length) add('item ids must be unique', ['items'], 'duplicateItem');
    if (inst.minAge > inst.maxAge) add('minAge is above maxAge', ['minAge'], 'agesInverted', { min: inst.minAge, max: inst.maxAge });
    if (inst.scale.min > inst.scale.max) add('the scale starts above its end', ['scale'], 'scaleInverted', { min: inst.scale.min, max: inst.scale.max });
    else if (inst.scale.labels.length !== inst.scale.max - inst.scale.min + 1)
      add(`the scale ${inst.scale.min}–${inst.scale.max} needs ${inst.scale.max - inst.scale.min + 1} labels`, ['scale', 'labels'], 'scaleLabels', { min: inst.scale.min, max: inst.scale.max, n: inst.scale.max - inst.scale.min + 1 });
    const subscaleIds = new Set<string>();
    inst.subscales.forEach((s, n) => {
      if (RESERVED_SCORE_IDS.has(s.id)) add(`subscale ${s.id} has the name of a derived score`, ['subscales', n, 'id'], 'reservedSubscale', { id: s.id });
      if (subscaleIds.has(s.id)) add(`subscale ${s.id} is defined twice`, ['subscales', n, 'id'], 'duplicateSubscale', { id: s.id });
      subscaleIds.add(s.id);
      const listed = new Set<string>();
      for (const i of s.items) {
        if (!itemIds.has(i)) add(`subscale ${s.id} names unknown item ${i}`, ['subscales', n], 'unknownSubscaleItem', { subscale: s.id, item: i });
        if (listed.has(i)) add(`subscale ${s.id} lists item ${i} twice`, ['subscales', n], 'subscaleDuplicateItem', { subscale: s.id, item: i });
        listed.add(i);
      }
    });
    // Bands: each from low to high, none sharing a score with another.
    const bands = inst.bands.map((b, n) => ({ ...b, n })).sort((a, b) => a.min - b.min);
    for (const b of inst.bands) if (b.min > b.max) add(`band ${b.min}–${b.max} is inverted`, ['bands'], 'bandInverted', { min: b.min, max: b.max });
    for (let k = 1; k < bands.length; k++) {
      const [a, b] = [bands[k - 1]!, bands[k]!];
      if (a.min <= a.max && b.min <= b.max && b.min <= a.max) add(`bands ${a.min}–${a.max} and ${b.min}–${b.max} overlap`, ['bands', b.n], 'bandsOverlap', { a: `${a.min}–${a.max}`, b: `${b.min}–${b.max}` });
    }
    const targets = new Set(['total', 'percent', ...inst.subscales.map((s) => s.id)]);
    for (const c of inst.cutoffs) {
      if (!targets.has(c.target)) add(`cut-off on unknown score ${c.target}`, ['cutoffs'], 'unknownTarget', { target: c.target.slice(0, 60) });
      if (c.minAge !== undefined && c.maxAge !== undefined && c.minAge > c.maxAge) add(`cut-off ages ${c.minAge}–${c.maxAge} are inverted`, ['cutoffs'], 'agesInverted', { min: c.minAge, max: c.maxAge });
    }
    for (const s of inst.safetyItems) {
      if (!itemIds.has(s.item)) add(`safety item ${s.item} is not an item`, ['safetyItems'], 'unknownSafetyItem', { item: s.item });
      // The raw answer is compared: above the scale it can never be given; at its lowest every answer would open the pathway.
      else if (s.minValue > inst.scale.max) add(`safety value ${s.minValue} is above the scale`, ['safetyItems'], 'safetyUnreachable', { item: s.item, value: s.minValue, max: inst.scale.max });
      else if (s.minValue <= inst.scale.min) add(`safety value ${s.minValue} is met by every answer`, ['safetyItems'], 'safetyAlways', { item: s.item, value: s.minValue });
    }
  });

export type Instrument = z.infer<typeof instrumentSchema>;
export type InstrumentInput = z.input<typeof instrumentSchema>;

export const packSchema = z
  .object({
    format: z.literal('tongxin-instrument-pack'),
    formatVersion: z.literal(1),
    /** Who granted this center permission to use the instruments, and when. */
    permission: z.string().min(1).max(1000),
    instruments: z.array(instrumentSchema).min(1).max(50),
  })
  .superRefine((pack, ctx) => {
    const seen = new Set<string>();
    for (const inst of pack.instruments) {
      if (seen.has(inst.id)) ctx.addIssue({ code: 'custom', message: `instrument ${inst.id} is in the pack twice`, path: ['instruments'], params: problem('duplicateInstrument', { id: inst.id }) });
      seen.add(inst.id);
    }
  });
export type InstrumentPack = z.infer<typeof packSchema>;

/** A pack that cannot be loaded; `problems` say where and why (in words through i18n), `reasons` the same in English for logs. */
export class InvalidPackError extends Error {
  override name = 'InvalidPackError';
  readonly reasons: readonly string[];
  constructor(readonly problems: readonly PackProblem[]) {
    const reasons = problems.map((p) => `${p.key} ${JSON.stringify(p.values)}`);
    super(`instrument pack refused: ${reasons.join('; ')}`);
    this.reasons = reasons;
  }
}

function asProblem(issue: z.core.$ZodIssue): PackProblem {
  const params = (issue as { params?: unknown }).params as PackProblem | undefined;
  if (params && typeof params.key === 'string') return params;
  return problem('shape', { path: issue.path.map(String).join('.') || '(file)' });
}

/**
 * Parses a pack file's text.
 * @throws InvalidPackError when it is not JSON, not a pack, or an instrument is inconsistent.
 */
export function parsePack(json: string, builtinIds: readonly string[] = []): InstrumentPack {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new InvalidPackError([problem('notJson')]);
  }
  const res = packSchema.safeParse(raw);
  if (!res.success) throw new InvalidPackError(res.error.issues.slice(0, 10).map(asProblem));
  const clash = res.data.instruments.filter((i) => builtinIds.includes(i.id)).map((i) => i.id);
  if (clash.length) throw new InvalidPackError([problem('builtinClash', { ids: clash.join(', ') })]);
  return res.data;
}

export function defineInstrument(input: InstrumentInput): Instrument {
  return instrumentSchema.parse(input);
}

/** An instrument's licence note in the reader's language (a pack's single-language note as it is). */
export function licenceText(licence: string | { readonly 'zh-CN': string; readonly en: string }, locale: string): string {
  if (typeof licence === 'string') return licence;
  return locale === 'en' ? licence.en : licence['zh-CN'];
}
