import { defineConfig } from 'vitest/config';

// End-to-end: each file starts a static server for dist/renderer on a free
// loopback port and drives headless Chromium (/usr/bin/chromium) with playwright-core.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
