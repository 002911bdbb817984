/**
 * One line of the `npm run bench` table: what is measured, its target, the median, pass/fail; and,
 * where an end-to-end row is far from its inner row, why (printed under the table).
 */
export type BenchRow = { measure: string; target: string; median: string; pass: boolean; why?: string };

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}
