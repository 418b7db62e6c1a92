import { describe, expect, it } from 'vitest';
import { GAD7, PHQ9, PSC17, WHO5, BUILTIN_INSTRUMENTS, suggestedFor } from './builtin';
import { licenceText, parsePack, InvalidPackError } from './model';
import { scoreInstrument } from './score';

const all = (inst: typeof PHQ9, v: number) => Object.fromEntries(inst.items.map((i) => [i.id, v]));

describe('PHQ-9', () => {
  it('scores all 0 and all 3', () => {
    expect(scoreInstrument(PHQ9, all(PHQ9, 0), 13)).toMatchObject({ total: 0, band: 0, level: 'none', safety: false, valid: true });
    expect(scoreInstrument(PHQ9, all(PHQ9, 3), 13)).toMatchObject({ total: 27, band: 4, level: 'prompt', safety: true });
  });
  it('puts each band boundary in the right band and flags attention from 11', () => {
    const at = (total: number) => {
      const a: Record<string, number> = Object.fromEntries(PHQ9.items.map((i) => [i.id, 0]));
      let left = total;
      for (const i of PHQ9.items.filter((x) => x.id !== 'self-harm')) {
        a[i.id] = Math.min(3, left);
        left -= a[i.id]!;
      }
      return scoreInstrument(PHQ9, a, 14);
    };
    expect([4, 5, 9, 10, 14, 15, 19, 20].map((n) => at(n).band)).toEqual([0, 1, 1, 2, 2, 3, 3, 4]);
    expect(at(10).level).toBe('none');
    expect(at(11).level).toBe('attention');
    expect(at(20).level).toBe('prompt');
  });
  it('opens the safety pathway on item 9 ≥ 1, whatever the total', () => {
    const r = scoreInstrument(PHQ9, { ...all(PHQ9, 0), 'self-harm': 1 }, 13);
    expect(r).toMatchObject({ total: 1, safety: true, level: 'prompt' });
    expect(r.reasons).toContain('safety-item');
  });
  it('requires every item, but still hears a safety answer in an incomplete form', () => {
    const r = scoreInstrument(PHQ9, { ...all(PHQ9, 1), tired: null }, 13);
    expect(r.valid).toBe(false);
    expect(r.missing).toEqual(['tired']);
    expect(r.safety).toBe(true);
    expect(scoreInstrument(PHQ9, { ...all(PHQ9, 0), sleep: null }, 13)).toMatchObject({ valid: false, level: 'none' });
  });
  it('refuses answers outside the scale and unknown items', () => {
    expect(() => scoreInstrument(PHQ9, { ...all(PHQ9, 0), down: 4 }, 13)).toThrow(RangeError);
    expect(() => scoreInstrument(PHQ9, { nope: 1 }, 13)).toThrow(RangeError);
  });
});

describe('WHO-5', () => {
  it('gives raw and percent, with age-dependent cut-offs', () => {
    expect(scoreInstrument(WHO5, all(WHO5 as typeof PHQ9, 5), 10)).toMatchObject({ total: 25, percent: 100, level: 'none' });
    const ten = { cheerful: 2, calm: 2, active: 2, rested: 2, interest: 2 };
    expect(scoreInstrument(WHO5, ten, 11)).toMatchObject({ total: 10, percent: 40, level: 'attention' });
    expect(scoreInstrument(WHO5, ten, 13).level).toBe('none');
    expect(scoreInstrument(WHO5, { ...ten, interest: 1 }, 13).level).toBe('attention');
  });
});

describe('GAD-7', () => {
  it('flags attention from 10', () => {
    const nine = { nervous: 3, control: 3, worry: 3, relax: 0, restless: 0, irritable: 0, afraid: 0 };
    expect(scoreInstrument(GAD7, nine, 13)).toMatchObject({ total: 9, band: 1, level: 'none' });
    expect(scoreInstrument(GAD7, { ...nine, relax: 1 }, 13)).toMatchObject({ total: 10, band: 2, level: 'attention' });
  });
});

