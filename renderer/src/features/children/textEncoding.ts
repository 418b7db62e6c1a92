/**
 * Which encoding a roster CSV is in. A Chinese office meets UTF-8 (with or
 * without BOM, from WPS, Numbers or "CSV UTF-8" in Excel), GBK/GB18030 (Excel's
 * plain "CSV" on a Chinese Windows), UTF-16 (Excel's "Unicode text") and Big5
 * (files from Taiwan or Hong Kong). The platform's TextDecoder reads all of
 * them, with `fatal: true` refusing byte sequences that are not valid.
 *
 * The model:
 * 1. A byte-order mark decides (UTF-8, UTF-16 LE/BE); the rest must then decode
 *    cleanly, or the file is refused with the line of the first bad byte.
 * 2. Bytes that decode as UTF-8 are UTF-8. Bytes that are UTF-8 except for a
 *    few stray bytes are a damaged UTF-8 file: refused with the line, never
 *    re-read as GBK (that would turn every name into mojibake).
 * 3. Otherwise GB18030 and Big5 are both tried. Most byte strings are valid in
 *    both, so validity alone cannot choose: each reading is scored by the share
 *    of its Chinese characters that are among the few hundred most common ones
 *    (simplified and traditional, with the surnames and words a roster has).
 *    Real text scores high; the wrong reading of the same bytes produces rare
 *    characters and scores low. A clear winner is used; otherwise the person
 *    is shown both readings and asked which looks right.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'big5';

export interface DecodeCandidate {
  readonly encoding: TextEncodingName;
  readonly text: string;
  /** Share (0–1) of Chinese characters that are common ones. */
  readonly plausibility: number;
}

export type DecodeResult =
  | { readonly kind: 'ok'; readonly encoding: TextEncodingName; readonly text: string }
  /** More than one reading is possible and none is clearly right: ask the person. */
  | { readonly kind: 'ambiguous'; readonly candidates: readonly DecodeCandidate[] }
  /** Refused: an i18n key under inputs.encoding and its values. */
  | { readonly kind: 'refused'; readonly reason: 'utf8Damaged' | 'utf16Damaged' | 'binary' | 'unknown'; readonly line?: number };

// The most frequent Chinese characters, simplified and traditional, plus surnames and words a roster carries.
const COMMON =
  '的一是不了在有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题程展五果料象员位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济思术极交受联认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近千周委素技备半办青省列习响约支般史感劳便团往历市克何除消构府称太准精值号率族维划选标写存候毛亲快效院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞' +
  '李刘陈杨黄赵吴周徐孙朱胡郭何罗郑梁谢宋唐韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范贾夏韦付邹孟熊秦邱尹薛闫段雷侯陶黎贺顾郝龚邵钱覃武戴莫孔汤' +
  '伟芳娜敏静丽磊洋勇艳杰娟涛超秀霞刚桂英辉玉兰宇浩思琪涵梓轩欣怡雨佳诺晨阳俊鹏博宏波亮云凤春梅雪晓乐嘉婷琳颖瑞泽睿宁萱雅诗梦子轩豪鑫宸妍萌' +
  '姓名男女级校村乡镇留守儿童父母亲爷奶婆祖监护电话昵称站登深圳州莞厦福浙苏汉都庆沙' +
  '這個們時來會發動過說產種經進對實現體當點從業務兩開還應與關頭氣員間問題數見給長門東車書學區記報場請語讓認話隊陽聽師萬條歲華號鄉縣鎮級別類電親護錄歡樂張劉陳楊黃趙吳許韓馮鄧蕭葉蘇呂盧鐘譚陸賈韋鄒閆賀顧龔錢嚴湯羅鄭謝偉麗強軍潔濤輝蘭紅誌傑詩夢陽瑩鵬曉樂雲鳳寧軒豐澤';
const COMMON_SET = new Set(COMMON);
const HAN = /\p{Script=Han}/u;

/** Share of Han characters in `text` that are common (1 when there are none: nothing to misread). */
export function plausibility(text: string): number {
  let han = 0;
  let common = 0;
  for (const ch of text) {
    if (!HAN.test(ch)) continue;
    han++;
    if (COMMON_SET.has(ch)) common++;
  }
  return han === 0 ? 1 : common / han;
}

