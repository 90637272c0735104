import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activateEnergyBids } from './energy-market.js';
import {
  activatedKwhByAgent,
  type BalancingPrices,
  nonDeliveryPenalties,
  nonDeliveryPenalty,
  type PenaltyConfig,
  penaltyPriceTicks,
} from './penalty.js';
import type { BalancingDirection } from './types.js';

// Period prices: up 80.00 EUR/MWh, down −10.00 EUR/MWh (the TSO paid down providers 10 EUR/MWh).
const PRICES: BalancingPrices = { upPriceTicks: 8000, downPriceTicks: -1000 };

describe('non-delivery penalty', () => {
  const cases: [
    string,
    BalancingDirection,
    number,
    number,
    Partial<PenaltyConfig>,
    number,
    number,
    number,
  ][] = [
    // name, direction, activated, delivered, config, shortfall, price, cash
    // 150 kWh short × (8000 + 10 000 surcharge) = 2 700 000 units = 27 EUR (0.15 MWh × 180 EUR/MWh)
    ['up, partly delivered', 'up', 250, 100, {}, 150, 18_000, 2_700_000],
    // |−1000| + 10 000 = 11 000; 40 × 11 000 = 440 000
    ['down, negative price uses the magnitude', 'down', 100, 60, {}, 40, 11_000, 440_000],
    ['fully delivered', 'up', 250, 250, {}, 0, 18_000, 0],
    ['over-delivery earns nothing', 'up', 250, 400, {}, 0, 18_000, 0],
    // Moving the wrong way counts as delivering nothing; the shortfall never exceeds what was activated.
    ['wrong way', 'up', 250, -80, {}, 250, 18_000, 4_500_000],
    // factor 1.5: ceil(8000 × 1.5) = 12 000 + 0 surcharge
    [
      'factor 1.5, no surcharge',
      'up',
      10,
      0,
      { factorPermille: 1500, surchargeTicks: 0 },
      10,
      12_000,
      120_000,
    ],
    // factor 0.333: ceil(8000 × 0.333) = ceil(2664) = 2664; + 1 → 2665
    [
      'rounds up against the defaulter',
      'up',
      1,
      0,
      { factorPermille: 333, surchargeTicks: 1 },
      1,
      2665,
      2665,
    ],
    ['fixed price overrides the rule', 'down', 20, 0, { fixedPriceTicks: 50_000 }, 20, 50_000, 1_000_000],
  ];

  it.each(cases)('%s', (_name, direction, activatedKwh, deliveredKwh, override, shortfall, price, cash) => {
    const config = { factorPermille: 1000, surchargeTicks: 10_000, ...override };
    const p = nonDeliveryPenalty({ agentId: 'a', direction, activatedKwh, deliveredKwh }, PRICES, config);
    expect(p).toStrictEqual({
      agentId: 'a',
      direction,
      activatedKwh,
      deliveredKwh,
      shortfallKwh: shortfall,
      penaltyPriceTicks: price,
      penaltyCashUnits: cash,
    });
  });

  it('default rule: balancing price × 1.0 + 100 EUR/MWh', () => {
    expect(penaltyPriceTicks('up', PRICES)).toBe(18_000);
    expect(penaltyPriceTicks('down', PRICES)).toBe(11_000);
    expect(penaltyPriceTicks('down', { upPriceTicks: 8000, downPriceTicks: null })).toBeNull();
  });

  it('needs a price only when something is short', () => {
    const noDown = { upPriceTicks: 8000, downPriceTicks: null };
    expect(
      nonDeliveryPenalty({ agentId: 'a', direction: 'down', activatedKwh: 0, deliveredKwh: 0 }, noDown),
    ).toMatchObject({ shortfallKwh: 0, penaltyCashUnits: 0 });
    expect(() =>
      nonDeliveryPenalty({ agentId: 'a', direction: 'down', activatedKwh: 5, deliveredKwh: 0 }, noDown),
    ).toThrow(/no down balancing price/);
  });

  it('rejects bad inputs and configs as bugs', () => {
    const ok = { agentId: 'a', direction: 'up' as const, activatedKwh: 1, deliveredKwh: 0 };
    expect(() => nonDeliveryPenalty({ ...ok, activatedKwh: -1 }, PRICES)).toThrow(RangeError);
    expect(() => nonDeliveryPenalty({ ...ok, deliveredKwh: 0.5 }, PRICES)).toThrow(RangeError);
    expect(() => nonDeliveryPenalty(ok, PRICES, { factorPermille: -1, surchargeTicks: 0 })).toThrow(
      RangeError,
    );
    expect(() => nonDeliveryPenalty(ok, PRICES, { factorPermille: 1000, surchargeTicks: 1.5 })).toThrow(
      RangeError,
    );
  });

  it('works from an activation result', () => {
    const result = activateEnergyBids(
      0,
      [
        { bidId: 'x1', agentId: 'b', period: 0, direction: 'up', quantityLots: 10, energyPriceTicks: 5000 },
        { bidId: 'x2', agentId: 'a', period: 0, direction: 'up', quantityLots: 4, energyPriceTicks: 6000 },
        { bidId: 'x3', agentId: 'b', period: 0, direction: 'up', quantityLots: 4, energyPriceTicks: 7000 },
      ],
      400,
    );
    // b: x1 250 + x3 50; a: x2 100. Up price 7000.
    const activated = activatedKwhByAgent(result);
    expect(activated).toStrictEqual([
      { agentId: 'a', direction: 'up', activatedKwh: 100 },
      { agentId: 'b', direction: 'up', activatedKwh: 300 },
    ]);
    const delivered: Record<string, number> = { a: 100, b: 200 };
    const penalties = nonDeliveryPenalties(
      activated.map((x) => ({ ...x, deliveredKwh: delivered[x.agentId]! })),
      result,
    );
    // b short 100 kWh × (7000 + 10 000) = 1 700 000
    expect(penalties.map((p) => [p.agentId, p.shortfallKwh, p.penaltyCashUnits])).toStrictEqual([
      ['a', 0, 0],
      ['b', 100, 1_700_000],
    ]);
  });

  it('property: 0 <= shortfall <= activated, and the penalty never rises with more delivery', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<BalancingDirection>('up', 'down'),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: -1_500_000, max: 1_500_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (direction, activatedKwh, deliveredKwh, extra, price, factorPermille, surchargeTicks) => {
          const prices = { upPriceTicks: price, downPriceTicks: price };
          const config = { factorPermille, surchargeTicks };
          const p = nonDeliveryPenalty(
            { agentId: 'a', direction, activatedKwh, deliveredKwh },
            prices,
            config,
          );
          const more = nonDeliveryPenalty(
            { agentId: 'a', direction, activatedKwh, deliveredKwh: deliveredKwh + extra },
            prices,
            config,
          );
          expect(p.shortfallKwh).toBeGreaterThanOrEqual(0);
          expect(p.shortfallKwh).toBeLessThanOrEqual(activatedKwh);
          expect(p.penaltyCashUnits).toBeGreaterThanOrEqual(0);
          expect(more.penaltyCashUnits).toBeLessThanOrEqual(p.penaltyCashUnits);
          expect(Number.isSafeInteger(p.penaltyCashUnits)).toBe(true);
        },
      ),
    );
  });
});
