import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless, with no background traffic (the machine has no network). Shared by
 * the UI tests (through browser.ts) and the bench's on-screen suite; it needs no test runner.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
