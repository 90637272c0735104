// Throughput of the asset twins: `npm run bench:world`.
// Inputs are deterministic (fixed patterns and seeded synthetic profiles); only the timing varies.
import { NamedRng } from '../../lib/index.js';
import { BatteryTwin, type BatteryTwinSpec } from '../../sim/assets/battery.js';
import { syntheticGenerationMw } from '../../sim/assets/profiles.js';
import {
  DiscreteActionProsumer,
  RenewableBatteryProsumer,
  SEED003_ACTIONS,
} from '../../sim/assets/prosumer.js';
import {
  type HouseholdSpec,
  ResidentialPool,
  syntheticPoolHouseholds,
} from '../../sim/assets/residential-pool.js';

export interface TwinBench {
  name: string;
  stepsPerSecond: number;
}

export interface BenchOptions {
  /** Minimum measured time per twin, ms (default 400). */
  minMs?: number;
}

const BATTERY: BatteryTwinSpec = {
  type: 'battery',
  powerMw: 10,
  energyMwh: 20,
  etaCharge: 0.95,
  etaDischarge: 0.95,
  socMin: 0.05,
  socMax: 0.95,
  socInitial: 0.5,
  degradationEurPerMwh: 5,
};

/** Runs `batch` (which returns the steps it ran) until minMs have passed; steps per second. */
function measure(minMs: number, batch: () => number): number {
  for (let i = 0; i < 3; i++) batch(); // warm-up
  let steps = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    steps += batch();
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return (steps / elapsed) * 1000;
}

function tile<T>(day: readonly T[], days: number): T[] {
  const out: T[] = [];
  for (let d = 0; d < days; d++) out.push(...day);
  return out;
}

export function benchTwins(options: BenchOptions = {}): TwinBench[] {
  const minMs = options.minMs ?? 400;
  const rng = new NamedRng(20240601);
  let sink = 0;
  const out: TwinBench[] = [];

  // BatteryTwin.step: a fixed ±1800 kWh pattern with a clipped step now and then.
  const pattern = [1800, 1800, -1200, 3000, -2500, -2600, 0, 900];
  out.push({
    name: 'BatteryTwin.step',
    stepsPerSecond: measure(minMs, () => {
      const b = new BatteryTwin('bench', BATTERY);
      for (let i = 0; i < 10_000; i++) sink += b.step(pattern[i & 7]!, 0.25).meteredKwh;
      sink += b.degradationCostEur;
      return 10_000;
    }),
  });

  // Prosumer: a 30-day seed-002 style profile, sold = gen ± a fixed swing.
  const day = syntheticGenerationMw(
    { steps: 96, stepHours: 0.25, peakMw: 8, noise: 0.05, spike: 0.3 },
    rng.stream('bench.generation'),
  );
  const gen = tile(day, 30);
  const swing = [0, 2, -3, 5, -1, 12, 0.5, -8];
  out.push({
    name: 'RenewableBatteryProsumer.step',
    stepsPerSecond: measure(minMs, () => {
      const p = new RenewableBatteryProsumer({ id: 'bench', battery: BATTERY, generationMw: gen });
      for (let t = 0; t < gen.length; t++) sink += p.step(gen[t]! + swing[t & 7]!).exportKwh;
      return gen.length;
    }),
  });

  out.push({
    name: 'DiscreteActionProsumer.step (seed 003, 5 actions)',
    stepsPerSecond: measure(minMs, () => {
      const d = new DiscreteActionProsumer(
        new RenewableBatteryProsumer({
          id: 'bench',
          battery: { ...BATTERY, socMin: 0, socMax: 1 },
          generationMw: gen,
          allowImport: true,
        }),
      );
      for (let t = 0; t < gen.length; t++) sink += d.stepIndex(t % SEED003_ACTIONS.length).exportKwh;
      return gen.length;
    }),
  });

  // Pool: N = 30, ΔT = 15 min, 10 days of T = 96; every step Alg. 1-2, Alg. 4 for a request that
  // sweeps −80 %..+80 % of the potential, then Alg. 3 and metering.
  const days = 10;
  const households: HouseholdSpec[] = syntheticPoolHouseholds(rng.stream('bench.pool'), {
    households: 30,
    steps: 96,
  }).map((h) => ({ ...h, pvMw: tile(h.pvMw, days), loadMw: tile(h.loadMw, days) }));
  const sweep = [-0.8, -0.4, 0, 0.3, 0.8, 0.1, -0.2, 0.5];
  out.push({
    name: 'ResidentialPool step N=30 (Alg. 1-4 + advance)',
    stepsPerSecond: measure(minMs, () => {
      const pool = new ResidentialPool(households);
      for (let t = 0; t < pool.steps; t++) {
        const f = pool.flexibility(t);
        const s = sweep[t & 7]!;
        const act = pool.activate(t, s >= 0 ? s * f.VcMw : -s * f.VdMw);
        sink += pool.advance(t, act).meteredKwh;
      }
      return pool.steps;
    }),
  });

  if (Number.isNaN(sink)) throw new Error('bench sink is NaN');
  return out;
}
