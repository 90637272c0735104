// The merit order: a supply stack that turns residual load into a fundamental price.
//
// Supply offered at price p (all in MW, all non-decreasing in p):
//   conventional(p)  each block's capacity spread uniformly over its marginal-cost range
//                    (fuel, CO2 and efficiency differences inside a technology); must-run bids
//                    negative prices (heat-driven CHP, system services, lignite minimum load)
//   flex(p)          net imports plus pumped storage, a tanh around flex.midEur: exports and
//                    pumping at low prices (negative; limited, as the neighbours' sun shines
//                    too), imports and turbining at high prices
//   demandResponse   demand that switches off above its price (negative below mid: more demand)
//   renewables       wind + solar offered at price ≥ their bid: inflexible plants (feed-in tariff,
//                    small rooftop PV) bid the floor, market-premium plants bid down to minus
//                    their premium, new plants without premium at negative prices bid ~0.
//
// With R = demand − wind − solar, the market clears where
//   residualSupply(p) = conventional(p) + flex(p) + demandResponse(p) − curtailedRenewables(p) = R.
// residualSupply is non-decreasing in p, so the price is its inverse; it is tabulated on a
// 0.5 EUR/MWh grid from the floor to the cap and inverted by binary search plus interpolation.
import { quantizeEurToTicks } from '../../market/index.js';
import { HOUR_MS } from './time.js';

export type Technology =
  | 'must-run'
  | 'nuclear'
  | 'lignite'
  | 'coal'
  | 'gas-ccgt'
  | 'gas-ocgt'
  | 'oil'
  | 'reserve';

export interface StackBlock {
  technology: Technology;
  capacityMw: number;
  /** The block's capacity is offered uniformly between these marginal costs (EUR/MWh). */
  costMinEur: number;
  costMaxEur: number;
}

export interface RenewableTranche {
  /** Share of wind + solar output in this tranche; shares sum to 1. */
  share: number;
  /** The tranche's bids are spread uniformly over [bidMinEur, bidMaxEur]. */
  bidMinEur: number;
  bidMaxEur: number;
}

export interface TanhCurve {
  capacityMw: number;
  midEur: number;
  widthEur: number;
}

/** Net imports + storage: importCapacityMw × tanh((p − mid)/width) above mid, exportCapacityMw × … below. */
export interface FlexCurve {
  importCapacityMw: number;
  exportCapacityMw: number;
  midEur: number;
  widthEur: number;
}

export interface MeritOrderParams {
  blocks: StackBlock[];
  renewables: RenewableTranche[];
  /** Net imports + pumped storage. */
  flex: FlexCurve;
  /** Price-elastic demand (reduction above midEur, extra demand below). */
  demandResponse: TanhCurve;
  priceFloorEur: number;
  priceCapEur: number;
}

/**
 * Germany 2024: gas ~35 EUR/MWh(th), CO2 ~65 EUR/t, coal ~11 EUR/MWh(th); nuclear phased out in
 * April 2023 (block kept at 0 MW for other scenarios). Available, not installed, capacities.
 */
export const GERMANY_2024_STACK: MeritOrderParams = {
  blocks: [
    { technology: 'must-run', capacityMw: 5_000, costMinEur: -300, costMaxEur: -40 },
    { technology: 'must-run', capacityMw: 5_000, costMinEur: -40, costMaxEur: 20 },
    { technology: 'nuclear', capacityMw: 0, costMinEur: 8, costMaxEur: 15 },
    { technology: 'lignite', capacityMw: 11_000, costMinEur: 30, costMaxEur: 65 },
    { technology: 'coal', capacityMw: 9_000, costMinEur: 55, costMaxEur: 85 },
    { technology: 'gas-ccgt', capacityMw: 14_000, costMinEur: 72, costMaxEur: 102 },
    { technology: 'gas-ocgt', capacityMw: 6_000, costMinEur: 105, costMaxEur: 160 },
    { technology: 'oil', capacityMw: 2_000, costMinEur: 170, costMaxEur: 300 },
    { technology: 'reserve', capacityMw: 3_000, costMinEur: 300, costMaxEur: 3_000 },
  ],
  renewables: [
    { share: 0.25, bidMinEur: -500, bidMaxEur: -150 },
    { share: 0.45, bidMinEur: -80, bidMaxEur: 0 },
    { share: 0.3, bidMinEur: -5, bidMaxEur: 0 },
  ],
  flex: { importCapacityMw: 18_000, exportCapacityMw: 8_000, midEur: 65, widthEur: 70 },
  demandResponse: { capacityMw: 2_500, midEur: 150, widthEur: 100 },
  priceFloorEur: -500,
  priceCapEur: 4_000,
};

const GRID_EUR = 0.5;

