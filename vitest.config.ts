import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// Unit tests sit beside the code as *.test.ts and need no server.
// Browser-facing code runs in happy-dom with fake-indexeddb (see tests/setup-unit.ts);
// the real IndexedDB is exercised by the end-to-end suite in Chromium.
export default mergeConfig(
  viteConfig,
  defineConfig({
    root: '.',
    test: {
      include: ['renderer/src/**/*.test.ts', 'sync/**/*.test.ts', 'electron/**/*.test.ts', 'build/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/e2e/**/*.unit.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      environment: 'node',
      setupFiles: ['tests/setup-unit.ts'],
    },
  }),
);
