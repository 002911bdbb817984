/**
 * The report as a PDF: letterhead, every section, the modality table, the case timeline (the
 * screen's figure, as vectors), the alerts table, the signature with its content hash and the
 * addenda after the original, each signed. Every page names the patient and numbers itself. An
 * unsigned report is watermarked DRAFT. Archival: fonts embedded, sRGB output intent, XMP.
 *
 * Plain Node and pure apart from its inputs: the caller gathers the case (export-report-pdf.ts)
 * and the assets (pdf-assets.ts).
 */
import { createHash } from 'node:crypto';
import { PDFDocument, rgb, type PDFImage } from 'pdf-lib';
import type { CaseRecord } from '../../../../shared/domain/case';
import { channelValues, describeChannel, describeStimulation, roundLatency } from '../../../../shared/domain/recorded-setup';
import { wallClockFormatter, type Timeline } from '../../../../shared/domain/timeline';
import { ENTERED_LABEL } from '../../../../shared/domain/timeline-figure';
import { SIDE_LABELS, type Side } from '../../../../shared/domain/vocabulary';
import type { CaseFacts } from '../../../../shared/report/facts';
import type { Report, ReportVersion } from '../../../../shared/report/report';
import { instantToWallClock } from '../../../../shared/util/zoned-time';
import { applyArchivalMetadata } from './pdf-archival';
import type { PdfAssets } from './pdf-assets';
import { PdfFonts, type TextStyle } from './pdf-fonts';
import { MUTED, PageFlow, lineHeight } from './pdf-flow';
import { drawRunningHeads, drawWatermark } from './pdf-running-heads';
import { drawTable } from './pdf-table';
import { drawTimeline } from './pdf-timeline';

export type PdfLogo = Readonly<{ bytes: Uint8Array; type: 'png' | 'jpeg' }>;

export type PdfLetterhead = Readonly<{
  practiceName: string;
  addressLines: readonly string[];
  phone?: string | null;
  logo?: PdfLogo | null;
}>;

export type ReportPdfInput = Readonly<{
  record: CaseRecord;
  report: Report;
  facts: CaseFacts;
  timeline: Timeline;
  letterhead: PdfLetterhead;
  generatedAt: number;
}>;

export const REPORT_TITLE = 'Intraoperative Neurophysiological Monitoring Report';
export const REPORT_SUBJECT = 'Intraoperative neurophysiological monitoring report';

const BODY: TextStyle = { size: 9.5 };
const SMALL: TextStyle = { size: 8.5 };
const H1: TextStyle = { size: 15, weight: 'bold' };
const H2: TextStyle = { size: 11, weight: 'bold' };
const DRAFT_RED = rgb(0.7, 0.12, 0.12);

/** "2026-11-27 14:03 (America/New_York)": a signature's time in the case's zone, zone named. */
export function stampIn(ms: number, timeZone: string): string {
  const wall = instantToWallClock(ms, timeZone);
  return `${wall.slice(0, 10)} ${wall.slice(11, 16)} (${timeZone})`;
}

export function signatureLine(v: ReportVersion, timeZone: string): string {
  return `Electronically signed by ${v.signerName}${v.signerCredential ? `, ${v.signerCredential}` : ''} on ${stampIn(v.signedAt, timeZone)}`;
}

/** Everything the report may print, to know before layout whether the CJK font is needed. */
function corpusOf(inp: ReportPdfInput): string {
  const { logo: _logo, ...letterhead } = inp.letterhead;
  const t = inp.timeline;
  return JSON.stringify([inp.record, inp.report, inp.facts, letterhead, t.milestones, t.alerts, t.lanes.map((l) => l.names)]);
}

/**
 * How each modality was stimulated and recorded, and the baseline peaks the device marked: only
 * where a device export states them (nothing is drawn for a case typed by hand).
 */
