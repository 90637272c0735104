// The learning curve as a PNG (drawn with @napi-rs/canvas: Skia, no browser) and as an HTML
// report with the figure inline and the run's configuration and seeds.
import { createCanvas } from '@napi-rs/canvas';

export interface CurvePoint {
  x: number;
  y: number;
}

export interface Series {
  name: string;
  color: string;
  points: CurvePoint[];
  /** Draw markers instead of a line. */
  markers?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
}

function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** A line chart as PNG bytes. */
export function lineChartPng(spec: ChartSpec): Buffer {
  const W = spec.width ?? 900;
  const H = spec.height ?? 480;
  const m = { l: 96, r: 20, t: 50, b: 60 };
  const canvas = createCanvas(W, H);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, W, H);
  const pts = spec.series
    .flatMap((s) => s.points)
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  let [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!Number.isFinite(y0)) [y0, y1] = [0, 1];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  if (x1 - x0 < 1e-9) x1 = x0 + 1;
  const X = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  g.strokeStyle = '#dddddd';
  g.fillStyle = '#333333';
  g.font = '12px sans-serif';
  g.lineWidth = 1;
  for (const t of niceTicks(y0, y1)) {
    g.beginPath();
    g.moveTo(m.l, Y(t));
    g.lineTo(W - m.r, Y(t));
    g.stroke();
    g.textAlign = 'right';
    g.fillText(String(t), m.l - 6, Y(t) + 4);
    g.textAlign = 'left';
  }
  for (const t of niceTicks(x0, x1)) g.fillText(String(t), X(t) - 10, H - m.b + 18);
  g.strokeStyle = '#333333';
  g.strokeRect(m.l, m.t, W - m.l - m.r, H - m.t - m.b);
  g.font = 'bold 16px sans-serif';
  g.fillText(spec.title, m.l, 30);
  g.font = '13px sans-serif';
  g.fillText(spec.xLabel, W / 2 - 40, H - 15);
  g.save();
  g.translate(22, H / 2 + 40);
  g.rotate(-Math.PI / 2);
  g.fillText(spec.yLabel, 0, 0);
  g.restore();
  spec.series.forEach((s, k) => {
    g.strokeStyle = s.color;
    g.fillStyle = s.color;
    g.lineWidth = 2;
    const ps = s.points.filter((p) => Number.isFinite(p.y));
    if (s.markers) for (const p of ps) g.fillRect(X(p.x) - 3, Y(p.y) - 3, 6, 6);
    else {
      g.beginPath();
      ps.forEach((p, i) => {
        i === 0 ? g.moveTo(X(p.x), Y(p.y)) : g.lineTo(X(p.x), Y(p.y));
      });
      g.stroke();
    }
    g.fillRect(W - m.r - 200, m.t + 10 + k * 18, 12, 12);
    g.fillStyle = '#333333';
    g.fillText(s.name, W - m.r - 182, m.t + 21 + k * 18);
  });
  return canvas.toBuffer('image/png');
}

/** Moving average over `w` points (the learning curve's smoothing). */
export function movingAverage(points: CurvePoint[], w: number): CurvePoint[] {
  const out: CurvePoint[] = [];
  let sum = 0;
  points.forEach((p, i) => {
    sum += p.y;
    if (i >= w) sum -= points[i - w]!.y;
    out.push({ x: p.x, y: sum / Math.min(i + 1, w) });
  });
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A self-contained HTML report: title, key figures, the figure, and the configuration verbatim. */
export function htmlReport(
  title: string,
  figures: Record<string, string | number>,
  png: Buffer,
  config: unknown,
): string {
  const rows = Object.entries(figures)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 960px; color: #222; }
h1 { font-size: 1.4rem; } table { border-collapse: collapse; margin: 1rem 0; }
th, td { text-align: left; padding: 0.25rem 0.75rem; border-bottom: 1px solid #ddd; }
th { font-weight: 600; } pre { background: #f6f6f6; padding: 1rem; overflow: auto; font-size: 0.8rem; }
img { max-width: 100%; border: 1px solid #ddd; }
</style></head><body>
<h1>${esc(title)}</h1>
<table>${rows}</table>
<img alt="learning curve" src="data:image/png;base64,${png.toString('base64')}">
<h2>Configuration (all seeds: repeat with the same file)</h2>
<pre>${esc(JSON.stringify(config, null, 2))}</pre>
</body></html>
`;
}
