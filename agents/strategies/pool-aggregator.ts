// Aggregator of a residential battery pool (seed 001, Chasparis et al. 2019).
//
// Baseline: the pool's net grid exchange when its households run self-consumption (Alg. 1) is
// what it meters with no flexibility activated; an aggregator that trades nothing is imbalanced
// by exactly that. The arena does not reveal it, so the aggregator learns it per quarter-hour of
// the day from its settlements: with one settled period since the last wake-up, the growth of
// AssetState.deliveredFlexibilityMwh is |metered − baseline|, so the baseline is metered ∓ that
// (the sign chosen closest to the current estimate); without that field the metered exchange is
// used as it is. A daily profile per quarter-hour (exponential average, baselineLearningRate)
// starts from a prior built from the spec: mean load minus a PV bell around midday
// (pvPriorFactor × kWp). The expected baseline of a quarter-hour is its profile value plus the
// latest observed deviation from the profile (anomalyPersistence × (observed − profile), if
// observed within anomalyWindowHours): within a day the weather and the SoCs persist, and the
// profile alone would only learn from one day to the next.
// Day-ahead (seed 001's DA optimisation, eq. 10): while a day-ahead auction is open it plans the
// flexibility E_t of every period on the price forecasts with the merit-order LP of
// pool-flex-lp.ts (participation costs rising from β_min to β_max as Alg. 4 activates dearer
// households) and bids each period as a step curve: the expected baseline at any price, plus E_t
// only where the price clears on the right side of the forecast (buy the extra E_t > 0 below
// forecast + dayAheadMarginEur, sell −E_t from forecast − dayAheadMarginEur). What it is awarded
// beyond the baseline it bid is its DA flexibility commitment; the twin activates it in merit
// order (Alg. 4) at delivery.
// Trading: it holds the baseline plus its DA flexibility commitment on the next
// `baselineAheadPeriods` tradable quarter-hours with IOC orders within slippage of the forecast
// (correcting the baseline's forecast error on the CID). Flexibility (the seed's E(t), sold on the CID): when
// the best ask of the next tradable quarter-hour is below forecast − threshold it buys up to the
// charge flexibility at forecast − threshold (charge more / discharge less); when the best bid is
// above forecast + threshold it sells up to the discharge flexibility at forecast + threshold.
// The threshold adds the cheapest participation cost β of that direction (the households paid
// first in Alg. 4's merit order).
// Potentials (seed 001, V̂_d(t) ≤ E(t) ≤ V̂_c(t)): from the households the welcome lists
// (ResidentialPoolSpec.household_specs) and their SoCs in each wake-up (household_soc_mwh), it
// forecasts every quarter-hour's V̂_c, V̂_d with Alg. 1-2 on the world's solar forecast and the
// mean loads (pool-potential.ts). The day-ahead plan's E_t is bounded by flexShare × V̂(t) of each
// period, CID flexibility by `flexMw` (at most V̂) or flexShare × V̂ of the quarter-hour, and every
// schedule (baseline lots + commitments) is the whole-lot one nearest to what it wants whose
// deviation from the expected baseline lies within [V̂_d, V̂_c] (lotsWithinPotential): a lot the
// pool has no potential for is clipped and becomes imbalance, but only when no lot is admissible:
// an admissible one is held and its β paid, as seed 001 does (see lotsWithinPotential). Without
// household data (an arena older than those fields) the bound is flexShare × the pool's charge /
// discharge power, or `flexMw`; CID flexibility is also limited by the pool's SoC room over one
// quarter-hour.

