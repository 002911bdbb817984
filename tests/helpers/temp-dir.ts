import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

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
 * CLOSEOUT_TESTDATA, else ../shared/testdata beside the checkout, else the workplace's copy.
 */
export const TESTDATA =
  [process.env['CLOSEOUT_TESTDATA'], path.resolve(__dirname, '../../../shared/testdata'), '/work/shared/testdata'].find(
    (d): d is string => !!d && fs.existsSync(path.join(d, 'edf')),
  ) ?? path.resolve(__dirname, '../../../shared/testdata');
