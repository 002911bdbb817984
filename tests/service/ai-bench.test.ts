import { describe, expect, it } from 'vitest';
import { benchAiFirstSection, measureAiFirstSection } from '../../electron/bench/ai-bench';

// The figures belong to `npm run bench`; this checks the bench measures something real (no
// timing target here: these machines are noisy).
describe('AI first-section benchmark', () => {
  it('measures 20 runs from the first written delta to onSection', async () => {
    const f = await measureAiFirstSection({ runs: 20, warmup: 1, deltaDelayMs: 0 });
    expect(f.runs).toBe(20);
    expect(f.medianMs).toBeGreaterThan(0);
    expect(f.p95Ms).toBeGreaterThanOrEqual(f.medianMs);
    expect(f.maxMs).toBeGreaterThanOrEqual(f.p95Ms);
  });

  it('reports one row in the bench table shape', async () => {
    const rows = await benchAiFirstSection({ runs: 20 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ target: '≤ 100 ms (median and p95)' });
    expect(rows[0]!.median).toMatch(/^\d+\.\d\d ms$/);
  });
});
