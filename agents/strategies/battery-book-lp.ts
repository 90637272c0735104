// A battery schedule against prices that depend on how much is traded: each quarter-hour offers
// price segments to buy and to sell (the levels of its order book, or a modelled price impact),
// and the LP chooses how much of each to take. This is the optimisation behind the rolling
// intrinsic trader (segments: the visible book) and the price-making battery (segments: the book
// now plus its own modelled impact for what it trades later).
//
//   maximise  h Σ_t [ Σ_k q⁻_tk x⁻_tk − Σ_k q⁺_tk x⁺_tk ] − deg h Σ_t (c_t + d_t) + v s_n − M·slacks
//   s.t.      c_t − d_t − Σ_k x⁺_tk + Σ_k x⁻_tk + u_t − w_t = held_t        (net power, MW)
//             s_{t+1} = s_t + η_c c_t h − d_t h / η_d                           (s_0 = soc0)
//             s_t + lo_t ≥ socMin,  s_t − hi_t ≤ socMax,  s_n + e ≥ endSocMin
//             0 ≤ c_t, d_t ≤ P;   0 ≤ x⁺_tk, x⁻_tk ≤ segment size
//
// x⁺ buys at price q⁺ (segments cheapest first), x⁻ sells at q⁻ (dearest first); since prices
// get worse along the segments, the LP fills them in order without integer variables. held_t is
// the position already held (its cash is sunk). The slacks u, w (power the battery cannot follow)
// and lo, hi, e (SoC bounds) cost M and are zero whenever the held positions allow a feasible
// schedule.

import type { BookDepth } from '../../gen/flexarena/v1/market.js';
import type { Action } from '../../gen/flexarena/v1/session.js';
import type { BatteryLimits, LpSolver } from '../../lib/index.js';
import { submit } from '../sdk/actions.js';
import { checkEfficiencyAndSoc, checkPeriodAndPower, fieldError, linearExpr, lpNumber } from './lp-text.js';

export interface PriceSegment {
  /** EUR/MWh. */
  priceEur: number;
  /** Size, MW. */
  maxMw: number;
  /** Tradable now (a resting order in the book); otherwise an expected later trade. */
  now: boolean;
}

export interface BookLpPeriod {
  /** Net position already held (> 0 charge), MW. */
  heldMw: number;
  /** Ways to buy more, cheapest first. */
  buy: PriceSegment[];
  /** Ways to sell, dearest first. */
  sell: PriceSegment[];
}

export interface BookLpProblem extends BatteryLimits {
  periods: BookLpPeriod[];
  soc0Mwh: number;
  endSocMinMwh?: number;
  terminalValueEurPerMwh?: number;
  degradationEurPerMwh?: number;
  slackPenaltyEurPerMwh?: number;
}

export interface BookLpPlan {
  /** Net grid power of each period (held + traded), MW. */
  netMw: number[];
  /** SoC before period 0 … after the last; length n + 1. */
  socMwh: number[];
  /** MW bought / sold on each segment, [period][segment]. */
  boughtMw: number[][];
  soldMw: number[][];
  /** Cash of the new trades minus degradation, EUR (terminal value and slacks excluded). */
  profitEur: number;
  slackMw: number;
}

const num = lpNumber('book LP');

function expr(terms: [number, string][]): string {
  return linearExpr(terms, num, '0 c0');
}

export function validateBookLp(p: BookLpProblem): void {
  const bad = fieldError('book LP');
  if (p.periods.length === 0) bad('periods', 'is empty');
  checkPeriodAndPower(p, bad);
  checkEfficiencyAndSoc(p, bad);
  p.periods.forEach((per, t) => {
    if (!Number.isFinite(per.heldMw)) bad(`periods[${t}].heldMw`, 'must be finite');
    for (const [side, segs] of [
      ['buy', per.buy],
      ['sell', per.sell],
    ] as const)
      segs.forEach((s, k) => {
        if (!Number.isFinite(s.priceEur)) bad(`periods[${t}].${side}[${k}].priceEur`, 'must be finite');
        if (!(s.maxMw >= 0 && Number.isFinite(s.maxMw)))
          bad(`periods[${t}].${side}[${k}].maxMw`, 'must be >= 0');
      });
  });
}

