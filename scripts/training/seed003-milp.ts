// Seed 003's optimisation benchmarks (eq. 1) for the five-level battery of the prosumer: a MILP
// with four binaries per interval (charge ½·P̄, charge P̄, discharge ½·P̄, discharge P̄, at most
// one), stored energy e_t − e_{t−1} = η⁺p⁺Δt − p⁻Δt/η⁻ within [E_min, E_max], and the grid
// exchange p_f = demand − generation + p⁺ − p⁻ priced at C_t. With one shared schedule the
// expected cost over scenarios weights each interval's price by Σ_s τ_s C_s,t, so the stochastic
// problem is the deterministic one on the scenario-mean price. Solved with HiGHS, time-limited
// (SEED003_MILP_SECONDS, default 8 s; HiGHS finds good incumbents fast but proving optimality of
// the 384-binary day takes minutes here): the schedule is HiGHS's best incumbent, and the
// status is returned so a caller can say which solves were proven optimal.
import { loadHighs } from '../../lib/index.js';

export interface MilpBattery {
  powerMw: number;
  energyMwh: number;
  eta: number;
  socInitialMwh: number;
  stepHours: number;
}

/** The action a_t ∈ {−1, −0.5, 0, 0.5, 1} (charge > 0) per interval that maximises Σ price·(−battery power). */
export async function seed003Schedule(
  pricesEur: readonly number[],
  b: MilpBattery,
): Promise<{ actions: number[]; status: string }> {
  const T = pricesEur.length;
  const P = b.powerMw;
  const dt = b.stepHours;
  const obj: string[] = [];
  const rows: string[] = [];
  const bins: string[] = [];
  for (let t = 0; t < T; t++) {
    const c = pricesEur[t]! * P * dt;
    // Revenue of −(p⁺ − p⁻)·Δt·price: charging costs, discharging earns.
    obj.push(`- ${fmt(0.5 * c)} u1_${t} - ${fmt(c)} u2_${t} + ${fmt(0.5 * c)} u3_${t} + ${fmt(c)} u4_${t}`);
    rows.push(` one_${t}: u1_${t} + u2_${t} + u3_${t} + u4_${t} <= 1`);
    const prev = t === 0 ? '' : ` - e_${t - 1}`;
    const rhs = t === 0 ? b.socInitialMwh : 0;
    const k = P * dt;
    rows.push(
      ` soc_${t}: e_${t}${prev} - ${fmt(0.5 * k * b.eta)} u1_${t} - ${fmt(k * b.eta)} u2_${t} + ${fmt((0.5 * k) / b.eta)} u3_${t} + ${fmt(k / b.eta)} u4_${t} = ${fmt(rhs)}`,
    );
    bins.push(`u1_${t} u2_${t} u3_${t} u4_${t}`);
  }
  const bounds = Array.from({ length: T }, (_, t) => ` 0 <= e_${t} <= ${fmt(b.energyMwh)}`);
  const lp = [
    'Maximize',
    ` obj: ${obj.join(' ')}`,
    'Subject To',
    ...rows,
    'Bounds',
    ...bounds,
    'Binary',
    ...bins.map((x) => ` ${x}`),
    'End',
    '',
  ].join('\n');
  const highs = await loadHighs();
  const sol = highs.solve(lp, {
    mip_rel_gap: 1e-3,
    time_limit: Number(process.env.SEED003_MILP_SECONDS ?? 8),
  });
  if (sol.Status !== 'Optimal' && sol.Status !== 'Time limit reached')
    throw new Error(`seed 003 MILP: HiGHS status ${sol.Status}`);
  const v = (n: string) => Math.round(sol.Columns[n]?.Primal ?? 0);
  const actions = Array.from(
    { length: T },
    (_, t) => 0.5 * v(`u1_${t}`) + v(`u2_${t}`) - 0.5 * v(`u3_${t}`) - v(`u4_${t}`),
  );
  return { actions, status: sol.Status };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(12);
}

/**
 * The exact optimum of the same problem by dynamic programming (a check on the time-limited
 * MILP incumbents): the stored energy is e0 + i·η·½P̄Δt − j·½P̄Δt/η for the counts i, j of
 * half-power charge and discharge steps so far, so the reachable states form a lattice and the
 * DP over (i, j) is exact. Returns the actions and the objective (€ of −price × battery energy).
 */
export function seed003ScheduleDp(
  pricesEur: readonly number[],
  b: MilpBattery,
): { actions: number[]; objective: number } {
  const T = pricesEur.length;
  const half = 0.5 * b.powerMw * b.stepHours;
  const up = half * b.eta;
  const down = half / b.eta;
  const eps = 1e-9;
  const key = (i: number, j: number) => i * 4096 + j;
  let layer = new Map<number, number>([[key(0, 0), 0]]);
  const back: Map<number, [number, number]>[] = [];
  const moves: [number, number, number][] = [
    [-1, 0, 2],
    [-0.5, 0, 1],
    [0, 0, 0],
    [0.5, 1, 0],
    [1, 2, 0],
  ].map(([a, di, dj]) => [a!, di!, dj!]);
  for (let t = 0; t < T; t++) {
    const next = new Map<number, number>();
    const bp = new Map<number, [number, number]>();
    for (const [k, v] of layer) {
      const i = Math.floor(k / 4096);
      const j = k % 4096;
      for (const [a, di, dj] of moves) {
        const ni = i + di;
        const nj = j + dj;
        const e = b.socInitialMwh + ni * up - nj * down;
        if (e < -eps || e > b.energyMwh + eps) continue;
        const val = v - pricesEur[t]! * a * 2 * half;
        const nk = key(ni, nj);
        const old = next.get(nk);
        if (old === undefined || val > old + 1e-12) {
          next.set(nk, val);
          bp.set(nk, [k, a]);
        }
      }
    }
    back.push(bp);
    layer = next;
  }
  let bestK = -1;
  let best = Number.NEGATIVE_INFINITY;
  for (const [k, v] of layer) if (v > best) [best, bestK] = [v, k];
  const actions = new Array<number>(T);
  for (let t = T - 1, k = bestK; t >= 0; t--) {
    const [prev, a] = back[t]!.get(k)!;
    actions[t] = a;
    k = prev;
  }
  return { actions, objective: best };
}
