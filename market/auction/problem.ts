import { tradeCashUnits } from '../units.js';
import { PeriodAggregate } from './aggregate.js';
import { curveRangeAt, curveUtility, type QuantityRange } from './curve.js';
import type {
  AuctionAward,
  AuctionBid,
  AuctionConfig,
  AuctionResult,
  BlockBid,
  ClearingMethod,
  CurveBid,
} from './types.js';
import { assertValidAuctionConfig, periodMinutes, validateBid } from './validate-bid.js';

// The clearing problem shared by the enumeration and the MIP: aggregated curves per period, the blocks,
// the evaluation of one block selection, and the final allocation into awards.

export interface IndexedCurve {
  bid: CurveBid;
  /** Position in the input: breaks rounding ties and orders the awards. */
  index: number;
}

export interface BlockInfo {
  bid: BlockBid;
  index: number;
  /** Net demand per period when accepted: +q buy, −q sell. */
  netDemand: number;
  periods: number;
  /** Gross value at the limit price, tick·lots: +π·q·n for a buy, −π·q·n for a sell. */
  value: number;
  /** q·n, for the volume tie-break. */
  volume: number;
}

export interface Problem {
  config: AuctionConfig;
  curves: IndexedCurve[][];
  aggregates: PeriodAggregate[];
  blocks: BlockInfo[];
  /** Periods covered by at least one block, ascending. */
  touched: number[];
  /** True when every period is exact (no linear curves). */
  exact: boolean;
}

export interface Evaluation {
  accepted: boolean[];
  feasible: boolean;
  /** Σ over touched periods of V (without constants) + accepted blocks' values, tick·lots. */
  value: number;
  /** Accepted block volume, for the tie-break. */
  volume: number;
  /** Per block: accepted but paradoxically (its average price violates its limit). */
  paradoxical: boolean[];
}

/** Validates and indexes the input; throws on invalid bids or duplicate ids (the book rejects those first). */
export function prepareProblem(config: AuctionConfig, bids: readonly AuctionBid[]): Problem {
  assertValidAuctionConfig(config);
  const curves: IndexedCurve[][] = Array.from({ length: config.periods }, () => []);
  const blocks: BlockInfo[] = [];
  const ids = new Set<string>();
  bids.forEach((bid, index) => {
    const rejection = validateBid(config, bid);
    if (rejection) throw new RangeError(`bid #${index} is invalid: ${rejection.code} ${rejection.message}`);
    if (ids.has(bid.bidId))
      throw new RangeError(`bid #${index}: duplicate bidId ${JSON.stringify(bid.bidId)}`);
    ids.add(bid.bidId);
    if (bid.kind === 'curve') {
      curves[bid.period]!.push({ bid, index });
    } else {
      const periods = bid.lastPeriod - bid.firstPeriod + 1;
      const sign = bid.side === 'buy' ? 1 : -1;
      blocks.push({
        bid,
        index,
        netDemand: sign * bid.quantityLots,
        periods,
        value: sign * bid.priceTicks * bid.quantityLots * periods,
        volume: bid.quantityLots * periods,
      });
    }
  });
  const aggregates = curves.map(
    (list) =>
      new PeriodAggregate(
        list.map((c) => c.bid),
        config.priceMinTicks,
        config.priceMaxTicks,
      ),
  );
  const touchedSet = new Set<number>();
  for (const b of blocks) for (let t = b.bid.firstPeriod; t <= b.bid.lastPeriod; t++) touchedSet.add(t);
  const touched = [...touchedSet].sort((a, b) => a - b);
  return { config, curves, aggregates, blocks, touched, exact: aggregates.every((a) => a.exact) };
}

/** The blocks' net demand per period for a selection. */
export function blockNetDemand(problem: Problem, accepted: readonly boolean[]): number[] {
  const k = new Array<number>(problem.config.periods).fill(0);
  problem.blocks.forEach((b, i) => {
    if (!accepted[i]) return;
    for (let t = b.bid.firstPeriod; t <= b.bid.lastPeriod; t++) k[t]! += b.netDemand;
  });
  return k;
}

/** A selection is paradoxical for block b if b is accepted and its average price is on the wrong side. */
function isParadoxicallyAccepted(b: BlockInfo, priceSum: number): boolean {
  const limitSum = b.bid.priceTicks * b.periods;
  return b.bid.side === 'sell' ? priceSum < limitSum : priceSum > limitSum;
}

/** In the money: the block would have gained at these prices (strictly). */
function isInTheMoney(b: BlockInfo, priceSum: number): boolean {
  const limitSum = b.bid.priceTicks * b.periods;
  return b.bid.side === 'sell' ? priceSum > limitSum : priceSum < limitSum;
}

