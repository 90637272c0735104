// The two-stage stochastic battery LP of seed 003's stochastic benchmark (Mohammadi & Hesamzadeh,
// problem (1) with NS equally likely scenarios), as the zoo's stochastic optimiser uses it:
//
//   maximise  Σ_s τ_s [ h Σ_t ( p_st (x_t − y_t) [day-ahead stage]  +  (p_st − κ) r⁻_st − (p_st + κ) r⁺_st )
//                        − deg h Σ_t (c_st + d_st) + v e_sn ]
//             + h Σ_t Σ_k ( q⁻_tk z⁻_tk − q⁺_tk z⁺_tk )                           [book stage]
//   s.t.      c_st − d_st = held_t + (x_t − y_t) + Σ_k (z⁺_tk − z⁻_tk) + r⁺_st − r⁻_st + u_st − w_st
//             e_s,t+1 = e_st + η_c c_st h − d_st h / η_d,   socMin ≤ e_st ≤ socMax,   0 ≤ c, d ≤ P
//
// First stage (non-anticipative, the same in every scenario): what is decided now — either a
// day-ahead schedule x − y, settled at each scenario's price (the auction clears at the realised
// price), or trades on the current books z (known prices, as in battery-book-lp.ts). Second stage
// (recourse, per scenario): later continuous trades r at the scenario's price ± κ (the cost of
// trading later: half-spread and impact) in periods still tradable later, and the battery's
// dispatch c, d and SoC e. τ_s = 1/NS. u, w (power the battery cannot follow, cost M) keep the
// problem feasible when held positions already break the battery's limits.
//
// The first stage must be feasible on its own: with the same constraints, one more dispatch
// (c⁰, d⁰, e⁰, slack u⁰, w⁰ at cost M) has to follow held + (x − y) + Σ_k (z⁺ − z⁻) with no recourse
//   c⁰_t − d⁰_t = held_t + (x_t − y_t) + Σ_k (z⁺_tk − z⁻_tk) + u⁰_t − w⁰_t,   e⁰ within its bounds.
// Without it the LP committed more than the battery can do whenever recourse at scenario prices
// made that pay — selling the same energy in two quarter-hours day-ahead and buying back the
// dearer one later, or buying a cheap book beyond the power limit to sell it again later — and
// where the later trade never came (a thin book before the gate) the twin clipped the schedule.

import type { BatteryLimits, LpSolver } from '../../lib/index.js';
import type { PriceSegment } from './battery-book-lp.js';
import { checkEfficiencyAndSoc, fieldError, linearExpr, lpNumber } from './lp-text.js';

export interface StochasticPeriod {
  /** Length of this period, hours (default: the problem's `hours`); far periods may be hours. */
  hours?: number;
  heldMw: number;
  /** A day-ahead first-stage schedule is chosen for this period (settled at scenario prices). */
  dayAhead?: boolean;
  /** First-stage trades on the current book. */
  bookBuy?: PriceSegment[];
  bookSell?: PriceSegment[];
  /** Later (recourse) trades allowed at scenario price ± κ. */
  recourse: boolean;
}

export interface StochasticProblem extends BatteryLimits {
  periods: StochasticPeriod[];
  /** Scenario prices, EUR/MWh: scenarios[s][t]. Equally likely. */
  scenarios: number[][];
  soc0Mwh: number;
  terminalValueEurPerMwh: number;
  degradationEurPerMwh?: number;
  /** κ: cost of a later trade per MWh, EUR. */
  recourseCostEurPerMwh: number;
  slackPenaltyEurPerMwh?: number;
}

export interface StochasticPlan {
  /** First-stage day-ahead net per period, MW (0 where not a day-ahead period). */
  dayAheadMw: number[];
  /** First-stage MW bought / sold on each book segment, [period][segment]. */
  boughtMw: number[][];
  soldMw: number[][];
  /** Expected objective, EUR. */
  objectiveEur: number;
}

const num = lpNumber('stochastic LP');

/** Collects coefficients per variable (so a variable appears once in the objective). */
class Terms {
  private readonly m = new Map<string, number>();
  add(coef: number, v: string): this {
    if (coef !== 0) this.m.set(v, (this.m.get(v) ?? 0) + coef);
    return this;
  }
  text(): string {
    // Sums that cancelled to float noise are left out like zeros.
    const terms: [number, string][] = [];
    for (const [v, coef] of this.m) if (!(Math.abs(coef) < 1e-12)) terms.push([coef, v]);
    return linearExpr(terms, num, '0 c0_0');
  }
}

