/**
 * The bench's backend-ready row runs the real built backend entry and reports (its time is judged
 * by `npm run bench`, not here).
 */
import { describe, expect, it } from 'vitest';
import { benchBackendReady } from '../../electron/bench/backend-ready-bench';

describe('backend ready bench', () => {
  it('forks out/main/backend.js, gets a case list answered, and reports the row', async () => {
    const rows = await benchBackendReady({ runs: 1, events: 200 });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.measure).toMatch(/^App backend ready to answer: .*200-event case; 1 run\)$/);
    expect(rows[0]!.target).toBe('≤ 300 ms');
    expect(rows[0]!.median).toMatch(/^\d+ ms \(max \d+ ms\)$/);
  });
});
