// The end of a plan on the price forecasts, as the forecast-driven batteries (price-maker-battery,
// stochastic-battery) draw it: how far the forecasts reach, and what the energy the plan leaves
// in the battery there is worth — the mean forecast of the last delivery day, taken when a
// forecast first covers that whole day, so the plan neither drains nor fills the battery for
// nothing (the same valuation as the SoC-neutral score).

import { MarketView } from '../sdk/market-view.js';

/** The latest delivery start among the forecast products before `endMs`; `firstMs` if none is later. */
export function lastForecastStart(
  prices: ReadonlyMap<string, number>,
  firstMs: number,
  endMs: number,
): number {
  let last = firstMs;
  for (const id of prices.keys()) {
    const s = MarketView.deliveryStart(id);
    if (s !== undefined && s < endMs && s > last) last = s;
  }
  return last;
}

/** Mean forecast of each delivery day, learnt from the first forecasts that cover all of it. */
export class DayMeanValue {
  /** EUR/MWh by day token ("YYYYMMDD"). */
  private readonly meanEur = new Map<string, number>();

  /** Records the mean of every day not known yet whose 96 quarter-hours the forecasts cover. */
  learn(prices: ReadonlyMap<string, number>): void {
    const days = new Map<string, number[]>();
    for (const [id, p] of prices) {
      const day = MarketView.dayOf(id);
      if (day === undefined || this.meanEur.has(day)) continue;
      const list = days.get(day) ?? [];
      list.push(p);
      days.set(day, list);
    }
    for (const [day, list] of days)
      if (list.length >= 96) this.meanEur.set(day, list.reduce((a, p) => a + p, 0) / list.length / 100);
  }

  /** The day means learnt, by day token (a strategy's saveState). */
  saved(): Record<string, number> {
    return Object.fromEntries(this.meanEur);
  }

  /** Day means saved before (a strategy's loadState): a day's mean is learnt once, from its first full forecast. */
  restore(means: Iterable<[string, number]>): void {
    this.meanEur.clear();
    for (const [day, mean] of means) this.meanEur.set(day, mean);
  }

  /** Terminal value: the mean forecast of the last period's day, else `fallbackEur`. */
  terminalValue(lastId: string, fallbackEur: number): number {
    const day = MarketView.dayOf(lastId);
    return (day !== undefined ? this.meanEur.get(day) : undefined) ?? fallbackEur;
  }
}