function drawSetupTables(flow: PageFlow, facts: CaseFacts, clock: (ms: number) => string): void {
  const setupRows = facts.modalities.flatMap((m) =>
    m.setups.map((s) => {
      const stim = s.setup.stimulation.map(describeStimulation).filter((x) => x !== '');
      return [
        m.setups.length > 1 && s.name ? `${m.label}\n${s.name}` : m.label,
        stim.length ? `${stim.join('\n')}\n(as at ${clock(s.at)})` : '—',
        s.setup.channels.map(describeChannel).join('\n') || '—',
      ];
    }),
  );
  if (setupRows.length > 0) {
    flow.heading('Stimulation and recording', H2, 40);
    flow.space(2);
    drawTable(
      flow,
      [
        { title: 'Modality', width: 0.2 },
        { title: 'Stimulation (as at)', width: 0.42 },
        { title: 'Recording channels (active–reference)', width: 0.38 },
      ],
      setupRows,
    );
    flow.space(12);
  }
  const rows: string[][] = [];
  for (const m of facts.modalities) {
    for (const b of m.baselines) {
      for (const v of channelValues(b.setup)) {
        rows.push([
          clock(b.at),
          m.label,
          describeChannel(v.channel),
          v.peaks.map((p) => `${p.label} ${roundLatency(p.latencyMs)}`).join('\n'),
          v.amplitude ? `${v.amplitude.microvolts} (${v.amplitude.from}–${v.amplitude.to})` : '—',
        ]);
      }
    }
  }
  if (rows.length === 0) return;
  flow.heading('Baseline values (device cursors)', H2, 40);
  flow.space(2);
  drawTable(
    flow,
    [
      { title: 'Time', width: 0.09 },
      { title: 'Modality', width: 0.2 },
      { title: 'Channel (active–reference)', width: 0.33 },
      { title: 'Peak latency (ms)', width: 0.18 },
      { title: 'Amplitude (µV)', width: 0.2, align: 'right' },
    ],
    rows,
  );
  flow.space(12);
}

async function embedLogo(doc: PDFDocument, logo: PdfLogo | null | undefined): Promise<PDFImage | null> {
  if (!logo) return null;
  try {
    return logo.type === 'png' ? await doc.embedPng(logo.bytes) : await doc.embedJpg(logo.bytes);
  } catch {
    // A damaged logo must not keep a signed report from the chart: the report goes without it.
    return null;
  }
}

