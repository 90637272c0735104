// The EV-fleet environment of seed 004 (Richter 2019): the arena's EV-fleet twin (rentals,
// dispatch, refused rentals and their costs) as a price-taker on the world's price path, one
// day of 96 market periods per episode. Each step the agent picks the intraday risk factor
// λ ∈ {0, 0.1, …, 1} (the seed's action grid); the controller bids
//   P_intr = (P̂_fleet − P_bal)·(1 − λ)   (eq. 5; 0 if the industry tariff is cheaper),
// with P̂_fleet the fleet's available charging power predicted 30 minutes ahead (the current one
// with a seeded relative error), at the critical price p̄^u = the world's realised price. The
// reward is minus the market period's fleet cost (eq. 7, eq. 12): intraday cost + imbalance
// cost β_h (undelivered committed energy × imbalancePriceEur; the seed gives no formula) + lost
// rentals ρ + tariff energy — plus the energy charged into the cars valued at the industry
// tariff (what the fleet would otherwise pay for it), so that charging more is not a loss in
// itself: the reward is the saving against charging everything at the tariff.
// Observation (eq. 10): hour, |VPP| now, predicted |VPP| at t+2, price.
import { RandomStream } from '../../lib/index.js';
import {
  EvFleet,
  imbalanceCostEur,
  industryTariffCostEur,
  intradayBidQuantityKw,
  intradayCostEur,
  STEPS_PER_DAY,
} from '../../sim/index.js';
import { checkSeed } from './check-seed.js';
import {
  type EvFleetEnvConfig,
  type EvFleetEnvSettings,
  parseEvFleetEnvConfig,
} from './ev-fleet-env-config.js';
import { ObservationSlab } from './observation-slab.js';
import {
  type ArraySpec,
  checkAction,
  type DiscreteSpec,
  type Environment,
  EnvironmentUsageError,
  firstStep,
  NO_REJECTIONS,
  StepType,
  type TimeStep,
} from './time-step.js';
import { WorldDays } from './world-days.js';

export type { EvFleetEnvConfig };

export const RISK_FACTORS: readonly number[] = Array.from({ length: 11 }, (_, k) => k / 10);

export class EvFleetEnv implements Environment<number, Float32Array> {
  readonly config: EvFleetEnvSettings;
  private rng: RandomStream;
  private readonly world: WorldDays;
  private readonly slab = new ObservationSlab(4);
  private readonly spec: DiscreteSpec = {
    kind: 'discrete',
    name: 'action.risk-intraday',
    n: RISK_FACTORS.length,
    values: RISK_FACTORS,
  };
  private fleet!: EvFleet;
  private prices!: Float64Array;
  private t = 0;
  private running = false;
  private predictedKw = 0;
  /** € of fleet cost of the current episode. */
  episodeCostEur = 0;
  /** € saved against charging everything at the industry tariff, this episode. */
  episodeSavingEur = 0;

  constructor(config: EvFleetEnvConfig = {}) {
    this.config = parseEvFleetEnvConfig(config);
    this.rng = new RandomStream('training.ev-fleet-env', this.config.seed);
    const d = this.config.days;
    this.world = new WorldDays(this.config.difficulty, this.config.worldSeed, d.start, d.count, {
      peakMw: 0,
      windShare: 0,
    });
  }

  observationSpec(): ArraySpec {
    return {
      kind: 'array',
      name: 'observation.ev-fleet',
      shape: [4],
      dtype: 'float32',
      labels: ['hour', 'vpp', 'vppPredicted', 'price'],
    };
  }

  actionSpec(): DiscreteSpec {
    return this.spec;
  }

  reseed(seed: number): void {
    this.rng = new RandomStream('training.ev-fleet-env', checkSeed(seed));
  }

  /** Starts the next episode (or the day `dayIndex` of the list) and returns its first step. */
  reset(dayIndex?: number): TimeStep {
    // As BatteryEnv: the world's own error named a step ("step 480 outside the world"), not the day.
    if (
      dayIndex !== undefined &&
      !(Number.isInteger(dayIndex) && dayIndex >= 0 && dayIndex < this.world.count)
    )
      throw new RangeError(`dayIndex must be an integer in [0, ${this.world.count - 1}], got ${dayIndex}`);
    const day = dayIndex ?? this.rng.int(0, this.world.count - 1);
    this.prices = this.world.day(day).priceEur;
    this.fleet = new EvFleet(new RandomStream('ev-fleet', this.rng.int(0, 2 ** 31 - 1)), {
      fleetSize: this.config.fleetSize,
    });
    this.t = 0;
    this.running = true;
    this.episodeCostEur = 0;
    this.episodeSavingEur = 0;
    return firstStep(this.observe());
  }

  step(action: number): TimeStep {
    if (!this.running) throw new EnvironmentUsageError('step() before reset() or after the last step');
    const c = this.config;
    const checked = checkAction(this.spec, action);
    const rejections = checked.ok ? NO_REJECTIONS : checked.rejections;
    // A malformed action bids nothing (λ = 1).
    const lambda = checked.ok ? RISK_FACTORS[checked.values[0]!]! : 1;
    const price = this.prices[this.t]!;
    const bidKw = intradayBidQuantityKw({
      predictedFleetKw: this.predictedKw,
      balancingCommittedKw: 0,
      riskIntraday: lambda,
      intradayPriceEurPerMwh: price,
      industryTariffEurPerKwh: c.tariffEurPerKwh,
    });
    const rep = this.fleet.stepMarketPeriod({ balancingMw: 0, intradayMw: bidKw / 1000 });
    const cost =
      intradayCostEur(bidKw, price) +
      imbalanceCostEur(rep.imbalanceKwh, c.imbalancePriceEur) +
      rep.lostRentalCostEur +
      industryTariffCostEur(rep.tariffKwh, c.tariffEurPerKwh);
    this.episodeCostEur += cost;
    const valueEur = (rep.deliveredKwh + rep.tariffKwh) * c.tariffEurPerKwh;
    this.episodeSavingEur += valueEur - cost;
    this.t++;
    const last = this.t >= STEPS_PER_DAY;
    if (last) this.running = false;
    return {
      stepType: last ? StepType.LAST : StepType.MID,
      reward: (valueEur - cost) / c.rewardScaleEur,
      discount: last ? 0 : 1,
      observation: this.observe(),
      rejections,
    };
  }

  private observe(): Float32Array {
    const f = this.fleet;
    const n = this.config.fleetSize;
    const nowKw = f.availableChargingPowerKw();
    this.predictedKw = Math.max(0, nowKw * (1 + this.config.predictionError * this.rng.normal()));
    const o = this.slab.next();
    o[0] = f.hourOfDay / 24;
    o[1] = f.vppSize() / n;
    o[2] = Math.ceil(this.predictedKw / f.params.chargerKw) / n;
    o[3] = (this.prices[Math.min(this.t, STEPS_PER_DAY - 1)] ?? 0) / 100;
    return o;
  }
}
