// Balancing as a venue: the aFRR capacity auction per day (six 4-hour products, up and down),
// balancing energy bids per quarter-hour with a gate closure, and activation at delivery, which
// settlement calls with the period's system imbalance. The world supplies the exogenous offers.

import { BalancingDirection as ProtoDirection } from '../../gen/flexarena/v1/balancing.js';
import { CapacityAuctionResult } from '../../gen/flexarena/v1/public.js';
import { type Action, type ActionResult, ActionStatus } from '../../gen/flexarena/v1/session.js';
import {
  CAPACITY_BLOCK_MS,
  capacityProductId,
  dayStartMs,
  dayToken,
  parseProductId,
} from '../../lib/index.js';
import {
  type ActivationResult,
  activateEnergyBids,
  type BalancingDirection,
  type BalancingRejection,
  CAPACITY_CASH_UNITS_PER_LOT_TICK,
  CapacityAuction,
  type CapacityAuctionConfig,
  type CapacityBid,
  DEFAULT_CAPACITY_AUCTION_CONFIG,
  DEFAULT_ENERGY_MARKET_CONFIG,
  type EnergyActivation,
  type EnergyBid,
  EnergyMarket,
  eurToTicks,
  mwToLots,
  PERIODS_PER_CAPACITY_PRODUCT,
  quantizeEurToTicks,
} from '../../market/index.js';
import { rejectCodeToProto } from '../core/convert.js';
import { PHASE } from '../core/phases.js';
import { type RunContext, WORLD_PARTY } from '../core/run-context.js';
import { capacityGateMs, energyGateMs } from './gate-times.js';
import type { ScheduledEvent, Venue } from './venue.js';

/**
 * What one bid may hold in the venue's markets (the libraries' defaults, which the venue builds its
 * markets with); the door checks the same limits, so its rejections state the rule that applies.
 */
export const BALANCING_BID_LIMITS = {
  capacityBid: {
    maxQuantityLots: DEFAULT_CAPACITY_AUCTION_CONFIG.maxQuantityLots,
    priceMinTicks: DEFAULT_CAPACITY_AUCTION_CONFIG.priceMinTicks,
    priceMaxTicks: DEFAULT_CAPACITY_AUCTION_CONFIG.priceMaxTicks,
  },
  energyBid: {
    maxQuantityLots: DEFAULT_ENERGY_MARKET_CONFIG.maxQuantityLots,
    priceMinTicks: DEFAULT_ENERGY_MARKET_CONFIG.priceMinTicks,
    priceMaxTicks: DEFAULT_ENERGY_MARKET_CONFIG.priceMaxTicks,
  },
} as const;

function toDirection(d: ProtoDirection): BalancingDirection {
  return d === ProtoDirection.BALANCING_DIRECTION_DOWN ? 'down' : 'up';
}

export function directionToProto(d: BalancingDirection): ProtoDirection {
  return d === 'up' ? ProtoDirection.BALANCING_DIRECTION_UP : ProtoDirection.BALANCING_DIRECTION_DOWN;
}

/**
 * A balancing market's rejection of an agent's bid in what the agent sent. The markets file a bid
 * under the venue's keys, not the agent's: a capacity bid under its block of the day (0..5), an
 * energy bid under the run's quarter-hour step (37 is qh-…-0915 of the first day), and they word a
 * closed gate or a key out of range with them (field "product", "period"; "the gate of period 37
 * is closed"), which the agent cannot look up. The agent named that product by product_id: the
 * rejection names that field and the id it sent, and when the gate closed.
 */
function inAgentTerms(
  r: BalancingRejection,
  market: string,
  bid: { productId: string; gateMs: number; time: number },
): BalancingRejection {
  if (r.field !== 'product' && r.field !== 'period') return r;
  if (r.code !== 'GATE_CLOSED')
    return { ...r, field: 'product_id', message: `${bid.productId} is not a product of the ${market}` };
  const gate = new Date(bid.gateMs).toISOString();
  return {
    ...r,
    field: 'product_id',
    limit: `< ${gate}`,
    message: `the ${market} gate of ${bid.productId} closed at ${gate}; the bid arrived at ${new Date(bid.time).toISOString()}`,
  };
}

