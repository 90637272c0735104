// AssetTwin adapter of the residential battery pool (DESIGN.md §5; seed 001; ResidentialPool in
// residential-pool.ts, Algorithms 1–4).
//
// Households: drawn by `worldPoolHouseholds` from the asset's own streams within the configured
//   ranges (asset-config.ts). PV follows the world's realised solar capacity factor
//   (solarMw / solar capacityMw) × the household's kWp × a per-household, per-day factor
//   (local clouds, orientation); load follows a morning/evening shape in German local time,
//   scaled to the household's kWh per day, with per-quarter-hour noise.
// Baseline: the pool's net grid exchange (whole kWh, > 0 import) when every household runs
//   Alg. 1 self-consumption — what `step` meters when no flexibility is activated. It depends on
//   the SoCs, so it is known for the next period (and recorded for the past ones).
// Schedule: the grid energy the aggregator's position asks of the pool, whole kWh. A schedule
//   equal to the baseline activates nothing. Any other is a request for deviation from the
//   baseline, requestMw = (schedule − baseline) / 1000 / hours (> 0: charge more / discharge less),
//   activated with Alg. 4 (merit order by β over the potentials v_c, v_d of Alg. 2); the pool then
//   advances with those activation factors (Alg. 3).
// Metering: the pool's net grid exchange from its whole-kWh meter register (ResidentialPool:
//   difference of successive rounded readings of the exact cumulative exchange). A request within
//   [V_d, V_c] meters the schedule; beyond it every household is activated and the rest is
//   shortfall (clipped iff metered ≠ schedule).
// Preview: ResidentialPool.preview — the same evaluation and register arithmetic as `advance`,
//   without the state change, so it equals `step` exactly.
// Periods: in order; a later period first runs the skipped ones at the baseline (no activation).
// Costs: penaltyEur = the participation costs of the activations, Σ_i β_i·|x_i|·ΔT (β_c for
//   charging deviations, β_d for discharging ones): what the aggregator (the agent) pays its
//   households for the flexibility it extracted (seed 001, C_c,t / C_d,t). AssetCosts has no
//   field of its own for it; penaltyEur is the one that is the agent's cost and not energy.
import type { AssetSpec, AssetState, PoolHousehold } from '../../gen/flexarena/v1/asset.js';
import { berlinLocal, HOUR_MS } from '../world/time.js';
import type { World } from '../world/world.js';
import {
  assertHours,
  assertNotPast,
  assertSchedule,
  costs,
  costTotals,
  metered,
  ScheduleTracker,
} from './asset-common.js';
import type { ResidentialPoolAssetConfig } from './asset-config.js';
import type { AssetRandom } from './asset-random.js';
import type { AssetCosts, AssetTwin, MeteredPeriod, PeriodInfo } from './asset-twin.js';
import { type Activation, type HouseholdSpec, ResidentialPool } from './residential-pool.js';

/** The household ranges of the config (everything but `type`). */
export type PoolHouseholdConfig = Omit<ResidentialPoolAssetConfig, 'type'>;

/** Load shape by local hour: a base, a morning and an evening bump (as profiles.ts). */
function loadShape(hour: number): number {
  return 0.7 + 0.6 * Math.exp(-(((hour - 7.5) / 1.5) ** 2)) + 0.9 * Math.exp(-(((hour - 19) / 2) ** 2));
}

/** Mean of the shape over the 96 quarter-hours of a day, so a day's load is kWh per day. */
const SHAPE_MEAN = (() => {
  let s = 0;
  for (let k = 0; k < 96; k++) s += loadShape((k + 0.5) / 4);
  return s / 96;
})();

export interface PoolHouseholds {
  households: HouseholdSpec[];
  /** kWp of each household. */
  pvKwp: number[];
  /** Mean load of each household, kWh per day. */
  loadKwhPerDay: number[];
}

/**
 * Draws the pool's households for every step of `world`. Parameters (kWp, kWh/day, battery kWh
 * and kW, β_c, β_d, initial SoC; in that order per household) come from `params`; the PV day
 * factors and the load noise from `profiles`, household after household.
 */