/** A reading is accepted without asking when it reaches this and beats the other by MARGIN. */
export const PLAUSIBLE = 0.3;
export const MARGIN = 0.15;

function tryDecode(encoding: TextEncodingName, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** 1-based line of byte `offset`, counting LF (or CR alone) line ends before it. */
function lineAt(bytes: Uint8Array, offset: number, unit = 1): number {
  let line = 1;
  for (let i = 0; i < offset; i += unit) {
    const b = unit === 2 ? bytes[i]! | bytes[i + 1]! : bytes[i]!;
    if (b === 0x0a) line++;
    else if (b === 0x0d && (unit === 2 ? (bytes[i + 2]! | bytes[i + 3]!) !== 0x0a : bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

/** Offset of the first byte that breaks UTF-8 (the file is known not to decode). */
function firstBadUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    if (tryDecode('utf-8', bytes.subarray(i, i + n)) === null) return i;
    i += n;
  }
  return bytes.length;
}

/**
 * Decodes a text file's bytes. `chosen` is the encoding the person picked
 * after an ambiguous result; it must still decode without errors.
 */
export function detectAndDecode(bytes: Uint8Array, chosen?: TextEncodingName): DecodeResult {
  // TextDecoder drops a byte-order mark that matches its encoding by itself.
  if (chosen) {
    const text = tryDecode(chosen, bytes);
    return text === null ? { kind: 'refused', reason: 'unknown' } : { kind: 'ok', encoding: chosen, text };
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const body = bytes.subarray(3);
    const text = tryDecode('utf-8', body);
    return text !== null ? { kind: 'ok', encoding: 'utf-8', text } : { kind: 'refused', reason: 'utf8Damaged', line: lineAt(body, firstBadUtf8(body)) };
  }
  if (hasUtf16Bom(bytes)) {
    const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const body = bytes.subarray(2);
    const text = tryDecode(encoding, body);
    return text !== null ? { kind: 'ok', encoding, text } : { kind: 'refused', reason: 'utf16Damaged' };
  }
  if (bytes.includes(0)) {
    // No text format a spreadsheet writes has NUL bytes, except UTF-16; without a BOM, ASCII
    // punctuation (commas, line ends) shows which byte of each pair is zero.
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      if (bytes[i] === 0) evenZero++;
      if (bytes[i + 1] === 0) oddZero++;
    }
    const pairs = Math.floor(bytes.length / 2);
    const encoding = oddZero > pairs * 0.2 && evenZero < pairs * 0.05 ? 'utf-16le' : evenZero > pairs * 0.2 && oddZero < pairs * 0.05 ? 'utf-16be' : null;
    const text = encoding ? tryDecode(encoding, bytes) : null;
    return encoding && text !== null ? { kind: 'ok', encoding, text } : { kind: 'refused', reason: 'binary' };
  }
  const utf8 = tryDecode('utf-8', bytes);
  if (utf8 !== null) return { kind: 'ok', encoding: 'utf-8', text: utf8 };
  // Mostly valid UTF-8 with a few bad bytes is a damaged UTF-8 file, not GBK.
  const loose = new TextDecoder('utf-8').decode(bytes);
  let bad = 0;
  let good = 0;
  for (const ch of loose) {
    if (ch === '\uFFFD') bad++;
    else if (ch.charCodeAt(0) >= 0x80) good++;
  }
  if (good >= 3 && bad <= Math.max(3, good * 0.05)) return { kind: 'refused', reason: 'utf8Damaged', line: lineAt(bytes, firstBadUtf8(bytes)) };

  const candidates: DecodeCandidate[] = [];
  for (const encoding of ['gb18030', 'big5'] as const) {
    const text = tryDecode(encoding, bytes);
    if (text !== null) candidates.push({ encoding, text, plausibility: plausibility(text) });
  }
  candidates.sort((a, b) => b.plausibility - a.plausibility);
  const [best, second] = candidates;
  if (!best) return { kind: 'refused', reason: 'unknown' };
  if (best.plausibility >= PLAUSIBLE && (!second || best.plausibility - second.plausibility >= MARGIN)) return { kind: 'ok', encoding: best.encoding, text: best.text };
  return { kind: 'ambiguous', candidates };
}

function hasUtf16Bom(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}