export class BalancingVenue implements Venue {
  readonly name = 'balancing';
  readonly actionKinds = ['capacityBid', 'energyBid'] as const;
  private readonly capacity: CapacityAuction[];
  /** What a cleared day's capacity auction is replaced with (clearCapacity). */
  private closedCapacity?: CapacityAuction;
  readonly energy: EnergyMarket;
  /**
   * agent → "<dayIndex>:<product>:<direction>" → awarded lots, and each award's lots and price (an
   * agent's several bids may clear at different prices under pay-as-bid).
   */
  private readonly awards = new Map<
    string,
    Map<string, { lots: number; parts: { lots: number; priceTicks: number }[] }>
  >();
  private bidSeq = 0;
  /**
   * The run day's index by its token ("YYYYMMDD"): a capacity bid names its day in its product id,
   * and a search of the run's days for it (findIndex) cost more by the day of a long run.
   */
  private readonly dayIndexByToken = new Map<string, number>();

  constructor(private readonly ctx: RunContext) {
    const b = ctx.cfg.market.balancing;
    this.capacity = ctx.products.days.map(() => new CapacityAuction({ pricing: b.capacityPricing }));
    ctx.products.days.forEach((d, i) => {
      // The first day of a token, as findIndex found it.
      if (!this.dayIndexByToken.has(dayToken(d))) this.dayIndexByToken.set(dayToken(d), i);
    });
    this.energy = new EnergyMarket({ activationPricing: b.energyPricing });
  }

  capacityProductIds(): string[] {
    return this.ctx.products.days.flatMap((d) =>
      Array.from({ length: 6 }, (_, k) => capacityProductId(d, k)),
    );
  }

  capacityGateMs(dayIndex: number): number {
    return capacityGateMs(this.ctx.cfg.market.balancing, this.ctx.products.days[dayIndex]!);
  }

  energyGateMs(step: number): number {
    return energyGateMs(this.ctx.cfg.market.balancing, this.ctx.products.quarterHours[step]!.deliveryStartMs);
  }

  scheduledEvents(): ScheduledEvent[] {
    const out: ScheduledEvent[] = this.ctx.products.days.map((_, d) => ({
      time: this.capacityGateMs(d),
      phase: PHASE.GATES_AND_CLEARING,
      label: `afrr capacity day ${d}`,
      run: () => this.clearCapacity(d),
    }));
    this.ctx.products.quarterHours.forEach((_, step) => {
      out.push({
        time: this.energyGateMs(step),
        phase: PHASE.GATES_AND_CLEARING,
        label: `energy gate ${step}`,
        run: () => this.closeEnergy(step),
      });
    });
    return out;
  }