import * as z from 'zod';
import type { ResidentialPoolSpec } from '../../gen/flexarena/v1/asset.js';
import type { ProductSpec } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { type LpSolver, loadHighs, periodOfDay, quarterHourId } from '../../lib/index.js';
import { eurToTicks, quantizeEurToTicks } from '../../market/index.js';
import { auctionCurve } from '../sdk/actions.js';
import { MarketView } from '../sdk/market-view.js';
import type { Strategy } from '../sdk/strategy.js';
import { eurPerMwh, mwLots, parseParams } from './params.js';
import { solvePoolFlex } from './pool-flex-lp.js';
import { forecastPoolPotentials, type PoolPotential } from './pool-potential.js';
import { LoadStateError, numberRecord, optionalNumber, stateObject, stringList } from './strategy-state.js';
import {
  assetState,
  clampTicks,
  forecastMap,
  HOUR_MS,
  iocAround,
  KWH_PER_LOT_QH,
  type PriceLimits,
  priceLimits,
  QH_HOURS,
  QH_MS,
  quarterHourProducts,
  requireAsset,
  safeStart,
  scheduleLots,
  tradableQuarterHours,
} from './strategy-utils.js';

const paramsSchema = z
  .object({
    /** Minimum deviation of the CID price from the forecast before flexibility is traded (EUR/MWh). */
    thresholdEur: eurPerMwh(0, 10_000).default(10),
    /** Add the cheapest participation cost β of the direction to the threshold. */
    addParticipationCost: z.boolean().default(true),
    /**
     * Flexibility on the CID in each direction, MW, at most the forecast potential; default:
     * flexShare × the forecast potential (without household data: × the pool's battery power).
     */
    // A quantity: on the lot grid (it was floored to whole lots silently, 0.25 MW offered 0.2).
    flexMw: mwLots(0, 10_000).optional(),
    /** Share of the forecast potential V̂ (the rest is margin for forecast errors); 1 = the seed's bound. */
    flexShare: z.number().min(0).max(1).default(0.5),
    /** Weight of a new observation in the baseline average. */
    baselineLearningRate: z.number().positive().max(1).default(0.3),
    /** PV share of the kWp in the prior at solar noon. */
    pvPriorFactor: z.number().min(0).max(1).default(0.2),
    /** Share of the latest deviation from the profile carried to the next quarter-hours. */
    anomalyPersistence: z.number().min(0).max(1).default(1),
    anomalyWindowHours: z.number().positive().max(48).default(3),
    baselineAheadPeriods: z.number().int().min(1).max(96).default(2),
    /** Differences to the baseline up to this many lots are left alone. */
    baselineToleranceLots: z.number().int().min(0).max(10_000).default(0),
    slippageEur: eurPerMwh(0, 1000).default(10),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Bid the planned flexibility in the day-ahead auction (when the run has one). */
    dayAhead: z.boolean().default(true),
    /** Slack for the extra E_t: bought below forecast + this, sold from forecast − this (EUR/MWh). */
    dayAheadMarginEur: eurPerMwh(0, 1000).default(5),
    /** Share of the pool's SoC range the day-ahead plan may move away from the baseline. */
    dayAheadRoomShare: z.number().min(0).max(1).default(0.3),
    /** Merit-order segments per direction in the day-ahead plan. */
    meritSegments: z.number().int().min(1).max(50).default(10),
  })
  .strict();

export type PoolAggregatorParams = z.infer<typeof paramsSchema>;

/** What pool-aggregator keeps over a restart (saveState). */
export interface PoolAggregatorState {
  /** The learnt daily profile, kWh per quarter-hour of the UTC day. */
  baselineKwh: number[];
  lastFlexMwh: number | null;
  anomaly: { kwh: number; atMs: number } | null;
  flexTouched: string[];
  dayAheadDone: string[];
  dayAheadBaseline: Record<string, number>;
  dayAheadFlexLots: Record<string, number>;
}

