import { base64Decode } from '../../../shared/hl7/base64';

/**
 * Hand content to the browser's download (the app's shell lets blob: downloads of its own origin
 * through and asks where to save). The renderer never touches the file system itself.
 */
export function download(name: string, content: Blob): void {
  const url = URL.createObjectURL(content);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has handed the blob to the download; give it a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(name: string, type: string, content: string): void {
  download(name, new Blob([content], { type }));
}

/** Base64 from the backend (a PDF) as a download; false when the text was not valid base64. */
export function downloadBase64(name: string, type: string, base64: string): boolean {
  const bytes = base64Decode(base64);
  if (!bytes) return false;
  // base64Decode allocates a plain ArrayBuffer; the type just cannot say so.
  download(name, new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  return true;
}
