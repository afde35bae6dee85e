import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's `chromium` package; CI installs it. Override with TREESYNTH_CHROMIUM. */
export const CHROMIUM = process.env.TREESYNTH_CHROMIUM ?? '/usr/bin/chromium';

/** Headless Debian Chromium with nothing that reaches the network; fails loudly when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the report's browser tests need a real browser. ` +
        'Install it with `apt-get install -y chromium` (Debian) or set TREESYNTH_CHROMIUM to its path.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
