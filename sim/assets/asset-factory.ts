// Builds an agent's AssetTwin from its validated `asset:` block (asset-config.ts), the run's world
// and its named random streams. Every random draw of an asset comes from streams named
// `asset.<id>.<purpose>`, so each asset's randomness is its own: adding an asset, or drawing
// more in one, never shifts the numbers another one sees, and the same id and seed give the same
// asset.
//   battery, prosumer  no randomness (the prosumer's generation is the world's)
//   residential-pool   asset.<id>.households  household parameters
//                      asset.<id>.profiles    PV day factors and load noise
//   ev-fleet           asset.<id>.fleet       initial SoC and plug-in of every car
//                      asset.<id>.rentals     one seed per market period (rentals, returns)
import type { NamedRng } from '../../lib/index.js';
import { berlinLocal } from '../world/time.js';
import type { World } from '../world/world.js';
import type { AssetConfig, EvFleetAssetConfig } from './asset-config.js';
import type { AssetRandom } from './asset-random.js';
import type { AssetTwin } from './asset-twin.js';
import { BatteryAsset } from './battery-asset.js';
import type { EvFleetParams } from './ev-fleet.js';
import { EvFleetAsset } from './ev-fleet-asset.js';
import { PoolAsset, worldPoolHouseholds } from './pool-asset.js';
import { ProsumerAsset, worldGenerationMw } from './prosumer-asset.js';

export interface AssetContext {
  world: World;
  rng: NamedRng;
  /** Length of a settlement period (a world step), hours. */
  stepHours: number;
}

/** The name of an asset's random stream for one purpose. */
export function assetStreamName(id: string, purpose: string): string {
  return `asset.${id}.${purpose}`;
}

function stream(ctx: AssetContext, id: string, purpose: string): AssetRandom {
  return ctx.rng.stream(assetStreamName(id, purpose));
}

/** EvFleetParams of a config; the control period follows from the step, the clock from the world. */
export function evFleetParams(cfg: EvFleetAssetConfig, ctx: AssetContext): EvFleetParams {
  const local = berlinLocal(ctx.world.stepStartMs(0));
  return {
    fleetSize: cfg.cars,
    chargerKw: cfg.chargerKw,
    capacityKwh: cfg.capacityKwh,
    controlPeriodMinutes: (ctx.stepHours * 60) / cfg.controlPeriodsPerMarketPeriod,
    controlPeriodsPerMarketPeriod: cfg.controlPeriodsPerMarketPeriod,
    startMinuteOfDay: Math.round(local.hour * 60) % 1440,
    initialSocShareMin: cfg.initialSocShareMin,
    initialSocShareMax: cfg.initialSocShareMax,
    plugInProbability: cfg.plugInProbability,
    fallbackTargetSocShare: cfg.fallbackTargetSocShare,
    rentalReserveKwh: cfg.rentalReserveKwh,
    rentalPolicy: cfg.rentalPolicy,
    lostRental: { baseEur: cfg.lostRentalBaseEur, perMinuteEur: cfg.lostRentalEurPerMin },
    rentals: { ...cfg.rentals, requestsPerCarHour: [...cfg.rentals.requestsPerCarHour] },
  };
}

export function createAssetTwin(id: string, config: AssetConfig, ctx: AssetContext): AssetTwin {
  if (!(Number.isFinite(ctx.stepHours) && ctx.stepHours > 0))
    throw new RangeError(`stepHours must be > 0, got ${ctx.stepHours}`);
  switch (config.type) {
    case 'battery':
      return new BatteryAsset(id, config);
    case 'prosumer':
      return new ProsumerAsset(id, {
        battery: config.battery,
        generationMw: worldGenerationMw(ctx.world, config.generation.source, config.generation.capacityMw),
        stepHours: ctx.stepHours,
        source: config.generation.source,
        capacityMw: config.generation.capacityMw,
        allowImport: config.allowImport,
        illegalPolicy: config.illegalPolicy,
        toleranceKwh: config.toleranceKwh,
        illegalPenaltyEur: config.illegalPenaltyEur,
      });
    case 'residential-pool': {
      const { type: _type, ...ranges } = config;
      const drawn = worldPoolHouseholds(
        ranges,
        ctx.world,
        ctx.stepHours,
        stream(ctx, id, 'households'),
        stream(ctx, id, 'profiles'),
      );
      return new PoolAsset(id, drawn.households, {
        stepHours: ctx.stepHours,
        pvKwpTotal: drawn.pvKwp.reduce((s, x) => s + x, 0),
        pvKwp: drawn.pvKwp,
      });
    }
    case 'ev-fleet':
      return new EvFleetAsset(id, {
        params: evFleetParams(config, ctx),
        stepHours: ctx.stepHours,
        tariffEurPerMwh: config.tariffEurPerMwh,
        fleetRandom: stream(ctx, id, 'fleet'),
        periodSeeds: stream(ctx, id, 'rentals'),
      });
  }
}