export async function renderReportPdf(inp: ReportPdfInput, assets: PdfAssets): Promise<Uint8Array> {
  const { record: c, report, facts, timeline, letterhead } = inp;
  const zone = c.timeZone;
  const clock = wallClockFormatter(zone);
  const versions = [...report.versions].sort((a, b) => a.version - b.version);
  const original = versions.find((v) => v.kind === 'original') ?? null;
  const addenda = versions.filter((v) => v.kind === 'addendum');
  const draft = original === null;

  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await PdfFonts.embed(doc, assets.fonts, corpusOf(inp));
  const logo = await embedLogo(doc, letterhead.logo);
  const flow = new PageFlow(doc, fonts, draft ? (page) => drawWatermark(page, fonts, 'DRAFT') : () => {});

  // Letterhead: practice at the left, logo at the right.
  const top = flow.y;
  let logoH = 0;
  if (logo) {
    const s = Math.min(150 / logo.width, 48 / logo.height, 1);
    logoH = logo.height * s;
    flow.page.drawImage(logo, { x: flow.right - logo.width * s, y: top - logoH, width: logo.width * s, height: logoH });
  }
  const textW = flow.width - (logo ? 160 : 0);
  if (letterhead.practiceName.trim()) flow.line(fonts.fit(fonts.clean(letterhead.practiceName, 'bold'), { size: 13, weight: 'bold' }, textW), { size: 13, weight: 'bold' });
  for (const l of letterhead.addressLines.filter((x) => x.trim())) flow.line(fonts.fit(fonts.clean(l), SMALL, textW), SMALL);
  if (letterhead.phone?.trim()) flow.line(fonts.fit(fonts.clean(`Tel. ${letterhead.phone}`), SMALL, textW), SMALL);
  flow.y = Math.min(flow.y, top - logoH);
  if (flow.y < top) {
    flow.space(6);
    flow.rule();
    flow.space(10);
  }

  flow.paragraph(REPORT_TITLE, H1);
  flow.space(2);
  if (draft) {
    flow.paragraph('DRAFT, not signed: for review only. It becomes part of the medical record when an interpreting physician signs it.', { size: 9, color: DRAFT_RED });
  } else {
    const n = addenda.length;
    flow.paragraph(`Signed ${stampIn(original.signedAt, zone)} by ${original.signerName}${n ? `; ${n} signed addend${n === 1 ? 'um' : 'a'} follow${n === 1 ? 's' : ''} the original` : ''}.`, { size: 9, color: MUTED });
  }
  flow.space(10);

  for (const s of report.sections) {
    flow.heading(s.title, H2, lineHeight(BODY.size) * 2);
    flow.space(1);
    for (const line of s.text.split('\n')) {
      if (line.startsWith('- ')) flow.paragraph(line.slice(2), BODY, { bullet: true });
      else flow.paragraph(line, BODY);
    }
    flow.space(8);
  }

  flow.heading('Modalities', H2, 40);
  flow.space(2);
  if (facts.modalities.length === 0) flow.paragraph('No modality activity was captured.', BODY);
  else {
    drawTable(
      flow,
      [
        { title: 'Modality', width: 0.22 },
        { title: 'Sites (recorded as)', width: 0.3 },
        { title: 'Side', width: 0.12 },
        { title: 'First activity', width: 0.12, align: 'right' },
        { title: 'Last activity', width: 0.12, align: 'right' },
        { title: 'Minutes', width: 0.12, align: 'right' },
      ],
      facts.modalities.map((m) => {
        // A span typed by the technologist is the record too; the sites column says whose it is.
        const spanned = m.activityCount > 0 || m.entered;
        const sites = m.recordedAs.join(', ') || (m.entered ? ENTERED_LABEL : '—');
        return [m.label, sites, m.sides.join(', ') || '—', spanned ? clock(m.firstActivity) : '—', spanned ? clock(m.lastActivity) : '—', spanned ? String(m.activeMinutes) : '—'];
      }),
    );
  }
  flow.space(12);
  drawSetupTables(flow, facts, clock);

  flow.heading('Case timeline', H2, 80);
  flow.space(2);
  drawTimeline(flow, timeline, zone, c.status === 'capturing' ? inp.generatedAt : null);
  flow.space(10);

  flow.heading('Alerts', H2, 40);
  flow.space(2);
  if (facts.alerts.length === 0) flow.paragraph('No alerts were recorded.', BODY);
  else {
    const side = (s: string | null) => (s ? (SIDE_LABELS[s as Side] ?? s).toLowerCase() : null);
    drawTable(
      flow,
      [
        { title: 'Onset', width: 0.08 },
        { title: 'Modality', width: 0.16 },
        { title: 'Alert', width: 0.26 },
        { title: 'Notified', width: 0.11 },
        { title: 'Interventions', width: 0.23 },
        { title: 'Outcome', width: 0.16 },
      ],
      facts.alerts.map((a) => [
        clock(a.at),
        [a.label ?? 'Not specified', side(a.side)].filter(Boolean).join(', '),
        a.text,
        a.notified ? [clock(a.notified.at), a.notified.who].filter(Boolean).join('\n') : 'Not recorded',
        a.interventions.map((i) => `${clock(i.at)} ${i.text}`).join('\n') || 'None recorded',
        !a.resolved
          ? 'Unresolved'
          : a.outcome === 'not_recovered'
            ? `Not recovered (${clock(a.resolved.at)})`
            : `${a.outcome === 'partial' ? 'Partially recovered' : 'Recovered'} ${clock(a.resolved.at)}${a.recoveryMinutes !== null ? ` (${a.recoveryMinutes} min)` : ''}`,
      ]),
    );
  }
  flow.space(14);

  // Signature, then each addendum with its own.
  const signatureBlock = (v: ReportVersion) => {
    flow.paragraph(signatureLine(v, zone), { size: 9.5, weight: 'bold' });
    flow.paragraph(`Content SHA-256: ${v.contentSha256}`, SMALL);
  };
  flow.heading('Signature', H2, 50);
  flow.space(2);
  if (original) {
    signatureBlock(original);
    flow.paragraph('The hash is of the signed content (patient, procedure, sections, signer and time): any later change to it would not match.', { size: 7.5, color: MUTED });
  } else {
    flow.paragraph('Not signed. This draft becomes a report when an interpreting physician signs it; its text may still change.', { size: 9.5, color: DRAFT_RED });
  }
  for (const v of addenda) {
    flow.space(12);
    flow.heading(`Addendum ${v.version - 1}`, H2, 50);
    flow.space(1);
    for (const line of (v.addendumText ?? '').split('\n')) flow.paragraph(line, BODY);
    flow.space(4);
    signatureBlock(v);
  }

  const name = `${c.patient.lastName}, ${c.patient.firstName}`;
  drawRunningHeads(flow.pages, fonts, {
    patient: name,
    mrn: c.patient.mrn,
    dateOfService: c.dateOfService,
    caseId: c.id,
    title: draft ? 'IONM report, DRAFT (not signed)' : 'IONM report',
    generated: `Generated ${stampIn(inp.generatedAt, zone)} by Closeout. Contains protected health information.`,
  });

  // Metadata names the case, never the patient: file browsers and indexers show it.
  const idInput = [c.id, inp.generatedAt, ...versions.map((v) => v.contentSha256)].join('|');
  applyArchivalMetadata(
    doc,
    {
      title: `IONM report — ${c.id}`,
      author: original?.signerName ?? (letterhead.practiceName.trim() || 'Closeout'),
      subject: REPORT_SUBJECT,
      keywords: ['IONM', 'neuromonitoring', 'report', c.id],
      creator: 'Closeout',
      producer: 'Closeout (pdf-lib)',
      createdAt: inp.generatedAt,
      language: 'en-US',
      id: createHash('sha256').update(idInput).digest().subarray(0, 16),
    },
    assets.srgbIcc,
  );
  return doc.save({ useObjectStreams: true, objectsPerTick: Number.POSITIVE_INFINITY });
}
