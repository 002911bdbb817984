/**
 * The PDF bench runs and reports its two rows (timings are judged by `npm run bench`, not here).
 */
import { describe, expect, it } from 'vitest';
import { benchPdf, pdfBenchInput } from '../../electron/bench/pdf-bench';

describe('pdf bench', () => {
  it('renders the bench case and reports time and size', async () => {
    const input = pdfBenchInput();
    expect(input.facts.eventCount).toBeGreaterThanOrEqual(190);
    expect(input.facts.eventCount).toBeLessThanOrEqual(220);
    const rows = await benchPdf({ runs: 1, warmup: 0 });
    expect(rows.map((r) => r.target)).toEqual(['≤ 300 ms', '≤ 400 KB']);
    expect(rows[0]!.median).toMatch(/^\d+\.\d ms$/);
    expect(rows[1]!.median).toMatch(/^\d+\.\d KB$/);
    // The size does not depend on the machine.
    expect(rows[1]!.pass).toBe(true);
  });
});