describe('PSC-17 (teacher)', () => {
  it('scores subscales by item id and applies each cut-off', () => {
    const r = scoreInstrument(PSC17, { ...all(PSC17, 0), sad: 1, hopeless: 1, 'down-on-self': 1, 'less-fun': 1, worries: 1 }, 8);
    expect(r.subscales).toEqual({ internalising: 5, attention: 0, externalising: 0 });
    expect(r.level).toBe('attention');
    expect(r.reasons).toEqual(['internalising≥5']);
    expect(scoreInstrument(PSC17, all(PSC17, 0), 8).level).toBe('none');
    expect(scoreInstrument(PSC17, all(PSC17, 2), 8)).toMatchObject({ total: 34, level: 'attention' });
  });
  it('is invalid with 4 or more blanks, valid with 3', () => {
    const blanks = (n: number) => ({ ...all(PSC17, 1), ...Object.fromEntries(PSC17.items.slice(0, n).map((i) => [i.id, null])) });
    expect(scoreInstrument(PSC17, blanks(3), 8).valid).toBe(true);
    expect(scoreInstrument(PSC17, blanks(4), 8)).toMatchObject({ valid: false, level: 'none' });
  });
});

describe('instrument packs', () => {
  const cesdc = {
    id: 'ces-dc', version: '1', name: { 'zh-CN': 'CES-DC', en: 'CES-DC' }, respondent: 'child', minAge: 6, maxAge: 17,
    prompt: { 'zh-CN': '过去一周', en: 'Past week' },
    scale: { min: 0, max: 3, labels: [0, 1, 2, 3].map((n) => ({ 'zh-CN': `${n}`, en: `${n}` })) },
    items: Array.from({ length: 20 }, (_, i) => ({ id: `q${i + 1}`, text: { 'zh-CN': `第${i + 1}题（由许可方提供）`, en: `Item ${i + 1} (licensed wording)` }, reverse: [4, 8, 12, 16].includes(i + 1) })),
    cutoffs: [{ target: 'total', direction: 'at-least', value: 15, level: 'attention' }], maxMissing: 0, licence: 'Used with permission.',
  };
  const pack = { format: 'tongxin-instrument-pack', formatVersion: 1, permission: '县卫健委 2026-09 授权', instruments: [cesdc] };
  it('loads a valid pack and scores reverse items', () => {
    const [inst] = parsePack(JSON.stringify(pack), BUILTIN_INSTRUMENTS.map((i) => i.id)).instruments;
    const answers = Object.fromEntries(inst!.items.map((i) => [i.id, 0]));
    // All zeros: the four reverse items count 3 each.
    expect(scoreInstrument(inst!, answers, 10)).toMatchObject({ total: 12, level: 'none' });
    expect(scoreInstrument(inst!, { ...answers, q1: 3 }, 10)).toMatchObject({ total: 15, level: 'attention' });
  });
  const problems = (text: string) => {
    try {
      parsePack(text, ['phq9']);
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidPackError);
      return (e as InvalidPackError).problems;
    }
  };
  const withInst = (change: Record<string, unknown>) => JSON.stringify({ ...pack, instruments: [{ ...cesdc, ...change }] });
  const keys = (text: string) => problems(text).map((p) => p.key);

  it('refuses malformed packs with the reason', () => {
    expect(keys('{not json')).toEqual(['notJson']);
    expect(problems(JSON.stringify({ ...pack, format: 'x' }))[0]).toEqual({ key: 'shape', values: { path: 'format' } });
    expect(problems(withInst({ scale: { ...cesdc.scale, labels: cesdc.scale.labels.slice(0, 2) } }))).toContainEqual({ key: 'scaleLabels', values: { instrument: 'ces-dc', min: '0', max: '3', n: '4' } });
    expect(problems(withInst({ safetyItems: [{ item: 'q99', minValue: 1 }] }))).toContainEqual({ key: 'unknownSafetyItem', values: { instrument: 'ces-dc', item: 'q99' } });
    expect(problems(withInst({ id: 'phq9' }))).toEqual([{ key: 'builtinClash', values: { ids: 'phq9' } }]);
  });

  it('refuses item ids an object already has, and any id outside the safe pattern', () => {
    for (const bad of ['constructor', '__proto__', 'toString', 'prototype', 'Q1', '1q', 'q 1', 'a'.repeat(41)]) {
      const items = cesdc.items.map((i, n) => (n === 0 ? { ...i, id: bad } : i));
      expect(problems(withInst({ items })), bad).toContainEqual(expect.objectContaining({ key: 'unsafeId', values: { id: bad.slice(0, 60) } }));
    }
    expect(keys(withInst({ id: 'constructor' }))).toContain('unsafeId');
  });

  it('refuses a subscale named total, an item listed twice, and duplicate subscale or instrument ids', () => {
    const sub = (id: string, items: string[]) => ({ id, name: { 'zh-CN': id, en: id }, items });
    expect(keys(withInst({ subscales: [sub('total', ['q1'])] }))).toEqual(['reservedSubscale']);
    expect(keys(withInst({ subscales: [sub('percent', ['q1'])] }))).toEqual(['reservedSubscale']);
    expect(problems(withInst({ subscales: [sub('mood', ['q1', 'q2', 'q1'])] }))).toEqual([{ key: 'subscaleDuplicateItem', values: { instrument: 'ces-dc', subscale: 'mood', item: 'q1' } }]);
    expect(keys(withInst({ subscales: [sub('mood', ['q1']), sub('mood', ['q2'])] }))).toEqual(['duplicateSubscale']);
    expect(problems(JSON.stringify({ ...pack, instruments: [cesdc, cesdc] }))).toEqual([{ key: 'duplicateInstrument', values: { id: 'ces-dc' } }]);
  });

  it('refuses overlapping or inverted bands, an unreachable or always-met safety value, and inverted ages', () => {
    const band = (min: number, max: number) => ({ min, max, name: { 'zh-CN': `${min}`, en: `${min}` } });
    expect(keys(withInst({ bands: [band(0, 9), band(10, 60)] }))).toEqual([]);
    expect(keys(withInst({ bands: [band(0, 10), band(10, 60)] }))).toEqual(['bandsOverlap']);
    expect(keys(withInst({ bands: [band(20, 60), band(0, 30)] }))).toEqual(['bandsOverlap']);
    expect(keys(withInst({ bands: [band(9, 0)] }))).toEqual(['bandInverted']);
    expect(keys(withInst({ safetyItems: [{ item: 'q2', minValue: 4 }] }))).toEqual(['safetyUnreachable']);
    expect(keys(withInst({ safetyItems: [{ item: 'q2', minValue: 0 }] }))).toEqual(['safetyAlways']);
    expect(keys(withInst({ safetyItems: [{ item: 'q2', minValue: 3 }] }))).toEqual([]);
    expect(keys(withInst({ minAge: 12, maxAge: 8 }))).toEqual(['agesInverted']);
    expect(keys(withInst({ cutoffs: [{ target: 'total', direction: 'at-least', value: 15, level: 'attention', minAge: 14, maxAge: 9 }] }))).toEqual(['agesInverted']);
  });

  it('scores over maps without a prototype: an item called constructor is unanswered until answered', () => {
    // Built past the schema on purpose, as an older stored pack could be.
    const inst = { ...parsePack(JSON.stringify(pack)).instruments[0]!, items: [{ id: 'constructor', text: cesdc.items[0]!.text, reverse: false }, { id: 'q2', text: cesdc.items[1]!.text, reverse: false }], subscales: [{ id: 'tostring', name: cesdc.name, items: ['constructor'] }], cutoffs: [] };
    const r = scoreInstrument(inst, { q2: 1 }, 10);
    expect(r).toMatchObject({ valid: false, missing: ['constructor'], total: 1 });
    expect(r.subscales.tostring).toBe(0);
    expect(scoreInstrument(inst, { q2: 1, constructor: 2 }, 10)).toMatchObject({ valid: true, missing: [], total: 3 });
  });
});

