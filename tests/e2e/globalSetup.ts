/**
 * Before any end-to-end test: find a Chromium-family browser, or install Debian's when the
 * machine can (saying so in one line), or stop at once with the command that fixes it.
 */
import { BrowserMissingError, ensureChromium } from '../../electron/chromium.mjs';

export default function setup(): void {
  try {
    ensureChromium({ why: 'the end-to-end tests drive it' });
  } catch (e) {
    if (!(e instanceof BrowserMissingError) && !(e instanceof Error && e.message.startsWith('CHROMIUM_PATH'))) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
