// Writes a report folder: report.html (self-contained) and, unless asked not to, one PNG per chart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ReportPage, reportHtml } from './html-page.js';
import { type RenderedReport, renderPngs } from './render-png.js';

export interface WrittenReport {
  html: string;
  pngs: string[];
  consoleErrors: string[];
}

export async function writeReport(
  dir: string,
  page: ReportPage,
  o: { png?: boolean } = {},
): Promise<WrittenReport> {
  mkdirSync(dir, { recursive: true });
  const html = join(dir, 'report.html');
  writeFileSync(html, reportHtml(page));
  const rendered: RenderedReport =
    o.png === false ? { pngs: [], consoleErrors: [] } : await renderPngs(html, dir);
  return { html, ...rendered };
}