  handle(agentId: string, action: Action, time: number, result: ActionResult): void {
    const kind = action.kind;
    const ledger = this.ctx.ledger(agentId);
    ledger.orders++;
    const reject = (r: { code: string; field: string; limit: string; message: string }) => {
      ledger.rejects++;
      Object.assign(result, {
        status: ActionStatus.ACTION_STATUS_REJECTED,
        rejectCode: rejectCodeToProto(r.code),
        field: r.field,
        limit: r.limit,
        message: r.message,
      });
      // On the tape like the continuous market's rejections (before, only accepted bids were).
      this.ctx.out.tape({
        type: 'rejected',
        t: time,
        agentId,
        command: kind?.$case === 'capacityBid' ? 'capacity-bid' : 'energy-bid',
        productId: kind?.$case === 'capacityBid' || kind?.$case === 'energyBid' ? kind.value.productId : '',
        code: r.code,
        field: r.field,
        limit: r.limit,
        message: r.message,
        ...(action.clientRef ? { clientRef: action.clientRef } : {}),
      });
    };
    const bidId = `${agentId}:${String(++this.bidSeq).padStart(9, '0')}`;
    if (kind?.$case === 'capacityBid') {
      const p = parseProductId(kind.value.productId);
      const dayIndex = p?.kind === 'AFRR' ? (this.dayIndexByToken.get(p.dayToken) ?? -1) : -1;
      if (!p || dayIndex < 0) {
        reject({
          code: 'UNKNOWN_PRODUCT',
          field: 'product_id',
          limit: 'afrr-YYYYMMDD-K of a run day, K in 0..5',
          message: `product_id: no aFRR capacity product ${JSON.stringify(kind.value.productId)} in this run`,
        });
        return;
      }
      const bid: CapacityBid = {
        bidId,
        agentId,
        product: (p.deliveryStartMs - dayStartMs(this.ctx.products.days[dayIndex]!)) / CAPACITY_BLOCK_MS,
        direction: toDirection(kind.value.direction),
        quantityLots: kind.value.quantityLots,
        capacityPriceTicks: kind.value.priceTicks,
        divisible: !kind.value.indivisible,
      };
      const r = this.capacity[dayIndex]!.submit(bid);
      if (!r.accepted) {
        const gate = { productId: kind.value.productId, gateMs: this.capacityGateMs(dayIndex), time };
        reject(inAgentTerms(r.rejection, 'aFRR capacity auction', gate));
        return;
      }
      result.status = ActionStatus.ACTION_STATUS_ACCEPTED;
      this.ctx.out.tape({ type: 'capacity-bid', t: time, bid });
      return;
    }
    if (kind?.$case === 'energyBid') {
      const step = this.ctx.products.stepOf(kind.value.productId);
      if (step === undefined) {
        reject({
          code: 'UNKNOWN_PRODUCT',
          field: 'product_id',
          limit: 'a quarter-hour product id of the run',
          message: `no quarter-hour ${kind.value.productId}`,
        });
        return;
      }
      const direction = toDirection(kind.value.direction);
      const bid: EnergyBid = {
        bidId,
        agentId,
        period: step,
        direction,
        quantityLots: kind.value.quantityLots,
        energyPriceTicks: kind.value.priceTicks,
      };
      const obligation = this.awardedLots(agentId, step, direction);
      const offered = this.energy.offeredLots(agentId, step, direction) + bid.quantityLots;
      if (!this.energy.isPeriodClosed(step) && offered < obligation) {
        reject({
          code: 'ENERGY_BELOW_AWARDED_CAPACITY',
          field: 'quantity_lots',
          limit: `>= ${obligation - (offered - bid.quantityLots)} lots`,
          message: `awarded ${direction} capacity of ${obligation} lots obliges energy bids of at least that size for ${kind.value.productId}; offered ${offered}`,
        });
        return;
      }
      const r = this.energy.submit(bid);
      if (!r.accepted) {
        const gate = { productId: kind.value.productId, gateMs: this.energyGateMs(step), time };
        reject(inAgentTerms(r.rejection, 'balancing energy', gate));
        return;
      }
      result.status = ActionStatus.ACTION_STATUS_ACCEPTED;
      this.ctx.out.tape({ type: 'energy-bid', t: time, bid });
      return;
    }
    throw new Error(`not a balancing action: ${kind?.$case}`);
  }

  publish(): void {}

  /**
   * Forgets the capacity awards of blocks delivered by `cutoffMs`: they are read at their
   * quarter-hours' energy gates (obligations, unoffered-capacity penalties), and an energy bid for
   * a quarter-hour whose gate closed is refused before its obligation counts. Kept, one entry per
   * provider, block and direction of the run.
   */
  forgetDeliveredBefore(cutoffMs: number): void {
    const days = this.ctx.products.days;
    for (const mine of this.awards.values())
      for (const key of mine.keys()) {
        const [dayIndex, product] = key.split(':');
        const end = dayStartMs(days[Number(dayIndex)]!) + (Number(product) + 1) * CAPACITY_BLOCK_MS;
        if (end <= cutoffMs) mine.delete(key);
      }
  }

  /** Awarded capacity of `agentId` covering quarter-hour `step` in `direction`, lots. */
  awardedLots(agentId: string, step: number, direction: BalancingDirection): number {
    const dayIndex = Math.floor(step / 96);
    const product = Math.floor((step % 96) / PERIODS_PER_CAPACITY_PRODUCT);
    return this.awards.get(agentId)?.get(`${dayIndex}:${product}:${direction}`)?.lots ?? 0;
  }

