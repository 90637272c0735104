import { NamedRng } from '../../lib/index.js';
import { consecutiveDays, HOUR_MS } from '../../sim/world/time.js';
import { createWorld } from '../../sim/world/world.js';

export interface WorldBench {
  steps: number;
  /** Median wall time of one full generation, ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Forecast issues and forecast points retrieved per run. */
  forecastIssues: number;
  forecastPoints: number;
  runs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** One full year: create the world, then read every hourly forecast in publication order. */
function once(seed: number): { ms: number; steps: number; issues: number; points: number } {
  const t0 = performance.now();
  const world = createWorld({}, new NamedRng(seed), consecutiveDays('2025-01-01', 365));
  const first = world.stepStartMs(0) - 24 * HOUR_MS;
  let points = 0;
  const issues = world.forecastIssueTimes(first, world.stepStartMs(world.steps - 1));
  for (const t of issues) points += world.forecastAt(t).length;
  return { ms: performance.now() - t0, steps: world.steps, issues: issues.length, points };
}

export function benchWorldYear(runs = 5): WorldBench {
  once(0); // warm-up (JIT), not counted
  const samples = Array.from({ length: runs }, (_, i) => once(i + 1));
  const ms = samples.map((s) => s.ms);
  return {
    steps: samples[0]!.steps,
    medianMs: median(ms),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    forecastIssues: samples[0]!.issues,
    forecastPoints: samples[0]!.points,
    runs,
  };
}
