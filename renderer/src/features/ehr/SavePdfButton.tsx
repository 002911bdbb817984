import { useState } from 'react';
import { useClient } from '../../api/hooks';
import { downloadBase64 } from '../../components/download';

/**
 * The report as a PDF through the browser's download: a signed report exactly as it was (or will
 * be) sent, an unsigned one marked DRAFT. To print, open the saved file: printing from a hidden
 * frame would need the app's content policy loosened for blob: frames, and a file is more robust.
 */
export function SavePdfButton({ caseId }: { caseId: string }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [line, setLine] = useState<{ ok: boolean; text: string } | null>(null);

  async function save() {
    setBusy(true);
    const r = await client.call('exportPdf', { caseId });
    setBusy(false);
    if (!r.ok) return setLine({ ok: false, text: r.message });
    if (!downloadBase64(r.value.fileName, 'application/pdf', r.value.base64)) return setLine({ ok: false, text: 'The PDF arrived damaged; try again.' });
    const kb = Math.max(1, Math.round(r.value.bytes / 1024));
    const warn = r.value.warnings.length ? ` ${r.value.warnings.join(' ')}` : '';
    setLine({ ok: r.value.warnings.length === 0, text: `Saved ${r.value.fileName} (${kb} KB, ${r.value.signed ? 'signed, as sent to the EHR' : 'DRAFT: not signed yet'}).${warn}` });
  }

  return (
    <>
      {line && (
        <span className={`small ${line.ok ? 'ok-line' : 'field-error'} pdf-line`} role={line.ok ? 'status' : 'alert'} aria-label="PDF result">
          {line.text}
        </span>
      )}
      <button type="button" disabled={busy} onClick={() => void save()} title="The report as a PDF file, to keep or print">
        {busy ? 'Making the PDF…' : 'Save as PDF'}
      </button>
    </>
  );
}
