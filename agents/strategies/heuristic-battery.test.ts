import { describe, expect, it } from 'vitest';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import {
  type Position,
  ProductKind,
  type ProductSpec,
  Side,
  TimeInForce,
} from '../../gen/flexarena/v1/market.js';
import { type Action, type SubmitOrder, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { AgentSdkError, ParamError } from '../sdk/errors.js';
import { HeuristicBattery } from './heuristic-battery.js';

const QH_MS = 15 * 60_000;
const DAY = Date.UTC(2026, 10, 22);
const T0900 = DAY + 9 * 3_600_000;

/** 10 MW / 20 MWh, eta 0.95, SoC in [1, 19] MWh. */
const BATTERY: BatterySpec = {
  powerMw: 10,
  energyMwh: 20,
  etaCharge: 0.95,
  etaDischarge: 0.95,
  socMinMwh: 1,
  socMaxMwh: 19,
  socInitialMwh: 10,
};

function pidAt(ms: number): string {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `qh-20261122-${hh}${mm}`;
}

/** Quarter-hour products of the day; gate closure 5 minutes before delivery. */
const PRODUCTS: ProductSpec[] = Array.from({ length: 96 }, (_, i) => {
  const start = DAY + i * QH_MS;
  return {
    productId: pidAt(start),
    kind: ProductKind.PRODUCT_KIND_QUARTER_HOUR,
    deliveryStartMs: start,
    deliveryEndMs: start + QH_MS,
    tradingOpenMs: DAY - 8 * 3_600_000,
    gateClosureMs: start - 5 * 60_000,
  };
});

function welcome(withBattery = true): Welcome {
  return Welcome.fromPartial({
    runId: 'r',
    agentId: 'heuristic',
    market: {
      priceMinTicks: -999_900,
      priceMaxTicks: 999_900,
      priceTickEurPerMwh: 0.01,
      quantityLotMw: 0.1,
      cashUnitsPerEur: 100_000,
      maxQuantityLots: 10_000,
      products: PRODUCTS,
    },
    assets: withBattery ? [{ assetId: 'heuristic.battery', kind: { $case: 'battery', value: BATTERY } }] : [],
    decisionIntervalMs: QH_MS,
    deadlineMs: 5_000,
    simStartMs: DAY - 8 * 3_600_000,
    simEndMs: DAY + 24 * 3_600_000,
    resumed: false,
  });
}

function position(productId: string, netLots: number): Position {
  return {
    productId,
    netLots,
    boughtLots: Math.max(0, netLots),
    soldLots: Math.max(0, -netLots),
    cashUnits: 0,
  };
}

/** Forecasts for consecutive quarter-hours starting at `firstStartMs`. */
function forecasts(firstStartMs: number, prices: number[]) {
  return prices.map((priceTicks, i) => ({ productId: pidAt(firstStartMs + i * QH_MS), priceTicks }));
}

function wake(opts: {
  timeMs?: number;
  socMwh?: number;
  prices: { productId: string; priceTicks: number }[];
  positions?: Position[];
}): WakeUp {
  return WakeUp.fromPartial({
    wakeId: 1,
    timeMs: opts.timeMs ?? T0900,
    fills: [],
    openOrders: [],
    positions: opts.positions ?? [],
    assets: [{ assetId: 'heuristic.battery', socMwh: opts.socMwh ?? 10, clippedPeriods: 0, shortfallMwh: 0 }],
    priceForecasts: opts.prices,
    // Every forecast product's book is open.
    books: opts.prices.map((p) => ({
      productId: p.productId,
      bids: [],
      asks: [],
      hasLastTrade: false,
      lastTradePriceTicks: 0,
    })),
    cashUnits: 0,
  });
}

function ready(params: Record<string, unknown> = {}): HeuristicBattery {
  const h = new HeuristicBattery(params);
  h.onWelcome(welcome());
  return h;
}

function onlySubmit(actions: Action[]): SubmitOrder & { clientRef: string } {
  expect(actions).toHaveLength(1);
  const a = actions[0]!;
  if (a.kind?.$case !== 'submit') throw new Error(`expected a submit, got ${a.kind?.$case}`);
  return { ...a.kind.value, clientRef: a.clientRef };
}

const RISING = [8_000, 9_000, 9_000, 9_000, 9_000];
const FALLING = [8_000, 7_000, 7_000, 7_000, 7_000];

describe('HeuristicBattery', () => {
  it('refuses a run without a battery with a typed AgentSdkError', () => {
    const h = new HeuristicBattery();
    expect(() => h.onWelcome(welcome(false))).toThrow(AgentSdkError);
    expect(() => h.onWelcome(welcome(false))).toThrow(/battery/);
  });

  it('does nothing before it was welcomed', () => {
    expect(new HeuristicBattery().decide(wake({ prices: forecasts(T0900, RISING) }))).toEqual([]);
  });

  it('validates its parameters', () => {
    expect(() => new HeuristicBattery({ maxSlippageEur: -1 })).toThrow(ParamError);
    expect(() => new HeuristicBattery({ slippage: 1 })).toThrow(ParamError);
  });

  it('rising next hour: one IOC buy on the first product whose gate closes after now + margin', () => {
    const h = ready();
    // 09:00: the 09:00 product closed at 08:55; the 09:15 product (gate 09:10) is the target.
    const s = onlySubmit(h.decide(wake({ prices: forecasts(T0900, [7_500, ...RISING]) })));
    expect(s.productId).toBe('qh-20261122-0915');
    expect(s.side).toBe(Side.SIDE_BUY);
    expect(s.timeInForce).toBe(TimeInForce.TIME_IN_FORCE_IOC);
    expect(s.priceTicks).toBe(8_000 + 1_500); // forecast + 15 EUR slippage
    expect(s.quantityLots).toBe(100); // full power, 10 MW: room is 378 lots
    expect(s.clientRef).toBe('charge');
  });

  it('skips a product whose gate closes within the margin', () => {
    const h = ready({ gateMarginMs: 60_000 });
    // 09:09:30: the 09:15 product closes in 30 s, inside the 60 s margin -> target 09:30.
    const now = T0900 + 9.5 * 60_000;
    const prices = forecasts(T0900 + QH_MS, [20_000, ...RISING]);
    const s = onlySubmit(h.decide(wake({ timeMs: now, prices })));
    expect(s.productId).toBe('qh-20261122-0930');
    expect(s.priceTicks).toBe(9_500);
    // With no margin the 09:15 product is still tradable (and falling toward the next hour).
    const eager = ready({ gateMarginMs: 0 });
    const e = onlySubmit(eager.decide(wake({ timeMs: now, prices })));
    expect(e.productId).toBe('qh-20261122-0915');
    expect(e.side).toBe(Side.SIDE_SELL);
  });

  it('sorts forecasts by delivery start before picking the target', () => {
    const h = ready();
    const prices = forecasts(T0900 + QH_MS, RISING).reverse();
    expect(onlySubmit(h.decide(wake({ prices }))).productId).toBe('qh-20261122-0915');
  });

  it('limits the buy to the SoC room', () => {
    const h = ready();
    // SoC 18 of 19 MWh: room (1 / 0.95) MWh = 1052 kWh = 42 lots.
    const s = onlySubmit(h.decide(wake({ socMwh: 18, prices: forecasts(T0900 + QH_MS, RISING) })));
    expect(s.quantityLots).toBe(42);
    expect(h.decide(wake({ socMwh: 19, prices: forecasts(T0900 + QH_MS, RISING) }))).toEqual([]);
  });

  it('falling next hour: one IOC sell at forecast - slippage, limited by the available energy', () => {
    const h = ready({ maxSlippageEur: 10 });
    const full = onlySubmit(h.decide(wake({ socMwh: 10, prices: forecasts(T0900 + QH_MS, FALLING) })));
    expect(full).toMatchObject({
      productId: 'qh-20261122-0915',
      side: Side.SIDE_SELL,
      priceTicks: 8_000 - 1_000,
      quantityLots: 100,
      timeInForce: TimeInForce.TIME_IN_FORCE_IOC,
      clientRef: 'discharge',
    });
    // SoC 1.5, 0.5 MWh above the minimum: 0.475 MWh at the grid = 19 lots.
    const low = onlySubmit(h.decide(wake({ socMwh: 1.5, prices: forecasts(T0900 + QH_MS, FALLING) })));
    expect(low.quantityLots).toBe(19);
    expect(h.decide(wake({ socMwh: 1, prices: forecasts(T0900 + QH_MS, FALLING) }))).toEqual([]);
  });

  it('ignores signals within thresholdEur and needs a next hour to compare with', () => {
    const h = ready({ thresholdEur: 10 });
    expect(h.decide(wake({ prices: forecasts(T0900 + QH_MS, [8_000, 9_000, 9_000, 9_000, 9_000]) }))).toEqual(
      [],
    );
    expect(onlySubmit(h.decide(wake({ prices: forecasts(T0900 + QH_MS, [8_000, 9_001]) }))).side).toBe(
      Side.SIDE_BUY,
    );
    expect(ready().decide(wake({ prices: forecasts(T0900 + QH_MS, [8_000]) }))).toEqual([]);
    expect(ready().decide(wake({ prices: forecasts(T0900 + QH_MS, [8_000, 8_000]) }))).toEqual([]);
  });

  it('averages only the four quarter-hours after the target', () => {
    // Next four average 8 250 (> 8 000: rising); a fifth very low price must not count.
    const prices = forecasts(T0900 + QH_MS, [8_000, 8_000, 8_000, 8_000, 9_000, 1_000]);
    expect(onlySubmit(ready().decide(wake({ prices }))).side).toBe(Side.SIDE_BUY);
  });

  it('projects the SoC with positions of earlier undelivered products', () => {
    const h = ready();
    const prices = forecasts(T0900 + QH_MS, RISING);
    const positions = [
      // In delivery now (09:00-09:15): +40 lots = 1 MWh from the grid = +0.95 MWh stored.
      position('qh-20261122-0900', 40),
      // Delivered already (08:45-09:00) and a later product: both ignored.
      position('qh-20261122-0845', -400),
      position('qh-20261122-0945', -400),
    ];
    // SoC 18 + 0.95 = 18.95: room 0.05 / 0.95 MWh = 52.6 kWh = 2 lots (42 without the projection).
    expect(onlySubmit(h.decide(wake({ socMwh: 18, prices, positions }))).quantityLots).toBe(2);
    expect(
      onlySubmit(h.decide(wake({ socMwh: 18, prices, positions: positions.slice(1) }))).quantityLots,
    ).toBe(42);
  });

  it('projects discharges of earlier products too', () => {
    // 08:40: the 08:45 product closes now; the first forecast, 09:00 (gate 08:55), is the target.
    const now = T0900 - 20 * 60_000;
    const h = ready();
    const prices = forecasts(T0900, FALLING);
    const positions = [position('qh-20261122-0845', -8)]; // -200 kWh = -0.2105 MWh stored
    // SoC 2.3: (1.3 × 0.95 - 0.2) MWh = 1.035 MWh at the grid = 41 lots (49 without it).
    const s = onlySubmit(h.decide(wake({ timeMs: now, socMwh: 2.3, prices, positions })));
    expect(s.productId).toBe('qh-20261122-0900');
    expect(s.quantityLots).toBe(41);
    expect(onlySubmit(h.decide(wake({ timeMs: now, socMwh: 2.3, prices }))).quantityLots).toBe(49);
  });

  it('reduces the order by the position already held on the target', () => {
    const h = ready();
    const target = 'qh-20261122-0915';
    const prices = forecasts(T0900 + QH_MS, RISING);
    expect(onlySubmit(h.decide(wake({ prices, positions: [position(target, 30)] }))).quantityLots).toBe(70);
    expect(h.decide(wake({ prices, positions: [position(target, 100)] }))).toEqual([]);

    const down = forecasts(T0900 + QH_MS, FALLING);
    expect(
      onlySubmit(h.decide(wake({ prices: down, positions: [position(target, -30)] }))).quantityLots,
    ).toBe(70);
    expect(h.decide(wake({ prices: down, positions: [position(target, -100)] }))).toEqual([]);
    // A long position on a falling signal is sold off on top of the discharge.
    expect(onlySubmit(h.decide(wake({ prices: down, positions: [position(target, 20)] }))).quantityLots).toBe(
      120,
    );
  });

  it('does nothing when no product is tradable any more', () => {
    const h = ready();
    const late = DAY + 24 * 3_600_000 - 10 * 60_000; // 23:50: the last product closed at 23:40
    const prices = forecasts(DAY + 23 * 3_600_000, [8_000, 9_000, 9_000, 9_000]);
    expect(h.decide(wake({ timeMs: late, prices }))).toEqual([]);
    // A product the welcome did not announce has no known gate closure: never a target.
    const unknown = ['0000', '0015', '0030', '0045', '0100'].map((hhmm, i) => ({
      productId: `qh-20261123-${hhmm}`,
      priceTicks: i === 0 ? 1_000 : 9_000,
    }));
    expect(h.decide(wake({ prices: unknown }))).toEqual([]);
  });
});
