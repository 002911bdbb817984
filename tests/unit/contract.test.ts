import { describe, expect, it } from 'vitest';
import { api, isMethod } from '../../shared/contract/api';
import { METHODS } from '../../shared/contract/methods';
import { canonicalJson, auditHashInput, AUDIT_GENESIS_HASH } from '../../shared/domain/audit';
import { redactError, redactFields } from '../../shared/util/redact';
import { ERROR_CODES, DEFAULT_MESSAGES, isUserCorrectable } from '../../shared/contract/errors';

describe('contract', () => {
  it('the preload method list is exactly the contract', () => {
    expect([...METHODS].sort()).toEqual(Object.keys(api).sort());
  });

  it('recognises methods without prototype tricks', () => {
    expect(isMethod('getCase')).toBe(true);
    expect(isMethod('toString')).toBe(false);
    expect(isMethod('__proto__')).toBe(false);
    expect(isMethod(42)).toBe(false);
  });

  it('every error code has a plain message; only INTERNAL means a bug', () => {
    for (const c of ERROR_CODES) expect(DEFAULT_MESSAGES[c].length).toBeGreaterThan(20);
    expect(ERROR_CODES.filter((c) => !isUserCorrectable(c))).toEqual(['INTERNAL']);
  });
});

describe('audit hash input', () => {
  it('is canonical: key order does not matter, undefined keys vanish', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: null }], u: undefined })).toBe('{"a":[{"x":null,"y":2}],"b":1}');
  });

  it('covers every field of the row, including the previous hash', () => {
    const row = { seq: 1, at: 5, actor: 'a', action: 'x', caseId: null, detail: { k: 1 }, prevHash: AUDIT_GENESIS_HASH };
    const base = auditHashInput(row);
    for (const patch of [{ seq: 2 }, { at: 6 }, { actor: 'b' }, { action: 'y' }, { caseId: 'c' }, { detail: { k: 2 } }, { prevHash: '1'.repeat(64) }]) {
      expect(auditHashInput({ ...row, ...patch })).not.toBe(base);
    }
  });
});

describe('log redaction', () => {
  it('keeps ids and codes, drops everything else', () => {
    expect(redactFields({ caseId: 'c1', code: 'DB_LOCKED', ms: 12, name: 'Testpatient', mrn: 'X', text: 'note', detail: { a: 1 } })).toEqual({
      caseId: 'c1',
      code: 'DB_LOCKED',
      ms: 12,
      name: '[redacted]',
      mrn: '[redacted]',
      text: '[redacted]',
      detail: '[redacted]',
    });
  });

  it('drops long strings even under a safe key', () => {
    expect(redactFields({ caseId: 'x'.repeat(200) }).caseId).toBe('[redacted]');
  });

  it('drops error messages (they can quote input) but keeps class and code', () => {
    const e = Object.assign(new Error('UNIQUE constraint failed: Testpatient Ada'), { code: 'SQLITE_CONSTRAINT' });
    const r = redactError(e);
    expect(JSON.stringify(r)).not.toContain('Testpatient');
    expect(r.code).toBe('SQLITE_CONSTRAINT');
  });
});
