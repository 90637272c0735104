// The `asset:` block of an agent: which physical twin the agent trades for. A discriminated union
// on `type`; every object is strict and every error names the field path (parseAssetConfig throws
// a ConfigError listing them).
//
//   battery           a battery (DESIGN.md §5): the run config's battery block plus degradation.
//   prosumer          a renewable plant behind a battery (seeds 002, 003); its generation is the
//                     world's realised solar or wind output scaled to `generation.capacityMw`.
//   residential-pool  N households with PV, load and a battery (seed 001); households are drawn
//                     from the asset's own random streams within the ranges below.
//   ev-fleet          a car-sharing EV fleet as a virtual power plant (seed 004), EvFleetParams.
//
// Numbers that the seeds do not give are assumptions and say so.
import * as z from 'zod';
import { ConfigError, configIssues } from '../../lib/index.js';
import { DEFAULT_EV_FLEET_PARAMS, EV_CONTROL_PERIOD_COUNTS, EV_MARKET_PERIOD_SECONDS } from './ev-fleet.js';
import { DEFAULT_RENTAL_PROFILE } from './ev-fleet-rentals.js';

const fraction = z.number().min(0).max(1);

/** The battery fields, shared by `battery` and the prosumer's `battery` (same as run-config.ts). */
const batteryFields = {
  powerMw: z.number().positive().max(10_000),
  energyMwh: z.number().positive().max(100_000),
  etaCharge: z.number().gt(0).lte(1).default(0.95),
  etaDischarge: z.number().gt(0).lte(1).default(0.95),
  socMin: fraction.default(0.05).describe('fraction of energyMwh'),
  socMax: fraction.default(0.95).describe('fraction of energyMwh'),
  socInitial: fraction.default(0.5).describe('fraction of energyMwh'),
  /** EUR per MWh of grid-side throughput (charge + discharge). */
  degradationEurPerMwh: z.number().min(0).max(100_000).default(0),
};

function socRefinement(
  b: { socMin: number; socMax: number; socInitial: number },
  ctx: z.RefinementCtx,
): void {
  if (b.socMin > b.socMax)
    ctx.addIssue({ code: 'custom', path: ['socMin'], message: `must be <= socMax (${b.socMax})` });
  if (b.socInitial < b.socMin || b.socInitial > b.socMax)
    ctx.addIssue({
      code: 'custom',
      path: ['socInitial'],
      message: `must lie within [socMin, socMax] = [${b.socMin}, ${b.socMax}]`,
    });
}

export const batteryAssetSchema = z
  .object({ type: z.literal('battery'), ...batteryFields })
  .strict()
  .superRefine(socRefinement);

/** A battery without `type` (inside a prosumer). */
export const batteryBodySchema = z.object(batteryFields).strict().superRefine(socRefinement);

export const prosumerAssetSchema = z
  .object({
    type: z.literal('prosumer'),
    generation: z
      .object({
        source: z.enum(['solar', 'wind']),
        /** Installed capacity, MW: the profile is the world's output × capacityMw / world capacity. */
        capacityMw: z.number().positive().max(100_000),
      })
      .strict(),
    battery: batteryBodySchema,
    /** May the prosumer take energy from the grid to charge? (seed 002: no.) */
    allowImport: z.boolean().default(false),
    /** What an illegal action meters: 'clip' (the battery does what it can) or 'ignore'. */
    illegalPolicy: z.enum(['ignore', 'clip']).default('clip'),
    /** Excess over the battery headroom that is clipped rather than illegal, kWh. */
    toleranceKwh: z.number().min(0).max(1_000).default(1),
    /** EUR charged for every quarter-hour with an illegal action (assumption: 0). */
    illegalPenaltyEur: z.number().min(0).max(1_000_000).default(0),
  })
  .strict();

/** A uniform range [min, max]. */
function range(lo: number, hi: number, def: { min: number; max: number }) {
  return z
    .object({ min: z.number().min(lo).max(hi), max: z.number().min(lo).max(hi) })
    .strict()
    .refine((r) => r.min <= r.max, { message: 'min must be <= max', path: ['min'] })
    .default(def);
}

