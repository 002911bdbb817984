import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { lazyBrotliDictionary } from './electron/tools/lazy-brotli-dictionary.mjs';

const r = (p: string) => resolve(__dirname, p);

export default defineConfig({
  main: {
    plugins: [lazyBrotliDictionary()],
    build: {
      outDir: 'out/main',
      // Bundled, not loaded from node_modules (#15, start-up): zod as ~80 small ES modules cost
      // every CLI command ~60 ms of resolving and compiling; pdf-lib and fontkit as CommonJS made
      // Node run its CommonJS export scanner over 2 MB (~110 ms) before each PDF.
      externalizeDeps: { exclude: ['zod', 'pdf-lib', '@pdf-lib/fontkit'] },
      rollupOptions: {
        input: {
          // Electron main: the thin shell.
          index: r('electron/main/index.ts'),
          // The backend utility process (also forked by Node in tests).
          backend: r('electron/backend/index.ts'),
          // Plain-Node entries sharing the backend code.
          cli: r('electron/cli/main.ts'),
          // The practice server (#17): `closeout-server`, `npm run server`.
          server: r('electron/server/main.ts'),
          devhost: r('electron/devhost/index.ts'),
          // npm run bench
          bench: r('electron/bench/index.ts'),
          // npm run simulate
          simulate: r('electron/simulator/index.ts'),
        },
        // Dev-only tools the dev host and the bench load at run time; never bundled.
        external: ['vite', '@vitejs/plugin-react', 'playwright-core'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one self-contained CommonJS file.
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: r('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: r('renderer'),
    plugins: [react()],
    build: {
      outDir: r('out/renderer'),
      // The workstation app, and the practice server's page (#17) over the same components.
      rollupOptions: { input: { index: r('renderer/index.html'), practice: r('renderer/practice.html') } },
    },
  },
});
