/**
 * The report PDF judged by independent tools (qpdf, poppler's pdffonts/pdftotext/pdfinfo/
 * pdftoppm), on the demo case captured through the real backend and on synthetic patients whose
 * names need Latin Extended and CJK glyphs.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../helpers/patience';
import { laneName, wallClockFormatter } from '../../shared/domain/timeline';
import type { ServiceContext } from '../../electron/services/context';
import { silentLogger } from '../../electron/services/log';
import { Store } from '../../electron/services/store/store';
import { exportReportPdf } from '../../electron/services/export/pdf/export-report-pdf';
import { loadPdfAssets, resourcesDir } from '../../electron/services/export/pdf/pdf-assets';
import { renderReportPdf, type PdfLetterhead } from '../../electron/services/export/pdf/report-pdf';
import { PdfFonts } from '../../electron/services/export/pdf/pdf-fonts';
import { wrapText } from '../../electron/services/export/pdf/pdf-text';
import { PDFDocument } from 'pdf-lib';
import { completeReport, sampleCase, testBackend, type TestBackend } from '../helpers/backend';

const LOGO = new Uint8Array(fs.readFileSync(path.join(resourcesDir(), 'icon.png')));
const LETTERHEAD: PdfLetterhead = {
  practiceName: 'Synthetic Neuromonitoring Associates',
  addressLines: ['100 Example Way, Suite 5', 'Springfield, ST 00000'],
  phone: '555-0100',
  logo: { bytes: LOGO, type: 'png' },
};

// Kept for the whole file (tempDir() folders go after each test): the PDFs and the data folder.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-pdf-'));
const out = path.join(root, 'pdf');
fs.mkdirSync(out);
let n = 0;

function tool(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { timeout: HANG_MS, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function save(pdf: Uint8Array): string {
  const file = path.join(out, `report-${++n}.pdf`);
  fs.writeFileSync(file, pdf);
  // To look at them: CLOSEOUT_KEEP_PDFS=/some/dir npx vitest run tests/service/report-pdf.test.ts
  const keep = process.env['CLOSEOUT_KEEP_PDFS'];
  if (keep) fs.copyFileSync(file, path.join(keep, path.basename(file)));
  return file;
}

/** pdffonts rows: name, embedded, subset. */
function fonts(file: string) {
  return tool('pdffonts', [file])
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      // name type… encoding emb sub uni object ID: count from the end (types have spaces).
      return { name: cols[0] as string, emb: cols[cols.length - 5], sub: cols[cols.length - 4] };
    });
}

function info(file: string): Record<string, string> {
  return Object.fromEntries(
    tool('pdfinfo', [file])
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
  );
}

/**
 * Dark pixels in a box of page 1 (points from the top left), rendered in grey by pdftoppm: a
 * font that is embedded but draws nothing (a broken subset) leaves the box white.
 */
function ink(file: string, box: Readonly<{ x: number; y: number; w: number; h: number }>): number {
  const prefix = path.join(out, `ink-${++n}`);
  const px = (pt: number) => String(Math.round(pt * 2));
  tool('pdftoppm', ['-r', '144', '-gray', '-singlefile', '-f', '1', '-l', '1', '-x', px(box.x), '-y', px(box.y), '-W', px(box.w), '-H', px(box.h), file, prefix]);
  const pgm = fs.readFileSync(`${prefix}.pgm`);
  // P5 header: magic, width, height, maxval, each followed by whitespace.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.toString('latin1', 0, 40))!;
  const pixels = pgm.subarray(header[0].length);
  expect(pixels.length).toBe(Number(header[1]) * Number(header[2]));
  return pixels.filter((v) => v < 128).length;
}

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The pages' text without their running header and footer (which interrupt a paragraph at a page break). */
function bodyText(file: string): string {
  const pages = tool('pdftotext', ['-enc', 'UTF-8', file, '-']).split('\f');
  return flat(
    pages
      .map((p) =>
        p
          .split('\n')
          .filter((l) => !/^(Page \d+ of \d+|Generated .* by Closeout\..*|MRN .* Date of service .*|Case [0-9a-f-]{36}|IONM report.*)$/.test(l.trim()))
          .join('\n'),
      )
      .join('\n'),
  );
}

