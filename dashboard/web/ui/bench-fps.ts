// The chart benchmark page (scripts/bench-dashboard.ts bundles it and runs it in Chromium): the
// price chart of the dashboard with 3 600 quarter-hours per series (day-ahead, CID VWAP,
// imbalance), one value changed and the chart redrawn at every animation frame, against a baseline
// of empty animation frames measured in the same page.
import { DashboardStore } from '../model/store.js';
import { PriceChart } from './charts.js';

const POINTS = 3_600;
const QH = 15 * 60_000;

function fill(store: DashboardStore): void {
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < POINTS; i++) {
    const base = 8_000 + Math.round(3_000 * Math.sin(i / 20));
    store.quarterHours.set(start + i * QH, {
      startMs: start + i * QH,
      daTicks: base,
      cidValue: (base + ((i * 37) % 900)) * 10,
      cidLots: 10,
      imbalanceShortTicks: base + ((i * 91) % 4_000) - 2_000,
      imbalanceLongTicks: base,
    });
  }
}

function framesPerSecond(ms: number, work: (frame: number) => void): Promise<number> {
  return new Promise((resolve) => {
    let frames = 0;
    const t0 = performance.now();
    const tick = () => {
      work(frames);
      frames++;
      const elapsed = performance.now() - t0;
      if (elapsed >= ms) resolve((frames * 1000) / elapsed);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function run(): Promise<void> {
  const store = new DashboardStore('bench');
  fill(store);
  const baselineFps = await framesPerSecond(3_000, () => undefined);
  const chart = new PriceChart(document.getElementById('price-chart')!);
  const qhs = [...store.quarterHours.values()];
  const chartFps = await framesPerSecond(5_000, (f) => {
    qhs[f % POINTS]!.daTicks! += 100;
    chart.render(store);
  });
  (window as unknown as { benchResult: unknown }).benchResult = {
    points: POINTS,
    series: 3,
    baselineFps,
    chartFps,
  };
}

run().catch((err: Error) => {
  (window as unknown as { benchResult: unknown }).benchResult = { error: err.message };
});
