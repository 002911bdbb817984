import { describe, expect, it } from 'vitest';
import { caseNow, type CaseClock } from '../../shared/domain/case-clock';

describe('a case clock', () => {
  const clock: CaseClock = { realStartMs: 1_000_000, startInstantMs: 5_000_000, speed: 60, endInstantMs: 5_000_000 + 190 * 60_000 };

  it('is the workstation clock for a real case', () => {
    expect(caseNow(null, 123_456)).toBe(123_456);
  });

  it('runs at the demo speed from the demo start, then at real speed after the played case ends', () => {
    expect(caseNow(clock, 1_000_000)).toBe(5_000_000);
    // One real second at 60×: one minute on the case.
    expect(caseNow(clock, 1_001_000)).toBe(5_060_000);
    // The 190-minute case ends 190 real seconds in; afterwards one real second is one second.
    const realEnd = 1_000_000 + 190_000;
    expect(caseNow(clock, realEnd)).toBe(clock.endInstantMs);
    expect(caseNow(clock, realEnd + 5_000)).toBe(clock.endInstantMs + 5_000);
  });
});
