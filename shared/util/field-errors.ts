import type { z } from 'zod';

/** Field path ("patient.lastName", or "_" for the whole value) → the message to show beside it. */
export type FieldErrors = Record<string, string>;

/**
 * A zod error as the messages a form shows beside its fields. Apart from the schemas on purpose:
 * the backend reports bad input without loading every domain schema first.
 */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    // Keep the first message per field: it is the most basic problem.
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}
