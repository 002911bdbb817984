import { describe, expect, it } from 'vitest';
import { emptyForm, errorsByControl, formFromRecord, formToInput, FORM_KEYS } from '../../renderer/src/features/cases/case-form';
import { href, parseRoute } from '../../renderer/src/app/router';
import { CaseInputSchema, validateCase, type CaseRecord } from '../../shared/domain/case';
import { sampleCase } from '../helpers/backend';

describe('case form mapping', () => {
  it('round-trips a record through the form', () => {
    const fields = CaseInputSchema.parse(sampleCase({ dateOfService: '2026-11-26', diagnosisCodes: ['M41.26', 'G95.9'] }));
    const rec: CaseRecord = { ...fields, id: 'c', status: 'open', timeZone: 'UTC', version: 1, createdAt: 0, updatedAt: 0 };
    const back = CaseInputSchema.parse(formToInput(formFromRecord(rec)));
    expect(back).toEqual(fields);
  });

  it('an empty form fails on exactly the required fields', () => {
    const r = validateCase(formToInput(emptyForm('2026-11-26')), '2026-11-26');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(errorsByControl(r.fields)).sort()).toEqual(['patient.dateOfBirth', 'patient.firstName', 'patient.lastName', 'patient.mrn', 'patient.sex', 'procedure.description']);
  });

  it('routes validator paths to their control', () => {
    expect(errorsByControl({ 'diagnosisCodes.1': 'bad', 'payer.type': 'x', nope: 'y' })).toEqual({ diagnosisCodes: 'bad', 'payer.type': 'x' });
    expect(new Set(FORM_KEYS).size).toBe(FORM_KEYS.length);
  });

  it('splits diagnosis codes on commas, semicolons and spaces', () => {
    expect(formToInput({ ...emptyForm('2026-11-26'), diagnosisCodes: 'M41.26, g95.9;I10  Z98.1' }).diagnosisCodes).toEqual(['M41.26', 'g95.9', 'I10', 'Z98.1']);
  });
});

describe('hash routes', () => {
  it.each([
    ['', { name: 'cases' }],
    ['#/cases', { name: 'cases' }],
    ['#/cases/new', { name: 'newCase' }],
    ['#/cases/abc', { name: 'case', id: 'abc' }],
    ['#/cases/abc/edit', { name: 'editCase', id: 'abc' }],
    ['#/people', { name: 'people' }],
    ['#/practice', { name: 'practice', tab: 'dashboard' }],
    ['#/practice/roi', { name: 'practice', tab: 'roi' }],
    ['#/nonsense/x', { name: 'cases' }],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
    expect(parseRoute(href(route as never))).toEqual(route);
  });
});
