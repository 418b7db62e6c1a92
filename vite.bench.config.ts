import { mergeConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import base from './vite.config.ts';

// The benchmark fixture page (bench/fixture), built beside the app so both share one origin.
export default mergeConfig(base, {
  root: fileURLToPath(new URL('./bench/fixture', import.meta.url)),
  build: { outDir: fileURLToPath(new URL('./dist/bench', import.meta.url)), emptyOutDir: true },
});