  /** Activation for one delivery period; cash flows between providers and the TSO are booked here. */
  activate(step: number, systemImbalanceKwh: number): ActivationResult {
    const n = this.ctx.cfg.market.balancing.subPeriods;
    const result =
      n === 1
        ? this.energy.activate(step, systemImbalanceKwh)
        : this.activateInSubPeriods(step, systemImbalanceKwh, n);
    const productId = this.ctx.products.quarterHours[step]!.id;
    for (const a of result.activations) {
      this.ctx.ledger(a.agentId).addCash('balancingEnergy', a.cashUnits, productId);
      this.ctx.tso.addCash('balancingEnergy', -a.cashUnits, productId);
      if (a.agentId !== WORLD_PARTY)
        this.ctx.ledger(a.agentId).report('activations', {
          productId,
          direction: directionToProto(a.direction),
          energyKwh: a.activatedKwh,
          priceTicks: a.settlementPriceTicks,
        });
    }
    if (step >= 96) this.energy.prune(step - 96);
    return result;
  }

  /**
   * Activation every 15/n minutes: the period's imbalance is spread over the sub-periods with a
   * seeded zero-sum deviation (so the period total is unchanged), each sub-period is netted in merit
   * order on its share of every bid's energy, and the period's balancing price per direction is the
   * most extreme marginal price activated in it (highest up, lowest down), as TSOs publish it.
   */
  private activateInSubPeriods(step: number, systemImbalanceKwh: number, n: number): ActivationResult {
    const bids = this.energy.bidsForPeriod(step);
    const config = {
      ...DEFAULT_ENERGY_MARKET_CONFIG,
      activationPricing: this.ctx.cfg.market.balancing.energyPricing,
      periodMinutes: 15 / n,
    };
    const byBid = new Map<string, EnergyActivation>();
    const total: ActivationResult = {
      period: step,
      systemImbalanceKwh,
      activations: [],
      upPriceTicks: null,
      downPriceTicks: null,
      activatedUpKwh: 0,
      activatedDownKwh: 0,
      unresolvedKwh: 0,
      availableUpKwh: 0,
      availableDownKwh: 0,
    };
    for (const imbalance of this.subPeriodImbalances(systemImbalanceKwh, n)) {
      const r = activateEnergyBids(step, bids, imbalance, config);
      for (const a of r.activations) {
        const prev = byBid.get(a.bidId);
        byBid.set(
          a.bidId,
          prev
            ? {
                ...prev,
                activatedKwh: prev.activatedKwh + a.activatedKwh,
                cashUnits: prev.cashUnits + a.cashUnits,
              }
            : { ...a },
        );
      }
      if (r.upPriceTicks !== null)
        total.upPriceTicks = Math.max(total.upPriceTicks ?? r.upPriceTicks, r.upPriceTicks);
      if (r.downPriceTicks !== null)
        total.downPriceTicks = Math.min(total.downPriceTicks ?? r.downPriceTicks, r.downPriceTicks);
      total.activatedUpKwh += r.activatedUpKwh;
      total.activatedDownKwh += r.activatedDownKwh;
      total.unresolvedKwh += r.unresolvedKwh;
      total.availableUpKwh += r.availableUpKwh;
      total.availableDownKwh += r.availableDownKwh;
    }
    total.activations = [...byBid.values()];
    return total;
  }

  /** n integer kWh amounts summing to `totalKwh`, around the mean by a seeded zero-sum deviation. */
  subPeriodImbalances(totalKwh: number, n: number): number[] {
    const stream = this.ctx.rng.stream('world.imbalance.subperiod');
    const sdKwh = (this.ctx.cfg.market.balancing.intraPeriodNoiseMw * 1000 * 15) / n / 60;
    const z = Array.from({ length: n }, () => stream.normal());
    const meanZ = z.reduce((a, b) => a + b, 0) / n;
    const raw = z.map((x) => totalKwh / n + (x - meanZ) * sdKwh);
    const out = raw.map(Math.round);
    out[n - 1]! += totalKwh - out.reduce((a, b) => a + b, 0);
    return out;
  }