export function buildBookLp(p: BookLpProblem): string {
  validateBookLp(p);
  const n = p.periods.length;
  const h = p.hours;
  const deg = p.degradationEurPerMwh ?? 0;
  const m = p.slackPenaltyEurPerMwh ?? 100_000;
  const obj: [number, string][] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  for (let t = 0; t < n; t++) {
    const per = p.periods[t]!;
    obj.push([-deg * h, `c${t}`], [-deg * h, `d${t}`], [-m, `u${t}`], [-m, `w${t}`]);
    const net: [number, string][] = [
      [1, `c${t}`],
      [-1, `d${t}`],
      [1, `u${t}`],
      [-1, `w${t}`],
    ];
    per.buy.forEach((s, k) => {
      obj.push([-s.priceEur * h, `b${t}_${k}`]);
      net.push([-1, `b${t}_${k}`]);
      bounds.push(` 0 <= b${t}_${k} <= ${num(s.maxMw)}`);
    });
    per.sell.forEach((s, k) => {
      obj.push([s.priceEur * h, `x${t}_${k}`]);
      net.push([1, `x${t}_${k}`]);
      bounds.push(` 0 <= x${t}_${k} <= ${num(s.maxMw)}`);
    });
    rows.push(` net${t}: ${expr(net)} = ${num(per.heldMw)}`);
    const bal: [number, string][] = [[1, `s${t + 1}`]];
    if (t > 0) bal.push([-1, `s${t}`]);
    bal.push([-p.etaCharge * h, `c${t}`], [h / p.etaDischarge, `d${t}`]);
    rows.push(` bal${t}: ${expr(bal)} = ${num(t === 0 ? p.soc0Mwh : 0)}`);
    rows.push(` min${t + 1}: s${t + 1} + lo${t + 1} >= ${num(p.socMinMwh)}`);
    rows.push(` max${t + 1}: s${t + 1} - hi${t + 1} <= ${num(p.socMaxMwh)}`);
    obj.push([-m, `lo${t + 1}`], [-m, `hi${t + 1}`]);
    bounds.push(` 0 <= c${t} <= ${num(p.powerMw)}`, ` 0 <= d${t} <= ${num(p.powerMw)}`, ` s${t + 1} free`);
  }
  if (p.endSocMinMwh !== undefined) {
    rows.push(` end: s${n} + e >= ${num(p.endSocMinMwh)}`);
    obj.push([-m, 'e']);
  }
  if (p.terminalValueEurPerMwh) obj.push([p.terminalValueEurPerMwh, `s${n}`]);
  return ['Maximize', ` obj: ${expr(obj)}`, 'Subject To', ...rows, 'Bounds', ...bounds, 'End', ''].join('\n');
}

const SOLVER_OPTIONS = { output_flag: false, presolve: 'off', threads: 1, random_seed: 0 } as const;

export function solveBookLp(solver: LpSolver, p: BookLpProblem): BookLpPlan {
  const res = solver.solve(buildBookLp(p), SOLVER_OPTIONS);
  if (res.Status !== 'Optimal') throw new Error(`book LP: HiGHS status ${res.Status}`);
  const col = (name: string) => Math.max(0, res.Columns[name]?.Primal ?? 0);
  const h = p.hours;
  const deg = p.degradationEurPerMwh ?? 0;
  const netMw: number[] = [];
  const socMwh = [p.soc0Mwh];
  const boughtMw: number[][] = [];
  const soldMw: number[][] = [];
  let profitEur = 0;
  let slackMw = 0;
  p.periods.forEach((per, t) => {
    const b = per.buy.map((_, k) => col(`b${t}_${k}`));
    const x = per.sell.map((_, k) => col(`x${t}_${k}`));
    boughtMw.push(b);
    soldMw.push(x);
    netMw.push(per.heldMw + b.reduce((a, v) => a + v, 0) - x.reduce((a, v) => a + v, 0));
    socMwh.push(res.Columns[`s${t + 1}`]?.Primal ?? 0);
    profitEur +=
      h *
        (x.reduce((a, v, k) => a + v * per.sell[k]!.priceEur, 0) -
          b.reduce((a, v, k) => a + v * per.buy[k]!.priceEur, 0)) -
      deg * h * (col(`c${t}`) + col(`d${t}`));
    slackMw += col(`u${t}`) + col(`w${t}`);
  });
  return { netMw, socMwh, boughtMw, soldMw, profitEur, slackMw };
}

