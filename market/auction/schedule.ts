import type { AuctionConfig, AuctionScheduleEntry } from './types.js';
import { DEFAULT_AUCTION_LIMITS } from './types.js';

const HOUR_MS = 3_600_000;

/**
 * The auctions of one delivery day D (96 quarter-hours; DST days are the arena's business). The
 * auction itself numbers its periods 0 … (lastPeriod − firstPeriod); auction period i delivers in
 * quarter-hour firstPeriod + i of day D. Same clearing for all of them (clearAuction).
 */
const ENTRIES: readonly AuctionScheduleEntry[] = [
  { id: 'DA', gateClosureOffsetMs: -12 * HOUR_MS, firstPeriod: 0, lastPeriod: 95, periodMinutes: 15 },
  { id: 'IDA1', gateClosureOffsetMs: -9 * HOUR_MS, firstPeriod: 0, lastPeriod: 95, periodMinutes: 15 },
  { id: 'IDA2', gateClosureOffsetMs: -2 * HOUR_MS, firstPeriod: 0, lastPeriod: 95, periodMinutes: 15 },
  { id: 'IDA3', gateClosureOffsetMs: 10 * HOUR_MS, firstPeriod: 48, lastPeriod: 95, periodMinutes: 15 },
];
export const IDA_SCHEDULE: readonly Readonly<AuctionScheduleEntry>[] = Object.freeze(
  ENTRIES.map((e) => Object.freeze({ ...e })),
);

/** The auction config for one schedule entry, with the SDAC default limits unless overridden. */
export function auctionConfigFor(
  entry: AuctionScheduleEntry,
  overrides: Partial<Omit<AuctionConfig, 'periods' | 'periodMinutes'>> = {},
): AuctionConfig {
  return {
    ...DEFAULT_AUCTION_LIMITS,
    ...overrides,
    periods: entry.lastPeriod - entry.firstPeriod + 1,
    periodMinutes: entry.periodMinutes,
  };
}