  private clearCapacity(dayIndex: number): void {
    const b = this.ctx.cfg.market.balancing;
    const auction = this.capacity[dayIndex]!;
    const demand = {
      up: Array(6).fill(mwToLots(b.capacityDemandMw.up)),
      down: Array(6).fill(mwToLots(b.capacityDemandMw.down)),
    };
    for (const bid of this.exogenousCapacityBids(demand)) {
      const r = auction.submit(bid);
      if (!r.accepted) throw new Error(`exogenous capacity bid rejected: ${r.rejection.message}`);
    }
    const result = auction.clear(demand);
    // Cleared, the day's auction holds every bid (the world's tranches too) and its result, and is
    // asked only to refuse late bids: a closed auction refuses every bid alike, so one empty closed
    // auction answers for all cleared days.
    this.capacity[dayIndex] = this.closedCapacity ??= closedCapacityAuction(b.capacityPricing);
    const day = this.ctx.products.days[dayIndex]!;
    for (const award of result.awards) {
      const capacityProduct = capacityProductId(day, award.product);
      this.ctx.ledger(award.agentId).addCash('capacity', award.paymentCashUnits, capacityProduct);
      this.ctx.tso.addCash('capacity', -award.paymentCashUnits, capacityProduct);
      let mine = this.awards.get(award.agentId);
      if (!mine) {
        mine = new Map();
        this.awards.set(award.agentId, mine);
      }
      const key = `${dayIndex}:${award.product}:${award.direction}`;
      const entry = mine.get(key) ?? { lots: 0, parts: [] };
      entry.lots += award.awardedLots;
      entry.parts.push({ lots: award.awardedLots, priceTicks: award.settlementPriceTicks });
      mine.set(key, entry);
      if (award.agentId !== WORLD_PARTY)
        this.ctx.ledger(award.agentId).report('capacityAwards', {
          productId: capacityProductId(day, award.product),
          direction: directionToProto(award.direction),
          quantityLots: award.awardedLots,
          priceTicks: award.settlementPriceTicks,
          paymentCashUnits: award.paymentCashUnits,
        });
    }
    const summary = result.products.map((p) => ({
      productId: capacityProductId(day, p.product),
      direction: p.direction,
      demandLots: p.demandLots,
      awardedLots: p.awardedLots,
      clearingPriceTicks: p.clearingPriceTicks,
    }));
    this.ctx.out.tape({
      type: 'capacity-result',
      t: this.capacityGateMs(dayIndex),
      day,
      pricing: result.pricing,
      products: summary,
      awards: result.awards.filter((a) => a.agentId !== WORLD_PARTY),
    });
    this.ctx.out.publish(
      'balancing.capacity',
      'flexarena.v1.CapacityAuctionResult',
      {
        day,
        products: summary.map((p) => ({
          ...p,
          clearingPriceTicks: p.clearingPriceTicks ?? 0,
          hasClearingPrice: p.clearingPriceTicks !== null,
        })),
        timeMs: this.capacityGateMs(dayIndex),
      },
      CapacityAuctionResult,
    );
  }

  /** Tranches from cheap to dear that cover `coverage` × demand. */
  private exogenousCapacityBids(demand: { up: number[]; down: number[] }): CapacityBid[] {
    const x = this.ctx.cfg.market.balancing.exogenousCapacity;
    const out: CapacityBid[] = [];
    for (const direction of ['up', 'down'] as const) {
      for (let product = 0; product < 6; product++) {
        const lots = Math.max(1, Math.round((demand[direction][product]! * x.coverage) / x.tranches));
        for (let k = 0; k < x.tranches; k++) {
          const eur =
            x.tranches === 1
              ? x.priceMinEur
              : x.priceMinEur + ((x.priceMaxEur - x.priceMinEur) * k) / (x.tranches - 1);
          out.push({
            bidId: `${WORLD_PARTY}:cap-${product}-${direction}-${String(k).padStart(3, '0')}`,
            agentId: WORLD_PARTY,
            product,
            direction,
            quantityLots: lots,
            capacityPriceTicks: quantizeEurToTicks(eur),
          });
        }
      }
    }
    return out;
  }

