import { clearAuction } from './clear-auction.js';
import type { AuctionBid, AuctionConfig, BlockBid, CurveBid, CurvePoint } from './types.js';

// Builders for tests, and a deliberately naive brute-force clearing (step curves only) that shares no
// code with the library: it scans every tick of the price range and sums welfare lot by lot.

const FAR_BELOW = -50_000;

/** Step buy of `lots` up to (not including) `limit`; at `limit` the bid is indifferent. */
export function stepBuy(
  bidId: string,
  period: number,
  limit: number,
  lots: number,
  agentId = bidId,
): CurveBid {
  return curve(
    bidId,
    period,
    [
      [FAR_BELOW, lots],
      [limit, 0],
    ],
    'step',
    agentId,
  );
}

/** Step sell of `lots` from `limit` up; at `limit` the bid is indifferent. */
export function stepSell(
  bidId: string,
  period: number,
  limit: number,
  lots: number,
  agentId = bidId,
): CurveBid {
  return curve(
    bidId,
    period,
    [
      [FAR_BELOW, 0],
      [limit, -lots],
    ],
    'step',
    agentId,
  );
}

export function curve(
  bidId: string,
  period: number,
  points: [number, number][],
  interpolation: 'step' | 'linear' = 'step',
  agentId = bidId,
): CurveBid {
  const pts: CurvePoint[] = points.map(([priceTicks, quantityLots]) => ({ priceTicks, quantityLots }));
  return { kind: 'curve', bidId, agentId, period, interpolation, points: pts };
}

export function block(
  bidId: string,
  side: 'buy' | 'sell',
  firstPeriod: number,
  lastPeriod: number,
  priceTicks: number,
  quantityLots: number,
  agentId = bidId,
): BlockBid {
  return { kind: 'block', bidId, agentId, side, firstPeriod, lastPeriod, priceTicks, quantityLots };
}

// ---- Brute force ----

/** [lo, hi] of a step curve at integer price p, with the price-limit extension; by a linear scan. */
export function bruteRange(bid: CurveBid, p: number, config: AuctionConfig): [number, number] {
  if (bid.interpolation !== 'step') throw new Error('brute force handles step curves only');
  const pts = bid.points;
  let value = pts[0]!.quantityLots;
  let before = value;
  for (let i = 1; i < pts.length; i++) {
    if (pts[i]!.priceTicks <= p) {
      before = pts[i - 1]!.quantityLots;
      value = pts[i]!.quantityLots;
    }
  }
  let lo = value;
  let hi = pts.some((pt, i) => i >= 1 && pt.priceTicks === p) ? before : value;
  if (p === config.priceMinTicks) hi = Math.max(hi, 0);
  if (p === config.priceMaxTicks) lo = Math.min(lo, 0);
  return [lo, hi];
}

