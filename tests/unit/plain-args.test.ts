import { describe, expect, it } from 'vitest';
import { callProcedures } from '../../shared/contract/api-calls';
import { PLAIN_ARG_METHODS, readPlainArgs } from '../../shared/contract/plain-args';

/** A small seeded generator: the same arguments on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'Testpatient',
  '  padded  ',
  '\t\ntabs\n',
  'x'.repeat(100),
  ` ${'x'.repeat(100)} `,
  'x'.repeat(101),
  '\u00a0nbsp\u00a0',
  0,
  1,
  -1,
  1.5,
  200,
  1000,
  1001,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '200',
  true,
  [],
  {},
  [1],
];

describe('hand readers of plain call arguments', () => {
  it('read the usual arguments without the schema, into exactly what the schema gives', () => {
    for (const raw of [{}, { search: '', limit: 200 }, { search: 'Testpatient' }, { limit: 20 }]) {
      const fast = readPlainArgs('listCases', raw);
      expect(fast).not.toBeNull();
      expect(fast).toStrictEqual(callProcedures.listCases.args.parse(raw));
    }
  });

  it('are never wider than the schema: on 20,000 generated arguments each answers only where zod agrees, with the same value', () => {
    const r = rng(17);
    const pick = () => VALUES[Math.floor(r() * VALUES.length)];
    for (const method of PLAIN_ARG_METHODS) {
      const schema = (callProcedures as unknown as Record<string, { args: { safeParse: (x: unknown) => { success: boolean; data?: unknown } } }>)[method]!.args;
      let taken = 0;
      let left = 0;
      for (let i = 0; i < 20_000; i++) {
        const raw: Record<string, unknown> = r() < 0.1 ? Object.create(null) : {};
        if (r() < 0.8) raw['search'] = pick();
        if (r() < 0.8) raw['limit'] = pick();
        if (r() < 0.1) raw['extra'] = pick();
        const input: unknown = r() < 0.03 ? pick() : raw;
        const fast = readPlainArgs(method, input);
        const slow = schema.safeParse(input);
        if (fast === null) {
          left++;
          continue;
        }
        taken++;
        expect(slow.success, JSON.stringify(input)).toBe(true);
        expect(fast).toStrictEqual(slow.data);
        expect(Object.keys(fast)).toEqual(Object.keys(slow.data as object));
      }
      expect(taken).toBeGreaterThan(1000);
      expect(left).toBeGreaterThan(1000);
    }
  });
});
