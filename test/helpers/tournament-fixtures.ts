// Small, fast scenarios for tournament, study and worker tests.
import { join } from 'node:path';
import { fillLedgerCommand } from './fill-ledger-command.js';

/**
 * A tournament entrant over gRPC: the fill-ledger test agent, thinking `thinkMs` per wake-up so
 * that its games last (its state files go into `dir`).
 */
export function ledgerEntrant(dir: string, thinkMs: number): Record<string, unknown> {
  return {
    name: 'ledger',
    command: fillLedgerCommand(['--think-ms', `${thinkMs}`], { state: join(dir, 'ledger-{token}.json') }),
  };
}

/** A fast one-day scenario: thin liquidity, no intraday auctions or balancing, 30-minute decisions. */
export function fastScenario(): Record<string, unknown> {
  return {
    name: 'fast',
    seed: 3,
    day: '2026-11-22',
    // Half an hour before the day-ahead gate (D-1 12:00): one decision point to bid into it.
    simStartHoursBeforeDay: 12.5,
    decisionIntervalMinutes: 30,
    nats: { enabled: false },
    market: { auctions: { intraday: false }, balancing: { enabled: false } },
    agents: [
      {
        id: 'liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        params: { depthMwPerEur: 2, levels: 4, horizonHours: 3 },
      },
      { id: 'seat-a', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
      { id: 'seat-b', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
    ],
  };
}
