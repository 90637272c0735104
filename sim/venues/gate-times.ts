// When each market of a run stops taking bids, computed from the configuration alone. The venues
// schedule their gates with these functions, and the configuration check uses the same ones to
// refuse a clock that starts after a gate (its market would clear before any agent could bid), so
// the two can never disagree.
import { auctionId, dayStartMs } from '../../lib/index.js';
import { type AuctionScheduleEntry, IDA_SCHEDULE } from '../../market/index.js';
import type { RunConfig } from '../config/run-config.js';
import { productCatalogFor } from '../world/products.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

type AuctionsSection = RunConfig['market']['auctions'];
type BalancingSection = RunConfig['market']['balancing'];

/** The auctions a run holds for each delivery day, as the configuration switches them on. */
export function auctionEntries(
  a: Pick<AuctionsSection, 'dayAhead' | 'intraday'>,
): Readonly<AuctionScheduleEntry>[] {
  return IDA_SCHEDULE.filter((e) => (e.id === 'DA' ? a.dayAhead : a.intraday));
}

/** Gate closure of one auction of delivery day `day` (its CET offset from 00:00 of the day). */
export function auctionGateMs(entry: Readonly<AuctionScheduleEntry>, day: string): number {
  return dayStartMs(day) + entry.gateClosureOffsetMs;
}

/** Gate closure of the aFRR capacity auction of delivery day `day`. */
export function capacityGateMs(b: Pick<BalancingSection, 'capacityGateHoursBeforeDay'>, day: string): number {
  return dayStartMs(day) - b.capacityGateHoursBeforeDay * HOUR;
}

/** Gate closure of the balancing energy bids of the quarter-hour delivered from `deliveryStartMs`. */
export function energyGateMs(
  b: Pick<BalancingSection, 'energyGateMinutes'>,
  deliveryStartMs: number,
): number {
  return deliveryStartMs - b.energyGateMinutes * MINUTE;
}

/** One gate after which a market no longer takes an agent's bids for what it names. */
export interface BidGate {
  timeMs: number;
  /** What closes, for messages: "the day-ahead auction da-20261122". */
  what: string;
  /** The kind of gate: the earliest of each kind is what a message names. */
  kind: 'day-ahead' | 'intraday' | 'capacity' | 'energy' | 'cid';
  /** How the configuration moves this gate or switches its market off. */
  remedy: string;
}

/**
 * Every gate of the run's markets, in time order (ties in the order the markets are listed). A
 * CID product's opening is not a gate: a book that opened before the clock starts is simply
 * open at the start. Its gate closure is one: a product closed before the start was never tradable.
 */
export function bidGates(cfg: Pick<RunConfig, 'day' | 'days' | 'market'>): BidGate[] {
  const products = productCatalogFor(cfg);
  const out: BidGate[] = [];
  const { auctions, balancing, cid } = cfg.market;
  for (const day of products.days) {
    for (const entry of auctionEntries(auctions)) {
      const dayAhead = entry.id === 'DA';
      out.push({
        timeMs: auctionGateMs(entry, day),
        what: `the ${dayAhead ? 'day-ahead' : 'intraday'} auction ${auctionId(entry.id, day)}`,
        kind: dayAhead ? 'day-ahead' : 'intraday',
        remedy: dayAhead ? 'market.auctions.dayAhead: false' : 'market.auctions.intraday: false',
      });
    }
    if (balancing.enabled)
      out.push({
        timeMs: capacityGateMs(balancing, day),
        what: `the aFRR capacity auction for ${day}`,
        kind: 'capacity',
        remedy: 'a smaller market.balancing.capacityGateHoursBeforeDay, or market.balancing.enabled: false',
      });
  }
  if (balancing.enabled)
    for (const qh of products.quarterHours)
      out.push({
        timeMs: energyGateMs(balancing, qh.deliveryStartMs),
        what: `the balancing energy bids for ${qh.id}`,
        kind: 'energy',
        remedy: 'a smaller market.balancing.energyGateMinutes, or market.balancing.enabled: false',
      });
  const cidGateField = cid.gateClosure === 'local' ? 'localGateMinutes' : 'crossBorderGateMinutes';
  for (const p of products.all)
    out.push({
      timeMs: p.gateClosureMs,
      what: `continuous trading of ${p.id}`,
      kind: 'cid',
      remedy: `a smaller market.cid.${cidGateField}`,
    });
  return out.sort((a, b) => a.timeMs - b.timeMs);
}
