// scheduleLotsOf indexes a wake-up's positions once; it must give scheduleLots's answer for every
// quarter-hour, whatever mix of quarter-hour and hourly positions the agent holds.
import { describe, expect, it } from 'vitest';
import { ProductSpec } from '../../gen/flexarena/v1/market.js';
import { WakeUp } from '../../gen/flexarena/v1/session.js';
import { hourId, quarterHourId, RandomStream } from '../../lib/index.js';
import {
  forecastMap,
  projectSoc,
  scheduleLots,
  scheduleLotsOf,
  tradableQuarterHours,
} from './strategy-utils.js';

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
      // A frozen list: the same answers.
      const frozen = Object.freeze(positions.map((p) => Object.freeze({ ...p }))) as WakeUp['positions'];
      const frozenLotsOf = scheduleLotsOf(frozen);
      for (let k = 0; k < 192; k++) {
        const id = quarterHourId(DAY + k * QH);
        expect(lotsOf(id)).toBe(scheduleLots(positions, id));
        expect(frozenLotsOf(id)).toBe(scheduleLots(positions, id));
        expect(scheduleLotsOf(frozen)(id)).toBe(scheduleLots(positions, id));
      }
      // Not a quarter-hour: only its own position, as scheduleLots.
      const h = hourId(DAY);
      expect(lotsOf(h)).toBe(scheduleLots(positions, h));
    }
  });

  it('reads a list that is not frozen again at every call: it may have changed', () => {
    const positions: WakeUp['positions'] = [
      { productId: quarterHourId(DAY), netLots: 3, boughtLots: 3, soldLots: 0, cashUnits: 0 },
    ];
    expect(scheduleLotsOf(positions)(quarterHourId(DAY))).toBe(3);
    positions.push({ productId: hourId(DAY), netLots: -5, boughtLots: 0, soldLots: 5, cashUnits: 0 });
    expect(scheduleLotsOf(positions)(quarterHourId(DAY))).toBe(-2);
  });
});

describe('projectSoc', () => {
  const battery = {
    powerMw: 10,
    energyMwh: 20,
    etaCharge: 0.9,
    etaDischarge: 0.8,
    socMinMwh: 1,
    socMaxMwh: 19,
    socInitialMwh: 10,
  };
  it('is the same for a frozen list and a plain one, and sees a list change', () => {
    const rng = RandomStream.fromSeed(5);
    for (let round = 0; round < 100; round++) {
      const positions: WakeUp['positions'] = [];
      for (let i = rng.int(0, 30); i > 0; i--) {
        const start = DAY + rng.int(0, 191) * QH;
        const r = rng.next();
        const id =
          r < 0.3
            ? hourId(start - (start % 3_600_000))
            : r < 0.35
              ? `afrr-20261122-${rng.int(0, 5)}`
              : quarterHourId(start);
        positions.push({
          productId: id,
          netLots: rng.int(-50, 50),
          boughtLots: 0,
          soldLots: 0,
          cashUnits: 0,
        });
      }
      const frozen = Object.freeze(positions.slice()) as WakeUp['positions'];
      for (let k = 0; k < 5; k++) {
        const timeMs = DAY + rng.int(0, 150) * QH + rng.int(0, 14) * 60_000;
        const until = timeMs + rng.int(1, 40) * QH;
        const plain = projectSoc(10, battery, { ...WakeUp.fromPartial({ timeMs }), positions }, until);
        expect(projectSoc(10, battery, { ...WakeUp.fromPartial({ timeMs }), positions: frozen }, until)).toBe(
          plain,
        );
      }
    }
    const positions: WakeUp['positions'] = [];
    const wake = { ...WakeUp.fromPartial({ timeMs: DAY }), positions };
    expect(projectSoc(10, battery, wake, DAY + 4 * QH)).toBe(10);
    positions.push({
      productId: quarterHourId(DAY + QH),
      netLots: 40,
      boughtLots: 40,
      soldLots: 0,
      cashUnits: 0,
    });
    expect(projectSoc(10, battery, wake, DAY + 4 * QH)).toBeCloseTo(10 + 1 * 0.9, 12);
  });
});

describe('tradableQuarterHours', () => {
  const spec = (i: number, start: number): ProductSpec =>
    ProductSpec.fromPartial({
      productId: quarterHourId(start),
      deliveryStartMs: start,
      tradingOpenMs: DAY - 86_400_000 + i,
      gateClosureMs: start - 5 * 60_000,
    });
  it('orders by delivery start, and sorts again when the map changed', () => {
    // Inserted out of order.
    const products = new Map<string, ProductSpec>();
    for (const i of [5, 1, 9, 3, 7]) products.set(quarterHourId(DAY + i * QH), spec(i, DAY + i * QH));
    const ids = (now: number) => tradableQuarterHours(products, now, 0).map((p) => p.deliveryStartMs);
    expect(ids(DAY)).toEqual([1, 3, 5, 7, 9].map((i) => DAY + i * QH));
    expect(ids(DAY + 4 * QH)).toEqual([5, 7, 9].map((i) => DAY + i * QH));
    // A product added, and one replaced by a spec with another start (same size): seen at once.
    products.set(quarterHourId(DAY + 2 * QH), spec(2, DAY + 2 * QH));
    expect(ids(DAY)).toEqual([1, 2, 3, 5, 7, 9].map((i) => DAY + i * QH));
    products.set(quarterHourId(DAY + 9 * QH), spec(0, DAY + 20 * QH));
    expect(ids(DAY)).toEqual([1, 2, 3, 5, 7, 20].map((i) => DAY + i * QH));
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

  it('is built once for copies of a list of the same frozen entries, and again when an entry differs', () => {
    const entries = [8_000, -125, 42].map((priceTicks, i) =>
      Object.freeze({ productId: quarterHourId(DAY + i * QH), priceTicks }),
    );
    // As in-process strategies get them: a list of their own, the core's frozen entries.
    const a = forecastMap({ priceForecasts: entries.slice() } as WakeUp);
    expect(forecastMap({ priceForecasts: entries.slice() } as WakeUp)).toBe(a);
    // One entry replaced (the next decision point's forecast for it): a map of its own.
    const next = entries.slice();
    next[1] = Object.freeze({ productId: quarterHourId(DAY + QH), priceTicks: 7 });
    const b = forecastMap({ priceForecasts: next } as WakeUp);
    expect(b).not.toBe(a);
    expect(b.get(quarterHourId(DAY + QH))).toBe(7);
    // Entries that are not frozen could change under the map: only the very same list reuses it.
    const plain = entries.map((e) => ({ ...e }));
    const c = forecastMap({ priceForecasts: plain } as WakeUp);
    plain[0]!.priceTicks = 1;
    const d = forecastMap({ priceForecasts: plain.slice() } as WakeUp);
    expect(d).not.toBe(c);
    expect(d.get(quarterHourId(DAY))).toBe(1);
  });
});
