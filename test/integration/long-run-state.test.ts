// A run of days keeps per-product state only for the products still ahead: the pace line-up in
// process over five delivery days, its retained per-product entries counted at each day's first
// decision point (core ledgers, record attributions, venues, the strategies that keep maps by
// product). Before, every count grew by the products of each day (~1 000 entries a day over the
// line-up), so a month-long run held a month of them. The same run with nothing forgotten gives the
// same tape and the same settlement records.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../arena/index.js';
import { inProcessAgents } from '../../cli/commands/run.js';
import type { SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { parseProductId } from '../../lib/index.js';
import { type AgentPort, LocalAgentPort, runLockstep, Simulation } from '../../sim/index.js';
import { eventRecord } from '../../sim/records/records.js';
import type { AuctionVenue } from '../../sim/venues/auction-venue.js';

const DAY_MS = 86_400_000;
const PACE = join(import.meta.dirname, '../../scenarios/pace.yaml');

type Loose = Record<string, unknown>;
type Auction = AuctionVenue['auctions'] extends Map<string, infer A> ? A : never;

interface Count {
  /** Entries by where they are kept. */
  entries: Record<string, number>;
  /** Entries of products delivered before the day began (the strategies': before the day before). */
  stale: Record<string, number>;
}

/** Retained per-product entries at the first decision point of the day starting at `dayStartMs`. */
function count(sim: Simulation, ports: Map<string, AgentPort>, dayStartMs: number): Count {
  const s = sim as unknown as Loose;
  const out: Count = { entries: {}, stale: {} };
  const add = (where: string, keys: Iterable<string> | number, cutoffMs = dayStartMs) => {
    if (typeof keys === 'number') {
      out.entries[where] = (out.entries[where] ?? 0) + keys;
      return;
    }
    for (const key of keys) {
      out.entries[where] = (out.entries[where] ?? 0) + 1;
      const end = parseProductId(key.split('|')[0]!)?.deliveryEndMs;
      if (end !== undefined && end <= cutoffMs) out.stale[where] = (out.stale[where] ?? 0) + 1;
    }
  };
  const keys = (x: unknown) => (x as Map<string, unknown> | Set<string>).keys();
  for (const l of sim.ctx.allLedgers()) {
    add('ledger.positions', l.positions.keys());
    add('ledger.cashByProduct', l.cashByProduct.keys());
    add('ledger.tradedLotsByProduct', l.tradedLotsByProduct.keys());
    add('ledger.positionsChanged', keys((l as unknown as Loose).positionsChanged));
  }
  for (const a of (s.attributions as Map<string, Loose>).values()) add('attribution.frozen', keys(a.frozen));
  const cid = sim.cid as unknown as Loose;
  add('cid.statsByProduct', keys(cid.statsByProduct));
  add('cid.depthCache', keys(cid.depthCache));
  const books = (sim.cid.market as unknown as Loose).productList as { book: { bids: Loose; asks: Loose } }[];
  add(
    'cid.book spare levels',
    books.reduce((n, p) => n + (p.book.bids.spare as []).length + (p.book.asks.spare as []).length, 0),
  );
  // "<day index>:<block>:<direction>": counted only.
  for (const m of ((sim.balancing as unknown as Loose).awards as Map<string, Map<string, unknown>>).values())
    add('balancing.awards', m.size);
  // Auction results by the auction's last quarter-hour (read by its settlements, then by nothing).
  const auctions = [...Map.prototype.values.call(sim.auctions!.auctions)] as Auction[];
  add(
    'auctions.result',
    auctions.filter((a) => a.result).map((a) => a.spec.periodProductIds.at(-1)!),
  );
  // Bids of auctions whose gate has closed: a late action's rejection does not read them.
  const closed = auctions.filter((a) => a.spec.gateClosureMs < dayStartMs);
  add(
    'auctions.closed bids',
    closed.reduce((n, a) => n + a.book.bids().length, 0),
  );
  const capacity = (sim.balancing as unknown as Loose).capacity as { bids(): unknown[] }[];
  add(
    'balancing.closed capacity bids',
    capacity
      .filter((_, d) => sim.balancing!.capacityGateMs(d) < dayStartMs)
      .reduce((n, a) => n + a.bids().length, 0),
  );
  for (const port of ports.values()) {
    const agent = (port as unknown as { agent: Loose }).agent;
    for (const k of ['awards', 'awardParts', 'qhsOfProduct', 'energyBid', 'capacityBid', 'anchor'])
      if (agent[k] instanceof Map || agent[k] instanceof Set)
        add(`${agent.name}.${k}`, keys(agent[k]), dayStartMs - DAY_MS);
  }
  return out;
}

async function run(days: number, forget: boolean) {
  const cfg = { ...loadRunConfig(PACE, { outDir: '/tmp/flexarena-long-run-state' }), days };
  const tape = createHash('sha256');
  const settlements: SettlementRecord[] = [];
  const sim = await Simulation.create(cfg, {
    runId: 'long-run-state',
    sinks: [
      {
        tape: (r) => tape.update(`${JSON.stringify(r)}\n`),
        tapeEvent: (seq, ev) => tape.update(`${JSON.stringify(eventRecord(seq, ev))}\n`),
        settlement: (r) => settlements.push(r),
      },
    ],
  });
  const ports = new Map<string, AgentPort>();
  for (const [id, agent] of inProcessAgents(cfg)) {
    // The comparison run: strategies keep everything, as they did.
    if (!forget && 'forgetDelivered' in agent) (agent as unknown as Loose).forgetDelivered = () => {};
    ports.set(id, new LocalAgentPort(id, agent));
  }
  if (!forget) (sim as unknown as Loose).forgetDelivered = () => {};
  // The quarter-hours the core's forecast lists read at a decision point (each decision point's
  // most), and the products the continuous market's clock visited, by delivery day.
  const forecastReads: number[] = [];
  const clockVisits: number[] = [];
  const loose = sim as unknown as Loose;
  const forecasts = (loose.forecasts as () => unknown).bind(sim);
  const { products } = sim.ctx;
  const quarterHours = products.quarterHours;
  let reads = 0;
  const counted = new Proxy(quarterHours, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  const firstDayMs = Date.parse(`${cfg.day}T00:00:00Z`);
  const dayOf = (t: number) => Math.floor((t - firstDayMs) / DAY_MS);
  loose.forecasts = () => {
    reads = 0;
    (products as unknown as Loose).quarterHours = counted;
    try {
      return forecasts();
    } finally {
      (products as unknown as Loose).quarterHours = quarterHours;
      const d = Math.max(dayOf(loose.now as number), -1) + 1;
      forecastReads[d] = Math.max(forecastReads[d] ?? 0, reads);
    }
  };
  // Lists of every auction of the run made after the first decision point (a settlement's prices
  // listed them all, each quarter-hour).
  const auctionMap = sim.auctions!.auctions;
  let auctionLists = Number.NaN;
  auctionMap.values = () => {
    auctionLists++;
    return Map.prototype.values.call(auctionMap) as MapIterator<Auction>;
  };
  const byDay: Count[] = [];
  let visitsBefore = 0;
  await runLockstep(sim, ports, {
    onDecision(p) {
      if (Number.isNaN(auctionLists)) auctionLists = 0;
      const d = dayOf(p.timeMs);
      // The day's first decision point, before its wake-ups (the core forgets as it opens).
      if (d >= 0 && byDay[d] === undefined && p.timeMs % DAY_MS === 0) {
        byDay[d] = count(sim, ports, p.timeMs);
        if (d >= 1) clockVisits[d - 1] = sim.cid.market.advanceVisits - visitsBefore;
        visitsBefore = sim.cid.market.advanceVisits;
      }
    },
  });
  return { byDay, forecastReads, clockVisits, auctionLists, tapeSha256: tape.digest('hex'), settlements };
}

describe('a long run', () => {
  it('keeps no per-product entry of a delivered day and a bounded number in all, with the same tape and records', async () => {
    const kept = await run(5, true);
    const total = (c: Count) => Object.values(c.entries).reduce((a, b) => a + b, 0);
    for (const day of [1, 2, 3, 4]) expect(kept.byDay[day]!.stale).toEqual({});
    // Cleared auctions keep no bids (a late bid is refused by the gate alone).
    for (const day of [2, 3, 4]) {
      expect(kept.byDay[day]!.entries['auctions.closed bids']).toBe(0);
      expect(kept.byDay[day]!.entries['balancing.closed capacity bids']).toBe(0);
    }
    // The work of a decision point's forecast lists and of a day's clock does not grow with the run:
    // at most the two days an issue covers, at most an opening and a closing per product of a day
    // (the walks read every quarter-hour of the run, 480, and visited every product, 600, per event).
    expect(Math.max(...kept.forecastReads)).toBeLessThanOrEqual(2 * 96);
    for (const day of [0, 1, 2, 3]) expect(kept.clockVisits[day]).toBeLessThanOrEqual(2 * 120);
    // A quarter-hour's settlement reads its own day's auctions (480 lists of all of them before).
    expect(kept.auctionLists).toBe(0);
    // What is kept is the products ahead (traded, quoted, awarded): about as many on any day.
    expect(Object.keys(kept.byDay[4]!.entries).length).toBeGreaterThan(10);
    expect(total(kept.byDay[4]!)).toBeLessThan(1.5 * total(kept.byDay[2]!));
    const all = await run(5, false);
    // Nothing forgotten: every count grows by the day's products (~1 000 entries a day).
    expect(total(all.byDay[4]!)).toBeGreaterThan(total(all.byDay[2]!) + 1_500);
    expect(kept.tapeSha256).toBe(all.tapeSha256);
    expect(kept.settlements).toEqual(all.settlements);
  }, 300_000);
});
