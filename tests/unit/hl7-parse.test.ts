import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMessage, buildSegment, encodeField, escapeHl7, type Hl7FieldInput } from '../../shared/hl7/build';
import {
  DEFAULT_DELIMITERS,
  decodeHl7Bytes,
  fieldValue,
  get,
  headerOf,
  parseHl7,
  rawField,
  repetitionCount,
  segmentOf,
  segmentsOf,
  unescapeHl7,
  type Hl7Delimiters,
  type Hl7Message,
} from '../../shared/hl7/parse';
import { TESTDATA } from '../helpers/temp-dir';
import { mulberry32 } from '../../shared/util/seeded-random';

const HL7_DIR = path.join(TESTDATA, 'hl7');

/** What MANIFEST.md in the shared test data says about each file. */
const FILES = [
  {
    file: 'draeger_PCD04_watchdog.txt',
    msh9: 'ORU^R40^ORU_R40',
    version: '2.6',
    controlId: '2df8823a-f8fb-44e0-a4ba-1d826e0809f1',
    segments: 'MSH PID PV1 OBR OBX OBX OBX OBX OBX OBX OBX OBX OBX OBX',
    obxCount: 10,
    valueTypes: ['', 'NM', 'ST'],
    eol: 'CRLF',
  },
  {
    file: 'msfhir_MDM-T02-02.hl7',
    msh9: 'MDM^T02^MDM_T02',
    version: '2.8',
    controlId: 'PS1-20080131160038',
    segments: 'MSH SFT EVN PID PV1 ORC TQ1 OBR NTE ORC OBR TXA OBX OBX',
    obxCount: 2,
    valueTypes: ['TX'],
    eol: 'LF',
  },
  {
    file: 'nist_ORU_R01_2.5.1_SampleTestCase1.hl7',
    msh9: 'ORU^R01^ORU_R01',
    version: '2.5.1',
    controlId: 'NIST-100929110701660',
    segments: 'MSH SFT PID ORC OBR OBX SPM',
    obxCount: 1,
    valueTypes: ['NM'],
    eol: 'CR',
  },
] as const;

function readTestFile(name: string): string {
  return decodeHl7Bytes(fs.readFileSync(path.join(HL7_DIR, name)));
}

function mustParse(text: string): Hl7Message {
  const r = parseHl7(text);
  if (!r.ok) throw new Error(`parse failed: ${r.reason}`);
  return r.message;
}

/** Debian's python3-hl7 lives in /usr/lib/python3/dist-packages: use the system interpreter, not a pyenv one. */
const SYSTEM_PYTHON = '/usr/bin/python3';

