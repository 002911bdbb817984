/**
 * Drop-folder delivery: the PDF (and an optional sidecar for the hospital's indexer) written so
 * the importer never sees half a file: each goes to a hidden temp file in the same folder,
 * is flushed to disk, then renamed into place (a rename within one folder is atomic).
 * The sidecar lands first, so an importer that wakes on the PDF finds its metadata there.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FolderDestination } from '../../../shared/ehr/settings';

export type Sidecar = Readonly<Record<string, string | number | null>>;

function writeAtomic(dir: string, name: string, bytes: Uint8Array | string): void {
  const tmp = path.join(dir, `.closeout-${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', 0o640);
    fs.writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, path.join(dir, name));
  } catch (e) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);

export function sidecarText(kind: 'json' | 'xml', meta: Sidecar): string {
  if (kind === 'json') return `${JSON.stringify(meta, null, 2)}\n`;
  const fields = Object.entries(meta)
    .map(([k, v]) => `  <${k}>${v === null ? '' : xmlEscape(String(v))}</${k}>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ionmReport>\n${fields}\n</ionmReport>\n`;
}

/** Write the report into the folder; the problem in plain words when it cannot be done. */
export function deliverToFolder(dest: FolderDestination, fileName: string, pdf: Uint8Array, meta: Sidecar): { ok: true } | { ok: false; message: string; retry: boolean } {
  const dir = dest.path;
  try {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      return { ok: false, retry: true, message: `The folder ${dir} cannot be found. Check that the drive or network share is connected; Closeout keeps trying.` };
    }
    if (dest.sidecar !== 'none') writeAtomic(dir, fileName.replace(/\.pdf$/i, `.${dest.sidecar}`), sidecarText(dest.sidecar, meta));
    writeAtomic(dir, fileName, pdf);
    return { ok: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, retry: true, message: `Closeout may not write to ${dir}. Ask IT for write access to the folder; Closeout keeps trying.` };
    if (code === 'ENOSPC') return { ok: false, retry: true, message: `The disk holding ${dir} is full. Free some space; Closeout keeps trying.` };
    return { ok: false, retry: true, message: `Writing to ${dir} failed (${code ?? 'unknown error'}); Closeout keeps trying.` };
  }
}
