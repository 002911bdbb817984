import { describe, expect, it } from 'vitest';
import { matchPatient, mismatchMessage } from '../../shared/domain/patient-match';

const c = { lastName: 'Núñez', firstName: 'José', mrn: 'MX-0077', dateOfBirth: '1966-03-14' };

describe('file patient vs case patient', () => {
  it.each([
    [{ id: 'MX0077', lastName: 'NUNEZ' }, 'match', []],
    [{ id: '000MX-0077' }, 'match', []],
    [{ name: 'Nunez_Jose' }, 'match', []],
    [{ id: 'X', name: 'X' }, 'unknown', []],
    [{}, 'unknown', []],
    [{ id: 'MX-0078' }, 'mismatch', ['id']],
    [{ id: 'MX-0077', lastName: 'Testpatient' }, 'mismatch', ['name']],
    [{ birthDate: '1966-03-15' }, 'mismatch', ['birthDate']],
    [{ id: 'Z1', name: 'Other Person', birthDate: '1990-01-01' }, 'mismatch', ['id', 'name', 'birthDate']],
  ])('%j → %s', (f, verdict, differs) => expect(matchPatient(c, f)).toEqual({ verdict, differs }));

  it('says what differs without quoting values', () => {
    const m = mismatchMessage(['id', 'name']);
    expect(m).toBe('This file names a different patient (its patient ID/MRN and name differ from this case). It was not added. If it does belong to this case, choose "Add anyway".');
  });
});
