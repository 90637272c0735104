// A renewable + battery prosumer (seeds 002/003) on the market: its generation would otherwise
// flow into the grid unsold (and be settled as a long imbalance), so it sells the forecast of its
// own generation in the continuous market and re-trades as forecasts change. Its generation
// forecast is the system's wind or solar forecast scaled by its share of installed capacity.
// The battery behind the meter is left to absorb what is not sold (the twin does that by itself).

import * as z from 'zod';
import { GenerationSource, type ProsumerSpec } from '../../gen/flexarena/v1/asset.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { eurToTicks } from '../../market/index.js';
import { AgentSdkError } from '../sdk/errors.js';
import type { Strategy } from '../sdk/strategy.js';
import { eurPerMwh, parseParams } from './params.js';
import {
  iocAround,
  type PriceLimits,
  priceLimits,
  quarterHourProducts,
  requireAsset,
  scheduleLots,
  tradableQuarterHours,
} from './strategy-utils.js';

const paramsSchema = z
  .object({
    /** Trade quarter-hours delivering within this many hours. */
    horizonHours: z.number().positive().max(48).default(6),
    slippageEur: eurPerMwh(0, 1000).default(10),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Re-trade only when the target moved by at least this many lots. */
    minTradeLots: z.number().int().min(1).max(100_000).default(1),
  })
  .strict();

const KWH_PER_LOT_QH = 25;

export class ProsumerTrader implements Strategy {
  readonly name = 'prosumer-trader';
  readonly params: z.infer<typeof paramsSchema>;
  private spec?: ProsumerSpec;
  private share = 0;
  private products = new Map<
    string,
    Parameters<typeof tradableQuarterHours>[0] extends Map<string, infer P> ? P : never
  >();
  private limits: PriceLimits = { minTicks: -999_900, maxTicks: 999_900 };

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('prosumer-trader', paramsSchema, params);
  }

  onWelcome(welcome: Welcome): void {
    const asset = requireAsset(welcome, 'prosumer', 'prosumer-trader', 'a prosumer');
    this.spec = asset.spec;
    const capacity =
      asset.spec.generationSource === GenerationSource.GENERATION_SOURCE_WIND
        ? welcome.world?.windCapacityMw
        : welcome.world?.solarCapacityMw;
    if (!capacity) throw new AgentSdkError('prosumer-trader needs the world capacities in the welcome');
    this.share = asset.spec.generationCapacityMw / capacity;
    this.products = quarterHourProducts(welcome);
    this.limits = priceLimits(welcome);
  }

  /** Expected generation of a quarter-hour in lots (0.1 MW), from the system forecast. */
  expectedGenerationLots(f: WakeUp['fundamentalsForecasts'][number]): number {
    const systemMw =
      this.spec?.generationSource === GenerationSource.GENERATION_SOURCE_WIND ? f.windMw : f.solarMw;
    const mw = Math.min(this.spec?.generationCapacityMw ?? 0, Math.max(0, systemMw * this.share));
    return Math.floor((mw * 1000 * 0.25) / KWH_PER_LOT_QH + 1e-9);
  }

  decide(wake: WakeUp): Action[] {
    if (!this.spec) return [];
    const fundamentals = new Map(wake.fundamentalsForecasts.map((f) => [f.productId, f]));
    const prices = new Map(wake.priceForecasts.map((f) => [f.productId, f.priceTicks]));
    const open = new Set(wake.books.map((b) => b.productId));
    const horizonEnd = wake.timeMs + this.params.horizonHours * 3_600_000;
    const slip = eurToTicks(this.params.slippageEur);
    const actions: Action[] = [];
    for (const p of tradableQuarterHours(this.products, wake.timeMs, this.params.gateMarginMs)) {
      if (p.deliveryStartMs > horizonEnd || !open.has(p.productId)) continue;
      const f = fundamentals.get(p.productId);
      const price = prices.get(p.productId);
      if (!f || price === undefined) continue;
      // Selling the generation means a net position of minus the generation.
      const delta = -this.expectedGenerationLots(f) - scheduleLots(wake.positions, p.productId);
      if (Math.abs(delta) < this.params.minTradeLots) continue;
      actions.push(
        ...iocAround(
          p.productId,
          delta,
          price,
          slip,
          this.limits,
          delta < 0 ? 'sell-generation' : 'buy-back',
        ),
      );
    }
    return actions;
  }
}
