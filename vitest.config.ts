import { defineConfig } from 'vitest/config';

// Three kinds of tests (see tests/README.md): pure domain (unit), services on real SQLite files,
// temp dirs, ptys and loopback sockets (service), and the renderer in Debian's Chromium (ui).
export default defineConfig({
  test: {
    // 2 cores on CI machines: two workers, and the browser tests one file at a time.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      { extends: true, test: { name: 'service', include: ['tests/service/**/*.test.ts'], environment: 'node' } },
      {
        extends: true,
        test: { name: 'ui', include: ['tests/ui/**/*.test.ts'], environment: 'node', fileParallelism: false, testTimeout: 60_000 },
      },
    ],
  },
});
