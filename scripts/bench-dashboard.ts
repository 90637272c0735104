// `npm run bench:dashboard`: the dashboard's figures. The page's JavaScript gzipped; frames per
// second of its price chart with 3 600 points per series in headless Chromium (against empty
// animation frames in the same page); and the latency from a trade leaving the arena (a Node
// subscriber on the same nats-server notes its arrival) to the page drawing it, in a real run
// with --dashboard.
import { readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { connect } from '@nats-io/transport-node';
import { build } from 'esbuild';
import { tempDir, writeConfig } from '../test/helpers/arena-process.js';
import { launchChromium, openPage } from '../test/helpers/chromium.js';
import { startDashboardProcess, tradePublishTimes } from '../test/helpers/dashboard-process.js';
import { writeBenchmarkSection } from './benchmarks-file.js';

const root = join(import.meta.dirname, '..');
/** Virtual seconds per wall second of the latency run (BENCH_PACE=0: as fast as it goes). */
const PACE = Number(process.env.BENCH_PACE ?? 14_400);
const dist = join(root, 'dashboard', 'web', 'dist');

function sizes() {
  const js = readFileSync(join(dist, 'app.js'));
  const css = readFileSync(join(dist, 'app.css'));
  return {
    js: js.length,
    jsGz: gzipSync(js, { level: 9 }).length,
    css: css.length,
    cssGz: gzipSync(css, { level: 9 }).length,
  };
}

async function chartFps() {
  const bundle = await build({
    entryPoints: [join(root, 'dashboard', 'web', 'ui', 'bench-fps.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 600 } });
    await page.setContent('<div id="price-chart" style="width:1300px"></div>');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text, type: 'module' });
    await page.waitForFunction('window.benchResult !== undefined', null, { timeout: 60_000 });
    const r = (await page.evaluate('window.benchResult')) as {
      baselineFps: number;
      chartFps: number;
      error?: string;
    };
    if (r.error) throw new Error(r.error);
    return r;
  } finally {
    await browser.close();
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function tradeLatency() {
  const dir = tempDir('flexarena-bench-dashboard-');
  const config = writeConfig(dir, {
    name: 'bench-dashboard',
    seed: 7,
    day: '2026-11-22',
    agents: [
      {
        id: 'liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        params: { depthMwPerEur: 1, halfSpreadEur: 0.5, levelStepEur: 1, levels: 8, horizonHours: 4 },
      },
      {
        id: 'heuristic',
        strategy: 'heuristic-battery',
        asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
      },
    ],
  });
  const dash = await startDashboardProcess([
    'run',
    config,
    '--in-process',
    '--dashboard',
    '--out',
    dir,
    ...(PACE ? ['--pace', String(PACE)] : []),
  ]);
  const browser = await launchChromium();
  const nc = await connect({ servers: dash.natsUrl });
  try {
    const publishedAt = await tradePublishTimes(nc, dash.runId);
    const { page, errors } = await openPage(browser, dash.pageUrl);
    await page.waitForFunction("document.getElementById('phase')?.textContent === 'run ended'", null, {
      timeout: 300_000,
    });
    await page.waitForTimeout(500);
    const [received, shown] = (await page.evaluate(
      '[[...window.flexarenaDashboard.tradeReceivedAt], [...window.flexarenaDashboard.tradeShownAt]]',
    )) as [number, number][][];
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    const recv = new Map(received);
    const total: number[] = [];
    const transport: number[] = [];
    for (const [id, at] of shown!) {
      const pub = publishedAt.get(id);
      if (pub === undefined) continue;
      total.push(at - pub);
      transport.push(recv.get(id)! - pub);
    }
    total.sort((a, b) => a - b);
    transport.sort((a, b) => a - b);
    return {
      trades: total.length,
      p50: quantile(total, 0.5),
      p99: quantile(total, 0.99),
      t50: quantile(transport, 0.5),
      t99: quantile(transport, 0.99),
    };
  } finally {
    await nc.close();
    await browser.close();
    await dash.stop();
    // The run folder was only the means: nothing of the bench stays in the temporary folder.
    rmSync(dir, { recursive: true, force: true });
  }
}

const load0 = loadavg()[0]!;
const s = sizes();
process.stderr.write(`bundle: ${s.jsGz} B gzipped JS\n`);
const fps = await chartFps();
process.stderr.write(`chart: ${fps.chartFps.toFixed(1)} fps (baseline ${fps.baselineFps.toFixed(1)})\n`);
const lat = await tradeLatency();
process.stderr.write(`latency: p50 ${lat.p50} ms, p99 ${lat.p99} ms over ${lat.trades} trades\n`);
const load1 = loadavg()[0]!;
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
writeBenchmarkSection(
  'dashboard',
  `## Dashboard (\`npm run bench:dashboard\`)

The page as \`flexarena run --dashboard\` serves it (esbuild bundle of \`dashboard/web/\`: uPlot,
\`@nats-io/nats-core\` with \`wsconnect\`, \`@nats-io/jetstream\` and the page's own code), in headless
Debian Chromium (\`--headless --disable-gpu\`). ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}),
load average ${load0.toFixed(1)} → ${load1.toFixed(1)} during the measurement (other work shared the machine: wall-clock figures are upper bounds).

| figure | value |
|---|---|
| JavaScript, minified / gzipped | ${kb(s.js)} / **${kb(s.jsGz)}** (goal ≤ 150 KB gzipped) |
| CSS, minified / gzipped | ${kb(s.css)} / ${kb(s.cssGz)} |
| price chart, 3 × 3 600 points, one value changed and redrawn per frame | **${fps.chartFps.toFixed(1)} frames/s** |
| empty animation frames in the same page (baseline) | ${fps.baselineFps.toFixed(1)} frames/s (chart/baseline ${(fps.chartFps / fps.baselineFps).toFixed(2)}) |
| trade leaves the arena → drawn on the page, p50 / p99 | **${lat.p50} / ${lat.p99} ms** over ${lat.trades} trades |
| of which trade leaves the arena → arrives in the page (WebSocket), p50 / p99 | ${lat.t50} / ${lat.t99} ms |

Latency: a lock-step run of one day with two in-process agents, ${PACE ? `\`--pace ${PACE}\` (${PACE / 3600} virtual hours per second)` : 'at full speed (no `--pace`)'}; the
reference is a Node subscriber on the same nats-server; "drawn" is the animation frame that drew
the trade's batch (tables at every frame, charts at most every 200 ms).`,
);
