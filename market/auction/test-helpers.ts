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
    if (low === undefined || high === undefined) {
      return { accepted: [...accepted], feasible: false, admissible: false, prices: [], welfare: 0 };
    }
    const price = Math.floor((low + high) / 2);
    prices.push(price);
    // At the price every bid is indifferent within its range, so any balanced allocation has this welfare.
    let sumLo = 0;
    for (const c of curves) {
      const [l] = bruteRange(c, price, config);
      sumLo += l;
      welfare += bruteUtility(c, l, config);
    }
    welfare += price * (-k - sumLo);
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
  const n = bids.filter((b) => b.kind === 'block').length;
  let best = Number.NEGATIVE_INFINITY;
  for (let mask = 0; mask < 2 ** n; mask++) {
    const accepted = Array.from({ length: n }, (_, i) => (mask & (1 << i)) !== 0);
    const out = bruteSelection(config, bids, accepted);
    if (out.admissible && out.welfare > best) best = out.welfare;
  }
  return best;
}
