import type { z } from 'zod';

/**
 * A procedure of the contract: a zod schema for its arguments and a phantom result type.
 * The schema is checked at every boundary; the result type is checked by the compiler only.
 */
export type Procedure<A extends z.ZodType, R> = Readonly<{ args: A; readonly __result?: R }>;

export function procedure<A extends z.ZodType>(args: A) {
  return {
    returns<R>(): Procedure<A, R> {
      return { args };
    },
  };
}
