import { describe, expect, it } from 'vitest';
import { caseDateProblems, changedCaseFields, CaseInputSchema, validateCase } from '../../shared/domain/case';
import { sampleCase } from '../helpers/backend';

const TODAY = '2026-11-26';
const base = () => sampleCase({ dateOfService: TODAY });

describe('case validation', () => {
  it('accepts a complete case and normalises codes', () => {
    const r = validateCase({ ...base(), diagnosisCodes: ['m4126', ' g95.9'], procedure: { description: ' ACDF ', cpt: '63075' } }, TODAY);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.diagnosisCodes).toEqual(['M41.26', 'G95.9']);
    expect(r.value.procedure.description).toBe('ACDF');
    expect(r.value.procedure.side).toBeNull();
  });

  it('requires only identity, procedure and date; the rest defaults to "not set"', () => {
    const r = validateCase(
      { patient: { lastName: 'A', firstName: 'B', mrn: 'X1', dateOfBirth: '1990-01-01', sex: 'U' }, procedure: { description: 'Craniotomy' }, dateOfService: TODAY },
      TODAY,
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.payer).toEqual({ type: null, name: '' });
      expect(r.value.surgeonId).toBeNull();
      expect(r.value.diagnosisCodes).toEqual([]);
    }
  });

  it('gives one plain message per missing field, keyed by its path', () => {
    const r = validateCase({}, TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.fields).sort()).toEqual(
      ['dateOfService', 'patient.dateOfBirth', 'patient.firstName', 'patient.lastName', 'patient.mrn', 'patient.sex', 'procedure.description'].sort(),
    );
    expect(r.fields['patient.mrn']).toBe('Enter the MRN.');
  });

  it.each([
    [{ patient: { ...base().patient, mrn: 'has space' } }, 'patient.mrn'],
    [{ patient: { ...base().patient, dateOfBirth: '1990-02-30' } }, 'patient.dateOfBirth'],
    [{ patient: { ...base().patient, sex: 'Q' } }, 'patient.sex'],
    [{ procedure: { description: 'x', cpt: '2261' } }, 'procedure.cpt'],
    [{ diagnosisCodes: ['M54.16', 'nonsense'] }, 'diagnosisCodes.1'],
    [{ diagnosisCodes: ['M54.16', 'm5416'] }, 'diagnosisCodes'],
    [{ placeOfService: '2' }, 'placeOfService'],
    [{ payer: { type: 'cash', name: '' } }, 'payer.type'],
    [{ patient: { ...base().patient, lastName: 'Bad\u0007Name' } }, 'patient.lastName'],
    [{ diagnosisCodes: Array.from({ length: 13 }, (_, i) => `M54.${i}`) }, 'diagnosisCodes'],
  ])('refuses %j at %s', (patch, field) => {
    const r = validateCase({ ...base(), ...patch }, TODAY);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fields[field]).toBeTruthy();
  });

  it('checks dates against today', () => {
    const f = CaseInputSchema.parse(base());
    expect(caseDateProblems({ ...f, patient: { ...f.patient, dateOfBirth: '2026-12-01' } }, TODAY)['patient.dateOfBirth']).toMatch(/future/);
    expect(caseDateProblems({ ...f, patient: { ...f.patient, dateOfBirth: '1880-01-01' } }, TODAY)['patient.dateOfBirth']).toMatch(/130 years/);
    expect(caseDateProblems({ ...f, dateOfService: '1950-01-01' }, TODAY)['dateOfService']).toMatch(/before the date of birth/);
    expect(caseDateProblems({ ...f, dateOfService: '2027-06-01' }, TODAY)['dateOfService']).toMatch(/60 days ahead/);
    expect(caseDateProblems({ ...f, dateOfService: '2012-01-01' }, TODAY)['dateOfService']).toMatch(/10 years/);
    expect(caseDateProblems(f, TODAY)).toEqual({});
  });

  it('names the changed fields (never their values) for the audit log', () => {
    const a = CaseInputSchema.parse(base());
    const b = { ...a, payer: { ...a.payer, name: 'Other' }, diagnosisCodes: ['G95.9'] };
    expect(changedCaseFields(a, b)).toEqual(['payer.name', 'diagnosisCodes']);
    expect(changedCaseFields(a, a)).toEqual([]);
  });
});
