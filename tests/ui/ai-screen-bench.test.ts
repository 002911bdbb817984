import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureAiOnScreen } from '../../electron/bench/ai-screen-bench';
import { ROOT } from '../helpers/cli';

// The bench itself (npm run bench) judges the figure; this only proves the measurement runs.
describe('AI on-screen bench', () => {
  it('measures from the first written delta to text in the page', async () => {
    const f = await measureAiOnScreen({ runs: 2, warmup: 0, rendererDir: path.join(ROOT, 'out', 'renderer') });
    expect(f.runs).toBe(2);
    expect(f.medianMs).toBeGreaterThan(0);
    expect(Number.isFinite(f.maxMs)).toBe(true);
  });
});
