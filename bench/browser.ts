/** Starts what a browser benchmark needs: the built app and fixture on one loopback origin, and headless Chromium. */
import type { BrowserContext } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../electron/static-server.mjs';
import { launchChromium } from '../tests/e2e/harness';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchBrowser {
  readonly origin: string;
  readonly context: BrowserContext;
  /** The same app on another loopback origin: its own IndexedDB, so a second center side by side in one browser. */
  secondOrigin(): Promise<string>;
  close(): Promise<void>;
}

export async function openBenchBrowser(): Promise<BenchBrowser> {
  for (const f of ['dist/renderer/index.html', 'dist/bench/index.html'])
    if (!existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run bench\` (it builds first)`);
  const server = await startStaticServer(path.join(ROOT, 'dist'), 0);
  const profile = await mkdtemp(path.join(tmpdir(), 'tongxin-bench-'));
  const context = await launchChromium(profile);
  const others: { close(): Promise<void> }[] = [];
  return {
    origin: server.url,
    context,
    async secondOrigin() {
      const other = await startStaticServer(path.join(ROOT, 'dist'), 0);
      others.push(other);
      return other.url;
    },
    async close() {
      await context.close();
      await server.close();
      for (const o of others) await o.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