function rampShare(p: number, lo: number, hi: number): number {
  if (hi <= lo) return p >= lo ? 1 : 0;
  return p <= lo ? 0 : p >= hi ? 1 : (p - lo) / (hi - lo);
}

export interface CurvePoint {
  priceTicks: number;
  quantityLots: number;
}

export interface SupplyPoint {
  priceEur: number;
  /** Residual supply: conventional + flex + demand response − curtailed renewables, MW. */
  supplyMw: number;
}

/** The stack's parts at one price node, in MW (the offered share of wind + solar as a fraction). */
interface NodeParts {
  conventional: number;
  flex: number;
  demandResponse: number;
  offered: number;
}

/** Exogenous sell quantity at a node: conventional + renewables offered + imports/turbining. */
const supplyLots = (n: NodeParts, renewableMw: number) =>
  toLots(n.conventional + renewableMw * n.offered + Math.max(0, n.flex));
/** Exogenous buy quantity at a node: load − demand response + exports/pumping. */
const demandLots = (n: NodeParts, demandMw: number) =>
  toLots(demandMw - n.demandResponse + Math.max(0, -n.flex));

/** The published curve nodes (ascending) and the exogenous curves' parts at each (see `MeritOrder.nodes`). */
interface NodeTable {
  prices: number[];
  conventional: Float64Array;
  flex: Float64Array;
  demandResponse: Float64Array;
  offered: Float64Array;
}

/** Price nodes of published curves: dense where prices usually are, sparse in the tails. */
function curveNodesEur(floor: number, cap: number): number[] {
  const nodes = new Set<number>([floor, cap]);
  for (let p = -500; p < -200; p += 50) nodes.add(p);
  for (let p = -200; p < 300; p += 5) nodes.add(p);
  for (let p = 300; p < 1000; p += 50) nodes.add(p);
  for (let p = 1000; p < 4000; p += 500) nodes.add(p);
  return [...nodes].filter((p) => p >= floor && p <= cap).sort((a, b) => a - b);
}

// The ladder's volumes are model outputs (MW of a fitted merit order), not inputs: the nearest lot.
const toLots = (mw: number) => Math.max(0, Math.round(mw * 10));
const toTicks = quantizeEurToTicks;

export class MeritOrder {
  private readonly prices: Float64Array;
  /** conventional + flex + demand response at each grid price. */
  private readonly dispatchable: Float64Array;
  /** Share of wind + solar offered at each grid price. */
  private readonly offered: Float64Array;
  /**
   * The published curve nodes and, at each, the parts the exogenous curves are made of: the
   * curves of every period are read at these same prices, so an auction's net curve costs two
   * sums per node instead of two stack walks and a merge (the day-ahead nets 96 periods a day).
   */
  private readonly nodes: NodeTable;

