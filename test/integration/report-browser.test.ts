// The reports as a reader sees them: a run report from a real (small, in-process) run and a
// tournament report, opened in headless Chromium (Debian's, through playwright-core): no console
// errors, every chart present and drawn; and the PNG files exist and are not blank.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStrategy } from '../../agents/strategies/index.js';
import { runArena } from '../../arena/index.js';
import { CHROMIUM, CHROMIUM_ARGS, RunScorer, runReport, writeReport } from '../../evaluation/index.js';
import { type LocalAgent, parseRunConfig } from '../../sim/index.js';
import { parseStudy, runStudy, studyReport } from '../../study/index.js';
import { type GameResult, leaderboard, parseTournament, tournamentReport } from '../../tournament/index.js';
import { tempDir, writeConfig } from '../helpers/arena-process.js';
import { fastScenario } from '../helpers/tournament-fixtures.js';

let browser: Awaited<ReturnType<typeof chromium.launch>>;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});
afterAll(async () => {
  await browser?.close();
});

/** Opens a report and checks every chart; returns the number of charts drawn. */
async function checkInBrowser(html: string, chartIds: string[]): Promise<void> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:'))
      errors.push(`network request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(html).href);
  await page.waitForFunction('window.__report && window.__report.done === true', null, { timeout: 60_000 });
  const state = (await page.evaluate(
    '({ errors: window.__report.errors, rendered: window.__report.rendered })',
  )) as {
    errors: string[];
    rendered: string[];
  };
  expect(state.errors).toEqual([]);
  expect([...state.rendered].sort()).toEqual([...chartIds].sort());
  for (const id of chartIds) {
    const svg = page.locator(`#chart-${id} svg`);
    expect(await svg.count(), id).toBe(1);
    const box = await svg.boundingBox();
    expect(box!.width, id).toBeGreaterThan(100);
    expect(box!.height, id).toBeGreaterThan(50);
    // Marks were drawn: paths or rects beyond the axes' own.
    const marks = await page
      .locator(
        `#chart-${id} svg .mark-line path, #chart-${id} svg .mark-rect path, #chart-${id} svg .mark-symbol path, #chart-${id} svg .mark-area path, #chart-${id} svg .mark-rule line, #chart-${id} svg .mark-text text`,
      )
      .count();
    expect(marks, id).toBeGreaterThan(0);
  }
  expect(errors).toEqual([]);
  await page.close();
}

/** Distinct colours in a PNG, counted by the browser from the file itself. */
async function colours(png: string): Promise<number> {
  const page = await browser.newPage();
  const data = `data:image/png;base64,${readFileSync(png).toString('base64')}`;
  const n = (await page.evaluate(`(async () => {
    const img = new Image();
    img.src = ${JSON.stringify(data)};
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    return seen.size;
  })()`)) as number;
  await page.close();
  return n;
}

