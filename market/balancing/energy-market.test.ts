import { describe, expect, it } from 'vitest';
import {
  type ActivationResult,
  activateEnergyBids,
  capacityProductOfPeriod,
  type EnergyBid,
  EnergyMarket,
  kwhPerLotPerPeriod,
  periodsOfCapacityProduct,
} from './energy-market.js';
import type { BalancingDirection, BalancingRejection } from './types.js';

const P = 40; // period 40 = 10:00–10:15 of day 0, inside capacity product 2

function bid(
  bidId: string,
  agentId: string,
  direction: BalancingDirection,
  quantityLots: number,
  energyPriceTicks: number,
  period = P,
): EnergyBid {
  return { bidId, agentId, period, direction, quantityLots, energyPriceTicks };
}

/** [bidId, activatedKwh, cashUnits] in merit order. */
function rows(result: ActivationResult) {
  return result.activations.map((a) => [a.bidId, a.activatedKwh, a.cashUnits]);
}

function marketWith(bids: EnergyBid[], config = {}): EnergyMarket {
  const market = new EnergyMarket(config);
  for (const b of bids) expect(market.submit(b).accepted).toBe(true);
  return market;
}

// Worked example: 4 up and 3 down bids for one 15-minute period; 1 lot (0.1 MW) for 15 min = 25 kWh.
// Prices in ticks of 0.01 EUR/MWh; cash units = kWh × ticks.
//
//   up      agent  lots   kWh  price (EUR/MWh)  merit (cheapest first)
//   u1      a       10    250    50.00           1st
//   u2      b       20    500    80.00           3rd
//   u3      c        8    200    65.00           2nd
//   u4      d       30    750   120.00           4th      available up   = 1700 kWh
//   down (provider pays the price)           merit (highest first)
//   d1      a       10    250    20.00           2nd
//   d2      b        6    150   -10.00           3rd (the TSO pays b 10 EUR/MWh)
//   d3      c       12    300    35.00           1st      available down = 700 kWh
const EXAMPLE: EnergyBid[] = [
  bid('u1', 'a', 'up', 10, 5000),
  bid('u2', 'b', 'up', 20, 8000),
  bid('u3', 'c', 'up', 8, 6500),
  bid('u4', 'd', 'up', 30, 12000),
  bid('d1', 'a', 'down', 10, 2000),
  bid('d2', 'b', 'down', 6, -1000),
  bid('d3', 'c', 'down', 12, 3500),
];

