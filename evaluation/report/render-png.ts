// PNG files of a report's charts, for papers: the report opened in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core; no browser is ever downloaded), each chart
// exported by its own Vega view at 2× scale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { FlexArenaError } from '../../lib/index.js';

/** The page's global object as the report script leaves it (no DOM types in this project). */
declare const window: {
  __report?: {
    done: boolean;
    views: Record<string, { toImageURL(type: string, scale: number): Promise<string> }>;
  };
};

export const CHROMIUM = process.env.FLEXARENA_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

export class ReportRenderError extends FlexArenaError {}

export interface RenderedReport {
  pngs: string[];
  consoleErrors: string[];
}

/** Renders every chart of `htmlFile` to `<outDir>/<chart id>.png`. */
export async function renderPngs(
  htmlFile: string,
  outDir: string,
  timeoutMs = 60_000,
): Promise<RenderedReport> {
  // Loaded here, not with the module: playwright-core takes ~0.4 s to load, and every `flexarena`
  // command (a usage error too) would pay it.
  const { chromium } = await import('playwright-core');
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  } catch (cause) {
    throw new ReportRenderError(
      `cannot start Chromium at ${CHROMIUM} (install Debian's chromium, or set FLEXARENA_CHROMIUM): ${(cause as Error).message}`,
      { cause },
    );
  }
  try {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(pathToFileURL(htmlFile).href);
    await page.waitForFunction(() => window.__report?.done === true, null, {
      timeout: timeoutMs,
    });
    const images = await page.evaluate(async () => {
      const r = window.__report!;
      const out: [string, string][] = [];
      for (const [id, view] of Object.entries(r.views)) out.push([id, await view.toImageURL('png', 2)]);
      return out;
    });
    const pngs = images.map(([id, url]) => {
      const file = join(outDir, `${id}.png`);
      writeFileSync(file, Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
      return file;
    });
    return { pngs, consoleErrors };
  } finally {
    await browser.close();
  }
}
