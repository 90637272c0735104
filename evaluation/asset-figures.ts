// What the scores need to know of an agent's asset, from its manifest spec: the power and energy
// that per-MW and per-MWh figures divide by, the storage's start SoC and efficiencies (to value
// stored energy), and — for a plain battery — the spec of its perfect-foresight bound.
import type { AssetSpec } from '../gen/flexarena/v1/asset.js';
import type { BatteryBoundSpec } from './bound/battery-bound.js';

export interface AssetFigures {
  kind: 'battery' | 'prosumer' | 'residential-pool' | 'ev-fleet';
  powerMw: number;
  energyMwh: number;
  /** Storage whose change counts (battery, prosumer battery, pool); undefined for an EV fleet. */
  storage?: { socStartMwh: number; etaCharge: number; etaDischarge: number };
  /** Set for a plain battery: its perfect-foresight bounds are computed. */
  bound?: BatteryBoundSpec;
  /** Why there is no bound, when there is none. */
  noBound?: string;
}

export function assetFigures(spec: AssetSpec | undefined): AssetFigures | undefined {
  const k = spec?.kind;
  if (!k) return undefined;
  switch (k.$case) {
    case 'battery': {
      const b = k.value;
      return {
        kind: 'battery',
        powerMw: b.powerMw,
        energyMwh: b.energyMwh,
        storage: { socStartMwh: b.socInitialMwh, etaCharge: b.etaCharge, etaDischarge: b.etaDischarge },
        bound: {
          powerMw: b.powerMw,
          etaCharge: b.etaCharge,
          etaDischarge: b.etaDischarge,
          socMinMwh: b.socMinMwh,
          socMaxMwh: b.socMaxMwh,
          socStartMwh: b.socInitialMwh,
          degradationEurPerMwh: b.degradationEurPerMwh ?? 0,
        },
      };
    }
    case 'prosumer': {
      const b = k.value.battery;
      return {
        kind: 'prosumer',
        powerMw: k.value.generationCapacityMw,
        energyMwh: b?.energyMwh ?? 0,
        ...(b
          ? {
              storage: { socStartMwh: b.socInitialMwh, etaCharge: b.etaCharge, etaDischarge: b.etaDischarge },
            }
          : {}),
        noBound: "a prosumer's bound needs its generation profile, which the settlement records do not carry",
      };
    }
    case 'residentialPool': {
      const p = k.value;
      return {
        kind: 'residential-pool',
        powerMw: Math.max(p.batteryChargeMw, p.batteryDischargeMw),
        energyMwh: p.batteryCapacityMwh,
        // The pool twin reports no efficiencies: its stored energy is valued at the reference price both ways.
        storage: { socStartMwh: p.socInitialMwh, etaCharge: 1, etaDischarge: 1 },
        noBound:
          "a pool's bound needs its households' load and PV, which the settlement records do not carry",
      };
    }
    case 'evFleet': {
      const e = k.value;
      return {
        kind: 'ev-fleet',
        powerMw: e.maxChargingMw,
        energyMwh: (e.cars * e.capacityKwh) / 1000,
        noBound: "an EV fleet's energy leaves with its rentals; there is no storage bound to compare with",
      };
    }
  }
}
