/** The billing bench runs end to end (small sizes; its timings are only judged by `npm run bench`). */
import { expect, it } from 'vitest';
import { benchClaimCrossCase, benchClaimOneCase } from '../../electron/bench/billing-bench';

it('measures the claim from facts and getClaim over a store of many cases with cross-case findings', async () => {
  expect(benchClaimOneCase(2).measure).toMatch(/^Claim \+ all 36 rules/);
  const row = await benchClaimCrossCase({ cases: 400, runs: 2 });
  expect(row.measure).toMatch(/over 400 stored cases$/);
  expect(row.median).toMatch(/^\d+\.\d ms$/);
});