describe('activation: worked example with 4 up and 3 down bids', () => {
  const cases: {
    name: string;
    imbalance: number;
    rows: (string | number)[][];
    up: number | null;
    down: number | null;
    actUp: number;
    actDown: number;
    unresolved: number;
  }[] = [
    {
      // Short 600 kWh: u1 250 (cum 250) + u3 200 (cum 450) + u2 150 of 500 (cum 600). Marginal u2 → 80.00.
      // Cash at 8000: 250 × 8000 = 2 000 000 (= 20 EUR = 0.25 MWh × 80), 200 × 8000, 150 × 8000.
      name: 'system short 600 kWh',
      imbalance: 600,
      rows: [
        ['u1', 250, 2_000_000],
        ['u3', 200, 1_600_000],
        ['u2', 150, 1_200_000],
      ],
      up: 8000,
      down: null,
      actUp: 600,
      actDown: 0,
      unresolved: 0,
    },
    {
      // Short exactly 450 kWh: u1 + u3 in full; the last fully activated bid u3 is marginal → 65.00.
      name: 'system short 450 kWh, ending on a bid boundary',
      imbalance: 450,
      rows: [
        ['u1', 250, 1_625_000],
        ['u3', 200, 1_300_000],
      ],
      up: 6500,
      down: null,
      actUp: 450,
      actDown: 0,
      unresolved: 0,
    },
    {
      // Long 500 kWh: d3 300 (cum 300) + d1 200 of 250 (cum 500). Marginal d1 → 20.00.
      // Providers pay: d3 300 × 2000 = 600 000 → cash −600 000; d1 200 × 2000 → −400 000.
      name: 'system long 500 kWh',
      imbalance: -500,
      rows: [
        ['d3', 300, -600_000],
        ['d1', 200, -400_000],
      ],
      up: null,
      down: 2000,
      actUp: 0,
      actDown: 500,
      unresolved: 0,
    },
    {
      // Short 2000 kWh > 1700 available: all up bids in full, 300 unresolved, price → +15 000 EUR/MWh.
      name: 'up bids run out',
      imbalance: 2000,
      rows: [
        ['u1', 250, 375_000_000],
        ['u3', 200, 300_000_000],
        ['u2', 500, 750_000_000],
        ['u4', 750, 1_125_000_000],
      ],
      up: 1_500_000,
      down: null,
      actUp: 1700,
      actDown: 0,
      unresolved: 300,
    },
    {
      // Long 800 kWh > 700 available: all down bids, −100 unresolved, price → −15 000 EUR/MWh: the TSO
      // pays every down provider 15 000 EUR/MWh, e.g. d2 150 kWh × 1 500 000 = 225 000 000 (2 250 EUR).
      name: 'down bids run out',
      imbalance: -800,
      rows: [
        ['d3', 300, 450_000_000],
        ['d1', 250, 375_000_000],
        ['d2', 150, 225_000_000],
      ],
      up: null,
      down: -1_500_000,
      actUp: 0,
      actDown: 700,
      unresolved: -100,
    },
    {
      name: 'balanced system',
      imbalance: 0,
      rows: [],
      up: null,
      down: null,
      actUp: 0,
      actDown: 0,
      unresolved: 0,
    },
  ];

  it.each(cases)('$name', (c) => {
    const market = marketWith(EXAMPLE);
    const result = market.activate(P, c.imbalance);
    expect(rows(result)).toStrictEqual(c.rows);
    expect(result).toMatchObject({
      period: P,
      systemImbalanceKwh: c.imbalance,
      upPriceTicks: c.up,
      downPriceTicks: c.down,
      activatedUpKwh: c.actUp,
      activatedDownKwh: c.actDown,
      unresolvedKwh: c.unresolved,
      availableUpKwh: 1700,
      availableDownKwh: 700,
    });
    expect(result.activatedUpKwh - result.activatedDownKwh + result.unresolvedKwh).toBe(c.imbalance);
  });

  it('with no bids at all the price goes straight to the limit', () => {
    const result = new EnergyMarket().activate(P, 100);
    expect(result).toMatchObject({ activations: [], upPriceTicks: 1_500_000, unresolvedKwh: 100 });
  });

  it('pay-as-bid pays each bid its own price', () => {
    const market = marketWith(EXAMPLE, { activationPricing: 'pay-as-bid' });
    const result = market.activate(P, 600);
    // u1 250 × 5000, u3 200 × 6500, u2 150 × 8000; the period price is still the marginal 8000.
    expect(rows(result)).toStrictEqual([
      ['u1', 250, 1_250_000],
      ['u3', 200, 1_300_000],
      ['u2', 150, 1_200_000],
    ]);
    expect(result.upPriceTicks).toBe(8000);
  });

  it('shares the marginal price level pro rata, remainders by size then bidId', () => {
    // Level at 60.00: p1 10 lots (250 kWh), p2 30 lots (750 kWh). Need 101 kWh:
    // p1 101 × 250/1000 = 25.25 → 25; p2 101 × 750/1000 = 75.75 → 75; 1 kWh left → p2 (larger remainder).
    const result = activateEnergyBids(
      P,
      [bid('p1', 'a', 'up', 10, 6000), bid('p2', 'b', 'up', 30, 6000)],
      101,
    );
    expect(rows(result)).toStrictEqual([
      ['p1', 25, 150_000],
      ['p2', 76, 456_000],
    ]);
    // Equal bids, odd need: 3 kWh over two 250-kWh bids = 1.5 each → the lower bidId gets the extra kWh.
    const even = activateEnergyBids(P, [bid('q2', 'b', 'up', 10, 6000), bid('q1', 'a', 'up', 10, 6000)], 3);
    expect(rows(even)).toStrictEqual([
      ['q1', 2, 12_000],
      ['q2', 1, 6_000],
    ]);
  });

  it('does not depend on submission order', () => {
    const a = activateEnergyBids(P, EXAMPLE, 600);
    const b = activateEnergyBids(P, [...EXAMPLE].reverse(), 600);
    expect(b).toStrictEqual(a);
  });

  it('kWh per lot follows the period length', () => {
    expect(kwhPerLotPerPeriod(15)).toBe(25);
    expect(kwhPerLotPerPeriod(60)).toBe(100);
    expect(() => kwhPerLotPerPeriod(10)).toThrow(RangeError);
    expect(new EnergyMarket().kwhPerLot).toBe(25);
  });
});

