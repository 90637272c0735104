// The dashboard page in a real browser on what is not a plain finished run: no NATS server (the
// command serving the page or its nats-server has stopped): the page says so, naming the address;
// the replay of a run stopped by Ctrl-C: the page says where and why it stopped, and its figures
// are those of the run's settlement records until then.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInterruption } from '../../arena/index.js';
import { startPageServer } from '../../dashboard/server/page-server.js';
import { BIN, tempDir, writeConfig } from '../helpers/arena-process.js';
import { launchChromium, openPage } from '../helpers/chromium.js';
import { startDashboardProcess } from '../helpers/dashboard-process.js';

// The callbacks given to page.$eval and waitForFunction run in the page; these type the DOM parts they use.
interface El {
  textContent: string | null;
  className: string;
  dataset: Record<string, string | undefined>;
  children: ArrayLike<El>;
}
declare const document: { getElementById(id: string): El | null };

/** A loopback port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('dashboard page without NATS', () => {
  it('says it cannot reach NATS and where, not an empty "cannot start: "', async () => {
    const wsUrl = `ws://127.0.0.1:${await closedPort()}`;
    const page = await startPageServer({ mode: 'live', runId: 'no-nats', wsUrl, settlementStream: 'X' });
    try {
      const { page: tab } = await openPage(browser, page.url);
      await tab.waitForFunction(() => document.getElementById('status')?.className === 'error');
      const status = await tab.$eval('#status', (e) => e.textContent);
      expect(status).toBe(
        `cannot start: cannot reach NATS at ${wsUrl}: has the flexarena command serving this page stopped, or its nats-server?`,
      );
      await tab.close();
    } finally {
      await page.close();
    }
  });
});

describe('replay of a run stopped by Ctrl-C', () => {
  it('says the run was interrupted where it stopped; the profits are its settlement records’', {
    timeout: 240_000,
  }, async () => {
    const dir = tempDir('flexarena-dash-interrupted-');
    const config = writeConfig(dir, {
      name: 'dash-int',
      seed: 5,
      day: '2026-11-22',
      decisionIntervalMinutes: 30,
      agents: [
        { id: 'liquidity', strategy: 'liquidity', role: 'liquidity' },
        {
          id: 'battery',
          strategy: 'heuristic-battery',
          asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
        },
      ],
    });
    // Paced so that it is still running when the first quarter-hours of the day are settled.
    const run: ChildProcess = spawn(
      process.execPath,
      [BIN, 'run', config, '--in-process', '--pace', '3600', '--out', dir, '--run-id', 'dash-int'],
      { stdio: 'ignore' },
    );
    const exited = new Promise((r) => run.once('exit', r));
    const runDir = join(dir, 'dash-int');
    const settlements = join(runDir, 'settlements.jsonl');
    const until = Date.now() + 180_000;
    while (!(existsSync(settlements) && statSync(settlements).size > 0) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    run.kill('SIGINT');
    await exited;
    const stopped = readInterruption(runDir)!;
    expect(stopped.signal).toBe('SIGINT');
    const records = readFileSync(settlements, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { agentId: string; profitCashUnits?: string | number });
    expect(records.length).toBeGreaterThan(0);

    const dash = await startDashboardProcess(['dashboard', runDir, '--speed', '1000000'], 120_000);
    try {
      const { page, errors } = await openPage(browser, dash.pageUrl);
      await page.waitForFunction(
        () => document.getElementById('phase')?.textContent === 'run interrupted (SIGINT)',
        null,
        { timeout: 60_000 },
      );
      expect(await page.$eval('#clock', (e) => Number((e as unknown as El).dataset.timeMs))).toBe(
        stopped.lastDecisionMs,
      );
      const shown = await page.$$eval('#agents-body tr', (rows) =>
        rows.map((r) => ({
          id: (r as unknown as El).dataset.agentId,
          units: Number((r as unknown as El).dataset.profitCashUnits),
          records: Number((r as unknown as El).children[6]!.textContent),
        })),
      );
      for (const { id, units, records: n } of shown) {
        const own = records.filter((r) => r.agentId === id);
        expect(n).toBe(own.length);
        expect(units).toBe(own.reduce((sum, r) => sum + Number(r.profitCashUnits ?? 0), 0));
      }
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await dash.stop();
    }
  });
});