/**
 * Seed 001 pools N = 30 PV + battery households in Upper Austria (ΔT = 15 min) but publishes no
 * household data. The default ranges are assumptions, plausible residential values: 4–10 kWp PV,
 * 7–19 kWh of load per day (≈ 2 600–7 000 kWh a year), 5–12 kWh batteries at 3–5 kW, η = 0.95,
 * SoC within [10 %, 95 %], participation costs β uniform in 20–200 EUR/MWh per direction.
 */
export const residentialPoolAssetSchema = z
  .object({
    type: z.literal('residential-pool'),
    households: z.number().int().min(1).max(10_000).default(30),
    pvKwp: range(0, 1_000, { min: 4, max: 10 }),
    loadKwhPerDay: range(0, 10_000, { min: 7, max: 19 }),
    batteryKwh: range(0.1, 10_000, { min: 5, max: 12 }),
    batteryKw: range(0, 10_000, { min: 3, max: 5 }),
    /** β_c and β_d, drawn independently per household, EUR per MWh of activated flexibility. */
    betaEurPerMwh: range(0, 100_000, { min: 20, max: 200 }),
    etaCharge: z.number().gt(0).lte(1).default(0.95),
    etaDischarge: z.number().gt(0).lte(1).default(0.95),
    socMin: fraction.default(0.1).describe('fraction of each battery'),
    socMax: fraction.default(0.95).describe('fraction of each battery'),
    /** Initial SoC per household, uniform in this range (fractions; within [socMin, socMax]). */
    socInitial: range(0, 1, { min: 0.1, max: 0.95 }),
    /** Relative sd of a per-household, per-day PV factor (local clouds, orientation). */
    pvDailyNoise: z.number().min(0).max(2).default(0.2),
    /** Relative sd of the per-quarter-hour load noise. */
    loadNoise: z.number().min(0).max(2).default(0.3),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.socMin > p.socMax)
      ctx.addIssue({ code: 'custom', path: ['socMin'], message: `must be <= socMax (${p.socMax})` });
    if (p.socInitial.min < p.socMin || p.socInitial.max > p.socMax)
      ctx.addIssue({
        code: 'custom',
        path: ['socInitial'],
        message: `must lie within [socMin, socMax] = [${p.socMin}, ${p.socMax}]`,
      });
  });

const D = DEFAULT_EV_FLEET_PARAMS;
const R = DEFAULT_RENTAL_PROFILE;

const rentalProfileSchema = z
  .object({
    requestsPerCarHour: z
      .array(z.number().min(0).max(100))
      .length(24)
      .default([...R.requestsPerCarHour]),
    tripMedianMinutes: z.number().positive().max(10_000).default(R.tripMedianMinutes),
    tripSigmaLog: z.number().min(0).max(5).default(R.tripSigmaLog),
    tripMinMinutes: z.number().min(0).max(10_000).default(R.tripMinMinutes),
    tripMaxMinutes: z.number().positive().max(100_000).default(R.tripMaxMinutes),
    kwhPerTripHour: z.number().min(0).max(1_000).default(R.kwhPerTripHour),
    energySigmaLog: z.number().min(0).max(5).default(R.energySigmaLog),
  })
  .strict()
  .refine((r) => r.tripMinMinutes <= r.tripMaxMinutes, {
    message: 'tripMinMinutes must be <= tripMaxMinutes',
    path: ['tripMinMinutes'],
  });

/**
 * EvFleetParams (ev-fleet.ts) as config. The control period length follows from the run's
 * quarter-hour: controlPeriodMinutes = 60 × stepHours / controlPeriodsPerMarketPeriod (seed: 5 min,
 * 3 per 15-minute market period), whole seconds (EV_CONTROL_PERIOD_COUNTS); the fleet's clock
 * starts at the world's first quarter-hour.
 */
