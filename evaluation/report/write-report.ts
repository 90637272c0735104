// Writes a report folder: report.html (self-contained) and, unless asked not to, one PNG per chart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlexArenaError } from '../../lib/index.js';
import { type ReportPage, reportHtml } from './html-page.js';
import { type RenderedReport, renderPngs } from './render-png.js';

/** The report folder cannot be made or written (a read-only folder, not one's own). */
export class ReportWriteError extends FlexArenaError {}

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
  const html = join(dir, 'report.html');
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(html, reportHtml(page));
  } catch (err) {
    // One line naming the file, not the file system's stack trace.
    throw new ReportWriteError(`cannot write ${html}: ${(err as Error).message}`, { cause: err });
  }
  const rendered: RenderedReport =
    o.png === false ? { pngs: [], consoleErrors: [] } : await renderPngs(html, dir);
  return { html, ...rendered };
}
