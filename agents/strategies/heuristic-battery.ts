// The heuristic of seed 002 §4.1 applied to a battery in the continuous market: at each
// wake-up take the next quarter-hour still tradable; if the average forecast price of the hour
// after it is above its own forecast, the price is rising, so charge fully now; if below,
// discharge fully. Orders are IOC limit orders that accept at most `maxSlippageEur` against
// the forecast, so the battery pays for the depth it consumes.

import * as z from 'zod';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { deliveryStartOf } from '../../lib/index.js';
import { eurToTicks } from '../../market/index.js';
import { submit } from '../sdk/actions.js';
import { AssetRequiredError } from '../sdk/market-view.js';
import type { PublicViewPart, Strategy } from '../sdk/strategy.js';

import { eurPerMwh, parseParams } from './params.js';

const paramsSchema = z
  .object({
    maxSlippageEur: eurPerMwh(0, 1000).default(15),
    /** Do not act on a product whose gate closes sooner than this (latency headroom). */
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Ignore signals smaller than this (EUR/MWh). */
    thresholdEur: eurPerMwh(0, 1000).default(0),
  })
  .strict();

const QH_HOURS = 0.25;
const KWH_PER_LOT_QH = 25;

export class HeuristicBattery implements Strategy {
  readonly name = 'heuristic-battery';
  readonly ignoresPublicViewParts: readonly PublicViewPart[] = ['fundamentalsForecasts'];
  readonly params: z.infer<typeof paramsSchema>;
  private battery?: BatterySpec;
  private gateClosure = new Map<string, number>();

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('heuristic-battery', paramsSchema, params);
  }

  onWelcome(welcome: Welcome): void {
    const asset = welcome.assets.find((a) => a.kind?.$case === 'battery');
    if (asset?.kind?.$case !== 'battery')
      throw new AssetRequiredError('heuristic-battery', 'battery', 'a battery asset');
    this.battery = asset.kind.value;
    for (const p of welcome.market?.products ?? []) this.gateClosure.set(p.productId, p.gateClosureMs);
  }

  decide(wake: WakeUp): Action[] {
    const b = this.battery;
    if (!b) return [];
    const forecasts = [...wake.priceForecasts].sort(
      (x, y) => deliveryStartOf(x.productId) - deliveryStartOf(y.productId),
    );
    const open = new Set(wake.books.map((b) => b.productId));
    const idx = forecasts.findIndex(
      (f) =>
        open.has(f.productId) &&
        (this.gateClosure.get(f.productId) ?? 0) > wake.timeMs + this.params.gateMarginMs,
    );
    if (idx < 0) return [];
    const target = forecasts[idx]!;
    const nextHour = forecasts.slice(idx + 1, idx + 5);
    if (nextHour.length === 0) return [];
    const avgNext = nextHour.reduce((s, f) => s + f.priceTicks, 0) / nextHour.length;
    const signal = avgNext - target.priceTicks;
    if (Math.abs(signal) <= eurToTicks(this.params.thresholdEur)) return [];

    const soc = this.projectedSoc(wake, b, deliveryStartOf(target.productId));
    const held = wake.positions.find((p) => p.productId === target.productId)?.netLots ?? 0;
    const powerLots = Math.floor(b.powerMw * 10 + 1e-9);
    const slip = eurToTicks(this.params.maxSlippageEur);
    if (signal > 0) {
      const roomLots = Math.floor((((b.socMaxMwh - soc) / b.etaCharge) * 1000) / KWH_PER_LOT_QH + 1e-9);
      const lots = Math.min(powerLots, roomLots) - held;
      if (lots <= 0) return [];
      return [
        submit({
          productId: target.productId,
          side: 'buy',
          priceTicks: target.priceTicks + slip,
          quantityLots: lots,
          tif: 'IOC',
          clientRef: 'charge',
        }),
      ];
    }
    const availLots = Math.floor(((soc - b.socMinMwh) * b.etaDischarge * 1000) / KWH_PER_LOT_QH + 1e-9);
    const lots = Math.min(powerLots, availLots) + held;
    if (lots <= 0) return [];
    return [
      submit({
        productId: target.productId,
        side: 'sell',
        priceTicks: target.priceTicks - slip,
        quantityLots: lots,
        tif: 'IOC',
        clientRef: 'discharge',
      }),
    ];
  }

  /** SoC at the start of `startMs` if every position traded for earlier periods is delivered. */
  private projectedSoc(wake: WakeUp, b: BatterySpec, startMs: number): number {
    let soc = wake.assets[0]?.socMwh ?? b.socInitialMwh;
    const earlier = wake.positions
      .filter((p) => {
        const s = deliveryStartOf(p.productId);
        return s < startMs && s + QH_HOURS * 3_600_000 > wake.timeMs;
      })
      .sort((x, y) => deliveryStartOf(x.productId) - deliveryStartOf(y.productId));
    for (const p of earlier) {
      const gridMwh = (p.netLots * KWH_PER_LOT_QH) / 1000;
      soc += gridMwh >= 0 ? gridMwh * b.etaCharge : gridMwh / b.etaDischarge;
      soc = Math.min(b.socMaxMwh, Math.max(b.socMinMwh, soc));
    }
    return soc;
  }
}
