import { app, shell, type Session } from 'electron';
import { isAllowedExternalUrl, isAllowedNavigation, isAllowedPermission } from '../../shared/security/app-url';

/**
 * Guards for every web contents the app ever creates: no navigation, no new windows (allowed
 * https links open in the system browser), no webviews. The decisions are pure (shared/security).
 */
export function installNavigationGuards(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!isAllowedNavigation(url)) e.preventDefault();
    });
    contents.on('will-redirect', (e, url) => {
      if (!isAllowedNavigation(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

/** Deny every Chromium permission (camera, geolocation, notifications…) except clipboard write. */
export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(isAllowedPermission(permission)));
  session.setPermissionCheckHandler((_wc, permission) => isAllowedPermission(permission));
  session.setDevicePermissionHandler(() => false);
  // The renderer makes no network requests of its own: anything not app:// (or the dev server) is refused.
  session.webRequest.onBeforeRequest((details, callback) => {
    const url = details.url;
    const allowed =
      url.startsWith('app://') ||
      url.startsWith('devtools://') ||
      url.startsWith('data:') ||
      // Files the page itself made (a charge export, a PDF to save) are blob: URLs of the app.
      url.startsWith('blob:app://') ||
      (!app.isPackaged && /^(http|ws):\/\/(localhost|127\.0\.0\.1)(:\d+)?\//.test(url));
    callback({ cancel: !allowed });
  });
}
