import { z } from 'zod';
import { personName } from './fields';

export const USER_ROLES = ['technologist', 'physician', 'admin', 'billing'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const USER_ROLE_LABELS: Readonly<Record<UserRole, string>> = {
  technologist: 'Technologist',
  physician: 'Interpreting physician (signs reports)',
  admin: 'Administrator',
  billing: 'Billing (claims, overrides, charge export)',
};

/** Who may override an unclean claim and export charges. */
export function hasBillingRights(role: UserRole): boolean {
  return role === 'billing' || role === 'admin';
}

/** A local user of this workstation. PINs never leave the backend; this is what the UI sees. */
export type User = Readonly<{
  id: string;
  name: string;
  role: UserRole;
  personId: string | null;
  hasPin: boolean;
  active: boolean;
}>;

export const UserInputSchema = z.object({
  name: personName('user name'),
  role: z.enum(USER_ROLES, { error: 'Choose a role.' }),
  personId: z.string().trim().min(1).max(64).nullable().default(null),
  active: z.boolean().default(true),
});
export type UserInput = z.input<typeof UserInputSchema>;
