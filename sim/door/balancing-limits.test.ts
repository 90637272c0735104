// The door's limits for balancing bids are the balancing markets' own: a rejection states the rule
// the bid actually has to meet, whichever side of it the bid fell on. The door used to check
// balancing quantities against the auctions' 5 000 000 lots (a quantity of 0 was told "within
// [1, 5000000]", while 100 001 lots were then refused by the market with "<= 100000").
import { describe, expect, it } from 'vitest';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { RejectCode } from '../../gen/flexarena/v1/market.js';
import { DEFAULT_CAPACITY_AUCTION_CONFIG, DEFAULT_ENERGY_MARKET_CONFIG } from '../../market/index.js';
import { parseRunConfig } from '../config/run-config.js';
import { Simulation } from '../core/simulation.js';
import { admitAction } from './validate-action.js';

const UP = BalancingDirection.BALANCING_DIRECTION_UP;

async function door() {
  const cfg = parseRunConfig({
    name: 'balancing-limits',
    seed: 1,
    day: '2026-11-22',
    nats: { enabled: false },
    agents: [{ id: 'a', strategy: 'idle' }],
  });
  return (await Simulation.create(cfg, { runId: 'balancing-limits', sinks: [] })).doorLimits;
}

const capacity = (quantityLots: number, priceTicks: number) => ({
  clientRef: '',
  kind: {
    $case: 'capacityBid',
    value: { productId: 'afrr-20261122-0', direction: UP, quantityLots, priceTicks, indivisible: false },
  },
});
const energy = (quantityLots: number, priceTicks: number) => ({
  clientRef: '',
  kind: {
    $case: 'energyBid',
    value: { productId: 'qh-20261122-0000', direction: UP, quantityLots, priceTicks },
  },
});

describe('door limits of balancing bids', () => {
  it('states the balancing markets’ quantity limit on both sides of it', async () => {
    const limits = await door();
    const max = DEFAULT_ENERGY_MARKET_CONFIG.maxQuantityLots;
    expect(DEFAULT_CAPACITY_AUCTION_CONFIG.maxQuantityLots).toBe(max);
    for (const [make, field] of [
      [capacity, 'capacity_bid.quantity_lots'],
      [energy, 'energy_bid.quantity_lots'],
    ] as const) {
      for (const lots of [0, -1, max + 1]) {
        const r = admitAction(make(lots, 100), limits);
        expect(r.ok).toBe(false);
        if (r.ok) continue;
        expect(r.rejection).toMatchObject({
          code: RejectCode.REJECT_CODE_QUANTITY_INVALID,
          field,
          limit: `an integer within [1, ${max}] lots of 0.1 MW`,
        });
      }
      expect(admitAction(make(max, 100), limits).ok).toBe(true);
    }
  });

  it('states each balancing market’s own price limits', async () => {
    const limits = await door();
    const cap = DEFAULT_CAPACITY_AUCTION_CONFIG;
    const en = DEFAULT_ENERGY_MARKET_CONFIG;
    for (const [make, field, min, max, unit] of [
      [capacity, 'capacity_bid.price_ticks', cap.priceMinTicks, cap.priceMaxTicks, 'EUR/MW per hour'],
      [energy, 'energy_bid.price_ticks', en.priceMinTicks, en.priceMaxTicks, 'EUR/MWh'],
    ] as const) {
      for (const ticks of [min - 1, max + 1, 2 ** 62]) {
        const r = admitAction(make(10, ticks), limits);
        expect(r.ok).toBe(false);
        if (r.ok) continue;
        expect(r.rejection).toMatchObject({
          code: RejectCode.REJECT_CODE_PRICE_OUT_OF_RANGE,
          field,
          limit: `an integer within [${min}, ${max}] ticks of 0.01 ${unit}`,
        });
      }
      expect(admitAction(make(10, min), limits).ok).toBe(true);
      expect(admitAction(make(10, max), limits).ok).toBe(true);
    }
  });
});
