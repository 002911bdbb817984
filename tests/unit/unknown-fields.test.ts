/**
 * Typed JSON with a field the schema has no place for: the contract would drop it silently, so
 * the command line names it (with what exists at that level) instead of "updating" nothing.
 */
import { describe, expect, it } from 'vitest';
import { CaseInputSchema } from '../../shared/domain/case';
import { unknownFields, unknownFieldsMessage } from '../../shared/util/unknown-fields';
import { sampleCase } from '../helpers/backend';

describe('unknownFields', () => {
  it('finds nothing in a whole valid case, nor in a change of some fields', () => {
    expect(unknownFields(CaseInputSchema, sampleCase())).toEqual([]);
    expect(unknownFields(CaseInputSchema, { readerLocation: 'remote', payer: { type: 'commercial' }, diagnosisCodes: ['M50.121'], anesthesia: { detail: '' } })).toEqual([]);
  });

  it('names a misspelt or invented field at any depth, with the fields that level has', () => {
    const found = unknownFields(CaseInputSchema, { physicianLocation: 'remote', payer: { nmae: 'Example Health' }, procedure: { side: 'left', approach: 'anterior' } });
    expect(found.map((f) => f.path)).toEqual(['physicianLocation', 'payer.nmae', 'procedure.approach']);
    expect(found[0]!.known).toContain('readerLocation');
    expect(found[1]!.known).toEqual(['type', 'name']);
    expect(unknownFieldsMessage(found.slice(1, 2), 'a case')).toBe('"payer.nmae" is not a case field (there: type, name).');
  });

  it('leaves the checking of values to the schema', () => {
    // Wrong values are the schema's to name; this looks only at keys.
    expect(unknownFields(CaseInputSchema, { dateOfService: 'soon', patient: 'x', diagnosisCodes: [{ code: 1 }] })).toEqual([]);
  });
});
