/**
 * Encodes text as GBK, the way Chinese Excel saves CSV, for tests. Built from
 * the platform's own GBK decoder (no encoder exists in the platform).
 */
let table: Map<string, number[]> | null = null;

export function encodeGbk(text: string): Uint8Array {
  if (!table) {
    table = new Map();
    const dec = new TextDecoder('gbk');
    for (let hi = 0x81; hi <= 0xfe; hi++)
      for (let lo = 0x40; lo <= 0xfe; lo++) {
        const ch = dec.decode(new Uint8Array([hi, lo]));
        if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
      }
  }
  const t = table;
  return new Uint8Array([...text].flatMap((c) => (c.charCodeAt(0) < 0x80 ? [c.charCodeAt(0)] : (t.get(c) ?? [0x3f]))));
}
