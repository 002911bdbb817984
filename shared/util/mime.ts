/** Content types of the renderer's built files, for the app:// protocol and the dev host. */
const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export function mimeType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return (dot >= 0 ? MIME[fileName.slice(dot).toLowerCase()] : undefined) ?? 'application/octet-stream';
}
