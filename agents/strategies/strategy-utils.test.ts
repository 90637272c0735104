// scheduleLotsOf indexes a wake-up's positions once; it must give scheduleLots's answer for every
// quarter-hour, whatever mix of quarter-hour and hourly positions the agent holds.
import { describe, expect, it } from 'vitest';
import type { WakeUp } from '../../gen/flexarena/v1/session.js';
import { hourId, quarterHourId, RandomStream } from '../../lib/index.js';
import { forecastMap, scheduleLots, scheduleLotsOf } from './strategy-utils.js';

const DAY = Date.UTC(2026, 10, 22);
const QH = 15 * 60_000;

describe('scheduleLotsOf', () => {
  it('equals scheduleLots for every quarter-hour through random positions', () => {
    const rng = RandomStream.fromSeed(3);
    for (let round = 0; round < 200; round++) {
      const positions: WakeUp['positions'] = [];
      for (let i = rng.int(0, 40); i > 0; i--) {
        const start = DAY + rng.int(0, 191) * QH;
        const id = rng.next() < 0.3 ? hourId(start - (start % 3_600_000)) : quarterHourId(start);
        const netLots = rng.int(-50, 50);
        positions.push({
          productId: id,
          netLots,
          boughtLots: Math.max(netLots, 0),
          soldLots: Math.max(-netLots, 0),
          cashUnits: 0,
        });
      }
      const lotsOf = scheduleLotsOf(positions);
      for (let k = 0; k < 192; k++) {
        const id = quarterHourId(DAY + k * QH);
        expect(lotsOf(id)).toBe(scheduleLots(positions, id));
      }
      // Not a quarter-hour: only its own position, as scheduleLots.
      const h = hourId(DAY);
      expect(lotsOf(h)).toBe(scheduleLots(positions, h));
    }
  });
});

describe('forecastMap', () => {
  it("maps a wake-up's forecasts by product, built once for the same list", () => {
    const list: WakeUp['priceForecasts'] = [
      { productId: quarterHourId(DAY), priceTicks: 8_000 },
      { productId: quarterHourId(DAY + QH), priceTicks: -125 },
    ];
    const a = forecastMap({ priceForecasts: list } as WakeUp);
    expect([...a]).toEqual([
      [quarterHourId(DAY), 8_000],
      [quarterHourId(DAY + QH), -125],
    ]);
    // Another agent's wake-up of the same decision point (in-process: the same list).
    expect(forecastMap({ priceForecasts: list } as WakeUp)).toBe(a);
    // A new list (the next decision point) gets its own map, even with equal contents.
    const b = forecastMap({ priceForecasts: [{ productId: quarterHourId(DAY), priceTicks: 1 }] } as WakeUp);
    expect(b).not.toBe(a);
    expect([...b]).toEqual([[quarterHourId(DAY), 1]]);
    expect(forecastMap({ priceForecasts: list } as WakeUp)).toEqual(a);
  });
});
