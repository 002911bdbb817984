/**
 * A stored case's report as a PDF: the record, the report as it stands (signed text once
 * signed, addenda included), its facts and timeline from the live report, and the letterhead.
 * The caller audits the export and decides where the bytes go.
 */
import type { ServiceContext } from '../../context';
import { buildReport } from '../../report/report-service';
import { liveReportFor } from '../../report/live-reports';
import { loadPdfAssets, type PdfAssets } from './pdf-assets';
import { renderReportPdf, type PdfLetterhead } from './report-pdf';

/** The letterhead as settings keep it: the logo as bytes or as base64. */
export type LetterheadInput = Omit<PdfLetterhead, 'logo'> & {
  logo?: Readonly<{ type: 'png' | 'jpeg' } & ({ bytes: Uint8Array } | { base64: string })> | null;
};

export function toPdfLetterhead(l: LetterheadInput): PdfLetterhead {
  const logo = l.logo ? { type: l.logo.type, bytes: 'bytes' in l.logo ? l.logo.bytes : new Uint8Array(Buffer.from(l.logo.base64, 'base64')) } : null;
  return { practiceName: l.practiceName, addressLines: l.addressLines, phone: l.phone ?? null, logo };
}

export async function exportReportPdf(ctx: ServiceContext, caseId: string, letterhead: LetterheadInput, assets?: PdfAssets): Promise<Uint8Array> {
  const record = ctx.store.cases.mustGet(caseId);
  const report = buildReport(ctx, record);
  const timeline = liveReportFor(ctx, record).timeline();
  return renderReportPdf({ record, report, facts: report.facts, timeline, letterhead: toPdfLetterhead(letterhead), generatedAt: ctx.now() }, assets ?? (await loadPdfAssets()));
}