export function worldPoolHouseholds(
  cfg: PoolHouseholdConfig,
  world: World,
  stepHours: number,
  params: AssetRandom,
  profiles: AssetRandom,
): PoolHouseholds {
  const steps = world.steps;
  const solarCapacityMw = world.config.calibration.solar.capacityMw;
  const cf = new Float64Array(steps);
  const hour = new Float64Array(steps);
  const day = new Int32Array(steps);
  for (let t = 0; t < steps; t++) {
    const r = world.realised(t);
    cf[t] = solarCapacityMw > 0 ? Math.min(1, Math.max(0, r.solarMw / solarCapacityMw)) : 0;
    hour[t] = berlinLocal(r.deliveryStartMs + (stepHours * HOUR_MS) / 2).hour;
    day[t] = Math.floor((t * stepHours) / 24);
  }
  const between = (r: { min: number; max: number }) => r.min + (r.max - r.min) * params.next();
  const households: HouseholdSpec[] = [];
  const pvKwp: number[] = [];
  const loadKwhPerDay: number[] = [];
  const width = String(cfg.households).length;
  for (let i = 0; i < cfg.households; i++) {
    const kwp = between(cfg.pvKwp);
    const kwhDay = between(cfg.loadKwhPerDay);
    const capacityKwh = between(cfg.batteryKwh);
    const kw = between(cfg.batteryKw);
    const betaCharge = between(cfg.betaEurPerMwh);
    const betaDischarge = between(cfg.betaEurPerMwh);
    const socInitial = between(cfg.socInitial);
    pvKwp.push(kwp);
    loadKwhPerDay.push(kwhDay);
    households.push({
      id: `hh${String(i + 1).padStart(width, '0')}`,
      capacityMwh: capacityKwh / 1000,
      chargeMw: kw / 1000,
      etaCharge: cfg.etaCharge,
      etaDischarge: cfg.etaDischarge,
      socMin: cfg.socMin,
      socMax: cfg.socMax,
      socInitial: Math.min(cfg.socMax, Math.max(cfg.socMin, socInitial)),
      pvMw: [],
      loadMw: [],
      betaCharge,
      betaDischarge,
    });
  }
  const meanLoadMw = (kwhDay: number) => kwhDay / 24 / 1000;
  for (let i = 0; i < cfg.households; i++) {
    const pv = new Array<number>(steps);
    const load = new Array<number>(steps);
    const peakMw = pvKwp[i]! / 1000;
    const loadMw = meanLoadMw(loadKwhPerDay[i]!);
    let dayFactor = 1;
    let lastDay = -1;
    for (let t = 0; t < steps; t++) {
      if (day[t] !== lastDay) {
        lastDay = day[t]!;
        dayFactor = Math.min(1.3, Math.max(0.1, 1 + cfg.pvDailyNoise * profiles.normal()));
      }
      pv[t] = peakMw * cf[t]! * dayFactor;
      const noise = Math.max(0.1, 1 + cfg.loadNoise * profiles.normal());
      load[t] = ((loadMw * loadShape(hour[t]!)) / SHAPE_MEAN) * noise;
    }
    const h = households[i]!;
    h.pvMw = pv;
    h.loadMw = load;
  }
  return { households, pvKwp, loadKwhPerDay };
}

function betaRange(beta: number | readonly number[], acc: { min: number; max: number }): void {
  for (const b of typeof beta === 'number' ? [beta] : beta) {
    if (b < acc.min) acc.min = b;
    if (b > acc.max) acc.max = b;
  }
}

export interface PoolAssetOptions {
  stepHours: number;
  /** Σ kWp for the spec; default: Σ of each household's highest PV output, kW. */
  pvKwpTotal?: number;
  /** kWp of each household for the spec; default: each household's highest PV output, kW. */
  pvKwp?: readonly number[];
}

export class PoolAsset implements AssetTwin {
  readonly kind = 'residential-pool' as const;
  readonly pool: ResidentialPool;
  private readonly tracker = new ScheduleTracker();
  /** Baseline kWh of every period run so far, by step. */
  private readonly baselines: number[] = [];
  private readonly pvKwpTotal: number;
  private readonly pvKwp: number[];

  constructor(
    readonly id: string,
    households: readonly HouseholdSpec[],
    options: PoolAssetOptions,
  ) {
    this.pool = new ResidentialPool(households, { stepHours: options.stepHours });
    if (options.pvKwp !== undefined && options.pvKwp.length !== households.length)
      throw new RangeError(
        `pool ${id}: pvKwp has ${options.pvKwp.length} entries for ${households.length} households`,
      );
    const peaksKw = households.map((h) => {
      let m = 0;
      for (const p of h.pvMw) if (p > m) m = p;
      return m * 1000;
    });
    this.pvKwp = options.pvKwp ? [...options.pvKwp] : peaksKw;
    this.pvKwpTotal = options.pvKwpTotal ?? peaksKw.reduce((a, x) => a + x, 0);
  }

