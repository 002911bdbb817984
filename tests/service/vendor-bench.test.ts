import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureCadwellParse, writeCadwellSyntheticFile } from '../../electron/bench/vendor-bench';
import { tempDir } from '../helpers/temp-dir';

// The benchmark itself (500 MB, a child process per run) belongs to `npm run bench`; this checks
// its parts on a small file so the bench cannot silently measure a broken parse.
describe('vendor benchmark parts', () => {
  it('writes a synthetic Cadwell export to disk and reads back every event and trial', async () => {
    const file = path.join(tempDir(), 'cadwell.json');
    const stats = await writeCadwellSyntheticFile(file, { targetBytes: 3 * 1024 * 1024, modes: 3, seed: 2 });
    expect(fs.statSync(file).size).toBe(stats.bytes);
    expect(stats.bytes).toBeGreaterThan(3 * 1024 * 1024);
    const m = await measureCadwellParse(file);
    expect(m).toMatchObject({ bytes: stats.bytes, events: stats.events, trials: stats.trials, warnings: 0 });
    expect(stats.deletedEvents).toBeGreaterThan(0);
    expect(m.peakRssBytes).toBeGreaterThan(0);
    // The document is valid JSON, not just something our tokenizer accepts.
    expect(() => JSON.parse(fs.readFileSync(file, 'utf8'))).not.toThrow();
  });
});