/** Gross value of integer net quantity x, lot by lot: each lot at the price where the bid stops wanting it. */
export function bruteUtility(bid: CurveBid, x: number, config: AuctionConfig): number {
  let memo = utilityMemo.get(bid);
  if (memo === undefined) {
    memo = new Map();
    utilityMemo.set(bid, memo);
  }
  const key = `${config.priceMinTicks}/${config.priceMaxTicks}/${x}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const value = bruteUtilityUncached(bid, x, config);
  memo.set(key, value);
  return value;
}

const utilityMemo = new WeakMap<CurveBid, Map<string, number>>();

function bruteUtilityUncached(bid: CurveBid, x: number, config: AuctionConfig): number {
  let total = 0;
  for (let lot = 1; lot <= Math.abs(x); lot++) {
    if (x > 0) {
      // Highest price at which the bid still takes `lot` lots.
      let value: number | undefined;
      for (let p = config.priceMaxTicks; p >= config.priceMinTicks && value === undefined; p--) {
        if (bruteRange(bid, p, config)[1] >= lot) value = p;
      }
      if (value === undefined) throw new Error(`bid ${bid.bidId} never buys ${lot} lots`);
      total += value;
    } else {
      // Lowest price at which the bid still gives `lot` lots.
      let cost: number | undefined;
      for (let p = config.priceMinTicks; p <= config.priceMaxTicks && cost === undefined; p++) {
        if (bruteRange(bid, p, config)[0] <= -lot) cost = p;
      }
      if (cost === undefined) throw new Error(`bid ${bid.bidId} never sells ${lot} lots`);
      total -= cost;
    }
  }
  return total;
}

export interface BruteOutcome {
  accepted: boolean[];
  feasible: boolean;
  admissible: boolean;
  prices: number[];
  /** Welfare in tick·lots. */
  welfare: number;
}

/** One period cleared by brute force for the blocks' net demand k: null if the curves cannot absorb it. */
export function brutePeriod(
  config: AuctionConfig,
  curves: readonly CurveBid[],
  k: number,
): { price: number; welfare: number } | null {
  let low: number | undefined;
  let high: number | undefined;
  for (let p = config.priceMinTicks; p <= config.priceMaxTicks; p++) {
    let lo = k;
    let hi = k;
    for (const c of curves) {
      const [l, h] = bruteRange(c, p, config);
      lo += l;
      hi += h;
    }
    if (lo <= 0 && 0 <= hi) {
      low ??= p;
      high = p;
    }
  }
  if (low === undefined || high === undefined) return null;
  const price = Math.floor((low + high) / 2);
  // At the price every bid is indifferent within its range, so any balanced allocation has this welfare.
  let welfare = 0;
  let sumLo = 0;
  for (const c of curves) {
    const [l] = bruteRange(c, price, config);
    sumLo += l;
    welfare += bruteUtility(c, l, config);
  }
  welfare += price * (-k - sumLo);
  return { price, welfare };
}

/** Clears a given block selection by scanning every price tick of every period. */
export function bruteSelection(
  config: AuctionConfig,
  bids: readonly AuctionBid[],
  accepted: readonly boolean[],
): BruteOutcome {
  const blocks = bids.filter((b): b is BlockBid => b.kind === 'block');
  const prices: number[] = [];
  let welfare = 0;
  for (let t = 0; t < config.periods; t++) {
    const curves = bids.filter((b): b is CurveBid => b.kind === 'curve' && b.period === t);
    let k = 0;
    blocks.forEach((b, i) => {
      if (accepted[i] && b.firstPeriod <= t && t <= b.lastPeriod)
        k += b.side === 'buy' ? b.quantityLots : -b.quantityLots;
    });
    const out = brutePeriod(config, curves, k);
    if (out === null) {
      return { accepted: [...accepted], feasible: false, admissible: false, prices: [], welfare: 0 };
    }
    prices.push(out.price);
    welfare += out.welfare;
  }
  let admissible = true;
  blocks.forEach((b, i) => {
    if (!accepted[i]) return;
    const n = b.lastPeriod - b.firstPeriod + 1;
    let sum = 0;
    for (let t = b.firstPeriod; t <= b.lastPeriod; t++) sum += prices[t]!;
    if (b.side === 'sell' ? sum < b.priceTicks * n : sum > b.priceTicks * n) admissible = false;
    welfare += (b.side === 'buy' ? 1 : -1) * b.priceTicks * b.quantityLots * n;
  });
  return { accepted: [...accepted], feasible: true, admissible, prices, welfare };
}

/** The best welfare over all admissible block subsets. */
export function bruteBestWelfare(config: AuctionConfig, bids: readonly AuctionBid[]): number {
  return bruteBestSelection(config, bids).welfare;
}

export interface BruteBest {
  /** Accepted flags per block, in input order of the blocks. */
  accepted: boolean[];
  /** Welfare in tick·lots. */
  welfare: number;
  /** Accepted lots × periods. */
  volume: number;
  /** Admissible subsets seen (of 2^n). */
  admissibleCount: number;
}

/**
 * The best admissible block subset by brute force, for up to ~20 blocks: every one of the 2^n subsets
 * is cleared (periods by tick scan, memoised per period and block net demand) and checked for
 * paradoxically accepted blocks. Order: welfare, then accepted volume, then the subset accepting the
 * earliest block where two differ — the order README.md documents. Step curves only.
 */
export function bruteBestSelection(config: AuctionConfig, bids: readonly AuctionBid[]): BruteBest {
  const blocks = bids.filter((b): b is BlockBid => b.kind === 'block');
  const n = blocks.length;
  if (n > 24) throw new Error(`brute force over ${n} blocks would take too long`);
  const curvesOf = Array.from({ length: config.periods }, (_, t) =>
    bids.filter((b): b is CurveBid => b.kind === 'curve' && b.period === t),
  );
  const memo = Array.from(
    { length: config.periods },
    () => new Map<number, { price: number; welfare: number } | null>(),
  );
  const period = (t: number, k: number) => {
    const m = memo[t]!;
    if (!m.has(k)) m.set(k, brutePeriod(config, curvesOf[t]!, k));
    return m.get(k)!;
  };
  const net = blocks.map((b) => (b.side === 'buy' ? b.quantityLots : -b.quantityLots));
  const length = blocks.map((b) => b.lastPeriod - b.firstPeriod + 1);
  let best: BruteBest | undefined;
  let admissibleCount = 0;
  const k = new Array<number>(config.periods);
  const prices = new Array<number>(config.periods);
  for (let mask = 0; mask < 2 ** n; mask++) {
    k.fill(0);
    let welfare = 0;
    let volume = 0;
    for (let i = 0; i < n; i++) {
      if ((mask & (1 << i)) === 0) continue;
      const b = blocks[i]!;
      for (let t = b.firstPeriod; t <= b.lastPeriod; t++) k[t] = k[t]! + net[i]!;
      welfare += net[i]! * b.priceTicks * length[i]!;
      volume += b.quantityLots * length[i]!;
    }
    let feasible = true;
    for (let t = 0; t < config.periods && feasible; t++) {
      const out = period(t, k[t]!);
      if (out === null) feasible = false;
      else {
        prices[t] = out.price;
        welfare += out.welfare;
      }
    }
    if (!feasible) continue;
    let admissible = true;
    for (let i = 0; i < n && admissible; i++) {
      if ((mask & (1 << i)) === 0) continue;
      const b = blocks[i]!;
      let sum = 0;
      for (let t = b.firstPeriod; t <= b.lastPeriod; t++) sum += prices[t]!;
      const limit = b.priceTicks * length[i]!;
      if (b.side === 'sell' ? sum < limit : sum > limit) admissible = false;
    }
    if (!admissible) continue;
    admissibleCount++;
    const accepted = blocks.map((_, i) => (mask & (1 << i)) !== 0);
    if (best === undefined || precedes({ accepted, welfare, volume }, best)) {
      best = { accepted, welfare, volume, admissibleCount: 0 };
    }
  }
  if (best === undefined) throw new Error('no admissible subset: the empty one always is');
  return { ...best, admissibleCount };
}

function precedes(
  a: { accepted: boolean[]; welfare: number; volume: number },
  b: { accepted: boolean[]; welfare: number; volume: number },
): boolean {
  if (a.welfare !== b.welfare) return a.welfare > b.welfare;
  if (a.volume !== b.volume) return a.volume > b.volume;
  const i = a.accepted.findIndex((x, j) => x !== b.accepted[j]);
  return i >= 0 && a.accepted[i] === true;
}

// ---- Seeded random auctions for the block-selection tests ----

/** Numerical Recipes LCG on 32 bits: integers in [min, max]. Deterministic, for reproducible tests. */
export function seededInts(seed: number): (min: number, max: number) => number {
  let state = seed >>> 0;
  return (min, max) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return min + (state % (max - min + 1));
  };
}

/** The price range of the small random auctions: narrow, so that brute force can scan every tick. */
export const SMALL_PRICE_MIN = -20;
export const SMALL_PRICE_MAX = 60;

/**
 * A small random auction (2–4 periods, prices −20…60 ticks, step curves) with `blocks` block orders.
 * `nearTheMoney`: every period has buyers and sellers crossing around 20 ticks and every block limit
 * lies within a few ticks of that, with quantities comparable to the curves' steps and long overlaps
 * — many subsets are paradoxical, and the best admissible one is far from the welfare maximum.
 */
export function smallBlockAuction(
  seed: number,
  blocks: number,
  nearTheMoney: boolean,
): { config: AuctionConfig; bids: AuctionBid[] } {
  const rnd = seededInts(seed);
  const periods = rnd(2, 4);
  const config: AuctionConfig = {
    periods,
    priceMinTicks: SMALL_PRICE_MIN,
    priceMaxTicks: SMALL_PRICE_MAX,
    maxQuantityLots: 100,
  };
  const bids: AuctionBid[] = [];
  for (let t = 0; t < periods; t++) {
    for (let c = 0; c < rnd(2, 4); c++) {
      if (nearTheMoney) {
        const buy = rnd(5, 30);
        const sell = rnd(5, 30);
        bids.push(
          curve(`b${t}-${c}`, t, [
            [SMALL_PRICE_MIN, buy],
            [rnd(14, 34), 0],
          ]),
        );
        bids.push(
          curve(`s${t}-${c}`, t, [
            [SMALL_PRICE_MIN, 0],
            [rnd(6, 26), -sell],
          ]),
        );
      } else {
        // A portfolio curve: up to four points, non-increasing quantities.
        const prices = new Set<number>();
        const count = rnd(1, 4);
        while (prices.size < count) prices.add(rnd(SMALL_PRICE_MIN, SMALL_PRICE_MAX));
        const ps = [...prices].sort((a, b) => a - b);
        const qs = Array.from({ length: count }, () => rnd(-30, 30)).sort((a, b) => b - a);
        bids.push(
          curve(
            `c${t}-${c}`,
            t,
            ps.map((p, i): [number, number] => [p, qs[i]!]),
          ),
        );
      }
    }
  }
  for (let i = 0; i < blocks; i++) {
    const first = rnd(0, periods - 1);
    const last = Math.min(periods - 1, first + rnd(0, nearTheMoney ? periods : 1));
    const side = rnd(0, 1) === 0 ? 'buy' : 'sell';
    const limit = nearTheMoney ? rnd(14, 26) : rnd(SMALL_PRICE_MIN, SMALL_PRICE_MAX);
    bids.push(block(`k${i}`, side, first, last, limit, rnd(2, nearTheMoney ? 20 : 15)));
  }
  return { config, bids };
}

/**
 * Like the benchmark's "day-long blocks at ±1 €/MWh", on 8 periods: deep step curves, blocks of 1–8
 * periods whose limits lie within ±3 ticks of their periods' average price without blocks, each big
 * enough to move the prices past its own limit — so most subsets are paradoxical.
 */
export function smallAdversarialAuction(
  seed: number,
  blocks: number,
): { config: AuctionConfig; bids: AuctionBid[] } {
  const rnd = seededInts(seed);
  const config: AuctionConfig = {
    periods: 8,
    priceMinTicks: 0,
    priceMaxTicks: 200,
    maxQuantityLots: 1000,
  };
  const bids: AuctionBid[] = [];
  for (let t = 0; t < config.periods; t++) {
    const level = 80 + rnd(0, 40);
    for (let c = 0; c < 4; c++) {
      // A buyer whose 6 steps fall to zero from about level − 20 up, a seller whose 6 steps rise
      // from about level − 25 up: a few lots per tick around the price.
      const total = rnd(12, 48);
      const buy: [number, number][] = [[0, total]];
      const sell: [number, number][] = [[0, 0]];
      for (let s = 1, p = level - 20; s <= 6; s++) {
        p += rnd(1, 6);
        buy.push([p, total - Math.round((total * s) / 6)]);
      }
      for (let s = 1, p = level - 25, q = 0; s <= 6; s++) {
        p += rnd(1, 6);
        q -= rnd(2, 8);
        sell.push([p, q]);
      }
      bids.push(curve(`b${t}-${c}`, t, buy));
      bids.push(curve(`s${t}-${c}`, t, sell));
    }
  }
  const prices = clearAuction(config, bids).pricesTicks;
  for (let i = 0; i < blocks; i++) {
    const first = rnd(0, config.periods - 1);
    const last = rnd(first, config.periods - 1);
    let sum = 0;
    for (let t = first; t <= last; t++) sum += prices[t]!;
    const limit = Math.round(sum / (last - first + 1)) + rnd(-3, 3);
    bids.push(block(`k${i}`, i % 2 === 0 ? 'sell' : 'buy', first, last, limit, rnd(3, 15)));
  }
  return { config, bids };
}