  spec(): AssetSpec {
    const hs = this.pool.households;
    let capacity = 0;
    let charge = 0;
    let discharge = 0;
    let socMin = 0;
    let socMax = 0;
    let socInitial = 0;
    let loadMwhPerDay = 0;
    const bc = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    const bd = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    const householdSpecs: PoolHousehold[] = [];
    hs.forEach((h, i) => {
      const lim = this.pool.limits[i]!;
      capacity += h.capacityMwh;
      charge += lim.chargeMw;
      discharge += lim.dischargeMw;
      socMin += lim.socMinMwh;
      socMax += lim.socMaxMwh;
      socInitial += h.socInitial * h.capacityMwh;
      let load = 0;
      for (let t = 0; t < this.pool.steps; t++) load += h.loadMw[t]!;
      const hLoadMwhPerDay = (load / this.pool.steps) * 24;
      loadMwhPerDay += hLoadMwhPerDay;
      householdSpecs.push({
        batteryCapacityMwh: h.capacityMwh,
        chargeMw: lim.chargeMw,
        dischargeMw: lim.dischargeMw,
        etaCharge: lim.etaCharge,
        etaDischarge: lim.etaDischarge,
        socMinMwh: lim.socMinMwh,
        socMaxMwh: lim.socMaxMwh,
        pvKwp: this.pvKwp[i]!,
        loadMwhPerDay: hLoadMwhPerDay,
      });
      betaRange(h.betaCharge, bc);
      betaRange(h.betaDischarge, bd);
    });
    return {
      assetId: this.id,
      kind: {
        $case: 'residentialPool',
        value: {
          households: hs.length,
          pvKwpTotal: this.pvKwpTotal,
          loadMwhPerDay,
          batteryCapacityMwh: capacity,
          batteryChargeMw: charge,
          batteryDischargeMw: discharge,
          socMinMwh: socMin,
          socMaxMwh: socMax,
          socInitialMwh: socInitial,
          betaChargeMinEurPerMwh: bc.min,
          betaChargeMaxEurPerMwh: bc.max,
          betaDischargeMinEurPerMwh: bd.min,
          betaDischargeMaxEurPerMwh: bd.max,
          householdSpecs,
        },
      },
    };
  }

  private socTotalMwh(): number {
    let s = 0;
    for (const x of this.pool.socMwh()) s += x;
    return s;
  }

  state(): AssetState {
    return {
      assetId: this.id,
      socMwh: this.socTotalMwh(),
      clippedPeriods: this.tracker.clippedPeriods,
      shortfallMwh: this.tracker.shortfallMwh,
      deliveredFlexibilityMwh: this.pool.deliveredFlexMwh,
      costs: costTotals(this.costs()),
      householdSocMwh: this.pool.socMwh(),
    };
  }

  /** The baseline of the current step, whole kWh: what advancing without activation meters. */
  private currentBaselineKwh(): number {
    return this.pool.preview(this.pool.stepIndex).meteredKwh;
  }

  /** Runs skipped periods at the baseline. */
  private catchUp(step: number): void {
    assertNotPast(this.id, step, this.pool.stepIndex);
    while (this.pool.stepIndex < step) {
      const s = this.pool.stepIndex;
      this.baselines[s] = this.pool.advance(s).meteredKwh;
    }
  }

  /** The Alg. 4 activation that turns the baseline into `scheduleKwh`; undefined for none. */
  private activation(scheduleKwh: number, baselineKwh: number): Activation | undefined {
    if (scheduleKwh === baselineKwh) return undefined;
    const step = this.pool.stepIndex;
    return this.pool.activate(step, (scheduleKwh - baselineKwh) / 1000 / this.pool.stepHours);
  }

  /** Recorded for past periods, computed for the next one (a later one first catches up). */
  baselineKwh(period: PeriodInfo): number {
    assertHours(this.id, period, this.pool.stepHours);
    if (Number.isInteger(period.step) && period.step >= 0 && period.step < this.pool.stepIndex)
      return this.baselines[period.step]!;
    this.catchUp(period.step);
    return this.currentBaselineKwh();
  }

  preview(scheduleKwh: number, period: PeriodInfo): MeteredPeriod {
    assertSchedule(this.id, scheduleKwh);
    assertHours(this.id, period, this.pool.stepHours);
    this.catchUp(period.step);
    const act = this.activation(scheduleKwh, this.currentBaselineKwh());
    return metered(scheduleKwh, this.pool.preview(period.step, act).meteredKwh);
  }

  step(scheduleKwh: number, period: PeriodInfo): MeteredPeriod {
    assertSchedule(this.id, scheduleKwh);
    assertHours(this.id, period, this.pool.stepHours);
    this.catchUp(period.step);
    const baseline = this.currentBaselineKwh();
    const act = this.activation(scheduleKwh, baseline);
    const res = metered(scheduleKwh, this.pool.advance(period.step, act).meteredKwh);
    this.baselines[period.step] = baseline;
    this.tracker.record(scheduleKwh, res);
    return res;
  }

  costs(): AssetCosts {
    return costs({ penaltyEur: this.pool.participationCostEur });
  }

  finalSocMwh(): number {
    return this.socTotalMwh();
  }
}
