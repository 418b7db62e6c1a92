/**
 * Before any end-to-end test: find a Chromium-family browser (and poppler-utils for the print
 * tests), or install Debian's when the machine can (saying so in one line), or stop at once
 * with the command that fixes it.
 */
import { BrowserMissingError, ensureChromium, ensureTools } from '../../electron/chromium.mjs';

export default function setup(): void {
  try {
    ensureChromium({ why: 'the end-to-end tests drive it' });
    // The print tests read the PDFs Chromium prints (page count, every row).
    ensureTools([{ bin: 'pdftotext', pkg: 'poppler-utils' }, { bin: 'pdfinfo', pkg: 'poppler-utils' }], { why: 'the print tests read printed PDFs with them' });
  } catch (e) {
    if (!(e instanceof BrowserMissingError) && !(e instanceof Error && /^CHROMIUM_PATH|not found \(/.test(e.message))) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
