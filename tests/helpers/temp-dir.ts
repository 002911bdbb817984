import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';
import { testdataDir } from '../tools/prereqs.mjs';

const made: string[] = [];
const madeForFile: string[] = [];

/**
 * A fresh temp folder, removed after the test; made outside a test (in `beforeAll`, for a backend
 * that serves the whole file), removed after the file instead, so it is not pulled from under that
 * backend between tests.
 */
export function tempDir(prefix = 'closeout-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  (expect.getState().currentTestName === undefined ? madeForFile : made).push(dir);
  return dir;
}

function remove(dirs: string[]): void {
  for (const dir of dirs.splice(0)) {
    try {
      fs.chmodSync(dir, 0o700);
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

afterEach(() => remove(made));
afterAll(() => remove(madeForFile));

/**
 * The shared test data provided outside the repo (never copied into it or shipped in the app):
 * CLOSEOUT_TESTDATA, else ../shared/testdata beside the checkout, else the workplace's copy; the
 * same search the test tools check makes before the tests run.
 */
export const TESTDATA = testdataDir() ?? path.resolve(__dirname, '../../../shared/testdata');