  constructor(readonly params: MeritOrderParams = GERMANY_2024_STACK) {
    const { priceFloorEur: floor, priceCapEur: cap } = params;
    if (!(cap > floor)) throw new RangeError(`price cap ${cap} must exceed the floor ${floor}`);
    const shares = params.renewables.reduce((s, t) => s + t.share, 0);
    if (Math.abs(shares - 1) > 1e-9) throw new RangeError(`renewable tranche shares sum to ${shares}, not 1`);
    const n = Math.round((cap - floor) / GRID_EUR) + 1;
    this.prices = new Float64Array(n);
    this.dispatchable = new Float64Array(n);
    this.offered = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = floor + i * GRID_EUR;
      this.prices[i] = p;
      this.dispatchable[i] = this.conventionalMw(p) + this.flexMw(p) + this.demandResponseMw(p);
      this.offered[i] = this.renewableOfferedShare(p);
    }
    this.nodes = this.nodeTable(curveNodesEur(floor, cap));
  }

  private nodeTable(prices: number[]): NodeTable {
    const t: NodeTable = {
      prices,
      conventional: new Float64Array(prices.length),
      flex: new Float64Array(prices.length),
      demandResponse: new Float64Array(prices.length),
      offered: new Float64Array(prices.length),
    };
    prices.forEach((p, i) => {
      t.conventional[i] = this.conventionalMw(p);
      t.flex[i] = this.flexMw(p);
      t.demandResponse[i] = this.demandResponseMw(p);
      t.offered[i] = this.renewableOfferedShare(p);
    });
    return t;
  }

  conventionalMw(priceEur: number): number {
    let mw = 0;
    for (const b of this.params.blocks) mw += b.capacityMw * rampShare(priceEur, b.costMinEur, b.costMaxEur);
    return mw;
  }

  /** Net imports + storage, negative = exports/pumping. */
  flexMw(priceEur: number): number {
    const f = this.params.flex;
    const t = Math.tanh((priceEur - f.midEur) / f.widthEur);
    return t >= 0 ? f.importCapacityMw * t : f.exportCapacityMw * t;
  }

  /** Demand reduction (positive) or extra demand (negative) at this price. */
  demandResponseMw(priceEur: number): number {
    const d = this.params.demandResponse;
    return d.capacityMw * Math.tanh((priceEur - d.midEur) / d.widthEur);
  }

  renewableOfferedShare(priceEur: number): number {
    let s = 0;
    for (const t of this.params.renewables) s += t.share * rampShare(priceEur, t.bidMinEur, t.bidMaxEur);
    return s;
  }

  /** residualSupply(p) for wind + solar output `renewableMw` (see the file comment). */
  residualSupplyMw(priceEur: number, renewableMw: number): number {
    return (
      this.conventionalMw(priceEur) +
      this.flexMw(priceEur) +
      this.demandResponseMw(priceEur) -
      renewableMw * (1 - this.renewableOfferedShare(priceEur))
    );
  }

  /** Clearing price in EUR/MWh for residual load `residualMw` and wind + solar `renewableMw`. */
  price(residualMw: number, renewableMw = 0): number {
    const { prices, dispatchable, offered } = this;
    const last = prices.length - 1;
    // at(i) = dispatchable[i] - renewableMw * (1 - offered[i]), non-decreasing in i (inlined: hot).
    if (dispatchable[0]! - renewableMw * (1 - offered[0]!) >= residualMw) return prices[0]!;
    if (dispatchable[last]! - renewableMw * (1 - offered[last]!) < residualMw) return prices[last]!;
    let lo = 0; // at(lo) < residual
    let hi = last; // at(hi) >= residual
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (dispatchable[mid]! - renewableMw * (1 - offered[mid]!) >= residualMw) hi = mid;
      else lo = mid;
    }
    const a = dispatchable[lo]! - renewableMw * (1 - offered[lo]!);
    const b = dispatchable[hi]! - renewableMw * (1 - offered[hi]!);
    return prices[lo]! + (GRID_EUR * (residualMw - a)) / (b - a);
  }

  /** The residual supply curve at the published price nodes (see `supplyCurve`). */
  supplyCurve(renewableMw = 0): SupplyPoint[] {
    const { priceFloorEur, priceCapEur } = this.params;
    return curveNodesEur(priceFloorEur, priceCapEur).map((p) => ({
      priceEur: p,
      supplyMw: this.residualSupplyMw(p, renewableMw),
    }));
  }

  /**
   * The exogenous sell side of an auction for one period: everything except the agents, i.e.
   * conventional + renewables offered + imports/turbining, piecewise linear between the points
   * (ascending price, non-decreasing quantity). `shiftEur` moves both exogenous curves up by the
   * part of the realised price the stack does not explain (sawtooth, noise, spikes), so that
   * without agents they cross exactly at the realised price. Linear interpolation between the
   * published nodes is not exact (up to ~0.6 EUR/MWh off at 5 EUR node spacing), so callers pass the
   * fundamental price in `extraNodesEur`: both curves then carry a point there, where they are equal.
   */
  exogenousSupplyCurve(
    renewableMw: number,
    shiftEur = 0,
    extraNodesEur: readonly number[] = [],
  ): CurvePoint[] {
    const out: CurvePoint[] = [];
    this.forEachNode(shiftEur, extraNodesEur, (priceTicks, n) =>
      out.push({ priceTicks, quantityLots: supplyLots(n, renewableMw) }),
    );
    return out;
  }

  /**
   * The exogenous buy side: load minus demand response, plus exports/pumping at low prices
   * (ascending price, non-increasing quantity).
   */
  exogenousDemandCurve(demandMw: number, shiftEur = 0, extraNodesEur: readonly number[] = []): CurvePoint[] {
    const out: CurvePoint[] = [];
    this.forEachNode(shiftEur, extraNodesEur, (priceTicks, n) =>
      out.push({ priceTicks, quantityLots: demandLots(n, demandMw) }),
    );
    return out;
  }

  /**
   * exogenousDemandCurve − exogenousSupplyCurve (same arguments) at their prices inside
   * [loTicks, hiTicks]: the rest of the market as one net bid, in one pass. Both curves have a
   * point at every one of these prices, so this is exactly what a merge of the two reads.
   */
  exogenousNetCurve(
    demandMw: number,
    renewableMw: number,
    shiftEur: number,
    extraNodesEur: readonly number[],
    loTicks: number,
    hiTicks: number,
  ): CurvePoint[] {
    const out: CurvePoint[] = [];
    this.forEachNode(shiftEur, extraNodesEur, (priceTicks, n) => {
      if (priceTicks >= loTicks && priceTicks <= hiTicks)
        out.push({ priceTicks, quantityLots: demandLots(n, demandMw) - supplyLots(n, renewableMw) });
    });
    return out;
  }

  /**
   * The exogenous curves' nodes in ascending price: the published nodes (their stack parts from the
   * table) and `extraNodesEur` (computed), each moved by `shiftEur`, kept inside [floor, cap] and
   * strictly increasing in ticks (a node that rounds onto the previous one's tick is dropped). The
   * stack's parts are those at the unshifted node.
   */
  private forEachNode(
    shiftEur: number,
    extraNodesEur: readonly number[],
    visit: (priceTicks: number, parts: NodeParts) => void,
  ): void {
    const { priceFloorEur: floor, priceCapEur: cap } = this.params;
    const t = this.nodes;
    const extra = extraNodesEur.filter((p) => p >= floor && p <= cap).sort((a, b) => a - b);
    const parts: NodeParts = { conventional: 0, flex: 0, demandResponse: 0, offered: 0 };
    let lastTicks = Number.NEGATIVE_INFINITY;
    const at = (node: number) => {
      const shifted = node + shiftEur;
      if (shifted < floor || shifted > cap) return;
      const priceTicks = toTicks(shifted);
      if (priceTicks <= lastTicks) return;
      lastTicks = priceTicks;
      visit(priceTicks, parts);
    };
    const extraAt = (node: number) => {
      parts.conventional = this.conventionalMw(node);
      parts.flex = this.flexMw(node);
      parts.demandResponse = this.demandResponseMw(node);
      parts.offered = this.renewableOfferedShare(node);
      at(node);
    };
    let j = 0;
    for (let i = 0; i < t.prices.length; i++) {
      const node = t.prices[i]!;
      while (j < extra.length && extra[j]! < node) extraAt(extra[j++]!);
      parts.conventional = t.conventional[i]!;
      parts.flex = t.flex[i]!;
      parts.demandResponse = t.demandResponse[i]!;
      parts.offered = t.offered[i]!;
      at(node);
    }
    while (j < extra.length) extraAt(extra[j++]!);
  }
}

