/**
 * Encodes text as GBK (the way Chinese Excel saves CSV) or Big5, for tests.
 * Built from the platform's own decoders (no encoder exists in the platform).
 */
const tables = new Map<string, Map<string, number[]>>();

function encodeWith(encoding: 'gbk' | 'big5', text: string): Uint8Array {
  let table = tables.get(encoding);
  if (!table) {
    table = new Map();
    const dec = new TextDecoder(encoding);
    for (let hi = 0x81; hi <= 0xfe; hi++)
      for (let lo = 0x40; lo <= 0xfe; lo++) {
        const ch = dec.decode(new Uint8Array([hi, lo]));
        if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [hi, lo]);
      }
    tables.set(encoding, table);
  }
  const t = table;
  return new Uint8Array([...text].flatMap((c) => (c.charCodeAt(0) < 0x80 ? [c.charCodeAt(0)] : (t.get(c) ?? [0x3f]))));
}

export const encodeGbk = (text: string): Uint8Array => encodeWith('gbk', text);
export const encodeBig5 = (text: string): Uint8Array => encodeWith('big5', text);
