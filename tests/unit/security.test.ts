import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  isAllowedExternalUrl,
  isAllowedNavigation,
  isAllowedPermission,
  isTrustedSender,
  resolveAppAsset,
} from '../../shared/security/app-url';

// Adversarial tables for the pure decisions the Electron shell wires to its events.
describe('app:// asset resolution', () => {
  it.each([
    ['app://closeout/', 'index.html'],
    ['app://closeout/index.html', 'index.html'],
    ['app://closeout/assets/index-abc.js', 'assets/index-abc.js'],
    ['app://closeout/assets/a%20b.css', 'assets/a b.css'],
    ['app://closeout/index.html?x=1#y', 'index.html'],
  ])('%s → %s', (url, path) => expect(resolveAppAsset(url)).toBe(path));

  it.each([
    'app://closeout/../etc/passwd',
    'app://closeout/assets/../../secret',
    'app://closeout/%2e%2e/%2e%2e/etc/passwd',
    'app://closeout/..%2fetc%2fpasswd',
    'app://closeout/assets%5c..%5c..%5cwin.ini',
    'app://closeout/a\\..\\b',
    'app://closeout/%00index.html',
    'app://closeout/.env',
    'app://closeout/assets/.hidden',
    'app://other/index.html',
    'app://user:pw@closeout/index.html',
    'file:///etc/passwd',
    'https://closeout/index.html',
    'app://closeout/%E0%A4%A',
    'not a url',
  ])('refuses %s', (url) => expect(resolveAppAsset(url)).toBeNull());
});

describe('IPC sender check', () => {
  it.each([
    ['app://closeout/index.html', true, undefined, true],
    ['app://closeout/index.html', false, undefined, false],
    ['app://evil/index.html', true, undefined, false],
    ['https://example.com/', true, undefined, false],
    ['http://localhost:5173/', true, undefined, false],
    ['http://localhost:5173/', true, 'http://localhost:5173', true],
    ['http://localhost:5174/', true, 'http://localhost:5173', false],
    ['http://evil.com:5173/', true, 'http://evil.com:5173', false],
    ['file:///tmp/x.html', true, undefined, false],
    [undefined, true, undefined, false],
    ['', true, undefined, false],
  ] as const)('%s mainFrame=%s dev=%s → %s', (url, main, dev, ok) => expect(isTrustedSender(url, main, dev)).toBe(ok));
});

describe('navigation, external links, permissions', () => {
  it('refuses every navigation', () => {
    for (const u of ['app://closeout/index.html', 'https://example.com', 'javascript:alert(1)', 'file:///etc']) expect(isAllowedNavigation(u)).toBe(false);
  });

  it.each([
    ['https://npiregistry.cms.hhs.gov/search', true],
    ['https://www.cms.gov/x', true],
    ['http://www.cms.gov/x', false],
    ['https://www.cms.gov.evil.com/', false],
    ['https://evil.com/?u=https://www.cms.gov', false],
    ['https://user@www.cms.gov/', false],
    ['https://www.cms.gov:8443/', false],
    ['javascript:alert(1)', false],
    ['file:///C:/Windows', false],
  ] as const)('external %s → %s', (url, ok) => expect(isAllowedExternalUrl(url)).toBe(ok));

  it('grants no Chromium permission but clipboard write', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'midi', 'openExternal', 'fullscreen', 'clipboard-read', 'hid', 'serial', 'usb'])
      expect(isAllowedPermission(p)).toBe(false);
    expect(isAllowedPermission('clipboard-sanitized-write')).toBe(true);
  });

  it('has a strict CSP', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });
});
