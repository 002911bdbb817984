import { describe, expect, it } from 'vitest';
import { acceptsEvents, canMoveManually, isRecordLocked } from '../../shared/domain/case-status';
import { caseRecordGaps } from '../../shared/domain/case-gaps';
import { caseSearchKey, foldForSearch, likePattern, sortCaseList } from '../../shared/domain/case-list';
import { CaseInputSchema, type CaseRecord, type CaseSummary } from '../../shared/domain/case';
import type { Person } from '../../shared/domain/person';
import { CASE_STATUSES, type CaseStatus } from '../../shared/domain/vocabulary';
import { sampleCase } from '../helpers/backend';

describe('status moves', () => {
  it.each([
    ['open', 'capturing', true],
    ['open', 'closed', true],
    ['capturing', 'closed', true],
    ['closed', 'open', true],
    ['closed', 'capturing', true],
    ['open', 'signed', false],
    ['closed', 'signed', false],
    ['signed', 'open', false],
    ['sent', 'closed', false],
    ['amended', 'open', false],
  ] as const)('%s → %s allowed: %s', (from, to, ok) => expect(canMoveManually(from, to)).toBe(ok));

  it('locks the record once signed and takes events only while running', () => {
    const locked = CASE_STATUSES.filter(isRecordLocked);
    expect(locked).toEqual(['signed', 'sent', 'amended']);
    expect(CASE_STATUSES.filter(acceptsEvents)).toEqual(['open', 'capturing']);
  });
});

const person = (id: string, role: Person['role'], extra: Partial<Person> = {}): Person => ({
  id,
  role,
  lastName: `L${id}`,
  firstName: 'F',
  credential: role === 'technologist' ? 'CNIM' : 'MD',
  npi: role === 'technologist' ? null : '1234567893',
  active: true,
  createdAt: 0,
  updatedAt: 0,
  ...extra,
});

function record(patch: Record<string, unknown> = {}): CaseRecord {
  return {
    ...CaseInputSchema.parse(sampleCase({ surgeonId: 's', technologistId: 't', physicianId: 'p', readerLocation: 'in_room', ...patch })),
    id: 'c',
    status: 'open',
    timeZone: 'UTC',
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };
}

describe('what a case still lacks', () => {
  const all = new Map([
    ['s', person('s', 'surgeon')],
    ['t', person('t', 'technologist')],
    ['p', person('p', 'physician')],
  ]);

  it('nothing for a complete record', () => expect(caseRecordGaps(record(), all)).toEqual([]));

  it('lists each missing piece in plain words', () => {
    const gaps = caseRecordGaps(record({ surgeonId: null, readerLocation: null, diagnosisCodes: [], payer: { type: null, name: '' } }), all);
    expect(gaps.map((g) => g.field)).toEqual(['surgeonId', 'readerLocation', 'payer.type', 'payer.name', 'diagnosisCodes']);
    expect(gaps.find((g) => g.field === 'readerLocation')?.message).toBe('Physician location (in the OR or remote) not set.');
  });

  it('flags people without NPI or credential', () => {
    const people = new Map([
      ['s', person('s', 'surgeon', { npi: null })],
      ['t', person('t', 'technologist', { credential: '' })],
      ['p', person('p', 'physician', { npi: null, credential: '' })],
    ]);
    expect(caseRecordGaps(record(), people).map((g) => g.message)).toEqual([
      'Surgeon Ls has no NPI (needed as referring provider).',
      'Technologist Lt has no credential recorded.',
      'Dr. Lp has no NPI (needed as rendering provider).',
      'Dr. Lp has no credential recorded.',
    ]);
  });

  it('does not ask a self-pay case for a payer name', () => {
    expect(caseRecordGaps(record({ payer: { type: 'self_pay', name: '' } }), all)).toEqual([]);
  });
});

describe('case list', () => {
  const s = (id: string, dateOfService: string, status: CaseStatus, updatedAt: number): CaseSummary => ({
    id,
    status,
    dateOfService,
    updatedAt,
    patientName: id,
    mrn: id,
    procedure: '',
    surgeonName: null,
  });

  it("puts today's cases first, running ones before finished, then newest dates", () => {
    const sorted = sortCaseList(
      [s('old', '2026-11-20', 'open', 9), s('future', '2026-11-27', 'open', 1), s('t-closed', '2026-11-26', 'closed', 5), s('t-cap', '2026-11-26', 'capturing', 1), s('t-open', '2026-11-26', 'open', 3)],
      '2026-11-26',
    );
    expect(sorted.map((c) => c.id)).toEqual(['t-cap', 't-open', 't-closed', 'future', 'old']);
  });

  it('folds accents and case so a search typed on any keyboard finds the patient', () => {
    expect(foldForSearch('Núñez')).toBe('nunez');
    expect(foldForSearch('Łukasz Żółć')).toBe('lukasz zolc');
    expect(foldForSearch("Zoë O'Brien-Smith")).toBe("zoe o'brien-smith");
    expect(caseSearchKey({ lastName: 'Núñez', firstName: 'José', mrn: 'AB-12' })).toBe('nunez jose ab-12');
  });

  it('escapes LIKE wildcards in user input', () => {
    expect(likePattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });
});
