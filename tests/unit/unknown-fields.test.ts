/**
 * Typed JSON with a field the schema has no place for: the contract would drop it silently, so
 * the command line names it (with what exists at that level) instead of "updating" nothing.
 */
import { describe, expect, it } from 'vitest';
import { CaseInputSchema } from '../../shared/domain/case';
import { EhrSettingsSchema } from '../../shared/ehr/settings';
import { RuleSetsSchema } from '../../shared/billing/ruleset';
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

describe('unknownFields in unions and records', () => {
  it('reads a destination as the kind it is closest to, and a record\'s values by their schema', () => {
    const mllp = { kind: 'mllp', id: 'his', name: 'HIS', host: 'h', port: 1, tsl: true, receivingApplication: 'A', receivingFacility: 'F', assigningAuthority: 'X' };
    const folder = { kind: 'folder', id: 'drop', name: 'Drop', path: '/mnt/x', sidcar: 'xml' };
    const found = unknownFields(EhrSettingsSchema, { destinations: [mllp, folder] });
    expect(found.map((f) => f.path)).toEqual(['destinations.0.tsl', 'destinations.1.sidcar']);
    expect(found[1]!.known).toContain('sidecar');
    const payer = { id: 'p', name: 'P', version: '1', effectiveFrom: '2026-01-01', rules: { R27: { severty: 'block' }, R10: { severity: 'warn' } } };
    expect(unknownFields(RuleSetsSchema, { payers: [payer] }).map((f) => f.path)).toEqual(['payers.0.rules.R27.severty']);
  });
});
