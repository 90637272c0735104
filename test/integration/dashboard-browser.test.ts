// The dashboard in a real browser: a real run with --dashboard (its own nats-server with a
// WebSocket listener, in-process agents), the page in headless Chromium reading NATS directly;
// then the finished run replayed from its folder into the same page.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTapeText, TAPE_FILE } from '../../arena/index.js';
import { ReplayInputError, ReplayMismatchError } from '../../dashboard/errors.js';
import { loadReplay } from '../../dashboard/replay/resimulate.js';
import { tempDir, writeConfig } from '../helpers/arena-process.js';
import { artifactPath, launchChromium, openPage } from '../helpers/chromium.js';
import {
  type DashboardProcess,
  startDashboardProcess,
  tradePublishTimes,
} from '../helpers/dashboard-process.js';

// One delivery day from D-1 08:00 (capacity, day-ahead and intraday auctions all clear), three
// in-process agents deciding every half hour; paced so that the page can be watched while the
// books are open.
const CONFIG = {
  name: 'dash-test',
  seed: 7,
  day: '2026-11-22',
  decisionIntervalMinutes: 30,
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
      asset: { type: 'battery', powerMw: 10, energyMwh: 20, degradationEurPerMwh: 2 },
    },
    {
      id: 'reserve',
      strategy: 'balancing-battery',
      asset: { type: 'battery', powerMw: 10, energyMwh: 20, degradationEurPerMwh: 2 },
    },
  ],
};

