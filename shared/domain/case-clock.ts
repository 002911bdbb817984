/**
 * A case's own clock. For every real case it is the workstation's clock. The demo is a case
 * happening now, played fast: its device times run from the moment it starts at its speed, so
 * its clock does too, and what the newcomer types on it is stamped with that clock and lands
 * where the demo is. Once the played case is over, its clock goes on at real speed. Pure.
 */
export type CaseClock = Readonly<{
  /** Real time (epoch ms) the demo started playing. */
  realStartMs: number;
  /** The case's time at that moment: its first device time. */
  startInstantMs: number;
  speed: number;
  /** The case's time where the played case ends. */
  endInstantMs: number;
}>;

/** The case's "now" for a real instant. */
export function caseNow(clock: CaseClock | null, realNow: number): number {
  if (!clock) return realNow;
  const played = clock.startInstantMs + (realNow - clock.realStartMs) * clock.speed;
  if (played <= clock.endInstantMs) return Math.round(played);
  const realAtEnd = clock.realStartMs + (clock.endInstantMs - clock.startInstantMs) / clock.speed;
  return Math.round(clock.endInstantMs + (realNow - realAtEnd));
}