export function validateStochastic(p: StochasticProblem): void {
  const bad = fieldError('stochastic LP');
  const n = p.periods.length;
  if (n === 0) bad('periods', 'is empty');
  if (p.scenarios.length === 0) bad('scenarios', 'is empty');
  p.scenarios.forEach((s, i) => {
    if (s.length !== n) bad(`scenarios[${i}]`, `must have ${n} prices`);
    if (!s.every(Number.isFinite)) bad(`scenarios[${i}]`, 'must be finite');
  });
  checkEfficiencyAndSoc(p, bad);
  if (!(p.recourseCostEurPerMwh >= 0)) bad('recourseCostEurPerMwh', 'must be >= 0');
}

export function buildStochasticLp(p: StochasticProblem): string {
  validateStochastic(p);
  const n = p.periods.length;
  const ns = p.scenarios.length;
  const tau = 1 / ns;
  const deg = p.degradationEurPerMwh ?? 0;
  const m = p.slackPenaltyEurPerMwh ?? 100_000;
  const obj = new Terms();
  const rows: string[] = [];
  const bounds: string[] = [];
  const clampSoc = (x: number) => Math.min(p.socMaxMwh, Math.max(p.socMinMwh, x));
  p.periods.forEach((per, t) => {
    const h = per.hours ?? p.hours;
    if (per.dayAhead)
      bounds.push(` 0 <= xa${t} <= ${num(2 * p.powerMw)}`, ` 0 <= ya${t} <= ${num(2 * p.powerMw)}`);
    // The first stage's own dispatch (see the header): what is committed now, with no recourse.
    const first = new Terms().add(1, `fc${t}`).add(-1, `fd${t}`).add(-1, `fu${t}`).add(1, `fw${t}`);
    if (per.dayAhead) first.add(-1, `xa${t}`).add(1, `ya${t}`);
    (per.bookBuy ?? []).forEach((_, k) => {
      first.add(-1, `zb${t}_${k}`);
    });
    (per.bookSell ?? []).forEach((_, k) => {
      first.add(1, `zs${t}_${k}`);
    });
    rows.push(` f${t}: ${first.text()} = ${num(per.heldMw)}`);
    const firstBal = new Terms().add(1, `fe${t}`);
    if (t > 0) firstBal.add(-1, `fe${t - 1}`);
    firstBal.add(-p.etaCharge * h, `fc${t}`).add(h / p.etaDischarge, `fd${t}`);
    rows.push(` g${t}: ${firstBal.text()} = ${num(t === 0 ? clampSoc(p.soc0Mwh) : 0)}`);
    obj.add(-m, `fu${t}`).add(-m, `fw${t}`);
    bounds.push(
      ` 0 <= fc${t} <= ${num(p.powerMw)}`,
      ` 0 <= fd${t} <= ${num(p.powerMw)}`,
      ` ${num(p.socMinMwh)} <= fe${t} <= ${num(p.socMaxMwh)}`,
    );
    (per.bookBuy ?? []).forEach((sg, k) => {
      obj.add(-sg.priceEur * h, `zb${t}_${k}`);
      bounds.push(` 0 <= zb${t}_${k} <= ${num(sg.maxMw)}`);
    });
    (per.bookSell ?? []).forEach((sg, k) => {
      obj.add(sg.priceEur * h, `zs${t}_${k}`);
      bounds.push(` 0 <= zs${t}_${k} <= ${num(sg.maxMw)}`);
    });
  });
  for (let s = 0; s < ns; s++) {
    const prices = p.scenarios[s]!;
    p.periods.forEach((per, t) => {
      const h = per.hours ?? p.hours;
      const price = prices[t]!;
      const v = (name: string) => `${name}${s}_${t}`;
      obj.add(-tau * deg * h, v('c')).add(-tau * deg * h, v('d'));
      obj.add(-tau * m, v('u')).add(-tau * m, v('w'));
      const net = new Terms().add(1, v('c')).add(-1, v('d')).add(-1, v('u')).add(1, v('w'));
      if (per.dayAhead) {
        obj.add(-tau * price * h, `xa${t}`).add(tau * price * h, `ya${t}`);
        net.add(-1, `xa${t}`).add(1, `ya${t}`);
      }
      (per.bookBuy ?? []).forEach((_, k) => {
        net.add(-1, `zb${t}_${k}`);
      });
      (per.bookSell ?? []).forEach((_, k) => {
        net.add(1, `zs${t}_${k}`);
      });
      if (per.recourse) {
        obj.add(-tau * (price + p.recourseCostEurPerMwh) * h, v('rb'));
        obj.add(tau * (price - p.recourseCostEurPerMwh) * h, v('rs'));
        net.add(-1, v('rb')).add(1, v('rs'));
        bounds.push(` 0 <= ${v('rb')} <= ${num(2 * p.powerMw)}`, ` 0 <= ${v('rs')} <= ${num(2 * p.powerMw)}`);
      }
      rows.push(` n${s}_${t}: ${net.text()} = ${num(per.heldMw)}`);
      const bal = new Terms().add(1, v('e'));
      if (t > 0) bal.add(-1, `e${s}_${t - 1}`);
      bal.add(-p.etaCharge * h, v('c')).add(h / p.etaDischarge, v('d'));
      rows.push(` b${s}_${t}: ${bal.text()} = ${num(t === 0 ? clampSoc(p.soc0Mwh) : 0)}`);
      bounds.push(
        ` 0 <= ${v('c')} <= ${num(p.powerMw)}`,
        ` 0 <= ${v('d')} <= ${num(p.powerMw)}`,
        ` ${num(p.socMinMwh)} <= ${v('e')} <= ${num(p.socMaxMwh)}`,
      );
    });
    obj.add(tau * p.terminalValueEurPerMwh, `e${s}_${n - 1}`);
  }
  return ['Maximize', ` obj: ${obj.text()}`, 'Subject To', ...rows, 'Bounds', ...bounds, 'End', ''].join(
    '\n',
  );
}

