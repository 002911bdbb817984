import { z } from 'zod';
import { isIsoDate } from '../util/time';

// No control characters: they break HL7 and PDF output downstream and never belong in a name.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function personName(what: string) {
  return z
    .string({ error: `Enter the ${what}.` })
    .trim()
    .min(1, `Enter the ${what}.`)
    .max(80, `The ${what} is too long (80 characters at most).`)
    .refine((s) => !CONTROL.test(s), { error: `The ${what} contains characters that cannot be stored.` });
}

export function plainText(what: string, max: number) {
  return z
    .string()
    .trim()
    .max(max, `${what} is too long (${max} characters at most).`)
    .refine((s) => !CONTROL.test(s), { error: `${what} contains characters that cannot be stored.` });
}

export function isoDate(what: string) {
  return z
    .string({ error: `Enter the ${what} as YYYY-MM-DD.` })
    .trim()
    .refine(isIsoDate, { error: `Enter the ${what} as a real date, YYYY-MM-DD.` });
}

export const IdSchema = z.string().trim().min(1, 'An ID is required.').max(64, 'That ID is too long.');
