// Debian's chromium through playwright-core for the self-tests that render what the harness writes (the dashboard):
// headless, no sandbox (root in CI), nothing that reaches the network, a fresh profile (--user-data-dir, which
// playwright passes itself) per launch.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.DHP_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM) ? undefined : `no chromium at ${CHROMIUM} (apt-get install chromium, or set DHP_CHROMIUM): the browser test is skipped`;

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Runs `f` with a fresh chromium profile; every request that leaves file:// is recorded (the page must make none). */
export async function withChromium<T>(f: (ctx: BrowserContext, offline: string[]) => Promise<T>): Promise<T> {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'dhp-chromium-'));
  const ctx = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000, viewport: { width: 1400, height: 1000 } });
  const network: string[] = [];
  await ctx.route(/^(?!file:|data:|about:)/, (route) => { network.push(route.request().url()); return route.abort(); });
  try {
    return await f(ctx, network);
  } finally {
    await ctx.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
