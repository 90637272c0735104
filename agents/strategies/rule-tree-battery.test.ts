import { describe, expect, it } from 'vitest';
import { Side } from '../../gen/flexarena/v1/market.js';
import { quarterHourId } from '../../lib/product-id.js';
import { decideByRules, type RuleFeatures, RuleTreeBattery } from './rule-tree-battery.js';
import { HOUR_MS, QH_MS } from './strategy-utils.js';
import {
  assetState,
  batteryAsset,
  book,
  DAY,
  forecasts,
  makeWakeUp,
  makeWelcome,
  submitsOf,
} from './test-fixtures.js';

const P = new RuleTreeBattery().params;
const base: RuleFeatures = {
  spreadEur: 50,
  rank: 0.5,
  soc: 0.5,
  gateMinutes: 120,
  hoursLeft: 20,
  startSoc: 0.5,
  askVsForecastEur: 1,
  bidVsForecastEur: -1,
};
const act = (f: Partial<RuleFeatures>) => decideByRules({ ...base, ...f }, P).action;

describe('the rule tree', () => {
  it('holds when the forecast spread does not pay for a cycle', () => {
    expect(decideByRules({ ...base, spreadEur: 10, rank: 0 }, P)).toEqual({
      action: 'hold',
      path: ['spread < minSpread'],
    });
  });

  it('charges in cheap hours at a fair price, half at the last call, and waits otherwise', () => {
    expect(act({ rank: 0.1 })).toBe('charge');
    expect(act({ rank: 0.1, soc: 0.97 })).toBe('hold');
    expect(act({ rank: 0.1, askVsForecastEur: 8 })).toBe('hold');
    expect(act({ rank: 0.1, askVsForecastEur: 8, gateMinutes: 30 })).toBe('charge-half');
    expect(act({ rank: 0.1, askVsForecastEur: undefined, gateMinutes: 30 })).toBe('hold');
  });

  it('discharges in dear hours, keeping the start SoC near the end of what it knows', () => {
    expect(act({ rank: 0.9 })).toBe('discharge');
    expect(act({ rank: 0.9, soc: 0.03 })).toBe('hold');
    expect(act({ rank: 0.9, bidVsForecastEur: -8, gateMinutes: 30 })).toBe('discharge-half');
    expect(act({ rank: 0.9, soc: 0.4, hoursLeft: 4 })).toBe('hold');
    expect(act({ rank: 0.9, soc: 0.6, hoursLeft: 4 })).toBe('discharge');
  });

  it('takes clear opportunities in middle hours', () => {
    expect(act({})).toBe('hold');
    expect(act({ bidVsForecastEur: 20, soc: 0.7 })).toBe('discharge-half');
    expect(act({ bidVsForecastEur: 20, soc: 0.4 })).toBe('hold');
    expect(act({ askVsForecastEur: -20, soc: 0.4 })).toBe('charge-half');
    expect(decideByRules({ ...base, askVsForecastEur: -20, soc: 0.4 }, P).path).toEqual([
      'middle rank',
      'ask ≤ forecast − opportunity',
    ]);
  });
});

describe('RuleTreeBattery', () => {
  const NOW = DAY + 9 * HOUR_MS;
  // Next 4 quarter-hours cheap (40), then 12 dear (120): the first four are charging hours.
  const prices = Array.from({ length: 16 }, (_, k) => (k < 4 ? 4_000 : 12_000));
  const ids = prices.map((_, k) => quarterHourId(NOW + (k + 1) * QH_MS));

  it('carries out the leaves with IOC orders no worse than forecast + edge', () => {
    const s = new RuleTreeBattery();
    s.onWelcome(makeWelcome({ assets: [batteryAsset()] }));
    const orders = submitsOf(
      s.decide(
        makeWakeUp({
          timeMs: NOW,
          assets: [assetState({ socMwh: 10 })],
          priceForecasts: forecasts(NOW + QH_MS, prices),
          books: ids.map((id, k) => book(id, [[prices[k]! - 50, 100]], [[prices[k]! + 50, 100]])),
        }),
      ),
    );
    expect(s.decisions.get(ids[0]!)?.action).toBe('charge');
    expect(orders.length).toBeGreaterThan(0);
    for (const o of orders) {
      expect(o.side).toBe(Side.SIDE_BUY);
      expect(o.priceTicks).toBe(4_000 + 300);
    }
    // 9 MWh of room to 19 MWh at η 0.95 = 378 lots: full power, then what is left.
    expect(orders.map((o) => o.quantityLots)).toEqual([100, 100, 100, 78]);
  });
});
