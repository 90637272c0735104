// The run the compliance suite plays: one short day of continuous intraday trading against the
// built-in liquidity provider (in the suite's process), hourly decision points, the candidate
// agent with a battery, connected over gRPC with a fixed token. When the suite steps in is part
// of the scenario too.
import { randomBytes } from 'node:crypto';
import { parseRunConfig, type RunConfig } from '../sim/index.js';

export const CANDIDATE = 'candidate';

/** Decision points (wake ids) after whose answers the suite acts. */
export const SCHEDULE = {
  /** A batch for a wake-up that is not open: the candidate gets a STALE_WAKE refusal. */
  staleAfterWake: 3,
  /** A second batch for an answered wake-up: the candidate gets a DUPLICATE_BATCH refusal. */
  duplicateAfterWake: 4,
  /** The candidate's stream is ended with UNAVAILABLE: it must resume. */
  dropAfterWake: 8,
} as const;

export function complianceConfig(outDir: string, deadlineMs: number, connectTimeoutMs: number): RunConfig {
  return parseRunConfig(
    {
      name: 'compliance',
      seed: 11,
      day: '2026-11-22',
      simStartHoursBeforeDay: 8,
      decisionIntervalMinutes: 60,
      deadlineMs,
      connectTimeoutMs,
      // An agent that left is waited for after the run as long as three missed deadlines (at least 5 s).
      finalReportGraceMs: Math.max(3 * deadlineMs, 5_000),
      outDir,
      nats: { enabled: false },
      market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
      agents: [
        {
          id: 'liquidity',
          strategy: 'liquidity',
          role: 'liquidity',
          params: { depthMwPerEur: 1, levels: 8, horizonHours: 6 },
        },
        {
          id: CANDIDATE,
          strategy: 'candidate',
          launch: false,
          token: randomBytes(18).toString('hex'),
          asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
        },
      ],
    },
    'compliance scenario',
  );
}