export function evaluateSelection(problem: Problem, accepted: readonly boolean[]): Evaluation {
  const k = blockNetDemand(problem, accepted);
  const prices = new Array<number>(problem.config.periods).fill(0);
  const paradoxical = problem.blocks.map(() => false);
  let value = 0;
  let volume = 0;
  problem.blocks.forEach((b, i) => {
    if (accepted[i]) {
      value += b.value;
      volume += b.volume;
    }
  });
  for (const t of problem.touched) {
    const out = problem.aggregates[t]!.clear(k[t]!);
    if (out === null) return { accepted: [...accepted], feasible: false, value: 0, volume, paradoxical };
    value += out.value;
    prices[t] = out.priceTicks;
  }
  problem.blocks.forEach((b, i) => {
    if (!accepted[i]) return;
    let sum = 0;
    for (let t = b.bid.firstPeriod; t <= b.bid.lastPeriod; t++) sum += prices[t]!;
    paradoxical[i] = isParadoxicallyAccepted(b, sum);
  });
  return { accepted: [...accepted], feasible: true, value, volume, paradoxical };
}

export function isAdmissible(e: Evaluation): boolean {
  return e.feasible && !e.paradoxical.some(Boolean);
}

/**
 * Welfare tolerance for comparing selections (tick·lots): below one unit for step curves, whose welfare is
 * an integer; relative 10⁻⁹ for linear curves, far above the rounding error of their floating-point
 * areas (≈ 10⁻¹⁴ relative) and far below any welfare difference worth a cent.
 */
export function welfareTolerance(problem: Problem, value: number): number {
  return problem.exact ? 0.5 : 1e-9 * (1 + Math.abs(value));
}

/**
 * Selection order: higher welfare; then more accepted block volume (lots × periods); then, at the first
 * block (in input order) where the two differ, the one that accepts it.
 */
export function isBetter(problem: Problem, a: Evaluation, b: Evaluation): boolean {
  const tol = welfareTolerance(problem, Math.max(Math.abs(a.value), Math.abs(b.value)));
  if (a.value > b.value + tol) return true;
  if (a.value < b.value - tol) return false;
  if (a.volume !== b.volume) return a.volume > b.volume;
  for (let i = 0; i < a.accepted.length; i++) {
    if (a.accepted[i] !== b.accepted[i]) return a.accepted[i] === true;
  }
  return false;
}

/** Best admissible selection over all 2^n subsets. */
export function enumerateSelections(problem: Problem): Evaluation {
  const n = problem.blocks.length;
  if (n > 30) throw new RangeError(`enumeration of ${n} blocks is not supported`);
  let best = evaluateSelection(
    problem,
    problem.blocks.map(() => false),
  );
  const accepted = problem.blocks.map(() => false);
  for (let mask = 1; mask < 2 ** n; mask++) {
    for (let i = 0; i < n; i++) accepted[i] = (mask & (1 << i)) !== 0;
    const e = evaluateSelection(problem, accepted);
    if (isAdmissible(e) && isBetter(problem, e, best)) best = e;
  }
  return best;
}

// ---- Allocation ----

/**
 * Splits `total` lots over `caps` pro rata, exactly: floor shares, then one lot each to the largest
 * remainders, ties to the lower index.
 */
export function proRata(total: number, caps: readonly number[]): number[] {
  const sum = caps.reduce((s, c) => s + c, 0);
  if (total === 0 || sum === 0) return caps.map(() => 0);
  if (total > sum) throw new Error(`pro-rata total ${total} exceeds capacity ${sum}`);
  const shares = caps.map((c) => Math.floor((total * c) / sum));
  const rems = caps.map((c) => (total * c) % sum);
  let left = total - shares.reduce((s, x) => s + x, 0);
  const order = caps.map((_, i) => i).sort((a, b) => rems[b]! - rems[a]! || a - b);
  for (const i of order) {
    if (left === 0) break;
    if (rems[i]! > 0) {
      shares[i]!++;
      left--;
    }
  }
  if (left !== 0) throw new Error('pro-rata rounding did not converge');
  return shares;
}

/** Rounds real quantities to integers with the given integer sum: floors, then largest fractions first. */
function roundToSum(values: readonly number[], target: number): number[] {
  const snapped = values.map((v) => (Math.abs(v - Math.round(v)) < 1e-7 ? Math.round(v) : v));
  const floors = snapped.map((v) => Math.floor(v));
  let left = Math.round(target - floors.reduce((s, x) => s + x, 0));
  if (left < 0 || left > values.length) throw new Error(`cannot round ${values.join(',')} to sum ${target}`);
  const order = snapped
    .map((_, i) => i)
    .sort((a, b) => snapped[b]! - floors[b]! - (snapped[a]! - floors[a]!) || a - b);
  for (const i of order) {
    if (left === 0) break;
    floors[i]!++;
    left--;
  }
  return floors;
}

/**
 * Integer awards for the curves of one period at the allocation price, netting to −K exactly.
 *
 * Start from every bid's lowest acceptable quantity (marginal buys at their minimum, marginal sells at
 * their maximum); the remaining excess supply Δ is closed by adding marginal buys first (maximal volume),
 * then by curtailing marginal sells; each side pro rata to the marginal quantity at this price.
 */
