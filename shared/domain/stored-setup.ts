/**
 * A recorded setup read back from a stored event's payload (`payload.setup`): checked field by
 * field, never trusted. Apart from recorded-setup.ts so the parsers that write setups do not load
 * zod into processes that only parse.
 */
import { z } from 'zod';
import type { RecordedSetup } from './recorded-setup';

/**
 * Built at first use, not when the module loads: the practice server's page draws timelines but
 * never reads a payload, and building a zod object probes whether `new Function` is allowed,
 * which its Content-Security-Policy (no eval) reports as a violation.
 */
let schema: ReturnType<typeof buildSetupSchema> | null = null;

function buildSetupSchema() {
  const text = z.string().trim().min(1).max(200);
  const finite = z.number().finite();
  return z.object({
    stimulation: z
      .array(
        z.object({
          stimulator: text.nullable(),
          outputs: z.array(z.object({ label: text, usage: text.nullable() })).max(64),
          intensities: z.array(finite).max(64),
          unit: z.enum(['mA', 'V']).nullable(),
          pulses: finite.nullable(),
          pulseWidthUs: finite.nullable(),
          isiMs: finite.nullable(),
          rateHz: finite.nullable(),
        }),
      )
      .max(16),
    channels: z
      .array(
        z.object({
          name: text,
          active: text.nullable(),
          reference: text.nullable(),
          cursors: z.array(z.object({ label: text, latencyMs: finite, microvolts: finite.nullable() })).max(32),
        }),
      )
      .max(256),
  });
}

/** The setup a stored event carries, or null: a payload from the store is checked, never trusted. */
export function setupOf(payload: Readonly<Record<string, unknown>> | null | undefined): RecordedSetup | null {
  const raw = payload?.['setup'];
  if (raw === undefined || raw === null) return null;
  const parsed = (schema ??= buildSetupSchema()).safeParse(raw);
  return parsed.success ? parsed.data : null;
}
