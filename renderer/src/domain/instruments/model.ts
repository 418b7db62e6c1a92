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
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes');

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
    licence: z.string().min(1).max(1000),
  })
  .superRefine((inst, ctx) => {
    const itemIds = new Set(inst.items.map((i) => i.id));
    if (itemIds.size !== inst.items.length) ctx.addIssue({ code: 'custom', message: 'item ids must be unique', path: ['items'] });
    if (inst.minAge > inst.maxAge) ctx.addIssue({ code: 'custom', message: 'minAge is above maxAge', path: ['minAge'] });
    if (inst.scale.labels.length !== inst.scale.max - inst.scale.min + 1)
      ctx.addIssue({ code: 'custom', message: `the scale ${inst.scale.min}–${inst.scale.max} needs ${inst.scale.max - inst.scale.min + 1} labels`, path: ['scale', 'labels'] });
    for (const s of inst.subscales)
      for (const i of s.items) if (!itemIds.has(i)) ctx.addIssue({ code: 'custom', message: `subscale ${s.id} names unknown item ${i}`, path: ['subscales'] });
    const targets = new Set(['total', 'percent', ...inst.subscales.map((s) => s.id)]);
    for (const c of inst.cutoffs) if (!targets.has(c.target)) ctx.addIssue({ code: 'custom', message: `cut-off on unknown score ${c.target}`, path: ['cutoffs'] });
    for (const s of inst.safetyItems) if (!itemIds.has(s.item)) ctx.addIssue({ code: 'custom', message: `safety item ${s.item} is not an item`, path: ['safetyItems'] });
  });

export type Instrument = z.infer<typeof instrumentSchema>;
export type InstrumentInput = z.input<typeof instrumentSchema>;

export const packSchema = z.object({
  format: z.literal('tongxin-instrument-pack'),
  formatVersion: z.literal(1),
  /** Who granted this center permission to use the instruments, and when. */
  permission: z.string().min(1).max(1000),
  instruments: z.array(instrumentSchema).min(1).max(50),
});
export type InstrumentPack = z.infer<typeof packSchema>;

/** A pack that cannot be loaded; `reasons` say where and why, in words. */
export class InvalidPackError extends Error {
  override name = 'InvalidPackError';
  constructor(readonly reasons: readonly string[]) {
    super(`instrument pack refused: ${reasons.join('; ')}`);
  }
}

/**
 * Parses a pack file's text.
 * @throws InvalidPackError when it is not JSON, not a pack, or an instrument is inconsistent.
 */
export function parsePack(json: string, builtinIds: readonly string[] = []): InstrumentPack {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new InvalidPackError([`not valid JSON (${e instanceof Error ? e.message : String(e)})`]);
  }
  const res = packSchema.safeParse(raw);
  if (!res.success) throw new InvalidPackError(res.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
  const clash = res.data.instruments.filter((i) => builtinIds.includes(i.id)).map((i) => i.id);
  if (clash.length) throw new InvalidPackError([`instrument id already built in: ${clash.join(', ')}`]);
  return res.data;
}

export function defineInstrument(input: InstrumentInput): Instrument {
  return instrumentSchema.parse(input);
}
