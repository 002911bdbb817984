import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode } from '../../shared/hl7/base64';
import { buildMdm, type MdmInput } from '../../shared/hl7/mdm';
import { MllpDeframer, mllpEncode } from '../../shared/hl7/mllp';
import { decodeHl7Bytes, get, parseHl7, rawField, segmentOf, type Hl7Message } from '../../shared/hl7/parse';

/** Debian's python3-hl7 lives in /usr/lib/python3/dist-packages: use the system interpreter, not a pyenv one. */
const SYSTEM_PYTHON = '/usr/bin/python3';

/** A small "PDF": the right magic, every byte value, and an EOF marker. */
const PDF = new Uint8Array([...new TextEncoder().encode('%PDF-1.4\n'), ...Array.from({ length: 256 }, (_, i) => i), ...new TextEncoder().encode('\n%%EOF\n')]);

const surgeon = { npi: '1234567893', family: 'Żółć', given: 'Łukasz', degree: 'MD' };
const reader = { npi: '1000000004', family: '王', given: '伟', degree: 'MD' };
const tech = { npi: '1245319599', family: 'Smith|Jones', given: 'Pat^Q' };

const BASE: MdmInput = {
  event: { trigger: 'T02' },
  controlId: 'CO-20250314-0001',
  messageTime: '20250314123100-0500',
  settings: { sendingApplication: 'CLOSEOUT', sendingFacility: 'IONM GROUP', receivingApplication: 'EPIC', receivingFacility: 'SVH' },
  patient: { mrn: 'MRN-0042', assigningAuthority: 'SVH', family: "O'Brien-Smith", given: 'Zoë', middle: 'Ann', dateOfBirth: '1961-07-04', sex: 'F' },
  encounter: { patientClass: 'I', facility: 'SVH', pointOfCare: 'OR', room: '7', attending: surgeon, consulting: [reader], visitNumber: 'V123' },
  document: {
    uniqueDocumentNumber: 'IONM-2025-0001',
    activityTime: '20250314073000-0500',
    originationTime: '20250314120000-0500',
    originator: tech,
    authenticator: reader,
    authenticationTime: '20250314123000-0500',
    completionStatus: 'LA',
    pdf: PDF,
  },
};

function build(input: MdmInput): string {
  const r = buildMdm(input);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

function parse(text: string): Hl7Message {
  const r = parseHl7(text);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

describe('base64 (pure)', () => {
  it('matches Node for every length 0..300 and decodes back', () => {
    for (let n = 0; n <= 300; n += 1) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255);
      const b64 = base64Encode(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64Decode(b64)).toEqual(bytes);
    }
  });

  it('encodes a large buffer the same as Node', () => {
    const big = Uint8Array.from({ length: 1_000_003 }, (_, i) => (i * 7919) & 255);
    expect(base64Encode(big)).toBe(Buffer.from(big).toString('base64'));
  });

  it.each(['A', 'AB=', 'A===', 'AB*D', 'ÀÀÀÀ', '=AAA'])('rejects %j', (bad) => {
    expect(base64Decode(bad)).toBeNull();
  });

  it('tolerates line breaks', () => {
    expect(base64Decode('QUJD\r\nREVG')).toEqual(new TextEncoder().encode('ABCDEF'));
  });
});

