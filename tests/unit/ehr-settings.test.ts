import { describe, expect, it } from 'vitest';
import { EhrSettingsSchema, fileNameFor } from '../../shared/ehr/settings';
import { isFinal, retryDelayMs } from '../../shared/ehr/delivery';
import { documentNumber, mdmInput } from '../../shared/ehr/mdm-input';
import { buildMdm } from '../../shared/hl7/mdm';
import { record, PEOPLE } from '../helpers/billing';

const values = { caseId: 'c-1', mrn: 'SYN-1', lastName: 'Żółć', firstName: 'Łukasz', dos: '2026-11-26', version: '1', kind: 'original', signedAt: '2026-11-26' };

describe('EHR settings', () => {
  it('file names: placeholders filled, letters of any script kept, characters shares refuse replaced', () => {
    expect(fileNameFor('{mrn}_{dos}_IONM_{caseId}_v{version}', values, 'pdf')).toBe('SYN-1_2026-11-26_IONM_c-1_v1.pdf');
    expect(fileNameFor('{lastName} {firstName}: {caseId} v{version}', values, 'pdf')).toBe('Żółć_Łukasz__c-1_v1.pdf');
    expect(fileNameFor('..\\{mrn}/..{caseId}?v{version}', values, 'pdf')).toBe('_SYN-1_..c-1_v1.pdf');
  });

  it('refuses patterns that could overwrite another report, unknown placeholders, and duplicate ids', () => {
    const folder = (pattern: string) => EhrSettingsSchema.safeParse({ destinations: [{ kind: 'folder', id: 'f', name: 'F', path: '/tmp', fileNamePattern: pattern }] });
    expect(folder('{mrn}').error?.issues[0]?.message).toMatch(/must contain \{version\}/);
    expect(folder('{mrn}_{visit}_v{version}').error?.issues[0]?.message).toMatch(/Unknown placeholder/);
    expect(folder('{caseId}_v{version}').success).toBe(true);
    const twice = EhrSettingsSchema.safeParse({ destinations: [{ kind: 'folder', id: 'f', name: 'A', path: '/a' }, { kind: 'folder', id: 'f', name: 'B', path: '/b' }] });
    expect(twice.error?.issues[0]?.message).toBe('Two destinations have the same id.');
    const mllp = EhrSettingsSchema.safeParse({ destinations: [{ kind: 'mllp', id: 'h', name: 'HIS', host: 'his.local', port: 70000, receivingApplication: 'X', receivingFacility: 'Y', assigningAuthority: 'Z' }] });
    expect(mllp.success).toBe(false);
  });

  it('retries back off 5 s, 15 s, 45 s … capped at 15 min; final states stay final', () => {
    expect([1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([5000, 15000, 45000, 135000, 900000]);
    expect(isFinal('retrying')).toBe(false);
    expect(isFinal('acknowledged')).toBe(true);
  });

  it('the MDM input of an original is a T02, of an addendum a T10 naming the original', () => {
    const dest = EhrSettingsSchema.parse({ destinations: [{ kind: 'mllp', id: 'h', name: 'HIS', host: 'his.local', port: 2575, receivingApplication: 'EPIC', receivingFacility: 'GEN', assigningAuthority: 'GEN' }] }).destinations[0]!;
    if (dest.kind !== 'mllp') throw new Error('mllp expected');
    const base = { record: record(), surgeon: PEOPLE.surgeon, physician: PEOPLE.physician, activityAt: Date.UTC(2026, 10, 26, 8, 28), pdf: new TextEncoder().encode('%PDF-1.7 test'), controlId: 'CO1', now: Date.UTC(2026, 10, 26, 12) };
    const t02 = buildMdm(mdmInput({ ...base, version: { version: 1, kind: 'original', signedAt: Date.UTC(2026, 10, 26, 11), signerName: 'A Reader', signerCredential: 'MD' } }, dest));
    expect(t02.ok && t02.message.split('\r')[0]).toContain('|MDM^T02^MDM_T02|CO1|P|2.5.1');
    const t10 = buildMdm(mdmInput({ ...base, version: { version: 2, kind: 'addendum', signedAt: Date.UTC(2026, 10, 26, 13), signerName: 'A Reader', signerCredential: 'MD' } }, dest));
    expect(t10.ok && t10.message).toContain(`|${documentNumber('case-1', 2)}|${documentNumber('case-1', 1)}|`);
    expect(t10.ok && t10.message).toContain('TXA|1|IONM|AP|20261126082800+0000');
  });
});