export class PoolAggregator implements Strategy {
  readonly name = 'pool-aggregator';
  readonly params: PoolAggregatorParams;
  private spec?: ResidentialPoolSpec;
  private assetId?: string;
  private products = new Map<string, ProductSpec>();
  private limits: PriceLimits = priceLimits(undefined);
  /** The world's installed solar capacity, MW (Welcome.world): scales its solar forecast to the pool's kWp. */
  private solarCapacityMw = 0;
  /** Baseline estimate per quarter-hour of the UTC day, kWh (> 0 import). */
  private readonly baseline: number[] = new Array(96).fill(0);
  /** The baseline holds the prior or what was learnt: a later welcome (a reconnect) keeps it. */
  private baselineSet = false;
  private lastFlexMwh?: number;
  /** The latest observed deviation from the profile and the delivery start it was observed for. */
  private anomaly?: { kwh: number; atMs: number };
  /** Products on which flexibility was traded: their deviation from the baseline is deliberate. */
  private readonly flexTouched = new Set<string>();
  private view?: MarketView;
  private solver?: LpSolver;
  private readonly dayAheadDone = new Set<string>();
  /** Baseline lots bid in the day-ahead auction, by quarter-hour. */
  private readonly dayAheadBaseline = new Map<string, number>();
  /** DA flexibility commitment (awarded − baseline bid), lots, by quarter-hour. */
  readonly dayAheadFlexLots = new Map<string, number>();

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('pool-aggregator', paramsSchema, params);
  }

  onWelcome(welcome: Welcome): void | Promise<void> {
    this.view = MarketView.fromWelcome(welcome);
    const asset = requireAsset(welcome, 'residentialPool', 'pool-aggregator', 'a residential-pool');
    this.spec = asset.spec;
    this.assetId = asset.assetId;
    this.products = quarterHourProducts(welcome);
    this.limits = priceLimits(welcome);
    this.solarCapacityMw = welcome.world?.solarCapacityMw ?? 0;
    if (!this.baselineSet)
      for (let k = 0; k < 96; k++)
        this.baseline[k] = priorBaselineKwh(asset.spec, k, this.params.pvPriorFactor);
    this.baselineSet = true;
    // The solver only when there is a day-ahead auction to plan for (a run without one stays sync).
    if (this.params.dayAhead && !this.solver && this.view.auctionsOf('day-ahead').length > 0)
      return loadHighs().then((solver) => {
        this.solver = solver;
      });
  }

  /**
   * Restarted without these, it would start learning the baseline again from the prior, lose the
   * deviation it carries forward and the flexibility it delivered so far (its next settlement read
   * as plain metering), trade the baseline again on quarter-hours it traded flexibility on, bid a
   * day-ahead auction again, and forget its day-ahead commitment (the awards come once).
   */
  saveState(): PoolAggregatorState {
    return {
      baselineKwh: [...this.baseline],
      lastFlexMwh: this.lastFlexMwh ?? null,
      anomaly: this.anomaly ? { ...this.anomaly } : null,
      flexTouched: [...this.flexTouched],
      dayAheadDone: [...this.dayAheadDone],
      dayAheadBaseline: Object.fromEntries(this.dayAheadBaseline),
      dayAheadFlexLots: Object.fromEntries(this.dayAheadFlexLots),
    };
  }

  loadState(state: unknown): void {
    const s = stateObject(this.name, state);
    const baseline = s.baselineKwh;
    if (
      !Array.isArray(baseline) ||
      baseline.length !== 96 ||
      !baseline.every((x) => typeof x === 'number' && Number.isFinite(x))
    )
      throw new LoadStateError(this.name, 'baselineKwh', 'must be a list of 96 numbers');
    const lastFlex = optionalNumber(this.name, s, 'lastFlexMwh');
    const anomaly = anomalyOf(this.name, s.anomaly);
    const touched = stringList(this.name, s, 'flexTouched');
    const done = stringList(this.name, s, 'dayAheadDone');
    const daBaseline = numberRecord(this.name, s, 'dayAheadBaseline');
    const daFlex = numberRecord(this.name, s, 'dayAheadFlexLots');
    baseline.forEach((x, k) => {
      this.baseline[k] = x;
    });
    this.baselineSet = true;
    this.lastFlexMwh = lastFlex;
    this.anomaly = anomaly;
    replaceAll(this.flexTouched, touched);
    replaceAll(this.dayAheadDone, done);
    this.dayAheadBaseline.clear();
    for (const [id, lots] of daBaseline) this.dayAheadBaseline.set(id, lots);
    this.dayAheadFlexLots.clear();
    for (const [id, lots] of daFlex) this.dayAheadFlexLots.set(id, lots);
  }

  /** The daily profile's baseline of quarter-hour `period` (0..95, UTC), kWh. */
  baselineKwh(period: number): number {
    return this.baseline[period]!;
  }

  /** Expected baseline of a quarter-hour product at `nowMs`: profile + persisting anomaly, kWh. */
  expectedBaselineKwh(productId: string, nowMs: number): number {
    const k = periodOfDay(productId);
    if (k === undefined) return 0;
    const a = this.anomaly;
    const fresh = a !== undefined && nowMs - a.atMs <= this.params.anomalyWindowHours * HOUR_MS;
    return this.baseline[k]! + (fresh ? this.params.anomalyPersistence * a.kwh : 0);
  }

  decide(wake: WakeUp): Action[] {
    const spec = this.spec;
    if (!spec) return [];
    const state = assetState(wake, this.assetId);
    this.learn(wake, state?.deliveredFlexibilityMwh);
    const prices = forecastMap(wake);
    const tradable = tradableQuarterHours(this.products, wake.timeMs, this.params.gateMarginMs).filter((p) =>
      prices.has(p.productId),
    );
    const potentials = this.forecastPotentials(wake, spec, state?.householdSocMwh);
    const out: Action[] = this.dayAheadBids(wake, spec, prices, potentials);
    const slip = eurToTicks(this.params.slippageEur);
    const expected = new Map<string, number>();
    for (const p of tradable.slice(0, this.params.baselineAheadPeriods)) {
      const held = scheduleLots(wake.positions, p.productId);
      expected.set(p.productId, held);
      if (this.flexTouched.has(p.productId)) continue;
      const wanted =
        this.baselineLots(p.productId, wake.timeMs) + (this.dayAheadFlexLots.get(p.productId) ?? 0);
      const pot = potentials?.get(p.productId);
      const target = pot
        ? lotsWithinPotential(wanted, this.expectedBaselineKwh(p.productId, wake.timeMs), pot)
        : wanted;
      const diff = target - held;
      if (Math.abs(diff) <= this.params.baselineToleranceLots) continue;
      out.push(...iocAround(p.productId, diff, prices.get(p.productId)!, slip, this.limits, 'baseline'));
      expected.set(p.productId, held + diff);
    }
    const target = tradable[0];
    if (target)
      out.push(
        ...this.flexibility(
          wake,
          spec,
          target.productId,
          prices.get(target.productId)!,
          state?.socMwh,
          expected,
          potentials?.get(target.productId),
        ),
      );
    return out;
  }

  /**
   * Day-ahead phase: plan E_t with the merit-order LP on the forecasts, bid baseline + E_t per
   * period (E_t only on the good side of the forecast); awards beyond the baseline become the
   * DA flexibility commitment.
   */
  private dayAheadBids(
    wake: WakeUp,
    spec: ResidentialPoolSpec,
    prices: ReadonlyMap<string, number>,
    potentials: ReadonlyMap<string, PoolPotential> | undefined,
  ): Action[] {
    for (const a of wake.auctionAwards) {
      const bid = this.dayAheadBaseline.get(a.productId);
      if (bid !== undefined && a.bidId.startsWith('pool-da-'))
        this.dayAheadFlexLots.set(a.productId, a.quantityLots - bid);
    }
    const view = this.view;
    if (!this.params.dayAhead || !this.solver || !view) return [];
    const out: Action[] = [];
    for (const auction of view.openAuctions(wake.timeMs, this.params.gateMarginMs, 'day-ahead')) {
      if (this.dayAheadDone.has(auction.auctionId)) continue;
      const ids = auction.periodProductIds;
      const fc = ids.map((id) => prices.get(id));
      if (fc.some((x) => x === undefined)) continue; // the day's forecast is not out yet
      this.dayAheadDone.add(auction.auctionId);
      const room = this.params.dayAheadRoomShare * Math.max(0, spec.socMaxMwh - spec.socMinMwh);
      // Eq. 10 under forecasts: E_t within [V̂_d(t), V̂_c(t)] of each period (flexShare of it, the
      // rest a margin for forecast errors); a period without a forecast potential gets none.
      // Without household data (an arena older than it) the pool's power is all there is.
      const share = this.params.flexShare;
      const plan = solvePoolFlex(this.solver, {
        pricesEur: fc.map((x) => x! / 100),
        hours: QH_HOURS,
        chargeMw: potentials
          ? ids.map((id) => share * (potentials.get(id)?.vcMw ?? 0))
          : share * spec.batteryChargeMw,
        dischargeMw: potentials
          ? ids.map((id) => share * -(potentials.get(id)?.vdMw ?? 0))
          : share * spec.batteryDischargeMw,
        roomUpMwh: room / 2,
        roomDownMwh: room / 2,
        betaChargeMinEur: spec.betaChargeMinEurPerMwh,
        betaChargeMaxEur: spec.betaChargeMaxEurPerMwh,
        betaDischargeMinEur: spec.betaDischargeMinEurPerMwh,
        betaDischargeMaxEur: spec.betaDischargeMaxEurPerMwh,
        segments: this.params.meritSegments,
      });
      const margin = eurToTicks(this.params.dayAheadMarginEur);
      const at = (p: number) => Math.min(auction.priceMaxTicks, Math.max(auction.priceMinTicks + 1, p));
      ids.forEach((id, k) => {
        const baseKwh = this.baseline[periodOfDay(id) ?? 0]!;
        const pot = potentials?.get(id);
        // Whole lots toward zero: a rounded-up E_t could exceed the pool's potential.
        const planned = Math.trunc(plan.flexMw[k]! * 10 + Math.sign(plan.flexMw[k]!) * 1e-9);
        // The lot grid's own deviation from the baseline counts against the potential too: both
        // points of the curve stay within it.
        const base = pot
          ? lotsWithinPotential(Math.round(baseKwh / KWH_PER_LOT_QH), baseKwh, pot)
          : Math.round(baseKwh / KWH_PER_LOT_QH);
        const flex = pot ? lotsWithinPotential(base + planned, baseKwh, pot) - base : planned;
        if (base === 0 && flex === 0) return;
        this.dayAheadBaseline.set(id, base);
        const points =
          flex > 0
            ? [
                { priceTicks: auction.priceMinTicks, quantityLots: base + flex },
                { priceTicks: at(fc[k]! + margin), quantityLots: base },
              ]
            : flex < 0
              ? [
                  { priceTicks: auction.priceMinTicks, quantityLots: base },
                  { priceTicks: at(fc[k]! - margin), quantityLots: base + flex },
                ]
              : [{ priceTicks: auction.priceMinTicks, quantityLots: base }];
        const period = auction.firstPeriod + k;
        out.push(auctionCurve(auction.auctionId, `pool-da-${period}`, period, points));
      });
    }
    return out;
  }

  /**
   * V̂_c, V̂_d of every quarter-hour with a solar forecast, from the period in delivery now (the
   * SoCs of the wake-up are at its start) on; undefined without household data (an arena older
   * than ResidentialPoolSpec.household_specs), when the strategy falls back to the pool's power.
   */
  forecastPotentials(
    wake: WakeUp,
    spec: ResidentialPoolSpec,
    householdSocMwh: readonly number[] | undefined,
  ): Map<string, PoolPotential> | undefined {
    const hs = spec.householdSpecs;
    if (hs.length === 0 || householdSocMwh?.length !== hs.length) return undefined;
    const cfByStart = new Map<number, number>();
    let last = Number.NEGATIVE_INFINITY;
    for (const f of wake.fundamentalsForecasts) {
      const start = safeStart(f.productId);
      if (start === undefined || !f.productId.startsWith('qh-')) continue;
      const cf = this.solarCapacityMw > 0 ? Math.min(1, Math.max(0, f.solarMw / this.solarCapacityMw)) : 0;
      cfByStart.set(start, cf);
      if (start > last) last = start;
    }
    const out = new Map<string, PoolPotential>();
    if (cfByStart.size === 0) return out;
    const first = Math.floor(wake.timeMs / QH_MS) * QH_MS;
    const starts: number[] = [];
    const cfs: number[] = [];
    // A quarter-hour without a forecast (the one in delivery now) keeps the nearest one before
    // it, or the first one after it.
    let carry = cfByStart.get(Math.min(...cfByStart.keys()))!;
    for (let t = first; t <= last; t += QH_MS) {
      carry = cfByStart.get(t) ?? carry;
      starts.push(t);
      cfs.push(carry);
    }
    const pots = forecastPoolPotentials(hs, householdSocMwh, cfs, QH_HOURS);
    starts.forEach((t, k) => {
      out.set(quarterHourId(t), pots[k]!);
    });
    return out;
  }

  private baselineLots(productId: string, nowMs: number): number {
    return Math.round(this.expectedBaselineKwh(productId, nowMs) / KWH_PER_LOT_QH);
  }

  private learn(wake: WakeUp, flexMwh: number | undefined): void {
    const delta =
      flexMwh !== undefined && this.lastFlexMwh !== undefined ? flexMwh - this.lastFlexMwh : undefined;
    if (flexMwh !== undefined) this.lastFlexMwh = flexMwh;
    const a = this.params.baselineLearningRate;
    for (const s of wake.settlements) {
      const k = periodOfDay(s.productId);
      if (k === undefined) continue;
      const est = this.baseline[k]!;
      let obs = s.meteredKwh;
      if (delta !== undefined && wake.settlements.length === 1) {
        const d = Math.max(0, delta * 1000);
        if (d >= 0.5) {
          const lo = s.meteredKwh - d;
          const hi = s.meteredKwh + d;
          obs = Math.abs(lo - est) <= Math.abs(hi - est) ? lo : hi;
        }
      }
      this.baseline[k] = (1 - a) * est + a * obs;
      const start = safeStart(s.productId);
      if (start !== undefined && (this.anomaly === undefined || start >= this.anomaly.atMs))
        this.anomaly = { kwh: obs - est, atMs: start };
    }
  }

  private flexibility(
    wake: WakeUp,
    spec: ResidentialPoolSpec,
    productId: string,
    forecast: number,
    socMwh: number | undefined,
    expectedHeld: Map<string, number>,
    potential: PoolPotential | undefined,
  ): Action[] {
    const book = wake.books.find((b) => b.productId === productId);
    if (!book) return [];
    const soc = socMwh ?? spec.socInitialMwh;
    // With household data: flexMw (capped by) or flexShare of the forecast potential of the
    // quarter-hour; without: of the pool's power.
    const shareMw = (mw: number, potentialMw: number | undefined) =>
      potentialMw === undefined
        ? (this.params.flexMw ?? mw * this.params.flexShare)
        : this.params.flexMw !== undefined
          ? Math.min(this.params.flexMw, potentialMw)
          : potentialMw * this.params.flexShare;
    const upLots = Math.floor(
      Math.min(shareMw(spec.batteryChargeMw, potential?.vcMw), Math.max(0, spec.socMaxMwh - soc) / QH_HOURS) *
        10 +
        1e-9,
    );
    const downLots = Math.floor(
      Math.min(
        shareMw(spec.batteryDischargeMw, potential === undefined ? undefined : -potential.vdMw),
        Math.max(0, soc - spec.socMinMwh) / QH_HOURS,
      ) *
        10 +
        1e-9,
    );
    const held = expectedHeld.get(productId) ?? scheduleLots(wake.positions, productId);
    const used = held - this.baselineLots(productId, wake.timeMs); // > 0: charging more than the baseline
    const thr = eurToTicks(this.params.thresholdEur);
    const betaC = this.params.addParticipationCost ? quantizeEurToTicks(spec.betaChargeMinEurPerMwh) : 0;
    const betaD = this.params.addParticipationCost ? quantizeEurToTicks(spec.betaDischargeMinEurPerMwh) : 0;
    const ask = book.asks[0];
    const bid = book.bids[0];
    if (ask && ask.priceTicks < forecast - thr - betaC) {
      const lots = upLots - Math.max(0, used);
      if (lots > 0) {
        this.flexTouched.add(productId);
        return iocAround(
          productId,
          lots,
          clampTicks(forecast - thr - betaC, this.limits),
          0,
          this.limits,
          'flex-buy',
        );
      }
    }
    if (bid && bid.priceTicks > forecast + thr + betaD) {
      const lots = downLots + Math.min(0, used);
      if (lots > 0) {
        this.flexTouched.add(productId);
        return iocAround(
          productId,
          -lots,
          clampTicks(forecast + thr + betaD, this.limits),
          0,
          this.limits,
          'flex-sell',
        );
      }
    }
    return [];
  }
}

