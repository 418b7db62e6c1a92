// Bundles Electron's main process and preload into dist-electron/ (CommonJS,
// one file each: a sandboxed preload cannot require local modules).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', external: ['electron'], sourcemap: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['electron/main/index.ts'], outfile: 'dist-electron/main/index.js' });
await build({ ...common, entryPoints: ['electron/preload/index.ts'], outfile: 'dist-electron/preload/index.js' });

// The project is "type": "module"; these bundles are CommonJS.
import { writeFile } from 'node:fs/promises';
await writeFile('dist-electron/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