describe('energy market: validation and gate closure', () => {
  const good = bid('e1', 'a', 'up', 10, 5000);
  const cases: [string, Partial<EnergyBid>, string, string, string][] = [
    ['empty bidId', { bidId: '' }, 'BID_ID_INVALID', 'bidId', 'a non-empty string'],
    ['negative period', { period: -1 }, 'PERIOD_OUT_OF_RANGE', 'period', 'an integer >= 0'],
    ['fractional period', { period: 1.5 }, 'PERIOD_OUT_OF_RANGE', 'period', 'an integer >= 0'],
    ['direction', { direction: 'both' as never }, 'DIRECTION_INVALID', 'direction', "'up' or 'down'"],
    ['zero quantity', { quantityLots: 0 }, 'QUANTITY_INVALID', 'quantityLots', '>= 1 and <= 100000'],
    ['fractional quantity', { quantityLots: 0.5 }, 'QUANTITY_INVALID', 'quantityLots', '>= 1 and <= 100000'],
    [
      'price above +15 000 EUR/MWh',
      { energyPriceTicks: 1_500_001 },
      'PRICE_OUT_OF_RANGE',
      'energyPriceTicks',
      '>= -1500000 and <= 1500000',
    ],
    [
      'price below −15 000 EUR/MWh',
      { energyPriceTicks: -1_500_001 },
      'PRICE_OUT_OF_RANGE',
      'energyPriceTicks',
      '>= -1500000 and <= 1500000',
    ],
    [
      'fractional price',
      { energyPriceTicks: 10.5 },
      'PRICE_OUT_OF_RANGE',
      'energyPriceTicks',
      '>= -1500000 and <= 1500000',
    ],
  ];

  it.each(cases)('%s → %s', (_name, override, code, field, limit) => {
    const market = new EnergyMarket();
    const res = market.submit({ ...good, ...override });
    expect(res.accepted).toBe(false);
    const rejection = (res as { rejection: BalancingRejection }).rejection;
    expect(rejection).toMatchObject({ code, field, limit, agentId: 'a' });
    expect(rejection.message).toContain(field);
  });

  it('names every bad field of one bid, the first as code, field and limit', () => {
    const market = new EnergyMarket();
    const res = market.submit({
      ...good,
      period: -1,
      direction: 'both' as never,
      quantityLots: 0.5,
      energyPriceTicks: 1_500_001,
    });
    const rejection = (res as { rejection: BalancingRejection }).rejection;
    expect(rejection).toMatchObject({ code: 'PERIOD_OUT_OF_RANGE', field: 'period', bidId: 'e1' });
    expect(rejection.also?.map((r) => [r.code, r.field])).toEqual([
      ['DIRECTION_INVALID', 'direction'],
      ['QUANTITY_INVALID', 'quantityLots'],
      ['PRICE_OUT_OF_RANGE', 'energyPriceTicks'],
    ]);
    expect(rejection.message).toBe(
      `period must be an integer >= 0; got -1; also: ${rejection.also?.map((r) => r.message).join('; ')}`,
    );
  });

  it('accepts prices at the limits, negative down prices included', () => {
    const market = new EnergyMarket();
    expect(market.submit({ ...good, bidId: 'max', energyPriceTicks: 1_500_000 }).accepted).toBe(true);
    expect(
      market.submit({ ...good, bidId: 'min', direction: 'down', energyPriceTicks: -1_500_000 }).accepted,
    ).toBe(true);
  });

  it('rejects duplicates', () => {
    const market = marketWith([good]);
    expect(market.submit({ ...good, period: P + 1 })).toMatchObject({
      accepted: false,
      rejection: { code: 'DUPLICATE_BID', field: 'bidId' },
    });
  });

  it('closePeriod closes only that period; accepted bids stay', () => {
    const market = marketWith([good]);
    market.closePeriod(P);
    expect(market.isPeriodClosed(P)).toBe(true);
    expect(market.submit({ ...good, bidId: 'late' })).toMatchObject({
      accepted: false,
      rejection: {
        code: 'GATE_CLOSED',
        field: 'period',
        limit: 'a period whose gate is still open',
        bidId: 'late',
      },
    });
    expect(market.submit({ ...good, bidId: 'next', period: P + 1 }).accepted).toBe(true);
    expect(market.bidsForPeriod(P)).toStrictEqual([good]);
    expect(market.activate(P, 250).activatedUpKwh).toBe(250);
  });

  it('activate closes the gate, runs once per period and keeps its result', () => {
    const market = marketWith([good]);
    const result = market.activate(P, 100);
    expect(market.submit({ ...good, bidId: 'after' })).toMatchObject({ rejection: { code: 'GATE_CLOSED' } });
    expect(() => market.activate(P, 100)).toThrow(/already activated/);
    expect(market.activationResult(P)).toStrictEqual(result);
    expect(market.activationResult(P + 1)).toBeUndefined();
  });

  it('prune forgets old periods and closes them for good', () => {
    const market = marketWith([good, bid('e2', 'b', 'up', 5, 100, P + 1)]);
    market.activate(P, 10);
    market.prune(P + 1);
    expect(market.bidsForPeriod(P)).toStrictEqual([]);
    expect(market.activationResult(P)).toBeUndefined();
    expect(market.isPeriodClosed(P)).toBe(true);
    expect(market.submit({ ...good, bidId: 'old' })).toMatchObject({ rejection: { code: 'GATE_CLOSED' } });
    expect(market.bidsForPeriod(P + 1)).toHaveLength(1);
    expect(() => market.activate(P, 1)).toThrow(/pruned/);
  });

  it('treats bad arena input as bugs', () => {
    const market = new EnergyMarket();
    expect(() => market.submit({ ...good, agentId: '' })).toThrow(TypeError);
    expect(() => market.activate(P, 1.5)).toThrow(RangeError);
    expect(() => market.closePeriod(-1)).toThrow(RangeError);
    expect(() => new EnergyMarket({ periodMinutes: 7 })).toThrow(RangeError);
    expect(() => activateEnergyBids(P, [good, good], 1)).toThrow(/duplicate/);
    expect(() => activateEnergyBids(P, [{ ...good, period: P + 1 }], 1)).toThrow(/period/);
  });
});

