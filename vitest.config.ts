import { defineConfig } from 'vitest/config';

// Four kinds of tests (see tests/README.md): pure domain (unit), services on real SQLite files,
// temp dirs, ptys and loopback sockets (service), the practice server on a real PostgreSQL (server), and the renderer in Debian's Chromium (ui).
// No test has a time budget (tests/helpers/patience.ts): the timeouts below only catch hangs.
export default defineConfig({
  test: {
    // 2 cores on CI machines: two workers, and the browser tests one file at a time.
    maxWorkers: 2,
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    expect: { poll: { timeout: 120_000, interval: 50 } },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      { extends: true, test: { name: 'service', include: ['tests/service/**/*.test.ts'], environment: 'node' } },
      // The practice server (#17) over a real PostgreSQL each file starts (tests/helpers/postgres.ts).
      { extends: true, test: { name: 'server', include: ['tests/server/**/*.test.ts'], environment: 'node' } },
      { extends: true, test: { name: 'ui', include: ['tests/ui/**/*.test.ts'], environment: 'node', fileParallelism: false } },
    ],
  },
});