/** The resting levels of one side of a book as segments tradable now (asks to buy, bids to sell). */
export function bookSegments(book: BookDepth | undefined, side: 'buy' | 'sell'): PriceSegment[] {
  const levels = side === 'buy' ? book?.asks : book?.bids;
  return (levels ?? []).map((l) => ({ priceEur: l.priceTicks / 100, maxMw: l.quantityLots / 10, now: true }));
}

/**
 * Segments of a modelled price impact around a reference price: `count` segments of
 * `totalMw / count` each, the k-th at ref ± (halfSpread + slope × (k + ½) × size), so buying
 * q MW costs about ref + halfSpread + slope·q/2 on average.
 */
export function impactSegments(
  refEur: number,
  side: 'buy' | 'sell',
  o: { halfSpreadEur: number; slopeEurPerMw: number; totalMw: number; count: number; now?: boolean },
): PriceSegment[] {
  if (o.totalMw <= 0 || o.count < 1) return [];
  const size = o.totalMw / o.count;
  const sign = side === 'buy' ? 1 : -1;
  return Array.from({ length: o.count }, (_, k) => ({
    priceEur: refEur + sign * (o.halfSpreadEur + o.slopeEurPerMw * (k + 0.5) * size),
    maxMw: size,
    now: o.now ?? false,
  }));
}

/** The limit price (ticks) that reaches `lots` on one side of the book, or undefined if too thin. */
export function sweepLimitTicks(
  book: BookDepth | undefined,
  side: 'buy' | 'sell',
  lots: number,
): number | undefined {
  const levels = side === 'buy' ? book?.asks : book?.bids;
  let left = lots;
  for (const l of levels ?? []) {
    left -= l.quantityLots;
    if (left <= 0) return l.priceTicks;
  }
  return undefined;
}

/** A plan's MW as whole lots, toward zero (a small tolerance absorbs the solver's float noise). */
export function tradeLotsOf(netMw: number): number {
  return Math.trunc(netMw * 10 + (netMw > 0 ? 1e-6 : -1e-6));
}

/**
 * A plan's trades of one wake-up in whole lots. `plannedLots[t]` is what the LP trades in the t-th
 * consecutive quarter-hour from the SoC `soc0Mwh`, in (fractional) lots; undefined: not traded
 * now. The LP's plan keeps the SoC bounds in MW; its lots, each rounded toward zero on its own,
 * need not (buying 55.4 lots to sell 50 later: 55 bought leave the 50 sold 10 kWh short of the
 * SoC minimum, which the battery then clips — an imbalance the plan never meant). So, walking the
 * schedule that `heldLots` plus the trades leave: a trade is rounded toward zero where that keeps
 * the SoC within its bounds, else away from zero (one lot more than the LP's fraction, at most)
 * where that does or comes closer, else shortened toward zero as far as the bounds need — never
 * reversed. What a trade no longer does, the next re-optimisation plans again.
 */