let defaultOrder: MeritOrder | undefined;
function defaultMeritOrder(): MeritOrder {
  defaultOrder ??= new MeritOrder(GERMANY_2024_STACK);
  return defaultOrder;
}

/** Fundamental price in EUR/MWh of residual load `residualMw` (wind + solar `renewableMw`). */
export function fundamentalPrice(
  residualMw: number,
  renewableMw = 0,
  order: MeritOrder = defaultMeritOrder(),
): number {
  return order.price(residualMw, renewableMw);
}

/** The residual supply curve (price → MW) of a stack, at the published price nodes. */
export function supplyCurve(renewableMw = 0, order: MeritOrder = defaultMeritOrder()): SupplyPoint[] {
  return order.supplyCurve(renewableMw);
}

export interface SawtoothParams {
  /** Half the first-to-last quarter-hour spread per GW/h of residual-load ramp, EUR/MWh. */
  eurPerGwPerHour: number;
  /** Cap on the deviation of one quarter-hour, EUR/MWh. */
  capEur: number;
}

/**
 * The quarter-hour sawtooth: generation is scheduled in hourly blocks while residual load ramps
 * within the hour, so with rising residual load the first quarter-hour of an hour is long
 * (cheap) and the last short (dear), and the price drops back at the next full hour; falling
 * ramps mirror it. The ramp of each hour is the slope of residual load between its first and last
 * quarter-hour. Returns EUR/MWh per step; hours are UTC hours (German local hours too).
 */
export function quarterHourSawtooth(
  residualMw: ArrayLike<number>,
  startsMs: ArrayLike<number>,
  p: SawtoothParams,
): Float64Array {
  const n = residualMw.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; ) {
    const hourStart = Math.floor(startsMs[i]! / HOUR_MS) * HOUR_MS;
    let j = i;
    while (j < n && startsMs[j]! < hourStart + HOUR_MS) j++;
    if (j - i >= 2) {
      const firstQ = (startsMs[i]! - hourStart) / (HOUR_MS / 4);
      const lastQ = (startsMs[j - 1]! - hourStart) / (HOUR_MS / 4);
      const rampGwPerHour = ((residualMw[j - 1]! - residualMw[i]!) / (lastQ - firstQ)) * 4 * 1e-3;
      for (let k = i; k < j; k++) {
        const q = (startsMs[k]! - hourStart) / (HOUR_MS / 4);
        const dev = p.eurPerGwPerHour * rampGwPerHour * ((q - 1.5) / 1.5);
        out[k] = Math.max(-p.capEur, Math.min(p.capEur, dev));
      }
    }
    i = j;
  }
  return out;
}