// Dual simplex without presolve was the fastest of HiGHS's choices on these block-structured problems.
const SOLVER_OPTIONS = {
  output_flag: false,
  presolve: 'off',
  solver: 'simplex',
  threads: 1,
  random_seed: 0,
} as const;

export function solveStochasticLp(solver: LpSolver, p: StochasticProblem): StochasticPlan {
  const res = solver.solve(buildStochasticLp(p), SOLVER_OPTIONS);
  if (res.Status !== 'Optimal') throw new Error(`stochastic LP: HiGHS status ${res.Status}`);
  const col = (name: string) => Math.max(0, res.Columns[name]?.Primal ?? 0);
  return {
    dayAheadMw: p.periods.map((per, t) => (per.dayAhead ? col(`xa${t}`) - col(`ya${t}`) : 0)),
    boughtMw: p.periods.map((per, t) => (per.bookBuy ?? []).map((_, k) => col(`zb${t}_${k}`))),
    soldMw: p.periods.map((per, t) => (per.bookSell ?? []).map((_, k) => col(`zs${t}_${k}`))),
    objectiveEur: res.ObjectiveValue,
  };
}

export interface ScenarioErrorModel {
  /** Sd of the price forecast error at 24 h lead, EUR/MWh. */
  sd24hEur: number;
  /** Share of that sd left at lead 0. */
  shortLeadShare: number;
  /** AR(1) coefficient of the error between consecutive quarter-hours. */
  stepRho: number;
}

/**
 * `count` price scenarios around a forecast: forecast_t + sd(lead_t) · z_t with z an AR(1) series
 * across quarter-hours and sd(lead) = sd24 · (f + (1 − f) · sqrt(min(lead, 48 h) / 24 h)), the
 * error shape the world's forecasts are documented to have (errors shrink toward delivery).
 */
export function sampleScenarios(
  forecastEur: number[],
  leadHours: number[],
  count: number,
  model: ScenarioErrorModel,
  normal: () => number,
): number[][] {
  const f = model.shortLeadShare;
  const rho = model.stepRho;
  const innovation = Math.sqrt(1 - rho * rho);
  return Array.from({ length: count }, () => {
    let z = normal();
    return forecastEur.map((price, t) => {
      if (t > 0) z = rho * z + innovation * normal();
      const lead = Math.max(0, leadHours[t]!);
      const sd = model.sd24hEur * (f + (1 - f) * Math.sqrt(Math.min(lead, 48) / 24));
      return price + sd * z;
    });
  });
}
