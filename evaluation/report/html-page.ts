// A self-contained HTML report: Vega, Vega-Lite and vega-embed inlined from node_modules (no
// network needed to open it), one container per chart, and a small script that renders every
// Vega-Lite spec and records what happened (window.__report) for the PNG renderer and tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/index.js';

export interface ChartSpec {
  /** File-name-safe id: the chart's PNG is <id>.png. */
  id: string;
  title: string;
  /** A Vega-Lite specification (data inlined). */
  spec: Record<string, unknown>;
}

export interface ReportPage {
  title: string;
  subtitle?: string;
  /** Trusted HTML fragments (tables, notes), placed before the charts. */
  sections?: string[];
  charts: ChartSpec[];
}

const NODE_MODULES = join(PROJECT_ROOT, 'node_modules');

function libraryScript(pkg: string, file: string): string {
  const path = join(NODE_MODULES, pkg, file);
  // A literal "</script" inside inlined code would end the script element early.
  return readFileSync(path, 'utf8').replaceAll('</script', '<\\/script');
}

let libraries: string | undefined;
function inlineLibraries(): string {
  libraries ??= [
    libraryScript('vega', 'build/vega.min.js'),
    libraryScript('vega-lite', 'build/vega-lite.min.js'),
    libraryScript('vega-embed', 'build/vega-embed.min.js'),
  ]
    .map((code) => `<script>${code}</script>`)
    .join('\n');
  return libraries;
}

export function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** A plain HTML table; cells are escaped. */
export function htmlTable(
  head: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const td = (x: string | number | null) => `<td>${x === null ? '–' : escapeHtml(String(x))}</td>`;
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(td).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function reportHtml(page: ReportPage): string {
  const charts = page.charts
    .map(
      (c) =>
        `<section class="chart"><h2>${escapeHtml(c.title)}</h2><div id="chart-${escapeHtml(c.id)}" data-chart="${escapeHtml(c.id)}"></div></section>`,
    )
    .join('\n');
  const specs = JSON.stringify(page.charts.map((c) => ({ id: c.id, spec: c.spec }))).replaceAll('</', '<\\/');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
h1 { margin-bottom: 0.2rem; } .subtitle { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.85rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
section.chart { margin: 1.5rem 0; }
</style>
${inlineLibraries()}
</head><body>
<h1>${escapeHtml(page.title)}</h1>
${page.subtitle ? `<p class="subtitle">${escapeHtml(page.subtitle)}</p>` : ''}
${(page.sections ?? []).join('\n')}
${charts}
<script>
window.__report = { charts: 0, rendered: [], errors: [], done: false, views: {} };
const specs = ${specs};
window.__report.charts = specs.length;
Promise.all(specs.map((c) =>
  vegaEmbed('#chart-' + c.id, c.spec, { actions: false, renderer: 'svg' })
    .then((r) => { window.__report.views[c.id] = r.view; window.__report.rendered.push(c.id); })
    .catch((e) => { window.__report.errors.push(c.id + ': ' + e.message); })
)).then(() => { window.__report.done = true; });
</script>
</body></html>
`;
}
