import {
  assertAgentId,
  assertSafeInteger,
  bidIdInvalid,
  compareIds,
  directionQuantityPriceFaults,
  duplicateBidId,
  isSafeIntegerIn,
  rejection,
  rejectionOf,
  safeProduct,
  show,
} from './rejections.js';
import {
  BALANCING_DIRECTIONS,
  BALANCING_PRICE_LIMIT_TICKS,
  type BalancingDirection,
  type BalancingRejection,
  type BalancingSubmitResult,
  CAPACITY_PRODUCTS_PER_DAY,
  PERIODS_PER_CAPACITY_PRODUCT,
} from './types.js';

// Balancing energy market: bids per 15-minute period, gate closure per period, activation in merit
// order against the system imbalance.
//
// SIGN CONVENTIONS
// - systemImbalanceKwh > 0: the system is SHORT (less injected than taken), upward energy is
//   activated. < 0: the system is LONG, downward energy is activated. 0: nothing is activated.
//   (Note the opposite sense of an agent's own imbalance, which is + when the agent is long; see
//   imbalance-price.ts.)
// - Up bid price: what the TSO pays the provider per MWh of extra injection / reduced consumption.
//   Merit order: cheapest first.
// - Down bid price: what the PROVIDER PAYS the TSO per MWh of reduced injection / extra
//   consumption (a generator saves fuel, an EV fleet charges energy it gets). Negative means the
//   TSO pays the provider. Merit order: highest price first (best for the TSO first).
// - EnergyActivation.cashUnits is cash TO the provider: up = +kWh × price, down = −kWh × price.
//
// ACTIVATION of one period (one net imbalance per period, so only one direction is activated per
// call): walk the direction's merit order, one price level at a time. A level that fits in the
// remaining need is activated in full; the level that does not fit is the marginal level and
// shares the remaining kWh pro rata to the bids' offered kWh (integer kWh, largest remainder,
// equal remainders by bidId ascending). The marginal level's price is the period's balancing
// price in that direction. If the bids run out before the imbalance is netted, the price goes to
// the limit in that direction (up: +15 000 EUR/MWh, down: −15 000 EUR/MWh, i.e. the TSO pays the
// most it may) and the rest is unresolvedKwh. A direction that was not activated has price null.
// Activated energy is paid at that price (pay-as-cleared, default) or at each bid's own price
// (activationPricing 'pay-as-bid').
//
// Invariant: systemImbalanceKwh === activatedUpKwh − activatedDownKwh + unresolvedKwh.

export type ActivationPricing = 'pay-as-cleared' | 'pay-as-bid';

export interface EnergyMarketConfig {
  /** Default −1 500 000 ticks = −15 000 EUR/MWh. */
  priceMinTicks: number;
  /** Default +1 500 000 ticks = +15 000 EUR/MWh. */
  priceMaxTicks: number;
  /** Largest quantity of one bid in lots of 0.1 MW. */
  maxQuantityLots: number;
  /** Length of a balancing period; a multiple of 3 so that a lot is a whole number of kWh (15 → 25 kWh). */
  periodMinutes: number;
  activationPricing: ActivationPricing;
}

export const DEFAULT_ENERGY_MARKET_CONFIG: Readonly<EnergyMarketConfig> = {
  priceMinTicks: -BALANCING_PRICE_LIMIT_TICKS,
  priceMaxTicks: BALANCING_PRICE_LIMIT_TICKS,
  maxQuantityLots: 100_000,
  periodMinutes: 15,
  activationPricing: 'pay-as-cleared',
};

export interface EnergyBid {
  bidId: string;
  agentId: string;
  /** Index of a 15-minute period (the arena's numbering, >= 0). */
  period: number;
  direction: BalancingDirection;
  /** Power in lots of 0.1 MW, offered for the whole period. */
  quantityLots: number;
  /** EUR/MWh in ticks of 0.01; see the sign conventions above for down bids. */
  energyPriceTicks: number;
}

export interface EnergyActivation {
  bidId: string;
  agentId: string;
  direction: BalancingDirection;
  bidPriceTicks: number;
  offeredKwh: number;
  activatedKwh: number;
  /** The price the activated energy is settled at (period price or bid price). */
  settlementPriceTicks: number;
  /** Cash to the provider: up +activatedKwh × price, down −activatedKwh × price. */
  cashUnits: number;
}