export const evFleetAssetSchema = z
  .object({
    type: z.literal('ev-fleet'),
    /** |F|. */
    cars: z.number().int().min(1).max(100_000).default(D.fleetSize),
    /** γ, kW per charger (seed: 3.6). */
    chargerKw: z.number().positive().max(1_000).default(D.chargerKw),
    /** Ω, kWh per car (assumption: 17.6, Smart ED). */
    capacityKwh: z.number().positive().max(1_000).default(D.capacityKwh),
    controlPeriodsPerMarketPeriod: z
      .number()
      .int()
      .min(1)
      .max(60)
      .refine((n) => EV_MARKET_PERIOD_SECONDS % n === 0, {
        message: `must split the 15-minute market period into control periods of whole seconds: one of ${EV_CONTROL_PERIOD_COUNTS.join(', ')}`,
      })
      .default(D.controlPeriodsPerMarketPeriod),
    initialSocShareMin: fraction.default(D.initialSocShareMin),
    initialSocShareMax: fraction.default(D.initialSocShareMax),
    plugInProbability: fraction.default(D.plugInProbability),
    fallbackTargetSocShare: fraction.default(D.fallbackTargetSocShare),
    rentalReserveKwh: z.number().min(0).max(1_000).default(D.rentalReserveKwh),
    rentalPolicy: z.enum(['protect-commitments', 'protect-mobility']).default(D.rentalPolicy),
    /** ρ per minute of the refused trip, EUR (assumption: 0.29). */
    lostRentalEurPerMin: z.number().min(0).max(1_000).default(D.lostRental.perMinuteEur),
    /** Fixed part of ρ per refused rental, EUR (assumption: 0). */
    lostRentalBaseEur: z.number().min(0).max(100_000).default(D.lostRental.baseEur),
    /** p^i, the industry tariff of the fallback charging, EUR/MWh (seed §1.2.6: 0.15 €/kWh). */
    tariffEurPerMwh: z.number().min(0).max(100_000).default(150),
    rentals: rentalProfileSchema.prefault({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.initialSocShareMin > p.initialSocShareMax)
      ctx.addIssue({
        code: 'custom',
        path: ['initialSocShareMin'],
        message: 'initialSocShareMin must be <= initialSocShareMax',
      });
    // Eq. 6: a car is in the VPP when it has room for one control period of charging, γ·Δt.
    // With Ω below that no car ever is, and the fleet can never charge for a market position.
    const controlPeriodKwh =
      (p.chargerKw * EV_MARKET_PERIOD_SECONDS) / p.controlPeriodsPerMarketPeriod / 3600;
    if (p.capacityKwh < controlPeriodKwh - 1e-9)
      ctx.addIssue({
        code: 'custom',
        path: ['capacityKwh'],
        message: `must be >= chargerKw × control period = ${+controlPeriodKwh.toFixed(6)} kWh (eq. 6: with less room no car can ever charge for the market)`,
      });
    // A car is rented out only with trip energy + reserve on board: a reserve of Ω or more refuses
    // every rental, each at the cost ρ.
    if (p.rentalReserveKwh >= p.capacityKwh)
      ctx.addIssue({
        code: 'custom',
        path: ['rentalReserveKwh'],
        message: `must be < capacityKwh (${p.capacityKwh}): no car could ever be rented out`,
      });
  });

export const assetConfigSchema = z.discriminatedUnion('type', [
  batteryAssetSchema,
  prosumerAssetSchema,
  residentialPoolAssetSchema,
  evFleetAssetSchema,
]);

export type AssetConfig = z.infer<typeof assetConfigSchema>;
export type AssetConfigInput = z.input<typeof assetConfigSchema>;
export type BatteryAssetConfig = z.infer<typeof batteryAssetSchema>;
export type BatteryBodyConfig = z.infer<typeof batteryBodySchema>;
export type ProsumerAssetConfig = z.infer<typeof prosumerAssetSchema>;
export type ResidentialPoolAssetConfig = z.infer<typeof residentialPoolAssetSchema>;
export type EvFleetAssetConfig = z.infer<typeof evFleetAssetSchema>;
export type AssetKind = AssetConfig['type'];

/**
 * Validates an asset block. Issue paths are relative to the block, prefixed with `prefix`
 * (e.g. "agents[1].asset"); `source` names the document in the error.
 */
export function parseAssetConfig(doc: unknown, source = '<inline>', prefix = 'asset'): AssetConfig {
  const res = assetConfigSchema.safeParse(doc);
  if (res.success) return res.data;
  throw new ConfigError(source, configIssues(res.error, doc, prefix));
}