describe('MDM^T02 with a PDF', () => {
  const text = build(BASE);
  const msg = parse(text);

  it('has the v2.5.1 segments and header', () => {
    expect(msg.segments.map((s) => s.id)).toEqual(['MSH', 'EVN', 'PID', 'PV1', 'TXA', 'OBX']);
    expect(text.endsWith('\r')).toBe(true);
    expect(text.includes('\n')).toBe(false);
    const msh = segmentOf(msg, 'MSH');
    expect(rawField(msh, 9)).toBe('MDM^T02^MDM_T02');
    expect([3, 4, 5, 6, 7, 10, 11, 12, 18].map((n) => get(msg, 'MSH', n))).toEqual([
      'CLOSEOUT',
      'IONM GROUP',
      'EPIC',
      'SVH',
      '20250314123100-0500',
      'CO-20250314-0001',
      'P',
      '2.5.1',
      'UNICODE UTF-8',
    ]);
    expect(rawField(segmentOf(msg, 'EVN'), 1)).toBe('T02');
  });

  it('identifies the patient: MRN with its authority, name, DOB, sex', () => {
    expect(rawField(segmentOf(msg, 'PID'), 3)).toBe('MRN-0042^^^SVH^MR');
    expect(get(msg, 'PID', 5, { comp: 1 })).toBe("O'Brien-Smith");
    expect(get(msg, 'PID', 5, { comp: 2 })).toBe('Zoë');
    expect(get(msg, 'PID', 5, { comp: 3 })).toBe('Ann');
    expect(get(msg, 'PID', 7)).toBe('19610704');
    expect(get(msg, 'PID', 8)).toBe('F');
  });

  it('names the encounter and doctors with NPIs', () => {
    expect(rawField(segmentOf(msg, 'PV1'), 3)).toBe('OR^7^^SVH');
    expect(rawField(segmentOf(msg, 'PV1'), 7)).toBe('1234567893^Żółć^Łukasz^^^^MD^^NPI&2.16.840.1.113883.4.6&ISO^L^^^NPI');
    expect(get(msg, 'PV1', 9, { comp: 2 })).toBe('王');
    expect(get(msg, 'PV1', 19)).toBe('V123');
  });

  it('describes the document in TXA', () => {
    const txa = (n: number, comp = 1): string => get(msg, 'TXA', n, { comp });
    expect([txa(1), txa(2), txa(3), txa(4), txa(6), txa(12), txa(17), txa(19)]).toEqual([
      '1',
      'IONM',
      'AP',
      '20250314073000-0500',
      '20250314120000-0500',
      'IONM-2025-0001',
      'LA',
      'AV',
    ]);
    expect(txa(5)).toBe('1000000004'); // primary provider defaults to the signer
    expect(txa(9, 2)).toBe('Smith|Jones'); // escaped on the wire, intact here
    expect(rawField(segmentOf(msg, 'TXA'), 9)).toContain('Smith\\F\\Jones^Pat\\S\\Q');
    expect(txa(10)).toBe('1000000004');
    expect(txa(22, 1)).toBe('1000000004');
    expect(txa(22, 15)).toBe('20250314123000-0500');
    expect(txa(13)).toBe('');
  });

  it('carries the PDF in OBX-5 as ED ^application^pdf^Base64^…, decoding to the same bytes', () => {
    expect(get(msg, 'OBX', 1)).toBe('1');
    expect(get(msg, 'OBX', 2)).toBe('ED');
    expect(get(msg, 'OBX', 11)).toBe('F');
    const obx5 = rawField(segmentOf(msg, 'OBX'), 5);
    expect(obx5.startsWith('^application^pdf^Base64^')).toBe(true);
    expect(base64Decode(get(msg, 'OBX', 5, { comp: 5 }))).toEqual(PDF);
  });

  it('parses the same with Debian python3-hl7', () => {
    const script = [
      'import hl7, json, sys, base64',
      'm = hl7.parse(sys.stdin.buffer.read().decode("utf-8"))',
      'print(json.dumps({',
      '  "segments": [str(s[0]) for s in m],',
      '  "msh9": str(m.segment("MSH")(9)),',
      '  "version": m["MSH.F12"],',
      '  "family": m["PID.F5.R1.C1"], "given": m["PID.F5.R1.C2"],',
      '  "mrn": m["PID.F3.R1.C1"], "authority": m["PID.F3.R1.C4"],',
      '  "txa12": m["TXA.F12"], "txa13": m["TXA.F13"], "txa9family": m["TXA.F9.R1.C2"],',
      '  "pdf": base64.b64decode(m["OBX.F5.R1.C5"], validate=True).hex(),',
      '  "ack": str(m.create_ack("AA", message_id="PYACK1")),',
      '}))',
    ].join('\n');
    const r = spawnSync(SYSTEM_PYTHON, ['-c', script], { input: text, encoding: 'utf-8' });
    expect(r.status, r.stderr).toBe(0);
    const py = JSON.parse(r.stdout) as Record<string, string | string[]>;
    expect(py).toMatchObject({
      segments: ['MSH', 'EVN', 'PID', 'PV1', 'TXA', 'OBX'],
      msh9: 'MDM^T02^MDM_T02',
      version: '2.5.1',
      family: "O'Brien-Smith",
      given: 'Zoë',
      mrn: 'MRN-0042',
      authority: 'SVH',
      txa12: 'IONM-2025-0001',
      txa13: '',
      txa9family: 'Smith|Jones',
      pdf: Buffer.from(PDF).toString('hex'),
    });
    // …and the ACK python builds for it names our control id
    expect(get(parse(String(py.ack)), 'MSA', 2)).toBe('CO-20250314-0001');
  });
});

