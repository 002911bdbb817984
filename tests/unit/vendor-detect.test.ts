import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, type DetectedFormat } from '../../shared/parsers/detect';
import { TESTDATA } from '../helpers/temp-dir';
import { cadwellDocument } from '../fixtures/vendor/cadwell-fixture';
import { utf8 } from '../fixtures/vendor/chunking';
import { nkMagic, writeNkPnt } from '../fixtures/vendor/nihon-kohden-writer';

const head = (file: string): Uint8Array => {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0));
  } finally {
    fs.closeSync(fd);
  }
};

const XLTEK = ['Patient Name: Testpatient', 'x', 'Date: 11/26/2026', 'x', '', 'Events', 'Start 8:12:03 go', '1 09:47:15 Incision', '2 09:50:00 Screw', ''].join('\r\n');

describe('format detection', () => {
  it.each([
    ['edf/SC4001EC-Hypnogram.edf', 'edf', 'EDF+C'],
    ['edf/edfPlusD.edf', 'edf', 'EDF+D'],
    ['edf/test_generator.edf', 'edf', 'EDF+C'],
    ['edf/bdfPlusC.bdf', 'bdf', 'BIOSEMI'],
    ['hl7/nist_ORU_R01_2.5.1_SampleTestCase1.hl7', 'hl7', 'MSH|'],
    ['hl7/draeger_PCD04_watchdog.txt', 'hl7', 'MSH|'],
    ['hl7/MANIFEST.md', 'unknown', '.md'],
  ])('shared test data %s → %s', (file, format, reason) => {
    const d = detectFormat(path.basename(file), head(path.join(TESTDATA, file)));
    expect(d.format).toBe(format);
    expect(d.reason).toContain(reason);
  });

  const cases: ReadonlyArray<[string, Uint8Array, DetectedFormat]> = [
    ['case_data.json', utf8(cadwellDocument()), 'cadwell-json'],
    ['case_data.JSON', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(`\n ${cadwellDocument()}`)]), 'cadwell-json'],
    ['other.json', utf8('{"cases": [], "x": 1}'), 'unknown'],
    ['list.json', utf8('[{"Cases": []}]'), 'unknown'],
    ['events.txt', utf8(XLTEK), 'xltek-txt'],
    ['events.csv', utf8(XLTEK), 'unknown'],
    ['notes.txt', utf8('just\nsome\nnotes\nwith\nno\ntimes\nat all\n'), 'unknown'],
    ['nicolet.txt', utf8('Patient\tX\nName\tTime\tDuration\nExam Start\t00:00:00\t00:00\n'), 'nicolet-txt'],
    ['nicolet2.txt', utf8('Exam Start\t00:00:00\t00:00\n'), 'nicolet-txt'],
    ['msg.hl7', new Uint8Array([0x0b, ...utf8('MSH|^~\\&|X\r'), 0x1c, 0x0d]), 'hl7'],
    ['EEG0001.LOG', new Uint8Array([...nkMagic('EEG-2100  V02.00'), ...new Uint8Array(200)]), 'nihon-kohden-log'],
    ['EEG0001.PNT', writeNkPnt('EEG-2100  V02.00', '20261126231203'), 'unknown'],
    ['empty.edf', new Uint8Array(0), 'unknown'],
    ['short.edf', utf8('0       X'), 'edf'],
    ['fake.edf', utf8(`0       ${'\u0001'.repeat(300)}`), 'unknown'],
  ];
  it.each(cases)('%s → %s', (name, bytes, format) => {
    const d = detectFormat(name, bytes);
    expect(d.format).toBe(format);
    expect(d.reason.length).toBeGreaterThan(10);
  });

  it('never throws on random bytes', () => {
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: (n * 37) % 700 }, (_, i) => (i * 7919 + n * 104729) & 0xff);
      for (const name of ['a.json', 'a.txt', 'a.LOG', 'a.edf', 'a']) expect(typeof detectFormat(name, bytes).reason).toBe('string');
    }
  });
});
