import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const r = (p: string) => resolve(__dirname, p);

/**
 * The modules a one-shot CLI command loads before it answers (#15, start-up): the static imports
 * reachable from these roots, in one chunk instead of ~35 small ones (each ES module costs a
 * resolve, a read and a compile of its own). Libraries stay in their own chunks.
 */
function startupChunk(roots: readonly string[], entries: ReadonlySet<string>) {
  const members = new Set<string>();
  return {
    members,
    plugin: {
      name: 'closeout-startup-chunk',
      buildEnd(this: { getModuleInfo: (id: string) => { importedIds: readonly string[] } | null }) {
        const stack = roots.map((x) => r(x));
        while (stack.length) {
          const id = stack.pop()!;
          // Entries stay in their own files (one with a top-level await in a shared chunk deadlocks).
          if (members.has(id) || id.includes('node_modules') || id.startsWith('\0') || entries.has(id)) continue;
          const info = this.getModuleInfo(id);
          if (!info) continue;
          members.add(id);
          stack.push(...info.importedIds);
        }
      },
    },
  };
}

const MAIN_INPUTS = {
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
};

// What `closeout status` and `closeout case list` load: the CLI, the backend host and the store.
const startup = startupChunk(
  ['electron/cli/run.ts', 'electron/cli/session.ts', 'electron/backend/host.ts', 'electron/cli/commands/workstation.ts', 'electron/cli/commands/case.ts', 'electron/services/ai/ai-config.ts'],
  new Set(Object.values(MAIN_INPUTS)),
);

export default defineConfig({
  main: {
    plugins: [startup.plugin],
    // pdf-lib deflates with Node's zlib instead of pako (pako-zlib.ts says why).
    resolve: { alias: { pako: r('electron/services/export/pdf/pako-zlib.ts') } },
    build: {
      outDir: 'out/main',
      // Bundled, not loaded from node_modules (#15, start-up): zod as ~80 small ES modules cost
      // every CLI command ~60 ms of resolving and compiling; pdf-lib as CommonJS made Node run its
      // CommonJS export scanner over its files before each PDF.
      externalizeDeps: { exclude: ['zod', 'pdf-lib'] },
      rollupOptions: {
        input: MAIN_INPUTS,
        // Dev-only tools the dev host and the bench load at run time; never bundled.
        external: ['vite', '@vitejs/plugin-react', 'playwright-core'],
        output: { codeSplitting: { groups: [{ name: 'cli-start', test: (id: string) => startup.members.has(id) }] } },
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
