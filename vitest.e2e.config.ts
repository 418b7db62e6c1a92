import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// End-to-end: each file starts a static server for dist/renderer on a free
// loopback port and drives headless Chromium with playwright-core. globalSetup finds
// the browser first (or installs Debian's chromium where it can, or stops with the command).
export default mergeConfig(
  { resolve: viteConfig.resolve },
  defineConfig({
    test: {
      include: ['tests/e2e/**/*.e2e.test.ts'],
      globalSetup: ['tests/e2e/globalSetup.ts'],
      // After each test: no raw error or code text reached any open kiosk's screen (issue 11).
      setupFiles: ['tests/e2e/rawTextHook.ts'],
      environment: 'node',
      testTimeout: 120_000,
      hookTimeout: 180_000,
      fileParallelism: false,
    },
  }),
);