describe('reports in Chromium', () => {
  it('run report: every chart drawn without console errors, PNGs not blank', async () => {
    const dir = tempDir('flexarena-report-');
    const cfg = parseRunConfig({ ...fastScenario(), outDir: dir });
    cfg.agents[1]!.strategy = 'heuristic-battery';
    const scorer = new RunScorer('report-run');
    const local = new Map<string, LocalAgent>(
      cfg.agents.map((a) => [a.id, createStrategy(a.strategy, a.params)]),
    );
    await runArena(cfg, { runId: 'report-run', local, sinks: [scorer], log: () => undefined });
    const scores = scorer.scores();
    expect(scores.complete).toBe(true);
    const page = runReport(scores);
    const out = await writeReport(join(dir, 'report'), page);
    expect(out.consoleErrors).toEqual([]);
    await checkInBrowser(
      out.html,
      page.charts.map((c) => c.id),
    );
    expect(out.pngs.map((p) => p.split('/').pop()).sort()).toEqual(
      page.charts.map((c) => `${c.id}.png`).sort(),
    );
    for (const png of out.pngs) expect(await colours(png), png).toBeGreaterThan(8);
  }, 180_000);

  it('tournament report: leaderboard, PoP, significance matrix and z-scores drawn, PNGs not blank', async () => {
    const t = parseTournament({
      name: 'report',
      seeds: 4,
      entrants: [
        { name: 'a', strategy: 'idle' },
        { name: 'b', strategy: 'idle' },
        { name: 'c', strategy: 'idle' },
      ],
      scenarios: [{ file: 'x.yaml', seats: ['s0', 's1'] }],
    });
    const results: GameResult[] = [];
    let index = 0;
    for (let cell = 0; cell < 4; cell++)
      for (const [x, y] of [
        ['a', 'b'],
        ['a', 'c'],
        ['b', 'c'],
      ] as const) {
        const value = (e: string) => ({ a: 100, b: 50, c: 0 })[e]! + cell * 7 + (e === 'b' ? cell : 0);
        results.push({
          id: `g${index}`,
          index: index++,
          cell: `0-2-${cell}`,
          scenario: 0,
          size: 2,
          seedIndex: cell,
          seed: cell,
          runId: `r${index}`,
          tapeSha256: '',
          wallMs: 1,
          playedBy: 'local',
          seats: [x, y].map((e, i) => ({
            seat: `s${i}`,
            entrant: e,
            profitEur: value(e),
            socNeutralProfitEur: value(e),
            popMultiMarket: value(e) / 200,
            popDayAhead: null,
            popSocNeutralMultiMarket: null,
          })),
        });
      }
    const page = tournamentReport(leaderboard(t, results));
    const dir = tempDir('flexarena-report-t-');
    const out = await writeReport(dir, page);
    expect(out.consoleErrors).toEqual([]);
    await checkInBrowser(
      out.html,
      page.charts.map((c) => c.id),
    );
    for (const png of out.pngs) expect(await colours(png), png).toBeGreaterThan(8);
  }, 120_000);

  it('study report: revenue per MW against size, cannibalisation curves, impacts drawn; PNGs not blank', async () => {
    const dir = tempDir('flexarena-report-s-');
    const cfg = fastScenario() as { agents: Record<string, unknown>[] };
    cfg.agents = [
      cfg.agents[0]!,
      { id: 'big', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
      // Someone trades when big is not there, so the price impact has a 'without' price.
      { id: 'small', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 2, energyMwh: 4 } },
    ];
    const scenario = writeConfig(dir, cfg, 'scenario.yaml');
    const study = parseStudy(
      { name: 'report', seeds: 2, scenario, agent: 'big', sizes: [0.5, 1], fleet: { counts: [1, 2] } },
      'report.yaml',
      dir,
    );
    const outcome = await runStudy(study, { dir: join(dir, 'study') });
    const page = studyReport(outcome.summary);
    expect(page.charts.map((c) => c.id)).toEqual([
      'revenue-per-mw-vs-size',
      'cannibalisation-revenue',
      'cannibalisation-pop',
      'price-impact',
      'da-spread-impact',
      'spread-impact',
      'depth-impact',
      'da-price-change',
    ]);
    const out = await writeReport(join(dir, 'report'), page);
    expect(out.consoleErrors).toEqual([]);
    await checkInBrowser(
      out.html,
      page.charts.map((c) => c.id),
    );
    // The curves have a point (with its interval) per size and per N.
    const size = page.charts[0]!.spec as { data: { values: { x: number; lo: number; hi: number }[] } };
    expect(size.data.values.map((v) => v.x)).toEqual([2.5, 5]);
    const fleet = page.charts[1]!.spec as { data: { values: { x: number }[] } };
    expect(fleet.data.values.map((v) => v.x)).toEqual([1, 2]);
    for (const png of out.pngs) expect(await colours(png), png).toBeGreaterThan(8);
  }, 300_000);
});
