import { describe, expect, it } from 'vitest';
import { isCptOrHcpcsShape, isValidNpi, normalizeIcd10 } from '../../shared/domain/identifiers';

describe('NPI check digit', () => {
  it.each([
    ['1234567893', true], // CMS's published example
    ['1000000004', true],
    ['1234567890', false],
    ['123456789', false],
    ['12345678930', false],
    ['abcdefghij', false],
    ['', false],
  ])('%s → %s', (npi, valid) => expect(isValidNpi(npi)).toBe(valid));
});

describe('ICD-10-CM shape', () => {
  it.each([
    ['M54.16', 'M54.16'],
    ['m5416', 'M54.16'],
    [' g95.9 ', 'G95.9'],
    ['C4A.0', 'C4A.0'],
    ['S32.009A', 'S32.009A'],
    ['Z3A.38', 'Z3A.38'],
    ['M48.062', 'M48.062'],
    ['I10', 'I10'],
    ['M54.', null],
    ['54.16', null],
    ['M5', null],
    ['M54.16789', null],
    ['MM4.1', null],
    ['', null],
  ])('%s → %s', (raw, expected) => expect(normalizeIcd10(raw)).toBe(expected));
});

describe('CPT/HCPCS shape', () => {
  it.each([
    ['22612', true],
    ['95940', true],
    ['G0453', true],
    ['0001F', true],
    ['0275T', true],
    ['2261', false],
    ['226123', false],
    ['X1234X', false],
  ])('%s → %s', (code, ok) => expect(isCptOrHcpcsShape(code)).toBe(ok));
});
