import { describe, expect, it } from 'vitest';
import type { RunResults } from '../sim/index.js';
import { formatFaultLines, formatResultsTable } from './results-table.js';

// Only the fields the table reads; the rest of an agent's results is not shown.
const agent = {
  agentId: 'heuristic',
  strategy: 'heuristic-battery',
  tradingCashEur: -151.2,
  auctionCashEur: 0,
  capacityCashEur: 0,
  balancingEnergyCashEur: 0,
  imbalanceCashEur: -0.31,
  penaltyCashEur: 0,
  positionValueEur: 0,
  assetCostEur: 424.9,
  profitEur: -576.41,
  finalSocMwh: 14.795,
  tradedMwh: 212.7,
  orders: 91,
  rejects: 0,
  missedDeadlines: 0,
};

describe('formatResultsTable', () => {
  it('shows a cash figure that rounds to zero as 0, not -0', () => {
    const table = formatResultsTable({ agents: [agent] } as unknown as RunResults);
    const cells = table
      .split('\n')
      .find((l) => l.includes('heuristic-battery'))!
      .split('│')
      .map((c) => c.trim());
    expect(cells).toContain('-151');
    expect(cells).not.toContain('-0');
    expect(cells[cells.indexOf('-151') + 3]).toBe('0');
  });
});

describe('formatResultsTable SoC', () => {
  // results.json holds the final SoC to the kWh (14.7953 MWh → 14.795); the table rounded that
  // again to 2 decimals and, 14.795 being 14.79499… in binary, showed 14.79 for 14.7953.
  it('shows the final SoC as results.json has it, not rounded a second time', () => {
    const table = formatResultsTable({ agents: [agent] } as unknown as RunResults);
    expect(table).toContain('14.795');
  });
});

describe('formatFaultLines', () => {
  // An agent whose process died before connecting has a row of zeros in the table; its fault went
  // to stderr above the table. The summary under the table names it.
  it('names each agent with faults, its kinds and counts, and the log', () => {
    expect(
      formatFaultLines([
        { agentId: 'cheap', kind: 'exited-before-connecting', total: 1 },
        { agentId: 'slow', kind: 'missed-deadline', total: 3 },
        { agentId: 'slow', kind: 'disconnect', total: 1 },
      ]),
    ).toEqual([
      'agent faults: cheap (exited-before-connecting 1); details in agent-faults.log',
      'agent faults: slow (missed-deadline 3, disconnect 1); details in agent-faults.log',
    ]);
  });
  it('says nothing when no agent had a fault', () => {
    expect(formatFaultLines([])).toEqual([]);
  });
});
