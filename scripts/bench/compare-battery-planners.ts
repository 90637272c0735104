// temporary: run the pace line-up in-process; the LP batteries plan with the DP and, beside it, HiGHS; count differences.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { solveBatteryLp } from '../../agents/strategies/battery-lp.js';
import { createStrategy } from '../../agents/strategies/index.js';
import { LpBattery } from '../../agents/strategies/lp-battery.js';
import { loadRunConfig, runArena } from '../../arena/index.js';
import { loadHighs, solveBatteryPlan } from '../../lib/index.js';
import type { LocalAgent } from '../../sim/index.js';

const file = process.argv[2] ?? 'scenarios/pace.yaml';
const out = mkdtempSync(join(tmpdir(), 'cmp-'));
const cfg = loadRunConfig(file, { outDir: out });
const solver = await loadHighs();
const stats = { solves: 0, differentNet: 0, worstObjRel: 0, maxNetDiff: 0, dpMs: 0, highsMs: 0 };
const planner = (p: Parameters<typeof solveBatteryPlan>[0]) => {
  let t0 = performance.now();
  const dp = solveBatteryPlan(p);
  stats.dpMs += performance.now() - t0;
  t0 = performance.now();
  const lp = solveBatteryLp(solver, p);
  stats.highsMs += performance.now() - t0;
  const m = p.slackPenaltyEurPerMwh ?? 100_000;
  const lpObj = lp.profitEur - m * lp.slackMwh + (p.terminalValueEurPerMwh ?? 0) * lp.socMwh.at(-1)!;
  stats.solves++;
  stats.worstObjRel = Math.max(
    stats.worstObjRel,
    Math.abs(dp.objectiveEur - lpObj) / Math.max(1, Math.abs(lpObj)),
  );
  const d = Math.max(...dp.netMw.map((x, i) => Math.abs(x - lp.netMw[i]!)));
  stats.maxNetDiff = Math.max(stats.maxNetDiff, d);
  if (d > 0.05) stats.differentNet++;
  return dp;
};
const local = new Map<string, LocalAgent>(
  cfg.agents
    .filter((a) => a.launch)
    .map((a) => [
      a.id,
      a.strategy === 'lp-battery' ? new LpBattery(a.params, planner) : createStrategy(a.strategy, a.params),
    ]),
);
const { runDir, results } = await runArena(cfg, { baseDir: dirname(resolve(file)), local, log: () => {} });
console.log(JSON.stringify({ ...stats, tape: results.tapeSha256.slice(0, 12) }));
rmSync(runDir, { recursive: true, force: true });
rmSync(out, { recursive: true, force: true });
