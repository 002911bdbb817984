/**
 * Pure URL decisions for the Electron shell. Kept free of Electron so they can be tested with
 * adversarial tables under Node; main only wires them to events.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'closeout';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Map an app:// request to a file path relative to the renderer folder, or null to refuse.
 * Refuses other hosts, traversal (also when percent-encoded), backslashes, NUL and hidden files.
 */
export function resolveAppAsset(requestUrl: string): string | null {
  // The URL parser silently resolves "/../" (so "app://closeout/../x" becomes "/x"); a request
  // that tries it is hostile or broken either way, so refuse it before parsing hides it.
  if (/(^|[/\\])(\.|%2e){2}([/\\?#]|%2f|%5c|$)/i.test(requestUrl)) return null;
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  if (url.username || url.password) return null;
  // Check the raw path before decoding too: `%2e%2e%2f` must not survive as "../".
  const rawPath = url.pathname;
  if (/%2f|%5c|%00/i.test(rawPath)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\\') || decoded.includes('\0')) return null;
  const segments = decoded.split('/').filter((s) => s.length > 0);
  for (const s of segments) {
    if (s === '.' || s === '..' || s.startsWith('.')) return null;
  }
  if (segments.length === 0) return 'index.html';
  return segments.join('/');
}

/**
 * Only our own page, in its main frame, may call the backend. In development the page is
 * served by the Vite dev server, whose exact origin main passes in.
 */
export function isTrustedSender(senderUrl: string | undefined, isMainFrame: boolean, devOrigin?: string): boolean {
  if (!isMainFrame || !senderUrl) return false;
  let url: URL;
  try {
    url = new URL(senderUrl);
  } catch {
    return false;
  }
  if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST) return true;
  if (devOrigin) {
    try {
      return url.origin === new URL(devOrigin).origin && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
    } catch {
      return false;
    }
  }
  return false;
}

/** The app is a single page with hash routes: any real navigation is refused. */
export function isAllowedNavigation(_targetUrl: string): boolean {
  return false;
}

/** Links a user may open in the system browser: https only, to a short list of public references. */
export const EXTERNAL_ALLOW_LIST: readonly string[] = ['npiregistry.cms.hhs.gov', 'www.cms.gov', 'www.icd10data.com'];

export function isAllowedExternalUrl(target: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return false;
  return EXTERNAL_ALLOW_LIST.includes(url.hostname);
}

/** Chromium permissions the renderer may have: none but writing to the clipboard (copy buttons). */
export function isAllowedPermission(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