export function allocatePeriod(ranges: readonly QuantityRange[], k: number): number[] {
  const exact = ranges.every((r) => Number.isInteger(r.lo) && Number.isInteger(r.hi));
  const sumLo = ranges.reduce((s, r) => s + r.lo, 0);
  const buyCaps = ranges.map((r) => Math.max(r.hi, 0) - Math.max(r.lo, 0));
  const sellCaps = ranges.map((r) => Math.min(r.hi, 0) - Math.min(r.lo, 0));
  const mb = buyCaps.reduce((s, x) => s + x, 0);
  const ms = sellCaps.reduce((s, x) => s + x, 0);
  let delta = -k - sumLo;
  const tol = exact ? 0 : 1e-6 * (1 + ranges.reduce((s, r) => s + Math.abs(r.lo) + Math.abs(r.hi), 0));
  if (delta < -tol || delta > mb + ms + tol) {
    throw new Error(`allocation infeasible: need ${delta} within [0, ${mb + ms}]`);
  }
  delta = Math.min(Math.max(delta, 0), mb + ms);
  const toBuyers = Math.min(delta, mb);
  const curtailed = delta - toBuyers;
  if (exact) {
    const b = proRata(toBuyers, buyCaps);
    const c = proRata(curtailed, sellCaps);
    return ranges.map((r, i) => r.lo + b[i]! + c[i]!);
  }
  const real = ranges.map(
    (r, i) =>
      r.lo + (mb > 0 ? (toBuyers * buyCaps[i]!) / mb : 0) + (ms > 0 ? (curtailed * sellCaps[i]!) / ms : 0),
  );
  return roundToSum(real, -k);
}

// ---- Result ----

/** How the block selection was found, for the result. */
export interface SelectionOutcome {
  method: ClearingMethod;
  provenOptimal: boolean;
  /** Upper bound on how much more welfare (tick·lots) any admissible selection has; 0 if proven optimal. */
  gapBound: number;
  searchNodes: number;
}

export function buildResult(
  problem: Problem,
  accepted: readonly boolean[],
  outcome: SelectionOutcome,
): AuctionResult {
  const { config } = problem;
  const k = blockNetDemand(problem, accepted);
  const pricesTicks: number[] = [];
  const volumesLots: number[] = [];
  const awards: AuctionAward[] = [];
  let welfare = 0;
  for (let t = 0; t < config.periods; t++) {
    const clearing = problem.aggregates[t]!.clear(k[t]!);
    if (clearing === null) throw new Error(`selected blocks make period ${t} infeasible`);
    const curves = problem.curves[t]!;
    const ranges = curves.map((c) =>
      curveRangeAt(c.bid, clearing.allocationPrice, config.priceMinTicks, config.priceMaxTicks),
    );
    const x = allocatePeriod(ranges, k[t]!);
    const periodAwards: (AuctionAward & { index: number })[] = [];
    let bought = 0;
    curves.forEach((c, i) => {
      const q = x[i]! + 0;
      welfare += curveUtility(c.bid, q, config.priceMinTicks, config.priceMaxTicks);
      if (q > 0) bought += q;
      if (q !== 0)
        periodAwards.push({
          bidId: c.bid.bidId,
          agentId: c.bid.agentId,
          period: t,
          quantityLots: q,
          index: c.index,
        });
    });
    problem.blocks.forEach((b, i) => {
      if (!accepted[i] || t < b.bid.firstPeriod || t > b.bid.lastPeriod) return;
      if (b.netDemand > 0) bought += b.netDemand;
      periodAwards.push({
        bidId: b.bid.bidId,
        agentId: b.bid.agentId,
        period: t,
        quantityLots: b.netDemand,
        index: b.index,
      });
    });
    periodAwards.sort((a, b) => a.index - b.index);
    for (const { index: _index, ...award } of periodAwards) awards.push(award);
    pricesTicks.push(clearing.priceTicks);
    volumesLots.push(bought);
  }
  const acceptedBlocks: string[] = [];
  const paradoxicallyRejectedBlocks: string[] = [];
  problem.blocks.forEach((b, i) => {
    let sum = 0;
    for (let t = b.bid.firstPeriod; t <= b.bid.lastPeriod; t++) sum += pricesTicks[t]!;
    if (accepted[i]) {
      if (isParadoxicallyAccepted(b, sum))
        throw new Error(`block ${b.bid.bidId} would be paradoxically accepted`);
      acceptedBlocks.push(b.bid.bidId);
      welfare += b.value;
    } else if (isInTheMoney(b, sum)) {
      paradoxicallyRejectedBlocks.push(b.bid.bidId);
    }
  });
  const cashPerTickLot = tradeCashUnits(1, 1, periodMinutes(config));
  const welfareCashUnits = Math.round(welfare * cashPerTickLot) + 0;
  if (!Number.isSafeInteger(welfareCashUnits))
    throw new RangeError(`welfare ${welfareCashUnits} is not a safe integer`);
  return {
    pricesTicks,
    volumesLots,
    awards,
    acceptedBlocks,
    paradoxicallyRejectedBlocks,
    welfareCashUnits,
    method: outcome.method,
    provenOptimal: outcome.provenOptimal,
    welfareGapBoundCashUnits: outcome.provenOptimal
      ? 0
      : Math.ceil(outcome.gapBound * cashPerTickLot - 1e-9) + 0,
    searchNodes: outcome.searchNodes,
  };
}
