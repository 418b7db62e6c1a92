import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// The renderer is one static bundle with relative URLs, so the same files load
// from Electron's app:// protocol, from Chromium in app mode over loopback, and
// from the end-to-end test server.
export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [vue()],
  resolve: {
    alias: {
      '@/': here('./renderer/src/'),
      '@sync/': here('./sync/'),
      // PouchDB's browser build still requires Node's EventEmitter.
      events: 'events',
    },
  },
  define: {
    // pouchdb-* reference `global` in a few places.
    global: 'globalThis',
  },
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
});