describe('energy market: obligation of awarded capacity', () => {
  it('reports a shortfall per direction with field and limit', () => {
    const market = marketWith([
      bid('o1', 'a', 'up', 6, 5000),
      bid('o2', 'a', 'up', 3, 7000),
      bid('o3', 'a', 'down', 20, 100),
      bid('o4', 'b', 'up', 50, 5000),
    ]);
    // a offers 9 lots up and 20 down; awarded 10 up and 20 down → short by 1 lot up.
    const check = market.validateAgainstObligation('a', P, { up: 10, down: 20 });
    expect(check.ok).toBe(false);
    expect(check.shortfalls).toStrictEqual([
      {
        code: 'ENERGY_BELOW_AWARDED_CAPACITY',
        agentId: 'a',
        field: 'quantityLots',
        limit: '>= 10 lots',
        message:
          'agent a offers 9 lots of up energy in period 40; its awarded up capacity requires >= 10 lots',
        period: P,
        direction: 'up',
        requiredLots: 10,
        offeredLots: 9,
        shortfallLots: 1,
      },
    ]);
    expect(market.validateAgainstObligation('a', P, { up: 9, down: 20 })).toStrictEqual({
      ok: true,
      shortfalls: [],
    });
    expect(market.validateAgainstObligation('b', P, {})).toStrictEqual({ ok: true, shortfalls: [] });
  });

  it('checks every period of the capacity product', () => {
    const market = new EnergyMarket();
    const periods = periodsOfCapacityProduct(2, 96); // day 1, product 2 = 08:00–12:00 → periods 128..143
    expect(periods).toHaveLength(16);
    expect(periods[0]).toBe(128);
    expect(periods.at(-1)).toBe(143);
    periods.slice(0, 15).forEach((period, i) => {
      market.submit(bid(`k${i}`, 'a', 'down', 5, 0, period));
    });
    const failing = periods.filter(
      (period) => !market.validateAgainstObligation('a', period, { down: 5 }).ok,
    );
    expect(failing).toStrictEqual([143]);
    expect(market.validateAgainstObligation('a', 143, { down: 5 }).shortfalls[0]?.limit).toBe('>= 5 lots');
  });

  it('maps periods of the day to capacity products', () => {
    expect([0, 15, 16, 40, 95].map(capacityProductOfPeriod)).toStrictEqual([0, 0, 1, 2, 5]);
    expect(() => capacityProductOfPeriod(96)).toThrow(RangeError);
  });
});
