import { describe, expect, it } from 'vitest';
import { type BookDepth, Order, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { type Action, WakeUp } from '../../gen/flexarena/v1/session.js';
import { ParamError } from '../sdk/errors.js';
import { LiquidityProvider } from './liquidity-provider.js';

const NOW = Date.UTC(2026, 10, 22, 9, 0);
const HOUR = 3_600_000;

/** depth 2 MW per EUR/MWh, 0.5 EUR steps -> 1 MW (10 lots) per level; half-spread 1.5 EUR. */
const PARAMS = {
  depthMwPerEur: 2,
  halfSpreadEur: 1.5,
  levelStepEur: 0.5,
  levels: 4,
  horizonHours: 3,
  narrowingHours: 1,
  requoteThresholdEur: 1,
};

function pid(hh: number, mm = 0): string {
  return `qh-20261122-${String(hh).padStart(2, '0')}${String(mm).padStart(2, '0')}`;
}

function book(productId: string): BookDepth {
  return { productId, bids: [], asks: [], hasLastTrade: false, lastTradePriceTicks: 0 };
}

function wake(opts: {
  timeMs?: number;
  forecasts: [string, number][];
  open?: string[];
  orders?: Order[];
}): WakeUp {
  return WakeUp.fromPartial({
    wakeId: 1,
    timeMs: opts.timeMs ?? NOW,
    fills: [],
    openOrders: opts.orders ?? [],
    positions: [],
    assets: [],
    priceForecasts: opts.forecasts.map(([productId, priceTicks]) => ({ productId, priceTicks })),
    books: (opts.open ?? opts.forecasts.map(([p]) => p)).map(book),
    cashUnits: 0,
  });
}

let nextOrderId = 1;
function order(
  productId: string,
  side: Side,
  priceTicks: number,
  remainingLots: number,
  originalLots = 10,
): Order {
  return Order.fromPartial({
    orderId: nextOrderId++,
    productId,
    side,
    priceTicks,
    remainingLots,
    originalLots,
    timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
    clientRef: '',
    entryTimeMs: NOW - 60_000,
  });
}

interface Sub {
  productId: string;
  side: Side;
  priceTicks: number;
  quantityLots: number;
}

function submits(actions: Action[]): Sub[] {
  return actions.flatMap((a) =>
    a.kind?.$case === 'submit'
      ? [
          {
            productId: a.kind.value.productId,
            side: a.kind.value.side,
            priceTicks: a.kind.value.priceTicks,
            quantityLots: a.kind.value.quantityLots,
          },
        ]
      : [],
  );
}

function cancels(actions: Action[]): number[] {
  return actions.flatMap((a) => (a.kind?.$case === 'cancel' ? [a.kind.value.orderId] : []));
}

/** Resting orders that exactly fill the ladder the provider would quote. */
function restingLadder(lp: LiquidityProvider, productId: string, mid: number, leadMs: number): Order[] {
  return lp.ladder(mid, leadMs).map((l) => order(productId, l.side, l.priceTicks, l.lots, l.lots));
}

/** Walks the ask side of a ladder with a buy of `lots`; returns the worst price reached. */
function sweepAsks(lp: LiquidityProvider, mid: number, lots: number): number {
  const asks = lp
    .ladder(mid, 10 * HOUR)
    .filter((l) => l.side === Side.SIDE_SELL)
    .sort((a, b) => a.priceTicks - b.priceTicks);
  let left = lots;
  for (const level of asks) {
    left -= level.lots;
    if (left <= 0) return level.priceTicks;
  }
  throw new Error(`ladder too shallow for ${lots} lots`);
}

describe('LiquidityProvider.ladder', () => {
  it('has levels × 2 orders of depth × step × 10 lots each', () => {
    const lp = new LiquidityProvider(PARAMS);
    const ladder = lp.ladder(8_000, 2 * HOUR);
    expect(ladder).toHaveLength(8);
    expect(ladder.filter((l) => l.side === Side.SIDE_BUY)).toHaveLength(4);
    expect(ladder.filter((l) => l.side === Side.SIDE_SELL)).toHaveLength(4);
    for (const l of ladder) expect(l.lots).toBe(10); // 2 MW/EUR × 0.5 EUR × 10 lots/MW

    const deep = new LiquidityProvider({ depthMwPerEur: 3, levelStepEur: 2, levels: 7 }).ladder(0, 10 * HOUR);
    expect(deep).toHaveLength(14);
    for (const l of deep) expect(l.lots).toBe(60);
  });

  it('puts the best bid and ask half a spread around mid, then one step per level', () => {
    const lp = new LiquidityProvider(PARAMS);
    const ladder = lp.ladder(8_000, 2 * HOUR);
    const bids = ladder.filter((l) => l.side === Side.SIDE_BUY).map((l) => l.priceTicks);
    const asks = ladder.filter((l) => l.side === Side.SIDE_SELL).map((l) => l.priceTicks);
    expect(bids).toEqual([7_850, 7_800, 7_750, 7_700]);
    expect(asks).toEqual([8_150, 8_200, 8_250, 8_300]);
  });

  it('halves the half-spread inside narrowingHours, not at or beyond it', () => {
    const lp = new LiquidityProvider(PARAMS);
    const best = (leadMs: number) => {
      const l = lp.ladder(8_000, leadMs);
      return [
        Math.max(...l.filter((x) => x.side === Side.SIDE_BUY).map((x) => x.priceTicks)),
        Math.min(...l.filter((x) => x.side === Side.SIDE_SELL).map((x) => x.priceTicks)),
      ];
    };
    expect(best(HOUR)).toEqual([7_850, 8_150]);
    expect(best(HOUR - 1)).toEqual([7_925, 8_075]);
    expect(best(5 * 60_000)).toEqual([7_925, 8_075]);
  });

  it('price impact: a buy of Q MW sweeping the asks reaches about mid + halfSpread + Q / depth', () => {
    for (const depth of [0.5, 1, 2, 5]) {
      const lp = new LiquidityProvider({
        depthMwPerEur: depth,
        halfSpreadEur: 0.5,
        levelStepEur: 1,
        levels: 100,
      });
      const mid = 8_000;
      for (const qMw of [1, 5, 10, 17.3, 40]) {
        const worst = sweepAsks(lp, mid, Math.round(qMw * 10));
        const predicted = mid + 50 + (qMw / depth) * 100;
        // Within one level step (1 EUR = 100 ticks).
        expect(Math.abs(worst - predicted)).toBeLessThanOrEqual(100);
      }
    }
    // Half the depth, twice the impact.
    const shallow = new LiquidityProvider({ depthMwPerEur: 0.5, levels: 100 });
    const deep = new LiquidityProvider({ depthMwPerEur: 1, levels: 100 });
    expect(sweepAsks(shallow, 8_000, 100) - 8_050).toBe(1900); // 10 MW / 0.5 = 20 EUR, in 1 EUR levels
    expect(sweepAsks(deep, 8_000, 100) - 8_050).toBe(900);
  });

  it('validates its parameters', () => {
    expect(() => new LiquidityProvider({ levels: 0 })).toThrow(ParamError);
    expect(() => new LiquidityProvider({ depth: 1 })).toThrow(ParamError);
    // The level step is a price: off the tick grid it is refused by name, not a RangeError.
    expect(() => new LiquidityProvider({ levelStepEur: 1.005 })).toThrow(ParamError);
    expect(() => new LiquidityProvider({ levelStepEur: 1.005 })).toThrow(
      'params.levelStepEur: must be a multiple of 0.01 EUR/MWh (one price tick)',
    );
    expect(new LiquidityProvider({ levelStepEur: 0.01, depthMwPerEur: 10 }).params.levelStepEur).toBe(0.01);
  });

  it('refuses a zero half-spread: its best bid and ask would rest at the same price, crossing itself', () => {
    expect(() => new LiquidityProvider({ halfSpreadEur: 0 })).toThrow('params.halfSpreadEur');
    const ladder = new LiquidityProvider({ halfSpreadEur: 0.01 }).ladder(8_000, 30 * 60_000);
    const bid = Math.max(...ladder.filter((l) => l.side === Side.SIDE_BUY).map((l) => l.priceTicks));
    const ask = Math.min(...ladder.filter((l) => l.side === Side.SIDE_SELL).map((l) => l.priceTicks));
    expect(ask).toBeGreaterThan(bid);
  });

  // Each level rests depth × step MW: 0.35 MW per EUR quoted 0.4 MW a level, 0.01 quoted one lot.
  it('refuses a depth and step whose level quantity is off the 0.1 MW lot grid or below one lot', () => {
    expect(() => new LiquidityProvider({ depthMwPerEur: 0.35 })).toThrow(ParamError);
    expect(() => new LiquidityProvider({ depthMwPerEur: 0.35 })).toThrow(
      "params.depthMwPerEur: depthMwPerEur × levelStepEur is each level's quantity (0.35 × 1 = 0.35 MW): " +
        'it must be a multiple of 0.1 MW (one quantity lot), at least one lot',
    );
    expect(() => new LiquidityProvider({ depthMwPerEur: 1, levelStepEur: 0.25 })).toThrow(
      '(1 × 0.25 = 0.25 MW)',
    );
    expect(() => new LiquidityProvider({ depthMwPerEur: 0.01 })).toThrow('(0.01 × 1 = 0.01 MW)');
    // The float noise of the product is not shown (0.07 × 3 is 0.21000000000000002).
    expect(() => new LiquidityProvider({ depthMwPerEur: 0.07, levelStepEur: 3 })).toThrow(
      '(0.07 × 3 = 0.21 MW)',
    );
  });

  it('takes a level quantity on the lot grid despite float noise, as whole lots', () => {
    const lotsOf = (depthMwPerEur: number, levelStepEur: number) =>
      new LiquidityProvider({ depthMwPerEur, levelStepEur, levels: 1 }).ladder(0, 10 * HOUR)[0]!.lots;
    expect(lotsOf(0.5, 1)).toBe(5);
    expect(lotsOf(0.35, 2)).toBe(7); // 0.7 MW
    expect(lotsOf(0.1, 3)).toBe(3); // 0.30000000000000004 MW
    expect(lotsOf(0.7, 3)).toBe(21); // 2.0999999999999996 MW
    expect(lotsOf(0.3, 3)).toBe(9); // 0.8999999999999999 MW
    expect(lotsOf(0.01, 10)).toBe(1);
    expect(lotsOf(1000, 500)).toBe(5_000_000);
  });
});

describe('LiquidityProvider.decide', () => {
  it('quotes only open products delivering within horizonHours', () => {
    const lp = new LiquidityProvider(PARAMS);
    const inside = pid(11); // 2 h ahead
    const beyond = pid(12, 15); // 3 h 15 ahead, beyond the 3 h horizon
    const closed = pid(10); // inside the horizon but not open (no book)
    const actions = lp.decide(
      wake({
        forecasts: [
          [inside, 8_000],
          [beyond, 9_000],
          [closed, 7_000],
        ],
        open: [inside, beyond],
      }),
    );
    const subs = submits(actions);
    expect(cancels(actions)).toEqual([]);
    expect(subs).toHaveLength(8);
    expect(new Set(subs.map((s) => s.productId))).toEqual(new Set([inside]));
    expect(subs.map((s) => s.priceTicks).sort((a, b) => a - b)).toEqual([
      7_700, 7_750, 7_800, 7_850, 8_150, 8_200, 8_250, 8_300,
    ]);
    for (const s of subs) expect(s.quantityLots).toBe(10);
    // Every submit rests (GTC).
    for (const a of actions)
      if (a.kind?.$case === 'submit') expect(a.kind.value.timeInForce).toBe(TimeInForce.TIME_IN_FORCE_GTC);
  });

  it('does nothing when the full ladder is already resting', () => {
    const lp = new LiquidityProvider(PARAMS);
    const p = pid(11);
    lp.decide(wake({ forecasts: [[p, 8_000]] }));
    const orders = restingLadder(lp, p, 8_000, 2 * HOUR);
    expect(lp.decide(wake({ forecasts: [[p, 8_000]], orders }))).toEqual([]);
  });

  it('replenishes only the missing lots at a partially filled level', () => {
    const lp = new LiquidityProvider(PARAMS);
    const p = pid(11);
    lp.decide(wake({ forecasts: [[p, 8_000]] }));
    const orders = restingLadder(lp, p, 8_000, 2 * HOUR);
    // The best ask was hit for 6 of its 10 lots; the second bid was taken completely.
    const bestAsk = orders.find((o) => o.side === Side.SIDE_SELL && o.priceTicks === 8_150)!;
    bestAsk.remainingLots = 4;
    const rest = orders.filter((o) => !(o.side === Side.SIDE_BUY && o.priceTicks === 7_800));
    const actions = lp.decide(wake({ forecasts: [[p, 8_000]], orders: rest }));
    expect(cancels(actions)).toEqual([]);
    expect(submits(actions)).toEqual(
      expect.arrayContaining([
        { productId: p, side: Side.SIDE_SELL, priceTicks: 8_150, quantityLots: 6 },
        { productId: p, side: Side.SIDE_BUY, priceTicks: 7_800, quantityLots: 10 },
      ]),
    );
    expect(submits(actions)).toHaveLength(2);
  });

  it('counts several resting orders at one level together', () => {
    const lp = new LiquidityProvider(PARAMS);
    const p = pid(11);
    lp.decide(wake({ forecasts: [[p, 8_000]] }));
    const orders = restingLadder(lp, p, 8_000, 2 * HOUR).filter(
      (o) => !(o.side === Side.SIDE_BUY && o.priceTicks === 7_850),
    );
    orders.push(order(p, Side.SIDE_BUY, 7_850, 3), order(p, Side.SIDE_BUY, 7_850, 4));
    expect(submits(lp.decide(wake({ forecasts: [[p, 8_000]], orders })))).toEqual([
      { productId: p, side: Side.SIDE_BUY, priceTicks: 7_850, quantityLots: 3 },
    ]);
  });

  it('cancels orders whose price left the ladder and quotes the new levels, keeping the rest', () => {
    const lp = new LiquidityProvider(PARAMS);
    const p = pid(11);
    lp.decide(wake({ forecasts: [[p, 8_000]] }));
    const orders = restingLadder(lp, p, 8_000, 2 * HOUR);
    // The forecast rises by exactly the threshold (1 EUR): the ladder moves up by two steps.
    const actions = lp.decide(wake({ forecasts: [[p, 8_100]], orders }));
    const cancelled = new Set(cancels(actions));
    const cancelledPrices = orders
      .filter((o) => cancelled.has(o.orderId))
      .map((o) => `${o.side}:${o.priceTicks}`)
      .sort();
    // Old bids 7700, 7750 and old asks 8150, 8200 are no longer part of the ladder.
    expect(cancelledPrices).toEqual(['1:7700', '1:7750', '2:8150', '2:8200']);
    const newPrices = submits(actions)
      .map((s) => `${s.side}:${s.priceTicks}`)
      .sort();
    expect(newPrices).toEqual(['1:7900', '1:7950', '2:8350', '2:8400']);
  });

  it('cancels nothing and quotes nothing for forecast moves below requoteThresholdEur', () => {
    const lp = new LiquidityProvider(PARAMS);
    const p = pid(11);
    lp.decide(wake({ forecasts: [[p, 8_000]] }));
    const orders = restingLadder(lp, p, 8_000, 2 * HOUR);
    expect(lp.decide(wake({ forecasts: [[p, 8_099]], orders }))).toEqual([]);
    expect(lp.decide(wake({ forecasts: [[p, 7_901]], orders }))).toEqual([]);
    // The anchor stays at 8000, so drifting in small steps does not ratchet the ladder either.
    expect(lp.decide(wake({ forecasts: [[p, 8_060]], orders }))).toEqual([]);
    expect(submits(lp.decide(wake({ forecasts: [[p, 8_100]], orders })))).toHaveLength(4);
  });

  it('narrows the ladder as delivery approaches and re-quotes the best levels', () => {
    const lp = new LiquidityProvider(PARAMS);
    const p = pid(11);
    lp.decide(wake({ forecasts: [[p, 8_000]] }));
    const orders = restingLadder(lp, p, 8_000, 2 * HOUR);
    // 10:30: 30 minutes before delivery, inside narrowingHours (1 h).
    const actions = lp.decide(wake({ timeMs: NOW + 1.5 * HOUR, forecasts: [[p, 8_000]], orders }));
    // Only the best level on each side moves in; the rest of the ladder stays where it rests.
    const cancelled = new Set(cancels(actions));
    expect(orders.filter((o) => cancelled.has(o.orderId)).map((o) => `${o.side}:${o.priceTicks}`)).toEqual([
      '1:7850',
      '2:8150',
    ]);
    expect(submits(actions)).toEqual([
      { productId: p, side: Side.SIDE_BUY, priceTicks: 7_925, quantityLots: 10 },
      { productId: p, side: Side.SIDE_SELL, priceTicks: 8_075, quantityLots: 10 },
    ]);
    // And the narrowed ladder, resting, is left alone.
    const narrowed = restingLadder(lp, p, 8_000, 0.5 * HOUR);
    expect(lp.decide(wake({ timeMs: NOW + 1.5 * HOUR, forecasts: [[p, 8_000]], orders: narrowed }))).toEqual(
      [],
    );
  });

  it('stands the ladder on the level grid: its mid is the forecast to the nearest step', () => {
    const lp = new LiquidityProvider(PARAMS); // steps of 0.5 EUR = 50 ticks
    const ladderPrices = (forecast: number) =>
      submits(lp.decide(wake({ forecasts: [[pid(11), forecast]] })))
        .map((s) => s.priceTicks)
        .sort((a, b) => a - b);
    expect(ladderPrices(8_024)).toEqual([7_700, 7_750, 7_800, 7_850, 8_150, 8_200, 8_250, 8_300]);
    const other = new LiquidityProvider(PARAMS);
    expect(
      submits(other.decide(wake({ forecasts: [[pid(11), 8_025]] })))
        .map((s) => s.priceTicks)
        .sort((a, b) => a - b),
    ).toEqual([7_750, 7_800, 7_850, 7_900, 8_200, 8_250, 8_300, 8_350]);
  });

  it('re-quotes one order per side when the mid moves one step', () => {
    // Steps of 1 EUR, so the 1 EUR threshold moves the ladder by exactly one step.
    const lp = new LiquidityProvider({ ...PARAMS, levelStepEur: 1 });
    const p = pid(11);
    lp.decide(wake({ forecasts: [[p, 8_000]] }));
    const orders = restingLadder(lp, p, 8_000, 2 * HOUR);
    const actions = lp.decide(wake({ forecasts: [[p, 8_130]], orders }));
    const cancelled = new Set(cancels(actions));
    // Bids 7850, 7750, 7650, 7550 become 7950 … 7650: the farthest bid goes, one comes in at the top;
    // asks 8150 … 8450 become 8250 … 8550: the best ask goes, one comes in at the far end.
    expect(
      orders
        .filter((o) => cancelled.has(o.orderId))
        .map((o) => `${o.side}:${o.priceTicks}`)
        .sort(),
    ).toEqual(['1:7550', '2:8150']);
    expect(submits(actions).map((s) => `${s.side}:${s.priceTicks}`)).toEqual(['1:7950', '2:8550']);
  });
});

describe('liquidity restarted from its saved state', () => {
  it('keeps its ladders anchored where they were: no re-quote for a move below the threshold', () => {
    const lp = new LiquidityProvider(PARAMS);
    const p = pid(11);
    lp.decide(wake({ forecasts: [[p, 8_000]] }));
    const orders = restingLadder(lp, p, 8_000, 2 * HOUR);
    const restored = new LiquidityProvider(PARAMS);
    restored.loadState(JSON.parse(JSON.stringify(lp.saveState())));
    expect(restored.decide(wake({ forecasts: [[p, 8_060]], orders }))).toEqual([]);
    // Without its anchors it re-centres on the forecast of the moment: cancels and new quotes.
    expect(
      new LiquidityProvider(PARAMS).decide(wake({ forecasts: [[p, 8_060]], orders })).length,
    ).toBeGreaterThan(0);
  });
});