  /** Gate closure of a period: the world's ladder goes in, obligations are checked, the period closes. */
  private closeEnergy(step: number): void {
    const x = this.ctx.cfg.market.balancing.exogenousEnergy;
    const ref = this.ctx.world.realised(step).priceTicks;
    // The config puts these on the lot and tick grids, so the conversions are exact.
    const lots = mwToLots(x.trancheMw);
    const first = eurToTicks(x.firstMarkupEur);
    const stepTicks = eurToTicks(x.stepEur);
    for (let k = 0; k < x.tranches; k++) {
      const markup = first + k * stepTicks;
      for (const [direction, price] of [
        ['up', ref + markup],
        ['down', ref - markup],
      ] as const) {
        const r = this.energy.submit({
          bidId: `${WORLD_PARTY}:e-${String(step).padStart(6, '0')}-${direction}-${String(k).padStart(3, '0')}`,
          agentId: WORLD_PARTY,
          period: step,
          direction,
          quantityLots: lots,
          energyPriceTicks: Math.max(-1_500_000, Math.min(1_500_000, price)),
        });
        if (!r.accepted) throw new Error(`exogenous energy bid rejected: ${r.rejection.message}`);
      }
    }
    this.penaliseUnofferedCapacity(step);
    this.energy.closePeriod(step);
  }

  /**
   * A provider that did not offer the energy its awarded capacity obliges it to offer forfeits
   * that period's share of its capacity payment for the missing lots (1/16 of a 4-hour product).
   * With awards at different prices the missing lots are the dearest ones, so a period with nothing
   * offered forfeits exactly 1/16 of the payment and sixteen such periods never more than all of it.
   */
  private penaliseUnofferedCapacity(step: number): void {
    for (const [agentId] of this.awards) {
      if (agentId === WORLD_PARTY) continue;
      for (const direction of ['up', 'down'] as const) {
        const required = this.awardedLots(agentId, step, direction);
        if (required === 0) continue;
        const offered = this.energy.offeredLots(agentId, step, direction);
        if (offered >= required) continue;
        const dayIndex = Math.floor(step / 96);
        const product = Math.floor((step % 96) / PERIODS_PER_CAPACITY_PRODUCT);
        const parts = this.awards.get(agentId)!.get(`${dayIndex}:${product}:${direction}`)!.parts;
        let missing = required - offered;
        let lotTicks = 0;
        for (const part of [...parts].sort((a, b) => b.priceTicks - a.priceTicks)) {
          const lots = Math.min(missing, part.lots);
          lotTicks += lots * part.priceTicks;
          missing -= lots;
        }
        // 400 cash units per lot·tick for the block, 1/16 of it per quarter-hour: exactly 25.
        const penalty = (lotTicks * CAPACITY_CASH_UNITS_PER_LOT_TICK) / PERIODS_PER_CAPACITY_PRODUCT;
        const qhId = this.ctx.products.quarterHours[step]!.id;
        this.ctx.ledger(agentId).addCash('penalty', -penalty, qhId);
        this.ctx.tso.addCash('penalty', penalty, qhId);
        this.ctx.out.tape({
          type: 'obligation-shortfall',
          t: this.energyGateMs(step),
          agent: agentId,
          productId: this.ctx.products.quarterHours[step]!.id,
          direction,
          requiredLots: required,
          offeredLots: offered,
          penaltyCashUnits: penalty,
        });
        this.ctx.out.fault({
          agentId,
          kind: 'obligation-shortfall',
          detail: `${direction} ${offered}/${required} lots offered for step ${step}`,
          t: this.energyGateMs(step),
        });
      }
    }
  }
}

/** A closed capacity auction without bids: the answer to a late bid for a cleared day. */
function closedCapacityAuction(pricing: CapacityAuctionConfig['pricing']): CapacityAuction {
  const auction = new CapacityAuction({ pricing });
  auction.close();
  return auction;
}
