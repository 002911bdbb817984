import type { z } from 'zod';

/**
 * A procedure of the contract: a zod schema for its arguments and a phantom result type.
 * The schema is checked at every boundary; the result type is checked by the compiler only.
 */
export type Procedure<A extends z.ZodType, R> = Readonly<{ args: A; readonly __result?: R }>;

/**
 * The schema is built at its first use, not when the contract loads: zod takes ~0.25 ms to build
 * one procedure's arguments, and a one-shot command checks one call of fifty (#15, start-up).
 */
export function procedure<A extends z.ZodType>(build: () => A) {
  return {
    returns<R>(): Procedure<A, R> {
      let args: A | undefined;
      return {
        get args(): A {
          return (args ??= build());
        },
      };
    },
  };
}
