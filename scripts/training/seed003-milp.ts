// Seed 003's optimisation benchmarks (eq. 1) for the five-level battery of the prosumer: a MILP
// with four binaries per interval (charge ½·P̄, charge P̄, discharge ½·P̄, discharge P̄, at most
// one), stored energy e_t − e_{t−1} = η⁺p⁺Δt − p⁻Δt/η⁻ within [E_min, E_max], and the grid
// exchange p_f = demand − generation + p⁺ − p⁻ priced at C_t. With one shared schedule the
// expected cost over scenarios weights each interval's price by Σ_s τ_s C_s,t, so the stochastic
// problem is the deterministic one on the scenario-mean price. Solved with HiGHS.
import { loadHighs } from '../../lib/index.js';

export interface MilpBattery {
  powerMw: number;
  energyMwh: number;
  eta: number;
  socInitialMwh: number;
  stepHours: number;
}

/** The action a_t ∈ {−1, −0.5, 0, 0.5, 1} (charge > 0) per interval that maximises Σ price·(−battery power). */
export async function seed003Schedule(pricesEur: readonly number[], b: MilpBattery): Promise<number[]> {
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
  const lp = ['Maximize', ` obj: ${obj.join(' ')}`, 'Subject To', ...rows, 'Bounds', ...bounds, 'Binary', ...bins.map((x) => ` ${x}`), 'End', ''].join('\n');
  const highs = await loadHighs();
  const sol = highs.solve(lp, { mip_rel_gap: 1e-6 });
  if (sol.Status !== 'Optimal') throw new Error(`seed 003 MILP: HiGHS status ${sol.Status}`);
  const v = (n: string) => Math.round(sol.Columns[n]?.Primal ?? 0);
  return Array.from({ length: T }, (_, t) => 0.5 * v(`u1_${t}`) + v(`u2_${t}`) - 0.5 * v(`u3_${t}`) - v(`u4_${t}`));
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(12);
}