export interface ActivationResult {
  period: number;
  systemImbalanceKwh: number;
  /** Bids with activatedKwh > 0, in merit order. */
  activations: EnergyActivation[];
  /** Marginal up price, the +limit if up bids ran out, null if no up energy was needed. */
  upPriceTicks: number | null;
  /** Marginal down price, the −limit if down bids ran out, null if no down energy was needed. */
  downPriceTicks: number | null;
  activatedUpKwh: number;
  activatedDownKwh: number;
  /** Signed like systemImbalanceKwh: the part left after activation (0 unless bids ran out). */
  unresolvedKwh: number;
  availableUpKwh: number;
  availableDownKwh: number;
}

export interface ObligationShortfall extends BalancingRejection {
  code: 'ENERGY_BELOW_AWARDED_CAPACITY';
  period: number;
  direction: BalancingDirection;
  requiredLots: number;
  offeredLots: number;
  shortfallLots: number;
}

export interface ObligationCheck {
  ok: boolean;
  /** One entry per direction that falls short (up before down). */
  shortfalls: ObligationShortfall[];
}

/** kWh of one lot over one period: 0.1 MW × minutes / 60 h × 1000. */
export function kwhPerLotPerPeriod(periodMinutes: number): number {
  if (!Number.isSafeInteger(periodMinutes) || periodMinutes <= 0 || periodMinutes % 3 !== 0) {
    throw new RangeError(
      `periodMinutes must be a positive multiple of 3 for whole kWh, got ${periodMinutes}`,
    );
  }
  return (periodMinutes / 3) * 5;
}

/** The capacity product (0..5) that contains a 15-minute period of the day (0..95). */
export function capacityProductOfPeriod(periodOfDay: number): number {
  const periodsPerDay = CAPACITY_PRODUCTS_PER_DAY * PERIODS_PER_CAPACITY_PRODUCT;
  if (!isSafeIntegerIn(periodOfDay, 0, periodsPerDay - 1)) {
    throw new RangeError(`periodOfDay must be an integer 0..${periodsPerDay - 1}, got ${show(periodOfDay)}`);
  }
  return Math.floor(periodOfDay / PERIODS_PER_CAPACITY_PRODUCT);
}

/** The 16 period indices of a capacity product, counted from the day's first period index. */
export function periodsOfCapacityProduct(product: number, firstPeriodOfDay = 0): number[] {
  if (!isSafeIntegerIn(product, 0, CAPACITY_PRODUCTS_PER_DAY - 1)) {
    throw new RangeError(
      `product must be an integer 0..${CAPACITY_PRODUCTS_PER_DAY - 1}, got ${show(product)}`,
    );
  }
  assertPeriod(firstPeriodOfDay);
  const first = firstPeriodOfDay + product * PERIODS_PER_CAPACITY_PRODUCT;
  return Array.from({ length: PERIODS_PER_CAPACITY_PRODUCT }, (_, i) => first + i);
}

function assertPeriod(period: unknown): asserts period is number {
  if (!isSafeIntegerIn(period, 0, Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`period must be an integer >= 0, got ${show(period)}`);
  }
}

function assertValidConfig(config: EnergyMarketConfig): void {
  assertSafeInteger(config.priceMinTicks, 'priceMinTicks');
  assertSafeInteger(config.priceMaxTicks, 'priceMaxTicks');
  assertSafeInteger(config.maxQuantityLots, 'maxQuantityLots');
  if (config.priceMinTicks > config.priceMaxTicks) {
    throw new RangeError(`priceMinTicks ${config.priceMinTicks} > priceMaxTicks ${config.priceMaxTicks}`);
  }
  if (config.maxQuantityLots < 1)
    throw new RangeError(`maxQuantityLots must be >= 1, got ${config.maxQuantityLots}`);
  kwhPerLotPerPeriod(config.periodMinutes);
  if (config.activationPricing !== 'pay-as-cleared' && config.activationPricing !== 'pay-as-bid') {
    throw new RangeError(
      `activationPricing must be 'pay-as-cleared' or 'pay-as-bid', got ${show(config.activationPricing)}`,
    );
  }
}

/**
 * The field rules an energy bid breaks (all of them, the first leading: see rejectionOf), or
 * undefined. Checks fields only (not gate, not duplicates).
 */
