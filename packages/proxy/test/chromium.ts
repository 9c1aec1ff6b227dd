import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, installed when missing (the machines run as root); a failure fails the test. */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { env, stdio: 'ignore' });
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is needed for this test and could not be installed at ${CHROMIUM}`);
}

/** Headless Chromium, offline and quiet. */
export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A screenshot of the proxy's dashboard as base64: a real page, rendered by Chromium. */
export async function dashboardShot(
  browser: Browser,
  proxyUrl: string,
  options: { width: number; height: number; scale?: number; type?: 'png' | 'jpeg' },
): Promise<string> {
  const page = await browser.newPage({
    viewport: { width: options.width, height: options.height },
    deviceScaleFactor: options.scale ?? 1,
  });
  try {
    await page.goto(`${proxyUrl}/dashboard`);
    await page.waitForSelector('body[data-ready=true]');
    const type = options.type ?? 'png';
    return (await page.screenshot({ type, ...(type === 'jpeg' ? { quality: 80 } : {}) })).toString('base64');
  } finally {
    await page.close();
  }
}
