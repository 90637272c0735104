// Throughput of the EV-fleet twin: market periods (three 5-minute control periods each) per wall
// second for |F| = 500 cars with the default stochastic rentals and a commitment that varies
// between 0 and 1.2 MW, so dispatch, substitution, refusals and imbalance are all exercised.
import { RandomStream } from '../../lib/index.js';
import { EvFleet } from '../../sim/assets/ev-fleet.js';

export interface EvFleetBenchOptions {
  /** Market periods to time (default 20 000 ≈ 208 days). */
  marketPeriods?: number;
  fleetSize?: number;
  seed?: number;
}

export function benchEvFleet(options: EvFleetBenchOptions = {}): { name: string; stepsPerSecond: number } {
  const marketPeriods = options.marketPeriods ?? 20_000;
  const fleetSize = options.fleetSize ?? 500;
  const fleet = new EvFleet(new RandomStream('bench.ev-fleet', options.seed ?? 4), { fleetSize });
  const commitment = (h: number) => ({
    balancingMw: 0.4 + 0.3 * Math.sin((2 * Math.PI * h) / 96),
    intradayMw: 0.1 * (h % 5),
  });
  // Warm-up so the JIT has compiled the hot loop before timing.
  for (let h = 0; h < 200; h++) fleet.stepMarketPeriod(commitment(h));
  const start = performance.now();
  for (let h = 0; h < marketPeriods; h++) fleet.stepMarketPeriod(commitment(h));
  const seconds = (performance.now() - start) / 1000;
  return {
    name: `ev-fleet |F|=${fleetSize}, market period = 3 control periods`,
    stepsPerSecond: marketPeriods / seconds,
  };
}
