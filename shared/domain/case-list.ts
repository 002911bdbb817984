import type { CaseSummary } from './case';
import type { CaseStatus } from './vocabulary';

/** Running cases sort before finished ones on the same day. */
const STATUS_ORDER: Readonly<Record<CaseStatus, number>> = {
  capturing: 0,
  open: 1,
  closed: 2,
  signed: 3,
  amended: 4,
  sent: 5,
};

/**
 * Today's cases first (the ones a technologist is working on), then everything else, newest
 * date of service first. Within a day: running cases first, then most recently touched.
 */
export function sortCaseList(cases: readonly CaseSummary[], today: string): CaseSummary[] {
  return [...cases].sort((a, b) => {
    const at = a.dateOfService === today ? 0 : 1;
    const bt = b.dateOfService === today ? 0 : 1;
    if (at !== bt) return at - bt;
    if (a.dateOfService !== b.dateOfService) return a.dateOfService < b.dateOfService ? 1 : -1;
    const s = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    if (s !== 0) return s;
    return b.updatedAt - a.updatedAt;
  });
}

/** Escape a user's search text for a SQL LIKE pattern with `ESCAPE '\'`. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Fold case and accents so "nunez" finds "Núñez" and "zolc" finds "Żółć". */
export function foldForSearch(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .trim();
}

export function caseSearchKey(p: Readonly<{ lastName: string; firstName: string; mrn: string }>): string {
  return foldForSearch(`${p.lastName} ${p.firstName} ${p.mrn}`);
}
