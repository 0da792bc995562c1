import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { HarnessError } from '../../config/harness-error.js';

/** Debian's Chromium (package `chromium`); the harness never downloads a browser. */
export const CHROMIUM = process.env.HARNESS_CHROMIUM?.trim() || '/usr/bin/chromium';

/**
 * Flags for a root, offline, headless machine: no sandbox (root), no GPU, and
 * no background traffic to Google's hosts (refused here, slow elsewhere).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface HeadlessBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium driven by playwright-core, with a fresh user-data-dir that
 * is removed on close. Throws a HarnessError naming the fix when Chromium is absent:
 * a Web UI check must fail, not skip, on a machine without a browser.
 */
export async function launchChromium(): Promise<HeadlessBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new HarnessError(
      `Chromium not found at ${CHROMIUM}: the Web UI scenario drives Debian's Chromium headless and cannot run without it. Install it: apt-get install -y chromium`,
      'apt-get install -y chromium (Debian package; .ci/run installs it), or set HARNESS_CHROMIUM to a Chromium binary',
    );
  }
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'harness-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
      timeout: 60_000,
    });
  } catch (e) {
    await rm(userDataDir, { recursive: true, force: true });
    throw new HarnessError(`Chromium at ${CHROMIUM} did not start: ${(e as Error).message.split('\n')[0]}`, 'check `chromium --headless --no-sandbox --version` runs; reinstall with apt-get install -y chromium', { cause: e });
  }
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

