import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { testdataDir } from '../tools/prereqs.mjs';

const made: string[] = [];

/** A fresh temp folder, removed after the test. */
export function tempDir(prefix = 'closeout-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) {
    try {
      fs.chmodSync(dir, 0o700);
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The shared test data provided outside the repo (never copied into it or shipped in the app):
 * CLOSEOUT_TESTDATA, else ../shared/testdata beside the checkout, else the workplace's copy; the
 * same search the test tools check makes before the tests run.
 */
export const TESTDATA = testdataDir() ?? path.resolve(__dirname, '../../../shared/testdata');