function checkStructure(file: string) {
  // qpdf exits non-zero on any structural error.
  expect(tool('qpdf', ['--check', file])).toMatch(/No syntax or stream encoding errors found/);
  const f = fonts(file);
  expect(f.length).toBeGreaterThan(0);
  for (const row of f) expect(row, row.name).toMatchObject({ emb: 'yes', sub: 'yes' });
  return f;
}

async function renderCase(b: TestBackend, caseId: string, letterhead = LETTERHEAD) {
  const record = (await b.ok('getCase', { id: caseId })).case;
  const report = await b.ok('getReport', { caseId });
  const timeline = await b.ok('getTimeline', { caseId });
  const pdf = await renderReportPdf({ record, report, facts: report.facts, timeline, letterhead, generatedAt: Date.now() }, await loadPdfAssets());
  return { file: save(pdf), pdf, record, report, timeline };
}

let b: TestBackend;
let demoId: string;

beforeAll(async () => {
  b = testBackend({ dataDir: path.join(root, 'data'), seedDemo: true, capture: true, demoSpeed: 50_000 });
  await b.demo?.done;
  await b.capture?.idle();
  demoId = (await b.ok('listCases', {}))[0]!.id;
});
afterAll(async () => {
  await b?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('report PDF (demo case)', () => {
  it('unsigned: valid, fonts embedded, every section and time in the text, metadata, page 1 draws, DRAFT', async () => {
    const { file, record, report, timeline } = await renderCase(b, demoId);
    checkStructure(file);

    const raw = tool('pdftotext', ['-enc', 'UTF-8', file, '-']);
    const text = bodyText(file);
    expect(raw).toContain('Testpatient, Ada');
    expect(raw).toContain('MRN DEMO-0001');
    expect(raw).toContain(`Date of service ${record.dateOfService}`);
    expect(raw).toContain(`Case ${demoId}`);
    expect(raw).toContain('DRAFT');
    expect(text).toContain('Synthetic Neuromonitoring Associates');
    for (const s of report.sections) {
      expect(text).toContain(s.title);
      for (const line of s.text.split('\n').filter((l) => l.trim())) expect(text, `${s.id}: ${line}`).toContain(flat(line.replace(/^- /, '')));
    }
    // Times in the case's zone, as the sections and tables show them.
    const clock = wallClockFormatter(record.timeZone);
    for (const m of report.facts.modalities.filter((x) => x.activityCount > 0)) {
      expect(text).toContain(m.label);
      expect(text).toContain(clock(m.firstActivity));
      expect(text).toContain(clock(m.lastActivity));
    }
    expect(report.facts.alerts.length).toBeGreaterThan(0);
    for (const a of report.facts.alerts) {
      expect(text).toContain(clock(a.at));
      expect(text).toContain(flat(a.text));
    }
    // The figure's lane labels are text too.
    for (const l of timeline.lanes) expect(text).toContain(laneName(l));
    // The demo's EDF mode files state their stimulus and channels, not peaks: a setup table, no values table.
    expect(report.facts.modalities.filter((m) => m.setups.length > 0).map((m) => m.modality)).toEqual(expect.arrayContaining(['SSEP', 'TCMEP', 'TOF']));
    expect(text).toContain('Stimulation and recording');
    expect(text).not.toContain('Baseline values');

    const pages = raw.split('\f').filter((p) => p.trim()).length;
    expect(raw).toContain(`Page 1 of ${pages}`);
    expect(raw).toContain(`Page ${pages} of ${pages}`);

    const meta = info(file);
    expect(meta['Title']).toBe(`IONM report — ${demoId}`);
    expect(meta['Subject']).toBe('Intraoperative neurophysiological monitoring report');
    expect(meta['Author']).toBe('Synthetic Neuromonitoring Associates');
    expect(meta['Creator']).toBe('Closeout');
    expect(meta['CreationDate']).toBeTruthy();
    expect(meta['Page size']).toMatch(/^612 x 792 pts \(letter\)/);
    expect(Number(meta['Pages'])).toBeGreaterThanOrEqual(2);
    // No patient identifiers in the metadata a file browser shows.
    expect(Object.values(meta).join('\n')).not.toMatch(/Testpatient|DEMO-0001/);
    // XMP on the catalog says PDF/A-2b.
    const xmp = tool('pdfinfo', ['-meta', file]);
    expect(xmp).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(xmp).toContain(`IONM report — ${demoId}`);
    // PDF/A parts qpdf can show: sRGB output intent with its 3-channel profile, a document ID.
    const object = (ref: string) => tool('qpdf', [`--show-object=${ref}`, file]);
    const trailer = object('trailer');
    expect(trailer).toMatch(/\/ID \[ <[0-9a-f]{32}> <[0-9a-f]{32}> \]/);
    const catalog = object(/\/Root (\d+) 0 R/.exec(trailer)![1]!);
    expect(catalog).toMatch(/\/Lang \(en-US\)/);
    expect(catalog).toMatch(/\/Metadata \d+ 0 R/);
    const intent = object(/\/OutputIntents \[ (\d+) 0 R \]/.exec(catalog)![1]!);
    expect(intent).toMatch(/\/S \/GTS_PDFA1/);
    expect(object(/\/DestOutputProfile (\d+) 0 R/.exec(intent)![1]!)).toMatch(/\/N 3\b/);

    // Page 1 renders to a picture that is not blank.
    const prefix = path.join(out, 'page');
    tool('pdftoppm', ['-r', '50', '-f', '1', '-l', '1', '-png', file, prefix]);
    const png = fs.readdirSync(out).find((f) => f.startsWith('page') && f.endsWith('.png'));
    expect(png).toBeTruthy();
    expect(fs.statSync(path.join(out, png!)).size).toBeGreaterThan(8_000);
  });

  it('signed: no DRAFT, the signature with credential, time and content hash; an addendum after the original', async () => {
    await b.ok('setCaseStatus', { id: demoId, status: 'closed' });
    const users = await b.ok('listUsers', {});
    const signer = users.find((u) => u.name === 'Morgan Example (demo)')!;
    await completeReport(b, demoId);
    const v1 = await b.ok('signReport', { caseId: demoId, userId: signer.id, pin: 'demo-sign' });
    const signed = await renderCase(b, demoId);
    checkStructure(signed.file);
    const raw = tool('pdftotext', ['-enc', 'UTF-8', signed.file, '-']);
    expect(raw).not.toContain('DRAFT');
    const text = bodyText(signed.file);
    expect(text).toMatch(new RegExp(`Electronically signed by Morgan Example \\(demo\\), MD on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\(${signed.record.timeZone.replace('/', '\\/')}\\)`));
    expect(text).toContain(`Content SHA-256: ${v1.contentSha256}`);
    expect(info(signed.file)['Author']).toBe('Morgan Example (demo)');
    // The physician's interpretation, never a placeholder standing in for it.
    expect(text).toContain('SSEP, TcMEP, Free-run EMG and Triggered EMG were monitored.');
    expect(text).not.toMatch(/to be confirmed|not yet written|not written by the interpreting physician/i);

    const v2 = await b.ok('addAddendum', { caseId: demoId, userId: signer.id, pin: 'demo-sign', text: 'Addendum: the closing SSEP comparison was reviewed again; no change to the interpretation.' });
    const amended = await renderCase(b, demoId);
    checkStructure(amended.file);
    const t2 = bodyText(amended.file);
    const orig = t2.indexOf(`Content SHA-256: ${v1.contentSha256}`);
    const add = t2.indexOf('Addendum 1');
    expect(orig).toBeGreaterThan(0);
    expect(add).toBeGreaterThan(orig);
    expect(t2.indexOf('the closing SSEP comparison was reviewed again')).toBeGreaterThan(add);
    expect(t2.indexOf(`Content SHA-256: ${v2.contentSha256}`)).toBeGreaterThan(add);
  });
});

describe('report PDF (names in any script)', () => {
  const names: Array<[string, string]> = [
    ['Łukasz', 'Żółć'],
    ['José', 'Núñez'],
    ['伟', '王'],
    ['Zoë', "O'Brien-Smith"],
  ];
  it.each(names)('%s %s: printed, searchable, every font embedded', async (firstName, lastName) => {
    const c = await b.ok('createCase', sampleCase({ patient: { lastName, firstName, mrn: `SYN-${lastName.length}${firstName.length}`, dateOfBirth: '1970-02-03', sex: 'U' } }));
    const { file } = await renderCase(b, c.id, { practiceName: 'Synthetic Neuromonitoring Associates', addressLines: [] });
    const f = checkStructure(file);
    const raw = tool('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(raw).toContain(`${lastName}, ${firstName}`);
    expect(raw).toContain(`MRN SYN-${lastName.length}${firstName.length}`);
    // The name in the header (top left) is drawn, not only embedded.
    expect(ink(file, { x: 54, y: 50, w: 110, h: 18 })).toBeGreaterThan(80);
    // The CJK fallback is embedded only when a character needs it.
    expect(f.some((x) => x.name.includes('DroidSansFallback'))).toBe(lastName === '王');
    expect(Object.values(info(file)).join('\n')).not.toContain(lastName);
  });
});

describe('exportReportPdf', () => {
  it('gathers the stored case and takes the letterhead as settings keep it (logo in base64)', async () => {
    const store = Store.open({ dataDir: b.dataDir });
    try {
      // Only what exportReportPdf reads (the store, the clock); no capture, AI or delivery here.
      const ctx = {
        store,
        actor: 'test',
        now: () => Date.now(),
        today: () => new Date().toISOString().slice(0, 10),
        timeZone: 'UTC',
        emit: () => {},
        log: silentLogger,
        newId: randomUUID,
        capture: null,
        ai: null,
      } as unknown as ServiceContext;
      const pdf = await exportReportPdf(ctx, demoId, { practiceName: 'Synthetic Neuromonitoring Associates', addressLines: [], phone: '', logo: { type: 'png', base64: Buffer.from(LOGO).toString('base64') } });
      const file = save(pdf);
      checkStructure(file);
      const text = bodyText(file);
      expect(text).toContain('Addendum 1');
      expect(tool('pdfimages', ['-list', file])).toMatch(/\bimage\s+512\s+512\b/);
    } finally {
      store.close();
    }
  });
});

describe('text layout', () => {
  it('measures what is drawn, falls back per character, wraps CJK and long tokens within the width', async () => {
    const doc = await PDFDocument.create();
    const fonts = await PdfFonts.embed(doc, (await loadPdfAssets()).fonts, '王伟');
    const style = { size: 10 };
    // Per run, our width is pdf-lib's own (the font's advance widths, no kerning or ligatures).
    for (const r of fonts.runs('Żółć 王伟 office', 'regular')) expect(fonts.width(r.text, style)).toBeCloseTo(r.face.pdf.widthOfTextAtSize(r.text, 10), 6);
    expect(fonts.runs('Zoë 王伟', 'regular').map((r) => r.text)).toEqual(['Zoë ', '王伟']);
    // Control characters become spaces, joiners vanish, what no font has is replaced (never .notdef).
    expect(fonts.clean('a\tb\u200Dc\u0007d')).toBe('a bc d');
    // A character no font has is printed as its code point, never as a silent "�".
    expect(fonts.clean('\u{1FAE0}')).toBe('[U+1FAE0]');

    const cjk = '王伟'.repeat(60);
    const lines = wrapText(fonts, `Patient ${cjk} https://example.invalid/${'x'.repeat(200)}`, style, 200);
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(fonts.width(l, style)).toBeLessThanOrEqual(200 + 1e-6);
    expect(lines.join('').replace(/\s/g, '')).toBe(`Patient${cjk}https://example.invalid/${'x'.repeat(200)}`);
    expect(wrapText(fonts, 'one\n\ntwo', style, 200)).toEqual(['one', '', 'two']);
  });
});
