import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpretAck } from '../../shared/hl7/ack';
import { buildAck } from '../../shared/hl7/build';
import { decodeHl7Bytes, get, parseHl7, rawField, segmentOf, type Hl7Message } from '../../shared/hl7/parse';
import { TESTDATA } from '../helpers/temp-dir';

function parse(text: string): Hl7Message {
  const r = parseHl7(text);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

const nist = parse(decodeHl7Bytes(fs.readFileSync(path.join(TESTDATA, 'hl7', 'nist_ORU_R01_2.5.1_SampleTestCase1.hl7'))));
const NIST_ID = 'NIST-100929110701660';

describe('buildAck', () => {
  it('answers as the addressed application, echoing MSH-10 in MSA-2', () => {
    const ack = parse(buildAck(nist, { code: 'AA', controlId: 'A1', timestamp: '20250314120000-0500', text: 'Thanks' }));
    expect(ack.segments.map((s) => s.id)).toEqual(['MSH', 'MSA']);
    const msh = segmentOf(ack, 'MSH');
    const orig = segmentOf(nist, 'MSH');
    expect(rawField(msh, 3)).toBe(rawField(orig, 5));
    expect(rawField(msh, 4)).toBe(rawField(orig, 6));
    expect(rawField(msh, 5)).toBe(rawField(orig, 3));
    expect(rawField(msh, 6)).toBe(rawField(orig, 4));
    expect(rawField(msh, 9)).toBe('ACK^R01^ACK');
    expect([get(ack, 'MSH', 10), get(ack, 'MSH', 11), get(ack, 'MSH', 12)]).toEqual(['A1', 'P', '2.5.1']);
    expect([get(ack, 'MSA', 1), get(ack, 'MSA', 2), get(ack, 'MSA', 3)]).toEqual(['AA', NIST_ID, 'Thanks']);
  });

  it('adds an ERR segment in the v2.5 layout', () => {
    const text = buildAck(nist, { code: 'AE', controlId: 'A2', timestamp: '20250314', text: 'Unknown patient', error: { text: 'No MRN "X" at SVH | check PID-3' } });
    const ack = parse(text);
    expect(rawField(segmentOf(ack, 'ERR'), 3)).toBe('207^Application internal error^HL70357');
    expect(get(ack, 'ERR', 4)).toBe('E');
    expect(get(ack, 'ERR', 8)).toBe('No MRN "X" at SVH | check PID-3');
  });

  it('answers in the sender’s own delimiters', () => {
    const received = parse('MSH*$!/%*DEV*OR1*CLOSEOUT*IONM*20250314**ORU$R01*C9*P*2.6\r');
    const text = buildAck(received, { code: 'AR', controlId: 'A3', timestamp: '20250314', text: 'a*b$c' });
    expect(text.startsWith('MSH*$!/%*CLOSEOUT*IONM*DEV*OR1*20250314**ACK$R01$ACK*A3*P*2.6\r')).toBe(true);
    expect(interpretAck(text, 'C9')).toEqual({ kind: 'rejected', code: 'AR', controlId: 'C9', text: 'a*b$c' });
  });
});

describe('interpretAck', () => {
  const ack = (code: string, id = 'C1', extra = ''): string => `MSH|^~\\&|R|F|S|F|20250314||ACK^T02^ACK|X1|P|2.5.1\rMSA|${code}|${id}|${extra}\r`;

  it.each([
    ['AA', 'accepted'],
    ['CA', 'accepted'],
    ['AE', 'error'],
    ['CE', 'error'],
    ['AR', 'rejected'],
    ['CR', 'rejected'],
    ['aa', 'accepted'],
  ])('%s → %s', (code, kind) => {
    expect(interpretAck(ack(code, 'C1', 'note'), 'C1')).toEqual({ kind, code: code.toUpperCase(), controlId: 'C1', text: 'note' });
  });

  it('reads a v2.7 commit ACK with a truncation character, as an IHE ACM manager sends', () => {
    const text = 'MSH|^~\\&#|||||20191127160542||ACK^R40|||2.7\nMSA|CA|2df8823a-f8fb-44e0-a4ba-1d826e0809f1\n';
    expect(interpretAck(text, '2df8823a-f8fb-44e0-a4ba-1d826e0809f1')).toMatchObject({ kind: 'accepted', code: 'CA' });
  });

  it('joins MSA-3 and ERR texts (v2.5 ERR-8/7 and v2.4 ERR-1 ELD), without repeats', () => {
    const text =
      ack('AE', 'C1', 'Patient not found') +
      'ERR||PID^1^3|204^Unknown key identifier^HL70357|E||||Patient not found\r' +
      'ERR|PID^1^5^101&Required field missing&HL70357\r';
    expect(interpretAck(text, 'C1')).toEqual({
      kind: 'error',
      code: 'AE',
      controlId: 'C1',
      text: 'Patient not found; Required field missing',
    });
  });

  it('falls back to the ERR-3 code text when the receiver wrote nothing else', () => {
    const text = ack('AR') + 'ERR||MSH^1^12|203^Unsupported version id^HL70357|E\r';
    expect(interpretAck(text, 'C1')).toMatchObject({ kind: 'rejected', text: 'Unsupported version id' });
  });

  it.each([
    ['not HL7', 'HTTP/1.1 400 Bad Request'],
    ['no MSA', 'MSH|^~\\&|R|F|S|F|20250314||ACK|X1|P|2.5.1\r'],
    ['another message’s control id', ack('AA', 'C2')],
    ['empty MSA-2', ack('AA', '')],
    ['unknown code', ack('OK')],
    ['empty', ''],
  ])('%s → garbled', (_name, text) => {
    const r = interpretAck(text, 'C1');
    expect(r.kind).toBe('garbled');
    if (r.kind === 'garbled') expect(r.reason).not.toContain('C2');
  });

  it('never throws on random input', () => {
    let seed = 1;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = ['MSH|^~\\&|', 'MSA|', 'AA', 'C1', '|', '^', '\r', '\n', 'ERR|', '&', '~', '\\', 'x', '#'];
    for (let i = 0; i < 2000; i += 1) {
      const text = Array.from({ length: Math.floor(rand() * 30) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      expect(['accepted', 'error', 'rejected', 'garbled']).toContain(interpretAck(text, 'C1').kind);
    }
  });
});