function pythonFields(text: string): string[][] {
  const script = [
    'import hl7, json, sys',
    'm = hl7.parse(sys.stdin.buffer.read().decode("utf-8"))',
    'print(json.dumps([[str(f) for f in seg] for seg in m]))',
  ].join('\n');
  const r = spawnSync(SYSTEM_PYTHON, ['-c', script], { input: text, encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`python3-hl7 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[][];
}

describe('shared HL7 test files (MANIFEST.md)', () => {
  it('are the files the manifest describes (sha256)', () => {
    const sums = fs.readFileSync(path.join(HL7_DIR, 'SHA256SUMS'), 'utf-8');
    for (const { file } of FILES) {
      const digest = crypto.createHash('sha256').update(fs.readFileSync(path.join(HL7_DIR, file))).digest('hex');
      expect(sums).toContain(`${digest}  ${file}`);
    }
  });

  describe.each(FILES)('$file', (f) => {
    const text = readTestFile(f.file);
    const msg = mustParse(text);

    it('has the line endings the manifest lists', () => {
      const eol = text.includes('\r\n') ? 'CRLF' : text.includes('\r') ? 'CR' : 'LF';
      expect(eol).toBe(f.eol);
    });

    it('parses to the listed segments, MSH-9, MSH-12, MSH-10', () => {
      expect(msg.segments.map((s) => s.id).join(' ')).toBe(f.segments);
      const msh = segmentOf(msg, 'MSH');
      expect(rawField(msh, 9)).toBe(f.msh9);
      expect(get(msg, 'MSH', 12)).toBe(f.version);
      expect(get(msg, 'MSH', 10)).toBe(f.controlId);
      expect(headerOf(msg)).toMatchObject({ controlId: f.controlId, version: f.version, messageCode: f.msh9.split('^')[0], triggerEvent: f.msh9.split('^')[1] });
    });

    it('has the listed OBX count and value types', () => {
      const obx = segmentsOf(msg, 'OBX');
      expect(obx).toHaveLength(f.obxCount);
      expect([...new Set(obx.map((o) => fieldValue(o, 2)))].sort()).toEqual(f.valueTypes);
    });

    it('numbers MSH fields as the standard does (MSH-1 is the separator)', () => {
      expect(get(msg, 'MSH', 1)).toBe('|');
      expect(get(msg, 'MSH', 2)).toBe('^~\\&');
      expect(msg.delimiters).toEqual(DEFAULT_DELIMITERS);
    });

    it('splits every field exactly as python3-hl7 does', () => {
      const segmentsCr = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '').join('\r');
      const theirs = pythonFields(segmentsCr);
      const ours = msg.segments.map((s) => s.fields.map((fl) => fl.raw));
      expect(ours).toEqual(theirs);
    });
  });

  it('reads components, subcomponents, repetitions and occurrences', () => {
    const nist = mustParse(readTestFile('nist_ORU_R01_2.5.1_SampleTestCase1.hl7'));
    expect(get(nist, 'PID', 5, { comp: 1 })).toBe('Johnson');
    expect(get(nist, 'PID', 5, { comp: 2 })).toBe('Philip');
    expect(get(nist, 'PID', 3, { comp: 4, sub: 2 })).toBe('2.16.840.1.113883.19.3.2.1');
    expect(get(nist, 'OBX', 5)).toBe('50');
    expect(get(nist, 'OBX', 6, { comp: 2 })).toBe('micro-gram per deci-liter');
    expect(get(nist, 'OBX', 99)).toBe('');
    expect(get(nist, 'ZZZ', 1)).toBe('');

    const mdm = mustParse(readTestFile('msfhir_MDM-T02-02.hl7'));
    expect(get(mdm, 'OBX', 1, { occurrence: 2 })).toBe('2');
    expect(get(mdm, 'OBR', 4, { occurrence: 2, comp: 2 })).toBe('3D echo cardigram');
    const obr = segmentOf(mdm, 'OBR', 1);
    expect(repetitionCount(obr, 31)).toBe(3);
    expect(fieldValue(obr, 31, { rep: 3, comp: 1 })).toBe('414.8');
    expect(fieldValue(obr, 31, { rep: 4, comp: 1 })).toBe('');
    expect(get(mdm, 'TQ1', 4, { rep: 2 })).toBe('11:45:05');
    expect(get(mdm, 'TXA', 22, { comp: 15 })).toBe('200801311600');
  });
});

describe('segment separators', () => {
  const nistCr = readTestFile('nist_ORU_R01_2.5.1_SampleTestCase1.hl7');
  const reference = mustParse(nistCr);
  const lines = nistCr.split('\r').filter((l) => l !== '');

  it.each([
    ['CR', lines.join('\r')],
    ['LF', lines.join('\n')],
    ['CRLF', lines.join('\r\n')],
    ['CRLF with blank lines', `\r\n${lines.join('\r\n\r\n')}\r\n\r\n`],
    ['LF with whitespace-only lines and a BOM', `\uFEFF${lines.join('\n  \n')}\n`],
    ['mixed', lines.map((l, i) => l + ['\r', '\n', '\r\n'][i % 3]).join('')],
  ])('%s gives the same message', (_name, text) => {
    expect(mustParse(text)).toEqual(reference);
  });
});

describe('unescaping', () => {
  it.each([
    ['a\\F\\b', 'a|b'],
    ['a\\S\\b\\T\\c\\R\\d\\E\\e', 'a^b&c~d\\e'],
    ['line1\\.br\\line2', 'line1\nline2'],
    ['\\X0D0A\\', '\r\n'],
    ['Zo\\XC3AB\\', 'Zoë'],
    ['Zo\\XEB\\', 'Zoë'], // a single-byte sender's Latin-1
    ['\\H\\bold\\N\\ text', 'bold text'],
    ['\\Zsite\\', '\\Zsite\\'], // site-defined: kept, not lost
    ['\\C2842\\', '\\C2842\\'], // charset switch: kept
    ['dangling \\F', 'dangling \\F'],
    ['\\P\\', '\\P\\'], // no truncation character declared
    ['\\\\', '\\\\'], // empty sequence: kept
  ])('%s → %s', (escaped, plain) => {
    expect(unescapeHl7(escaped)).toBe(plain);
  });

  it('honours v2.7 truncation (MSH-2 "^~\\&#", \\P\\)', () => {
    const msg = mustParse('MSH|^~\\&#|A|B|||20250101||ACK^R40|1|P|2.7\rNTE|1||50\\P\\ off #3\r');
    expect(msg.delimiters.truncation).toBe('#');
    expect(get(msg, 'MSH', 2)).toBe('^~\\&#');
    expect(get(msg, 'NTE', 3)).toBe('50# off #3');
  });

  it('uses the encoding characters the message declares', () => {
    const msg = mustParse('MSH*$!/%*APP\rPID*1**MRN%AUTH$X!M2**Doe$Jane/S/Q*\r');
    expect(msg.delimiters).toMatchObject({ field: '*', component: '$', repetition: '!', escape: '/', subcomponent: '%' });
    expect(get(msg, 'MSH', 3)).toBe('APP');
    expect(get(msg, 'PID', 3, { comp: 1, sub: 2 })).toBe('AUTH');
    expect(get(msg, 'PID', 3, { rep: 2 })).toBe('M2');
    expect(get(msg, 'PID', 5, { comp: 2 })).toBe('Jane$Q');
  });
});

describe('building', () => {
  it('escapes every delimiter, control characters, and leaves Unicode alone', () => {
    expect(escapeHl7('a|b^c~d\\e&f')).toBe('a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f');
    expect(escapeHl7('x\r\ny\u000b\u001c')).toBe('x\\X0D\\\\X0A\\y\\X0B\\\\X1C\\');
    expect(escapeHl7("Zoë O'Brien-Smith")).toBe("Zoë O'Brien-Smith");
    expect(escapeHl7('王伟 Łukasz Żółć')).toBe('王伟 Łukasz Żółć');
    expect(escapeHl7('50# off', { ...DEFAULT_DELIMITERS, truncation: '#' })).toBe('50\\P\\ off');
  });

  it('numbers MSH fields from MSH-3, ends every segment with CR, trims trailing empties', () => {
    const text = buildMessage([
      { id: 'MSH', fields: { 1: 'ignored', 2: 'ignored', 3: 'APP', 9: ['ORU', 'R01', 'ORU_R01'], 10: 'C1', 12: '2.5.1', 15: '' } },
      { id: 'PID', fields: { 3: [['1', ''], '', '', ['HOSP', '1.2.3', 'ISO'], 'MR', ''], 5: { reps: [['Doe', 'Jane'], ['Roe', '']] }, 8: null } },
      { id: 'EVN', fields: {} },
    ]);
    expect(text).toBe('MSH|^~\\&|APP||||||ORU^R01^ORU_R01|C1||2.5.1\rPID|||1^^^HOSP&1.2.3&ISO^MR||Doe^Jane~Roe\rEVN\r');
    const msg = mustParse(text);
    expect(get(msg, 'MSH', 3)).toBe('APP');
    expect(get(msg, 'PID', 5, { rep: 2 })).toBe('Roe');
  });

  it('relays a parsed field unchanged', () => {
    const nist = mustParse(readTestFile('nist_ORU_R01_2.5.1_SampleTestCase1.hl7'));
    const pid = segmentOf(nist, 'PID');
    for (const n of [3, 5, 10, 11, 22]) {
      const f = pid?.fields[n];
      expect(f).toBeDefined();
      if (f) expect(encodeField({ reps: f.reps })).toBe(f.raw);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests with a seeded PRNG, so a failure reproduces.



const NAMES = ["Zoë O'Brien-Smith", 'Łukasz Żółć', '王伟', 'Nguyễn Thị Minh Khai', 'Øyvind Åsheim', 'محمد', 'Ἀλέξανδρος', '🧠 test'];
const ATOMS = ['|', '^', '~', '\\', '&', '#', '\r', '\n', '\r\n', '\t', '\\F\\', '\\X41\\', '\\.br\\', ' ', '"', '""', 'a', 'Z', '9', 'é', 'ß', '中', '\u000b', '\u001c', '\u0000', ...NAMES];

function randomText(rand: () => number, maxAtoms = 6): string {
  const n = 1 + Math.floor(rand() * maxAtoms);
  let s = '';
  for (let i = 0; i < n; i += 1) s += ATOMS[Math.floor(rand() * ATOMS.length)] ?? '';
  return s;
}

describe('escaping round-trip (property)', () => {
  it('any text in any position comes back unchanged', () => {
    const rand = mulberry32(20250101);
    for (let iter = 0; iter < 400; iter += 1) {
      const truncation = rand() < 0.3 ? '#' : null;
      const d: Hl7Delimiters = { ...DEFAULT_DELIMITERS, truncation };
      // field → reps → comps → subs, all non-empty so positions are unambiguous after trimming
      const spec: Record<number, string[][][]> = {};
      const nFields = 1 + Math.floor(rand() * 5);
      for (let f = 1; f <= nFields; f += 1) {
        spec[f] = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
          Array.from({ length: 1 + Math.floor(rand() * 3) }, () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomText(rand))),
        );
      }
      const fields: Record<number, Hl7FieldInput> = { 2: 'first' };
      for (const [k, reps] of Object.entries(spec)) fields[Number(k) + 2] = { reps };
      const text = buildMessage(
        [
          { id: 'MSH', fields: { 3: 'APP', 9: ['ORU', 'R01'], 10: 'X', 12: '2.7' } },
          { id: 'ZZZ', fields },
        ],
        d,
      );
      const msg = mustParse(text);
      expect(msg.segments.map((s) => s.id)).toEqual(['MSH', 'ZZZ']);
      for (const [k, reps] of Object.entries(spec)) {
        reps.forEach((comps, r) =>
          comps.forEach((subs, c) =>
            subs.forEach((value, s) => {
              expect(get(msg, 'ZZZ', Number(k) + 2, { rep: r + 1, comp: c + 1, sub: s + 1 })).toBe(value);
            }),
          ),
        );
      }
    }
  });

  it('survives UTF-8 encoding (what goes on the wire)', () => {
    for (const name of NAMES) {
      const text = buildSegment({ id: 'PID', fields: { 5: [name, name] } });
      const back = mustParse(`MSH|^~\\&|A\r${decodeHl7Bytes(new TextEncoder().encode(text))}\r`);
      expect(get(back, 'PID', 5, { comp: 2 })).toBe(name);
    }
  });
});

describe('garbage never throws', () => {
  it.each([
    '',
    '   ',
    'MSH',
    'MSH|',
    'MSH|^~',
    'MSH|^~\\',
    'MSHa^~\\&|',
    'MSH|^^\\&|A',
    'MSH|^~\\&abc|A',
    'MSH\r^~\\&',
    'PID|1||x',
    'MSH|^~\\&|A\rthis is not a segment',
    'MSH|^~\\&|A\rpid|1',
    'MSH|^~\\&|A\rMSH|^~\\&|B',
    'MSH|^~\\&|A\rPIDX|1',
    '\u0000\u0001\u0002',
  ])('%j', (input) => {
    const r = parseHl7(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/\w/);
  });

  it('accepts a bare MSH and a segment with no fields', () => {
    expect(parseHl7('MSH|^~\\&').ok).toBe(true);
    const r = parseHl7('MSH|^~\\&|A\rEVN\r');
    expect(r.ok && r.message.segments[1]?.fields).toHaveLength(1);
  });

  it('fuzz: random text and random bytes', () => {
    const rand = mulberry32(7);
    for (let i = 0; i < 2000; i += 1) {
      const bytes = Uint8Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 256));
      const prefix = rand() < 0.5 ? 'MSH|^~\\&|' : '';
      const text = prefix + (rand() < 0.5 ? decodeHl7Bytes(bytes) : randomText(rand, 20));
      const r = parseHl7(text);
      expect(typeof r.ok).toBe('boolean');
      if (r.ok) {
        // whatever parsed must also survive the accessors
        for (const seg of r.message.segments) for (let n = 0; n < seg.fields.length + 2; n += 1) expect(typeof fieldValue(seg, n, { rep: 2, comp: 3, sub: 2 })).toBe('string');
      }
    }
  });
});