describe('a realistic report size', () => {
  it('a 5 MB PDF survives build → MLLP frame → deframe → parse → decode', () => {
    const pdf = new Uint8Array(5 * 1024 * 1024);
    pdf.set(new TextEncoder().encode('%PDF-1.7\n'));
    for (let i = 9; i < pdf.length; i += 1) pdf[i] = (i * 2654435761) >>> 24;
    const text = build({ ...BASE, document: { ...BASE.document, pdf } });
    const deframer = new MllpDeframer();
    const frames = deframer.push(mllpEncode(text));
    expect(frames).toHaveLength(1);
    const msg = parse(decodeHl7Bytes(frames[0] ?? new Uint8Array()));
    const back = base64Decode(get(msg, 'OBX', 5, { comp: 5 })) ?? new Uint8Array();
    // Buffer.equals, not toEqual: a deep-equal of 5 M elements takes vitest half a minute.
    expect(Buffer.from(back).equals(Buffer.from(pdf))).toBe(true);
  });
});

describe('MDM^T10 replacement / addendum', () => {
  const text = build({
    ...BASE,
    controlId: 'CO-20250315-0002',
    event: { trigger: 'T10', parentDocumentNumber: 'IONM-2025-0001', changeReason: 'Addendum: late MEP finding' },
    document: { ...BASE.document, uniqueDocumentNumber: 'IONM-2025-0001-A1', completionStatus: 'AU' },
  });
  const msg = parse(text);

  it('references the parent document in TXA-13 and has its own TXA-12', () => {
    expect(rawField(segmentOf(msg, 'MSH'), 9)).toBe('MDM^T10^MDM_T02');
    expect(get(msg, 'EVN', 1)).toBe('T10');
    expect(get(msg, 'TXA', 12)).toBe('IONM-2025-0001-A1');
    expect(get(msg, 'TXA', 13)).toBe('IONM-2025-0001');
    expect(get(msg, 'TXA', 17)).toBe('AU');
    expect(get(msg, 'TXA', 21)).toBe('Addendum: late MEP finding');
  });

  it('python3-hl7 reads the same parent reference', () => {
    const script = 'import hl7, sys, json\nm = hl7.parse(sys.stdin.buffer.read().decode("utf-8"))\nprint(json.dumps([m["MSH.F9.R1.C2"], m["TXA.F12"], m["TXA.F13"]]))';
    const r = spawnSync(SYSTEM_PYTHON, ['-c', script], { input: text, encoding: 'utf-8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['T10', 'IONM-2025-0001-A1', 'IONM-2025-0001']);
  });
});

describe('MDM input validation', () => {
  it.each<[string, (i: MdmInput) => MdmInput, RegExp]>([
    ['bad attending NPI', (i) => ({ ...i, encounter: { ...i.encounter, attending: { ...surgeon, npi: '1234567890' } } }), /encounter\.attending\.npi/],
    ['empty MRN', (i) => ({ ...i, patient: { ...i.patient, mrn: ' ' } }), /patient\.mrn/],
    ['impossible DOB', (i) => ({ ...i, patient: { ...i.patient, dateOfBirth: '1961-02-30' } }), /dateOfBirth/],
    ['long control id', (i) => ({ ...i, controlId: 'x'.repeat(21) }), /controlId/],
    ['bad time', (i) => ({ ...i, document: { ...i.document, authenticationTime: '2025-03-14 12:30' } }), /authenticationTime/],
    ['not a PDF', (i) => ({ ...i, document: { ...i.document, pdf: new TextEncoder().encode('<html>') } }), /pdf/],
    ['T10 without a parent', (i) => ({ ...i, event: { trigger: 'T10', parentDocumentNumber: '' } }), /parentDocumentNumber/],
    ['T10 replacing itself', (i) => ({ ...i, event: { trigger: 'T10', parentDocumentNumber: 'IONM-2025-0001' } }), /different from the parent/],
  ])('%s', (_name, change, reason) => {
    const r = buildMdm(change(BASE));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(reason);
      // reasons name the field, never a value (PHI)
      for (const v of ['MRN-0042', '1234567890', '1961', "O'Brien"]) expect(r.reason).not.toContain(v);
    }
  });
});