export function validateEnergyBid(
  bid: EnergyBid,
  config: EnergyMarketConfig = DEFAULT_ENERGY_MARKET_CONFIG,
): BalancingRejection | undefined {
  assertAgentId(bid.agentId);
  const { agentId, bidId } = bid;
  const found: BalancingRejection[] = [];
  if (typeof bidId !== 'string' || bidId.length === 0) found.push(bidIdInvalid(agentId, bidId));
  if (!isSafeIntegerIn(bid.period, 0, Number.MAX_SAFE_INTEGER)) {
    const limit = 'an integer >= 0';
    found.push(
      rejection(
        'PERIOD_OUT_OF_RANGE',
        agentId,
        bidId,
        'period',
        limit,
        `period must be ${limit}; got ${show(bid.period)}`,
      ),
    );
  }
  found.push(
    ...directionQuantityPriceFaults(
      agentId,
      bidId,
      bid,
      { field: 'energyPriceTicks', value: bid.energyPriceTicks },
      config,
    ),
  );
  return rejectionOf(found);
}

function copyBid(bid: EnergyBid): EnergyBid {
  return {
    bidId: bid.bidId,
    agentId: bid.agentId,
    period: bid.period,
    direction: bid.direction,
    quantityLots: bid.quantityLots,
    energyPriceTicks: bid.energyPriceTicks,
  };
}

/** Merit order of one direction: up cheapest first, down highest first; equal prices by bidId. */
export function energyMeritOrder(direction: BalancingDirection): (a: EnergyBid, b: EnergyBid) => number {
  const sign = direction === 'up' ? 1 : -1;
  return (a, b) => sign * (a.energyPriceTicks - b.energyPriceTicks) || compareIds(a.bidId, b.bidId);
}

/** Splits `needKwh` (< the level's total) over one price level pro rata, in integer kWh. */
function proRata(level: readonly { bid: EnergyBid; offeredKwh: number }[], needKwh: number): number[] {
  const total = BigInt(level.reduce((s, x) => s + x.offeredKwh, 0));
  const need = BigInt(needKwh);
  const shares = level.map((x, index) => {
    const num = need * BigInt(x.offeredKwh);
    return { index, base: Number(num / total), rem: num % total };
  });
  let leftover = needKwh - shares.reduce((s, x) => s + x.base, 0);
  const byRemainder = [...shares].sort(
    (a, b) =>
      (a.rem > b.rem ? -1 : a.rem < b.rem ? 1 : 0) ||
      compareIds(level[a.index]!.bid.bidId, level[b.index]!.bid.bidId),
  );
  const out = shares.map((s) => s.base);
  for (const s of byRemainder) {
    if (leftover === 0) break;
    out[s.index]! += 1;
    leftover -= 1;
  }
  if (leftover !== 0) throw new Error(`pro-rata split left ${leftover} kWh over`);
  return out;
}

/**
 * Activates the bids of one period against the system imbalance. Pure. The bids must be valid,
 * belong to `period` and have distinct ids (as EnergyMarket guarantees); anything else throws.
 */
