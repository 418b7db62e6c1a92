/**
 * Bounds an .xlsx before a spreadsheet library inflates it. An .xlsx is a zip:
 * a 300 KB file can inflate to hundreds of megabytes (one sheet of one huge
 * cell), and the zip library would hold all of it in memory before anything
 * could be checked. So the zip's central directory is read first and the
 * uncompressed sizes it declares are added up and bounded; then every part is
 * inflated here as a stream, counting bytes, and refused the moment it grows
 * past what it declared — so a file that lies about its sizes costs at most
 * the declared total, never what the lie hides.
 *
 * Zip layout (APPNOTE 6.3): end-of-central-directory record (signature
 * 0x06054b50) → central directory entries (0x02014b50) with each part's
 * method, sizes and the offset of its local header (0x04034b50), after
 * which the part's bytes follow.
 */

export type XlsxProblem = 'notZip' | 'tooBig' | 'damaged';

export class XlsxLimitError extends Error {
  override name = 'XlsxLimitError';
  constructor(
    readonly problem: XlsxProblem,
    detail: string,
  ) {
    super(`${problem}: ${detail}`);
  }
}

const MAX_PARTS = 2000;

interface Part {
  readonly name: string;
  readonly method: number;
  readonly compressed: number;
  readonly uncompressed: number;
  readonly localOffset: number;
}

function centralDirectory(bytes: Uint8Array): Part[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new XlsxLimitError('notZip', 'no end of central directory');
  const count = view.getUint16(eocd + 10, true);
  const offset = view.getUint32(eocd + 16, true);
  // ZIP64 markers: sizes beyond 4 GB, far past any roster.
  if (count === 0xffff || offset === 0xffffffff) throw new XlsxLimitError('tooBig', 'zip64');
  if (count > MAX_PARTS) throw new XlsxLimitError('tooBig', `${count} parts`);
  const parts: Part[] = [];
  let at = offset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw new XlsxLimitError('damaged', 'central directory');
    const nameLength = view.getUint16(at + 28, true);
    const part: Part = {
      method: view.getUint16(at + 10, true),
      compressed: view.getUint32(at + 20, true),
      uncompressed: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    };
    if (part.uncompressed === 0xffffffff || part.compressed === 0xffffffff) throw new XlsxLimitError('tooBig', 'zip64 part');
    parts.push(part);
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return parts;
}

/** Inflates a part as a stream and stops once it passes its declared size. @returns the bytes it inflated to. */
async function inflatedSize(data: Uint8Array<ArrayBuffer>, declared: number): Promise<number> {
  const reader = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return total;
      total += value.byteLength;
      if (total > declared) throw new XlsxLimitError('damaged', 'a part inflates past its declared size');
    }
  } catch (e) {
    if (e instanceof XlsxLimitError) throw e;
    throw new XlsxLimitError('damaged', 'a part does not inflate');
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/**
 * Checks an .xlsx's sizes without keeping what it inflates.
 * @throws XlsxLimitError('notZip' | 'tooBig' | 'damaged')
 */
export async function checkXlsxSizes(bytes: Uint8Array, maxUncompressed: number): Promise<void> {
  if (bytes.length < 22) throw new XlsxLimitError('notZip', 'too short');
  const parts = centralDirectory(bytes);
  const declared = parts.reduce((sum, p) => sum + p.uncompressed, 0);
  if (declared > maxUncompressed) throw new XlsxLimitError('tooBig', `${declared} bytes declared`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const p of parts) {
    if (p.localOffset + 30 > bytes.length || view.getUint32(p.localOffset, true) !== 0x04034b50) throw new XlsxLimitError('damaged', `local header of ${p.name}`);
    const start = p.localOffset + 30 + view.getUint16(p.localOffset + 26, true) + view.getUint16(p.localOffset + 28, true);
    if (start + p.compressed > bytes.length) throw new XlsxLimitError('damaged', `${p.name} is cut short`);
    if (p.method === 0) {
      if (p.compressed !== p.uncompressed) throw new XlsxLimitError('damaged', `${p.name} sizes differ`);
    } else if (p.method === 8) {
      const size = await inflatedSize(bytes.slice(start, start + p.compressed), p.uncompressed);
      if (size !== p.uncompressed) throw new XlsxLimitError('damaged', `${p.name} inflates to ${size}, not ${p.uncompressed}`);
    } else throw new XlsxLimitError('damaged', `${p.name} uses compression method ${p.method}`);
  }
}
