// A small run for tests of one agent process against the liquidity provider: the provider plays
// in the arena's process (`flexarena run --in-process`), the trader (fill-ledger-agent.ts) is an
// agent process over gRPC with a fixed token, started — and restarted — by the test.
import type { ChildProcess } from 'node:child_process';
import { STARTUP_MS, startHelperProcess } from './arena-process.js';
import { type LineWatcher, watchLines } from './line-watcher.js';

export const TRADER_TOKEN = 'trader-token-0001';

export function traderRunConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'trader',
    seed: 5,
    day: '2026-11-22',
    // From the opening of the intraday market: trading from the first wake-up on (~127 of them).
    simStartHoursBeforeDay: 8,
    decisionIntervalMinutes: 15,
    deadlineMs: 3_000,
    connectTimeoutMs: 180_000,
    nats: { enabled: false },
    // The continuous market only: the day-ahead, IDA1 and aFRR capacity gates lie before D-1 16:00.
    market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    agents: [
      {
        id: 'liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        params: { depthMwPerEur: 1, levels: 8, horizonHours: 6 },
      },
      { id: 'trader', strategy: 'fill-ledger', launch: false, token: TRADER_TOKEN },
    ],
    ...overrides,
  };
}

export interface TraderProcess {
  child: ChildProcess;
  watch: LineWatcher;
}

export function startTrader(address: string, statePath: string, extra: string[] = []): TraderProcess {
  const waits = extra.includes('--wait-for-go');
  const child = startHelperProcess(
    'fill-ledger-agent.ts',
    ['--arena', address, '--token', TRADER_TOKEN, '--state', statePath, ...extra],
    waits ? 'pipe' : 'ignore',
  );
  return { child, watch: watchLines(child) };
}

/**
 * A trader process loaded and waiting (--wait-for-go); `go()` lets it read its state file and
 * connect. Started ahead of a kill, it makes the restart independent of Node's start-up time.
 */
export async function readyTrader(
  address: string,
  statePath: string,
  extra: string[] = [],
): Promise<TraderProcess & { go(): void }> {
  const t = startTrader(address, statePath, ['--wait-for-go', ...extra]);
  await t.watch.waitFor((l) => l === 'ready', STARTUP_MS);
  return { ...t, go: () => t.child.stdin!.write('go\n') };
}

/** The wake id of a "wake N seq S fills F" line of the trader, -1 for other lines. */
export function wakeIdOf(line: string): number {
  const m = /^wake (\d+) /.exec(line);
  return m ? Number(m[1]) : -1;
}