export function activateEnergyBids(
  period: number,
  bids: readonly EnergyBid[],
  systemImbalanceKwh: number,
  config: EnergyMarketConfig = DEFAULT_ENERGY_MARKET_CONFIG,
): ActivationResult {
  assertValidConfig(config);
  assertPeriod(period);
  assertSafeInteger(systemImbalanceKwh, 'systemImbalanceKwh');
  const perLot = kwhPerLotPerPeriod(config.periodMinutes);
  const seen = new Set<string>();
  const available: Record<BalancingDirection, number> = { up: 0, down: 0 };
  for (const bid of bids) {
    const invalid = validateEnergyBid(bid, config);
    if (invalid !== undefined) throw new RangeError(`invalid energy bid: ${invalid.message}`);
    if (bid.period !== period)
      throw new RangeError(`bid ${show(bid.bidId)} is for period ${bid.period}, not ${period}`);
    if (seen.has(bid.bidId)) throw new RangeError(`duplicate energy bidId ${show(bid.bidId)}`);
    seen.add(bid.bidId);
    available[bid.direction] += bid.quantityLots * perLot;
  }

  const result: ActivationResult = {
    period,
    systemImbalanceKwh: systemImbalanceKwh + 0,
    activations: [],
    upPriceTicks: null,
    downPriceTicks: null,
    activatedUpKwh: 0,
    activatedDownKwh: 0,
    unresolvedKwh: 0,
    availableUpKwh: available.up,
    availableDownKwh: available.down,
  };
  if (systemImbalanceKwh === 0) return result;

  const direction: BalancingDirection = systemImbalanceKwh > 0 ? 'up' : 'down';
  const sorted = bids.filter((b) => b.direction === direction).sort(energyMeritOrder(direction));
  let remaining = Math.abs(systemImbalanceKwh);
  let marginal: number | null = null;
  const activated: { bid: EnergyBid; offeredKwh: number; kwh: number }[] = [];
  for (let i = 0; i < sorted.length && remaining > 0; ) {
    const price = sorted[i]!.energyPriceTicks;
    const level: { bid: EnergyBid; offeredKwh: number }[] = [];
    for (; i < sorted.length && sorted[i]!.energyPriceTicks === price; i++) {
      level.push({ bid: sorted[i]!, offeredKwh: sorted[i]!.quantityLots * perLot });
    }
    const levelKwh = level.reduce((s, x) => s + x.offeredKwh, 0);
    const kwh = levelKwh <= remaining ? level.map((x) => x.offeredKwh) : proRata(level, remaining);
    level.forEach((x, k) => {
      if (kwh[k]! > 0) activated.push({ ...x, kwh: kwh[k]! });
    });
    remaining -= Math.min(levelKwh, remaining);
    marginal = price;
  }

  const limit = direction === 'up' ? config.priceMaxTicks : config.priceMinTicks;
  const periodPrice = remaining > 0 || marginal === null ? limit : marginal;
  const sign = direction === 'up' ? 1 : -1;
  let total = 0;
  for (const { bid, offeredKwh, kwh } of activated) {
    const settlementPriceTicks =
      config.activationPricing === 'pay-as-bid' ? bid.energyPriceTicks : periodPrice;
    result.activations.push({
      bidId: bid.bidId,
      agentId: bid.agentId,
      direction,
      bidPriceTicks: bid.energyPriceTicks,
      offeredKwh,
      activatedKwh: kwh,
      settlementPriceTicks,
      cashUnits: sign * safeProduct(kwh, settlementPriceTicks, 'activation kWh × ticks') + 0,
    });
    total += kwh;
  }
  if (direction === 'up') {
    result.upPriceTicks = periodPrice;
    result.activatedUpKwh = total;
  } else {
    result.downPriceTicks = periodPrice;
    result.activatedDownKwh = total;
  }
  result.unresolvedKwh = sign * remaining + 0;
  return result;
}

/**
 * The balancing energy market over all periods of a run. The arena calls closePeriod() at gate
 * closure (T−25 min by default: the arena's clock, not this library's) and activate() once per
 * period. Business rejections are returned, never thrown; exceptions mean a caller bug.
 *
 * Conventions:
 * - activate() closes the period's gate if the arena has not; a period is activated at most once.
 * - prune(beforePeriod) forgets bids, gates and results of earlier periods to bound memory; later
 *   submits for those periods get GATE_CLOSED. Bid ids must be unique among unpruned bids.
 */
export class EnergyMarket {
  private readonly config: EnergyMarketConfig;
  private readonly bidsByPeriod = new Map<number, EnergyBid[]>();
  private readonly ids = new Set<string>();
  private readonly closed = new Set<number>();
  private readonly results = new Map<number, ActivationResult>();
  private prunedBefore = 0;

  constructor(config: Partial<EnergyMarketConfig> = {}) {
    this.config = { ...DEFAULT_ENERGY_MARKET_CONFIG, ...config };
    assertValidConfig(this.config);
  }

  /** kWh one lot delivers over a whole period (25 for 15 minutes). */
  get kwhPerLot(): number {
    return kwhPerLotPerPeriod(this.config.periodMinutes);
  }

  submit(bid: EnergyBid): BalancingSubmitResult<EnergyBid> {
    const invalid = validateEnergyBid(bid, this.config);
    if (invalid !== undefined) return { accepted: false, rejection: invalid };
    if (this.isPeriodClosed(bid.period)) {
      const limit = 'a period whose gate is still open';
      return {
        accepted: false,
        rejection: rejection(
          'GATE_CLOSED',
          bid.agentId,
          bid.bidId,
          'period',
          limit,
          `the gate of period ${bid.period} is closed; period must be ${limit}`,
        ),
      };
    }
    if (this.ids.has(bid.bidId))
      return { accepted: false, rejection: duplicateBidId(bid.agentId, bid.bidId) };
    const stored = copyBid(bid);
    let list = this.bidsByPeriod.get(stored.period);
    if (list === undefined) {
      list = [];
      this.bidsByPeriod.set(stored.period, list);
    }
    list.push(stored);
    this.ids.add(stored.bidId);
    return { accepted: true, bid: copyBid(stored) };
  }