function replaceAll(set: Set<string>, items: string[]): void {
  set.clear();
  for (const x of items) set.add(x);
}

/** The saved deviation from the profile: {kwh, atMs} or null. */
function anomalyOf(strategy: string, v: unknown): { kwh: number; atMs: number } | undefined {
  if (v === null) return undefined;
  const a = v as Record<string, unknown> | undefined;
  if (
    a === undefined ||
    typeof a !== 'object' ||
    Array.isArray(a) ||
    typeof a.kwh !== 'number' ||
    !Number.isFinite(a.kwh) ||
    !Number.isSafeInteger(a.atMs)
  )
    throw new LoadStateError(strategy, 'anomaly', 'must be {"kwh": number, "atMs": whole number} or null');
  return { kwh: a.kwh, atMs: a.atMs as number };
}

/**
 * The whole-lot schedule nearest `wantedLots` whose deviation from the expected baseline stays
 * within the quarter-hour's forecast potential: baseline + V̂_d·h ≤ schedule ≤ baseline + V̂_c·h.
 * The lot grid (25 kWh a quarter-hour) makes every schedule a deviation from the baseline — the
 * seed's E(t) — and a deviation the pool has no potential for is clipped and becomes imbalance
 * (at midday V̂_c is 0: the batteries already take all the PV they can). When no lot lies in the
 * window, the one nearest to it (least clipped).
 *
 * Clipping or β: a lot inside the window is taken even when one outside would cost less, its
 * shortfall settled as imbalance instead of paying the households' β for the activation. That is
 * seed 001's choice: its aggregator picks E(t) only within [V̂_d(t), V̂_c(t)] (the constraint of the
 * DA problem, eq. 10, and the policy's range, eq. 12) and pays C_c,t / C_d,t for it; imbalance, the
 * p_imb terms of the realised utility (eq. 11), comes from forecast errors only, never by choice.
 * Only when no lot is admissible does the least imbalance (eq. 11's p_imb·|E − V| smallest) decide.
 */
