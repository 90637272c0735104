// The clock's start against the markets' gates. The first decision point is at the start, and at
// one instant gates and clearings run before the decision point, so a gate at or before the start
// clears (or closes) before any agent is woken: an auction would clear on the world's curves alone
// and its result would lie on the tape before `run-start`. Such a configuration is refused, naming
// the field and the smallest start that clears every gate.
import { dayStartMs } from '../../lib/index.js';
import { type BidGate, bidGates } from '../venues/gate-times.js';
import type { RunConfig } from './run-config.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The fields the check reads: it runs only when these parsed without an issue. */
export const CLOCK_START_FIELDS = [
  'day',
  'days',
  'simStartHoursBeforeDay',
  'decisionIntervalMinutes',
  'market',
];

/** Where the virtual clock starts: simStartHoursBeforeDay before 00:00 UTC of the first day. */
export function clockStartMs(cfg: Pick<RunConfig, 'day' | 'simStartHoursBeforeDay'>): number {
  return dayStartMs(cfg.day) - cfg.simStartHoursBeforeDay * HOUR;
}

/** simStartHoursBeforeDay's upper limit (the schema's). */
export const MAX_SIM_START_HOURS = 72;

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Why the clock's start is too late for the run's markets, or undefined when every gate lies after
 * it. Names the earliest gate of each kind before the start, the smallest start on the decision
 * grid that is before all of them, and how to move or switch off each.
 */
export function clockStartIssue(
  cfg: Pick<RunConfig, 'day' | 'days' | 'simStartHoursBeforeDay' | 'decisionIntervalMinutes' | 'market'>,
): string | undefined {
  const startMs = clockStartMs(cfg);
  const early = new Map<BidGate['kind'], BidGate>();
  // Every gate lies at a fixed offset from its own delivery day, so each kind's earliest is the
  // first day's: the later days need not be built (a year of them would cost a parse ~0.2 s).
  for (const gate of bidGates({ ...cfg, days: 1 })) {
    if (gate.timeMs > startMs) break;
    if (!early.has(gate.kind)) early.set(gate.kind, gate);
  }
  if (early.size === 0) return undefined;
  const gates = [...early.values()];
  // The start must lie on the decision grid (checked beside this), strictly before the earliest gate.
  const grid = Math.min(cfg.decisionIntervalMinutes, 60);
  const leadMinutes = (dayStartMs(cfg.day) - gates[0]!.timeMs) / MINUTE;
  const needed = (Math.floor(leadMinutes / grid) + 1) * grid;
  const neededHours = needed / 60;
  const many = gates.length > 1;
  const named = gates.map((g) => `${g.what} (${utc(g.timeMs)})`);
  const listed = many ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : named[0];
  const remedies = [...new Set(gates.map((g) => g.remedy))].join('; ');
  const start =
    neededHours <= MAX_SIM_START_HOURS
      ? `start at least ${neededHours} h before the day (simStartHoursBeforeDay >= ${neededHours}) or `
      : '';
  return (
    `starts the clock at ${utc(startMs)}, at or after the gate closure of ${listed}: ` +
    `${many ? 'their' : 'its'} bids could not be placed before ${many ? 'they close' : 'it closes'}; ` +
    `${start}move or switch off ${many ? 'those gates' : 'that gate'} (${remedies})`
  );
}