  /** Gate closure for one period. Idempotent. */
  closePeriod(period: number): void {
    assertPeriod(period);
    if (period >= this.prunedBefore) this.closed.add(period);
  }

  isPeriodClosed(period: number): boolean {
    assertPeriod(period);
    return period < this.prunedBefore || this.closed.has(period);
  }

  /** Accepted bids of a period in submission order (copies). */
  bidsForPeriod(period: number): EnergyBid[] {
    assertPeriod(period);
    return (this.bidsByPeriod.get(period) ?? []).map(copyBid);
  }

  /** Total lots an agent offers in a period and direction. */
  offeredLots(agentId: string, period: number, direction: BalancingDirection): number {
    assertPeriod(period);
    let lots = 0;
    for (const b of this.bidsByPeriod.get(period) ?? []) {
      if (b.agentId === agentId && b.direction === direction) lots += b.quantityLots;
    }
    return lots;
  }

  /**
   * Does the agent offer at least its awarded capacity as energy in this period, per direction?
   * Call it for every period of the capacity product (periodsOfCapacityProduct), typically at
   * gate closure. A shortfall is reported, not enforced: the arena decides what to do (penalise,
   * or fill in a default bid of shortfallLots).
   */
  validateAgainstObligation(
    agentId: string,
    period: number,
    awardedCapacityLots: Partial<Record<BalancingDirection, number>>,
  ): ObligationCheck {
    assertAgentId(agentId);
    assertPeriod(period);
    const shortfalls: ObligationShortfall[] = [];
    for (const direction of BALANCING_DIRECTIONS) {
      const requiredLots = awardedCapacityLots[direction] ?? 0;
      if (!isSafeIntegerIn(requiredLots, 0, Number.MAX_SAFE_INTEGER)) {
        throw new RangeError(
          `awardedCapacityLots.${direction} must be an integer >= 0, got ${show(requiredLots)}`,
        );
      }
      const offeredLots = this.offeredLots(agentId, period, direction);
      if (offeredLots >= requiredLots) continue;
      const limit = `>= ${requiredLots} lots`;
      shortfalls.push({
        code: 'ENERGY_BELOW_AWARDED_CAPACITY',
        agentId,
        field: 'quantityLots',
        limit,
        message:
          `agent ${agentId} offers ${offeredLots} lots of ${direction} energy in period ${period}; ` +
          `its awarded ${direction} capacity requires ${limit}`,
        period,
        direction,
        requiredLots,
        offeredLots,
        shortfallLots: requiredLots - offeredLots,
      });
    }
    return { ok: shortfalls.length === 0, shortfalls };
  }

  /** Nets the period's system imbalance (> 0 short) with its bids. Closes the gate; once per period. */
  activate(period: number, systemImbalanceKwh: number): ActivationResult {
    assertPeriod(period);
    if (period < this.prunedBefore) throw new Error(`period ${period} was pruned`);
    if (this.results.has(period)) throw new Error(`period ${period} was already activated`);
    this.closed.add(period);
    const result = activateEnergyBids(
      period,
      this.bidsByPeriod.get(period) ?? [],
      systemImbalanceKwh,
      this.config,
    );
    this.results.set(period, result);
    return structuredClone(result);
  }

  activationResult(period: number): ActivationResult | undefined {
    assertPeriod(period);
    const r = this.results.get(period);
    return r === undefined ? undefined : structuredClone(r);
  }

  /** Forgets everything about periods < beforePeriod. The watermark only moves forward. */
  prune(beforePeriod: number): void {
    assertPeriod(beforePeriod);
    if (beforePeriod <= this.prunedBefore) return;
    for (const [period, list] of this.bidsByPeriod) {
      if (period >= beforePeriod) continue;
      for (const b of list) this.ids.delete(b.bidId);
      this.bidsByPeriod.delete(period);
    }
    for (const period of this.closed) if (period < beforePeriod) this.closed.delete(period);
    for (const period of this.results.keys()) if (period < beforePeriod) this.results.delete(period);
    this.prunedBefore = beforePeriod;
  }
}