export function lotsWithinPotential(
  wantedLots: number,
  baselineKwh: number,
  potential: PoolPotential,
): number {
  const hiKwh = baselineKwh + potential.vcMw * QH_HOURS * 1000;
  const loKwh = baselineKwh + potential.vdMw * QH_HOURS * 1000;
  const clip = (lots: number) => {
    const kwh = lots * KWH_PER_LOT_QH;
    return Math.max(0, kwh - hiKwh, loKwh - kwh);
  };
  const lo = Math.ceil(loKwh / KWH_PER_LOT_QH - 1e-9);
  const hi = Math.floor(hiKwh / KWH_PER_LOT_QH + 1e-9);
  if (lo <= hi) return Math.min(hi, Math.max(lo, wantedLots));
  // No lot inside: the window lies between two neighbouring lots; take the less clipped one.
  return clip(hi) <= clip(lo) ? hi : lo;
}

/** Prior baseline of quarter-hour k (UTC): mean load minus a PV bell 06:00–18:00, kWh. */
export function priorBaselineKwh(spec: ResidentialPoolSpec, k: number, pvFactor: number): number {
  const hour = (k + 0.5) / 4;
  const loadMw = spec.loadMwhPerDay / 24;
  const pvMw = (spec.pvKwpTotal / 1000) * pvFactor * Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12));
  return (loadMw - pvMw) * QH_HOURS * 1000;
}
