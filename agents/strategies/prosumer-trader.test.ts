import { describe, expect, it } from 'vitest';
import { GenerationSource, IllegalActionPolicy } from '../../gen/flexarena/v1/asset.js';
import { Side } from '../../gen/flexarena/v1/market.js';
import { ProsumerTrader } from './prosumer-trader.js';
import { DAY, makeWakeUp, makeWelcome } from './test-fixtures.js';

const HOUR = 3_600_000;

function trader(capacityMw = 50) {
  const t = new ProsumerTrader({ horizonHours: 2 });
  t.onWelcome(
    makeWelcome({
      world: { windCapacityMw: 60_000, solarCapacityMw: 80_000 },
      assets: [
        {
          assetId: 'wp',
          kind: {
            $case: 'prosumer',
            value: {
              battery: undefined,
              generationSource: GenerationSource.GENERATION_SOURCE_WIND,
              generationCapacityMw: capacityMw,
              allowImport: false,
              illegalPolicy: IllegalActionPolicy.ILLEGAL_ACTION_POLICY_CLIP,
              illegalPenaltyEur: 0,
            },
          },
        },
      ],
    }),
  );
  return t;
}

describe('ProsumerTrader', () => {
  it('scales the system wind forecast by its share of installed capacity, in whole lots', () => {
    const t = trader(50);
    // 30 GW of system wind × 50/60 000 = 25 MW → 6.25 MWh per quarter-hour = 250 lots.
    expect(
      t.expectedGenerationLots({ productId: 'x', demandMw: 0, windMw: 30_000, solarMw: 0, residualMw: 0 }),
    ).toBe(250);
    // Never more than the park's own capacity.
    expect(
      t.expectedGenerationLots({ productId: 'x', demandMw: 0, windMw: 90_000, solarMw: 0, residualMw: 0 }),
    ).toBe(500);
  });

  it('sells the expected generation not yet sold, and buys back what a lower forecast no longer covers', () => {
    const t = trader(50);
    const now = DAY + 9 * HOUR;
    const qh = 'qh-20261122-1000';
    const wake = (position: number) =>
      makeWakeUp({
        timeMs: now,
        books: [{ productId: qh, bids: [], asks: [], hasLastTrade: false, lastTradePriceTicks: 0 }],
        priceForecasts: [{ productId: qh, priceTicks: 6_000 }],
        fundamentalsForecasts: [{ productId: qh, demandMw: 0, windMw: 30_000, solarMw: 0, residualMw: 0 }],
        positions: position
          ? [{ productId: qh, netLots: position, boughtLots: 0, soldLots: -position, cashUnits: 0 }]
          : [],
      });
    const [sell] = t.decide(wake(0));
    expect(sell?.kind?.$case).toBe('submit');
    if (sell?.kind?.$case !== 'submit') throw new Error('expected a submit');
    expect(sell.kind.value).toMatchObject({
      productId: qh,
      side: Side.SIDE_SELL,
      quantityLots: 250,
      priceTicks: 5_000,
    });
    expect(t.decide(wake(-250))).toEqual([]);
    const [buy] = t.decide(wake(-300));
    if (buy?.kind?.$case !== 'submit') throw new Error('expected a submit');
    expect(buy.kind.value).toMatchObject({ side: Side.SIDE_BUY, quantityLots: 50, priceTicks: 7_000 });
  });

  it('refuses to run without a prosumer asset', () => {
    expect(() => new ProsumerTrader().onWelcome(makeWelcome({ assets: [] }))).toThrow(/prosumer asset/);
  });
});