describe('routing by age', () => {
  it('suggests what INSTRUMENTS.md says', () => {
    expect(suggestedFor(7, BUILTIN_INSTRUMENTS).map((i) => i.id)).toEqual(['psc17-teacher']);
    expect(suggestedFor(10, BUILTIN_INSTRUMENTS).map((i) => i.id)).toEqual(['who5', 'psc17-teacher']);
    expect(suggestedFor(13, BUILTIN_INSTRUMENTS).map((i) => i.id)).toEqual(['who5', 'phq9', 'gad7', 'psc17-teacher']);
  });
});

describe('licence notes in the reader’s language (issue 11)', () => {
  it('every built-in instrument has its licence note in Chinese and in English', () => {
    for (const inst of BUILTIN_INSTRUMENTS) {
      const zh = licenceText(inst.licence, 'zh-CN');
      const en = licenceText(inst.licence, 'en');
      expect(zh, inst.id).toMatch(/[\u4e00-\u9fff]/);
      expect(en, inst.id).not.toMatch(/[\u4e00-\u9fff]/);
      expect(zh).not.toBe(en);
    }
  });
  it('a pack written with one plain licence string still loads and shows it as it is', () => {
    expect(licenceText('Used with permission.', 'zh-CN')).toBe('Used with permission.');
  });
});