// The callbacks given to page.$eval and page.waitForFunction run in the page (Playwright sends
// them there as text); these declarations type the few DOM parts they use, without putting the
// DOM library into the Node program.
interface El {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  children: ArrayLike<El> & Iterable<El>;
  value: string;
  max: string;
  dispatchEvent(e: unknown): boolean;
}
declare const document: {
  getElementById(id: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El> & Iterable<El>;
};
declare const window: { flexarenaDashboard?: { tradeShownAt: Map<number, number> } };
declare const Event: new (type: string) => unknown;

interface TapeTrade {
  tradeId: number;
  productId: string;
  priceTicks: number;
  quantityLots: number;
}

const clockMs = (page: Page) => page.$eval('#clock', (e) => Number((e as unknown as El).dataset.timeMs || 0));

/** Per agent, the exact cumulative profit the page shows (data attribute) and its text. */
/** Moves the replay slider to `ms`, as a user letting go of it there. */
const moveSlider = (page: Page, ms: number) =>
  page.$eval(
    '#replay-slider',
    (e, v) => {
      (e as unknown as El).value = String(v);
      e.dispatchEvent(new Event('change'));
    },
    ms,
  );

const shownProfits = (page: Page) =>
  page.$$eval('#agents-body tr', (rows) =>
    Object.fromEntries(
      rows.map((r) => [
        (r as unknown as El).dataset.agentId!,
        { cashUnits: Number((r as unknown as El).dataset.profitCashUnits), text: r.children[5]!.textContent },
      ]),
    ),
  );

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

let browser: Browser;
const dir = tempDir('flexarena-dashboard-');
let runDir = '';
let results: { agents: { agentId: string; profitCashUnits: number; profitEur: number }[] };

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

// In order: the live run of the first test is what the replays after it read (shuffled runs keep it).
describe('the dashboard in a browser', { shuffle: false }, () => {
  describe('dashboard, live', () => {
    let dash: DashboardProcess | undefined;
    let nc: NatsConnection | undefined;

    afterAll(async () => {
      await nc?.close();
      await dash?.stop();
    });

    it('shows a run as it happens: clock, books, every trade of the tape, product switch, profits', async () => {
      const config = writeConfig(dir, CONFIG);
      dash = await startDashboardProcess([
        'run',
        config,
        '--in-process',
        '--dashboard',
        '--pace',
        '14400',
        '--out',
        dir,
        '--run-id',
        'dash-live',
      ]);
      runDir = join(dir, dash.runId);
      // A subscriber of our own notes when each trade left the arena: the reference for the latency.
      nc = await connect({ servers: dash.natsUrl });
      const publishedAt = await tradePublishTimes(nc, dash.runId);

      const { page, errors } = await openPage(browser, dash.pageUrl);
      // The run waits for the page; then the clock advances.
      await page.waitForFunction(() => Number(document.getElementById('clock')?.dataset.timeMs) > 0);
      const first = await clockMs(page);
      await page.waitForFunction((t) => Number(document.getElementById('clock')?.dataset.timeMs) > t, first);
      expect(await clockMs(page)).toBeGreaterThan(first);

      // While the run goes on, a product's book shows levels.
      await page.waitForFunction(() => document.querySelectorAll('#book-body tr').length > 0, null, {
        timeout: 60_000,
      });
      const bookProduct = await page.$eval('#book', (e) => (e as unknown as El).dataset.productId!);
      const levels = await page.$$eval('#book-body tr', (rows) => rows.map((r) => r.textContent));
      expect(bookProduct).toMatch(/^(qh|h)-20261122-\d{4}$/);
      expect(levels.length).toBeGreaterThan(0);
      expect(levels.length).toBeLessThanOrEqual(20);
      await page.screenshot({ path: artifactPath('dashboard-live-running.png'), fullPage: true });

      await page.waitForFunction(() => document.getElementById('phase')?.textContent === 'run ended', null, {
        timeout: 120_000,
      });
      await dash.waitFor(/results in /, 60_000);
      results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));

      // Every trade on the tape reached the page.
      const tape: TapeTrade[] = readTapeText(runDir)
        .split('\n')
        .filter((l) => l.includes('"type":"trade"'))
        .map((l) => JSON.parse(l));
      expect(tape.length).toBeGreaterThan(100);
      const shownAt = new Map<number, number>(
        await page.evaluate(() => [...window.flexarenaDashboard!.tradeShownAt.entries()]),
      );
      expect([...shownAt.keys()].sort((a, b) => a - b)).toEqual(tape.map((t) => t.tradeId));

      // Choosing another product (one with trades) switches the book and the trades to it.
      const other = [...new Set(tape.map((t) => t.productId))].find((p) => p !== bookProduct)!;
      const last = tape.filter((t) => t.productId === other).at(-1)!;
      await page.selectOption('#product', other);
      await page.waitForFunction(
        (p) =>
          document.getElementById('book')?.dataset.productId === p &&
          document.getElementById('trades')?.dataset.productId === p,
        other,
      );
      expect(await page.$eval('#book-title', (e) => e.textContent)).toContain(other);
      const row = await page.$eval(`#trades-body tr[data-trade-id="${last.tradeId}"]`, (r) =>
        [...r.children].map((c) => c.textContent),
      );
      expect(row).toContain((last.priceTicks / 100).toFixed(2));
      expect(row).toContain((last.quantityLots / 10).toFixed(1));
      const ids = await page.$$eval('#trades-body tr', (rows) =>
        rows.map((r) => Number((r as unknown as El).dataset.tradeId)),
      );
      const ofOther = new Set(tape.filter((t) => t.productId === other).map((t) => t.tradeId));
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.every((id) => ofOther.has(id))).toBe(true);

      // The agents' cumulative profits are those of results.json, to the cash unit.
      const profits = await shownProfits(page);
      for (const a of results.agents) {
        expect(profits[a.agentId]!.cashUnits).toBe(a.profitCashUnits);
        expect(profits[a.agentId]!.text).toBe(a.profitEur.toFixed(2));
      }
      // The page reads the settlement stream (it exists once the run has started) and says so.
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'live');
      await page.screenshot({ path: artifactPath('dashboard-live.png'), fullPage: true });

      const latencies = tape
        .map((t) => shownAt.get(t.tradeId)! - publishedAt.get(t.tradeId)!)
        .filter((x) => Number.isFinite(x))
        .sort((a, b) => a - b);
      expect(latencies.length).toBe(tape.length);
      process.stdout.write(
        `dashboard trade-to-page latency over ${latencies.length} trades: p50 ${quantile(latencies, 0.5)} ms, ` +
          `p99 ${quantile(latencies, 0.99)} ms, max ${latencies.at(-1)} ms; screenshots in ${artifactPath('')}\n`,
      );
      expect(errors).toEqual([]);
    });

    it('shows a page opened after the run the settlement records from JetStream', async () => {
      expect(results).toBeDefined();
      const { page, errors } = await openPage(browser, dash!.pageUrl);
      await page.waitForFunction(
        (n) =>
          document.querySelectorAll('#agents-body tr[data-profit-cash-units]').length === n &&
          [...document.querySelectorAll('#agents-body tr')].every((r) => r.children[6]?.textContent === '96'),
        results.agents.length,
      );
      const profits = await shownProfits(page);
      for (const a of results.agents) expect(profits[a.agentId]!.cashUnits).toBe(a.profitCashUnits);
      expect(errors).toEqual([]);
      await page.close();
      await dash!.stop();
      expect(await dash!.exited).toBe(0);
    });
  });

  describe('dashboard, replay', () => {
    let dash: DashboardProcess | undefined;

    afterAll(async () => {
      await dash?.stop();
    });

    it('replays the finished run; at its end the profits shown are those of results.json', async () => {
      expect(results).toBeDefined();
      dash = await startDashboardProcess(['dashboard', runDir, '--speed', '3600'], 120_000);
      expect(dash.runId).toBe('dash-live');
      const { page, errors } = await openPage(browser, dash.pageUrl);
      await page.waitForSelector('#replay:not([hidden])');
      // It plays: the clock advances.
      await page.waitForFunction(() => Number(document.getElementById('clock')?.dataset.timeMs) > 0);
      const first = await clockMs(page);
      await page.waitForFunction((t) => Number(document.getElementById('clock')?.dataset.timeMs) > t, first);

      // The slider to the end: the whole run at once.
      const end = Number(await page.$eval('#replay-slider', (e) => (e as unknown as El).max));
      await moveSlider(page, end);
      await page.waitForFunction(
        (t) =>
          Number(document.getElementById('replay')?.dataset.positionMs) === t &&
          document.getElementById('phase')?.textContent === 'run ended',
        end,
      );
      const profits = await shownProfits(page);
      for (const a of results.agents) {
        expect(profits[a.agentId]!.cashUnits).toBe(a.profitCashUnits);
        expect(profits[a.agentId]!.text).toBe(a.profitEur.toFixed(2));
      }
      await page.screenshot({ path: artifactPath('dashboard-replay-end.png'), fullPage: true });

      // Back to the middle of the delivery day: half of the quarter-hours are settled.
      const noon = Date.UTC(2026, 10, 22, 12);
      await moveSlider(page, noon);
      // The player stopped at the end, so it stays at noon: the decision point at 12:00 is the last shown.
      await page.waitForFunction((t) => Number(document.getElementById('clock')?.dataset.timeMs) === t, noon);
      const records = await page.$$eval('#agents-body tr', (rows) =>
        rows.map((r) => r.children[6]!.textContent),
      );
      expect(records).toEqual(results.agents.map(() => '48'));
      expect(errors).toEqual([]);
    });
  });

  describe('dashboard, replay input', () => {
    it('refuses a tape that the run does not reproduce, naming the first line that differs', async () => {
      expect(runDir).not.toBe('');
      const copy = join(dir, 'tampered');
      cpSync(runDir, copy, { recursive: true });
      const lines = readTapeText(copy).split('\n');
      // One recorded order of the heuristic agent, one tick dearer: the fills that follow differ.
      const i = lines.findIndex(
        (l) =>
          l.includes('"type":"batch"') && l.includes('"agent":"heuristic"') && l.includes('"priceTicks"'),
      );
      expect(i).toBeGreaterThan(0);
      lines[i] = lines[i]!.replace(/"priceTicks":(-?\d+)/, (_m, p) => `"priceTicks":${Number(p) + 1}`);
      writeFileSync(join(copy, TAPE_FILE), gzipSync(lines.join('\n')));
      const err = await loadReplay(copy).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReplayMismatchError);
      expect((err as Error).message).toMatch(/produced a different tape at line \d+/);
      rmSync(join(copy, 'tape.sha256'));
      await expect(loadReplay(copy)).rejects.toThrow(ReplayInputError);
      await expect(loadReplay(join(dir, 'no-such-run'))).rejects.toThrow(/no-such-run: no such folder$/);
    });
  });
});
