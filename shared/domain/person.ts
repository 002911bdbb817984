import { z } from 'zod';
import { isValidNpi } from './identifiers';
import { PERSON_ROLES, type PersonRole } from './vocabulary';
import { personName } from './fields';

/** Technologists, interpreting physicians and surgeons: kept once, picked from a list. */
export const PersonInputSchema = z.object({
  role: z.enum(PERSON_ROLES, { error: 'Choose a role: technologist, interpreting physician or surgeon.' }),
  lastName: personName('last name'),
  firstName: personName('first name'),
  credential: z
    .string()
    .trim()
    .max(40, 'Keep the credential short, e.g. "CNIM" or "MD, PhD".')
    .default(''),
  npi: z
    .string()
    .trim()
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .default(null)
    .refine((s) => s === null || isValidNpi(s), {
      error: 'The NPI must be 10 digits with a valid check digit. Check it against the NPI registry.',
    }),
  active: z.boolean().default(true),
});
export type PersonInput = z.input<typeof PersonInputSchema>;
export type PersonFields = z.output<typeof PersonInputSchema>;

export type Person = Readonly<
  PersonFields & {
    id: string;
    createdAt: number;
    updatedAt: number;
  }
>;

export function personDisplayName(p: Pick<Person, 'lastName' | 'firstName' | 'credential'>): string {
  const base = `${p.firstName} ${p.lastName}`.trim();
  return p.credential ? `${base}, ${p.credential}` : base;
}

export function roleNeedsNpi(role: PersonRole): boolean {
  return role === 'physician' || role === 'surgeon';
}
