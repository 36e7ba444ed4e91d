/**
 * Debian's Chromium driven by playwright-core, for the UI tests. Never a downloaded browser: `.ci/run`
 * installs `chromium` with apt-get. Where it is missing outside CI, UI tests are skipped with a reason.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why UI tests cannot run here, or undefined when they can. In CI a missing browser is a failure. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM) || process.env.CI === 'true') return undefined;
  return `no ${CHROMIUM}: install Debian's chromium to run the UI tests`;
}

/** `args`: more Chromium switches, e.g. `--host-resolver-rules` to point a name at 127.0.0.1. */
export function launchBrowser(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}

/**
 * Where the tests write their screenshots: test-results/screenshots/ (git-ignored), or with
 * UPDATE_SCREENSHOTS=1 docs/screenshots/, the ones the README shows.
 */
export function screenshotPath(name: string): string {
  const where = process.env.UPDATE_SCREENSHOTS
    ? '../../docs/screenshots/'
    : '../../test-results/screenshots/';
  const dir = fileURLToPath(new URL(where, import.meta.url));
  mkdirSync(dir, { recursive: true });
  return `${dir}${name}.png`;
}