export function socSafeTradeLots(
  b: Pick<BatteryLimits, 'etaCharge' | 'etaDischarge' | 'socMinMwh' | 'socMaxMwh'> & { hours?: number },
  soc0Mwh: number,
  heldLots: readonly number[],
  plannedLots: readonly (number | undefined)[],
): number[] {
  const lotMwh = 0.1 * (b.hours ?? 0.25);
  let soc = soc0Mwh;
  return heldLots.map((held, t) => {
    const x = plannedLots[t];
    let trade = 0;
    if (x !== undefined) {
      // The schedules of this period that keep the SoC within its bounds: [lo, hi] lots.
      const hi = Math.floor((b.socMaxMwh - soc) / (b.etaCharge * lotMwh) + 1e-9);
      const lo = -Math.floor(((soc - b.socMinMwh) * b.etaDischarge) / lotMwh + 1e-9);
      const outside = (c: number) => Math.max(0, lo - (held + c), held + c - hi);
      const toward = Math.trunc(x + (x > 0 ? 1e-6 : -1e-6));
      const away = Math.abs(x - toward) > 1e-6 ? toward + Math.sign(x) : toward;
      if (outside(toward) === 0) trade = toward;
      else if (outside(away) < outside(toward)) trade = away;
      else {
        const target = Math.min(Math.max(held, hi), Math.max(Math.min(held, lo), held + toward));
        trade = toward > 0 ? Math.max(0, target - held) : Math.min(0, target - held);
      }
    }
    const mwh = (held + trade) * lotMwh;
    soc = Math.min(
      b.socMaxMwh,
      Math.max(b.socMinMwh, soc + (mwh >= 0 ? mwh * b.etaCharge : mwh / b.etaDischarge)),
    );
    return trade === 0 ? 0 : trade;
  });
}

/**
 * The IOC order that trades a plan's net MW in one product against the book, at the limit that
 * sweeps it: whole lots toward zero, none below `minLots`, none when the book is too thin.
 */
export function sweepOrder(
  book: BookDepth | undefined,
  productId: string,
  netMw: number,
  minLots: number,
  refPrefix: string,
): Action | undefined {
  return sweepOrderLots(book, productId, tradeLotsOf(netMw), minLots, refPrefix);
}

/** sweepOrder for a trade already in whole lots (> 0 buy, < 0 sell). */
export function sweepOrderLots(
  book: BookDepth | undefined,
  productId: string,
  lots: number,
  minLots: number,
  refPrefix: string,
): Action | undefined {
  if (lots === 0 || Math.abs(lots) < minLots) return undefined;
  const side = lots > 0 ? 'buy' : 'sell';
  const limit = sweepLimitTicks(book, side, Math.abs(lots));
  if (limit === undefined) return undefined;
  return submit({
    productId,
    side,
    priceTicks: limit,
    quantityLots: Math.abs(lots),
    tif: 'IOC',
    clientRef: `${refPrefix}-${side}`,
  });
}

export interface DepthEstimate {
  /** Half the best bid-ask spread, EUR/MWh. */
  halfSpreadEur: number;
  /** Price move per MW taken from one side, EUR/MWh per MW. */
  slopeEurPerMw: number;
}

/**
 * Half-spread and slope of the books that show both sides (medians over products). The slope of
 * one side is (price of the deepest visible level − best price) / (MW resting before that level):
 * the price a sweep of that size walks.
 */
export function estimateDepth(books: readonly BookDepth[]): DepthEstimate | undefined {
  const halves: number[] = [];
  const slopes: number[] = [];
  for (const b of books) {
    const bid = b.bids[0];
    const ask = b.asks[0];
    if (!bid || !ask || ask.priceTicks <= bid.priceTicks) continue;
    halves.push((ask.priceTicks - bid.priceTicks) / 200);
    for (const levels of [b.asks, b.bids]) {
      if (levels.length < 2) continue;
      const last = levels[levels.length - 1]!;
      const mw = levels.slice(0, -1).reduce((a, l) => a + l.quantityLots, 0) / 10;
      if (mw > 0) slopes.push(Math.abs(last.priceTicks - levels[0]!.priceTicks) / 100 / mw);
    }
  }
  if (halves.length === 0 || slopes.length === 0) return undefined;
  return { halfSpreadEur: median(halves), slopeEurPerMw: median(slopes) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
