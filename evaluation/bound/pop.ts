// Percentage of perfect foresight for a battery agent: the price series of the two bounds from the
// run's settlement records, the four bounds, and the realised profits set against them
// (definitions in docs/evaluation.md).
import type { QuarterHourPrices } from '../../gen/flexarena/v1/evaluation.js';
import type { LpSolver } from '../../lib/index.js';
import type { PopFigure, PopScores } from '../scores.js';
import {
  type BatteryBoundSpec,
  type BoundPeriod,
  type BoundProblem,
  type BoundResult,
  solveBoundDp,
  solveBoundHighs,
  type Terminal,
} from './battery-bound.js';

const TICKS_PER_EUR = 100;
const QH_HOURS = 0.25;
/** A bound below this many EUR leaves nothing to be a percentage of. */
const MIN_BOUND_EUR = 1e-6;

export type BoundSolver = { kind: 'dp' } | { kind: 'highs'; solver: LpSolver };

/** Day-ahead bound: the day-ahead price both ways; quarter-hours without one cannot trade. */
export function dayAheadPeriod(p: QuarterHourPrices | undefined): BoundPeriod {
  const da = p?.dayAheadTicks;
  if (da === undefined) return { buyEurPerMwh: undefined, sellEurPerMwh: undefined };
  return { buyEurPerMwh: da / TICKS_PER_EUR, sellEurPerMwh: da / TICKS_PER_EUR };
}

/**
 * Multi-market bound: buy at the lowest and sell at the highest price the quarter-hour's energy
 * actually traded at (day-ahead, intraday auctions, continuous trades of its own and its hour's
 * product).
 */
export function multiMarketPeriod(p: QuarterHourPrices | undefined): BoundPeriod {
  if (!p) return { buyEurPerMwh: undefined, sellEurPerMwh: undefined };
  const prices = [p.dayAheadTicks, ...p.intradayAuctionTicks, p.cidLowTicks, p.cidHighTicks].filter(
    (x): x is number => x !== undefined,
  );
  if (prices.length === 0) return { buyEurPerMwh: undefined, sellEurPerMwh: undefined };
  return {
    buyEurPerMwh: Math.min(...prices) / TICKS_PER_EUR,
    sellEurPerMwh: Math.max(...prices) / TICKS_PER_EUR,
  };
}

export function solveBound(problem: BoundProblem, solver: BoundSolver): BoundResult {
  return solver.kind === 'dp' ? solveBoundDp(problem) : solveBoundHighs(solver.solver, problem);
}

function figure(result: BoundResult, realisedEur: number): PopFigure {
  if (result.status !== 'optimal') return { boundEur: null, pop: null, note: result.reason };
  const bound = result.objectiveEur;
  if (bound < MIN_BOUND_EUR)
    return { boundEur: bound, pop: null, note: 'the bound is not positive: no profitable schedule existed' };
  return { boundEur: bound, pop: realisedEur / bound };
}

export interface PopInputs {
  spec: BatteryBoundSpec;
  /** Per quarter-hour of the run, in delivery order. */
  prices: readonly (QuarterHourPrices | undefined)[];
  socEndMwh: number;
  referencePriceEurPerMwh: number;
  profitEur: number;
  socNeutralProfitEur: number;
}

export function popScores(i: PopInputs, solver: BoundSolver): PopScores {
  const da = i.prices.map(dayAheadPeriod);
  const multi = i.prices.map(multiMarketPeriod);
  const fixed: Terminal = { kind: 'fixed', socEndMwh: i.socEndMwh };
  const valued: Terminal = { kind: 'valued', refEurPerMwh: i.referencePriceEurPerMwh };
  const solve = (periods: BoundPeriod[], terminal: Terminal) =>
    solveBound({ spec: i.spec, periods, hours: QH_HOURS, terminal }, solver);
  return {
    dayAhead: figure(solve(da, fixed), i.profitEur),
    multiMarket: figure(solve(multi, fixed), i.profitEur),
    socNeutralDayAhead: figure(solve(da, valued), i.socNeutralProfitEur),
    socNeutralMultiMarket: figure(solve(multi, valued), i.socNeutralProfitEur),
  };
}
