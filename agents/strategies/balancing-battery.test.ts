import { describe, expect, it } from 'vitest';
import { BalancingDirection, type CapacityAward } from '../../gen/flexarena/v1/balancing.js';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import type { Action } from '../../gen/flexarena/v1/session.js';
import { deliveryStartOf, quarterHourId } from '../../lib/product-id.js';
import { AgentSdkError, ParamError } from '../sdk/errors.js';
import { BalancingBattery } from './balancing-battery.js';
import { HOUR_MS, QH_MS } from './strategy-utils.js';
import {
  assetState,
  batteryAsset,
  DAY,
  DAY_TOKEN,
  forecasts,
  makeWakeUp,
  makeWelcome,
  submitsOf,
} from './test-fixtures.js';

const CAP_IDS = Array.from({ length: 6 }, (_, k) => `afrr-${DAY_TOKEN}-${k}`);
const CAP_GATE = DAY - 16 * HOUR_MS; // D-1 08:00
const LEAD = 25 * 60_000;

function ready(params: Record<string, unknown> = {}): BalancingBattery {
  const s = new BalancingBattery(params);
  s.onWelcome(
    makeWelcome({
      assets: [batteryAsset()],
      capacityProductIds: CAP_IDS,
      capacityGateClosureMs: CAP_GATE,
      energyGateClosureLeadMs: LEAD,
    }),
  );
  return s;
}

function award(k: number, dir: 'up' | 'down', lots: number): CapacityAward {
  return {
    productId: `afrr-${DAY_TOKEN}-${k}`,
    direction:
      dir === 'up' ? BalancingDirection.BALANCING_DIRECTION_UP : BalancingDirection.BALANCING_DIRECTION_DOWN,
    quantityLots: lots,
    priceTicks: 500,
    paymentCashUnits: 0,
  };
}

function capacityBids(actions: Action[]) {
  return actions.flatMap((a) => (a.kind?.$case === 'capacityBid' ? [a.kind.value] : []));
}

function energyBids(actions: Action[]) {
  return actions.flatMap((a) => (a.kind?.$case === 'energyBid' ? [a.kind.value] : []));
}

const FLAT = forecasts(
  DAY - 16 * HOUR_MS,
  Array.from({ length: 40 * 4 }, () => 8_000),
);

describe('BalancingBattery', () => {
  it('refuses a run without a battery and validates its parameters', () => {
    expect(() => new BalancingBattery().onWelcome(makeWelcome())).toThrow(AgentSdkError);
    expect(() => new BalancingBattery({ capacityShare: 2 })).toThrow(ParamError);
  });

  it('offers capacityShare of its power up and down in every product, once, before the gate', () => {
    const s = ready({ capacityShare: 0.5, capacityPriceEur: 7.5 });
    const bids = capacityBids(s.decide(makeWakeUp({ timeMs: CAP_GATE - HOUR_MS, assets: [assetState()] })));
    expect(bids).toHaveLength(12);
    for (const id of CAP_IDS)
      for (const dir of [
        BalancingDirection.BALANCING_DIRECTION_UP,
        BalancingDirection.BALANCING_DIRECTION_DOWN,
      ])
        expect(bids).toContainEqual({
          productId: id,
          direction: dir,
          quantityLots: 50,
          priceTicks: 750,
          indivisible: false,
        });
    expect(
      capacityBids(s.decide(makeWakeUp({ timeMs: CAP_GATE - 45 * 60_000, assets: [assetState()] }))),
    ).toEqual([]);
    // Too late: inside the margin before the gate.
    expect(
      capacityBids(ready().decide(makeWakeUp({ timeMs: CAP_GATE - 30_000, assets: [assetState()] }))),
    ).toEqual([]);
    // The next day's products close a day later.
    const s2 = new BalancingBattery();
    s2.onWelcome(
      makeWelcome({
        assets: [batteryAsset()],
        capacityProductIds: [...CAP_IDS, 'afrr-20261123-0'],
        capacityGateClosureMs: CAP_GATE,
      }),
    );
    expect(s2.capacityGateMs('afrr-20261123-0')).toBe(CAP_GATE + 24 * HOUR_MS);
    const late = capacityBids(s2.decide(makeWakeUp({ timeMs: CAP_GATE + HOUR_MS, assets: [assetState()] })));
    expect(late.map((b) => b.productId)).toEqual(['afrr-20261123-0', 'afrr-20261123-0']);
  });

  it('does not walk the rest of the run’s capacity products at every wake-up', () => {
    // A 90-day run has 540 capacity products; each wake-up looked at every one not yet past its
    // gate (all bid at the first), so a wake-up cost more the longer the run.
    const token = (d: number) =>
      new Date(DAY + d * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const ids = Array.from({ length: 90 }, (_, d) =>
      Array.from({ length: 6 }, (_, k) => `afrr-${token(d)}-${k}`),
    ).flat();
    const s = new BalancingBattery();
    s.onWelcome(
      makeWelcome({ assets: [batteryAsset()], capacityProductIds: ids, capacityGateClosureMs: CAP_GATE }),
    );
    const bid = (s as unknown as { capacityBid: Set<string> }).capacityBid;
    let looks = 0;
    bid.has = (id: string) => {
      looks++;
      return Set.prototype.has.call(bid, id);
    };
    const wake = (timeMs: number) => capacityBids(s.decide(makeWakeUp({ timeMs, assets: [assetState()] })));
    expect(wake(CAP_GATE - HOUR_MS)).toHaveLength(2 * ids.length);
    // Two days of wake-ups every 15 minutes: nothing more to offer (the first day's products are
    // past their gates), and at most one look over the products a day.
    for (let t = CAP_GATE; t < CAP_GATE + 2 * 86_400_000; t += 15 * 60_000) expect(wake(t)).toEqual([]);
    expect(looks).toBeLessThan(4 * ids.length);
  });

  it('offers energy of exactly the awarded lots in every awarded quarter-hour, before each energy gate', () => {
    const s = ready({ energyMarkupEur: 20 });
    s.decide(makeWakeUp({ timeMs: CAP_GATE - HOUR_MS, assets: [assetState()] }));
    // Awards: 08-12 up 30 and down 20 (in two award messages for down), 12-16 up 10.
    s.decide(
      makeWakeUp({
        timeMs: CAP_GATE + HOUR_MS,
        assets: [assetState()],
        capacityAwards: [award(2, 'up', 30), award(2, 'down', 15), award(2, 'down', 5), award(3, 'up', 10)],
      }),
    );
    const seen = new Map<string, { lots: number; price: number; at: number }[]>();
    for (let t = DAY + 5 * HOUR_MS; t <= DAY + 17 * HOUR_MS; t += QH_MS) {
      const wake = makeWakeUp({
        timeMs: t,
        assets: [assetState()],
        priceForecasts: FLAT.filter((f) => deliveryStartOf(f.productId) > t),
      });
      for (const e of energyBids(s.decide(wake))) {
        const key = `${e.productId}|${e.direction === BalancingDirection.BALANCING_DIRECTION_UP ? 'up' : 'down'}`;
        seen.set(key, [...(seen.get(key) ?? []), { lots: e.quantityLots, price: e.priceTicks, at: t }]);
      }
    }
    const expected = new Map<string, number>();
    for (let k = 32; k < 48; k++) {
      expected.set(`${quarterHourId(DAY + k * QH_MS)}|up`, 30);
      expected.set(`${quarterHourId(DAY + k * QH_MS)}|down`, 20);
    }
    for (let k = 48; k < 64; k++) expected.set(`${quarterHourId(DAY + k * QH_MS)}|up`, 10);
    expect(new Set(seen.keys())).toEqual(new Set(expected.keys()));
    for (const [key, lots] of expected) {
      const bids = seen.get(key)!;
      expect(bids).toHaveLength(1); // exactly once, so the offer equals the obligation
      expect(bids[0]!.lots).toBe(lots); // never below the awarded capacity
      expect(bids[0]!.price).toBe(key.endsWith('up') ? 10_000 : 6_000);
      const gate = deliveryStartOf(key.split('|')[0]!) - LEAD;
      expect(bids[0]!.at).toBeLessThan(gate - 60_000);
      expect(bids[0]!.at).toBeGreaterThanOrEqual(gate - 2 * HOUR_MS);
    }
  });

  it('bids energy for a quarter-hour without a forecast at the mean forecast', () => {
    const s = ready({ energyMarkupEur: 0 });
    s.decide(makeWakeUp({ timeMs: CAP_GATE + HOUR_MS, capacityAwards: [award(0, 'down', 5)] }));
    const prices = [
      { productId: 'qh-20261121-2300', priceTicks: 4_000 },
      { productId: 'qh-20261121-2315', priceTicks: 6_000 },
    ];
    const bids = energyBids(s.decide(makeWakeUp({ timeMs: DAY - HOUR_MS, priceForecasts: prices })));
    expect(bids.length).toBeGreaterThan(0);
    for (const b of bids) expect(b).toMatchObject({ quantityLots: 5, priceTicks: 5_000 });
  });

  it('keeps the SoC near the middle with the power not reserved for awarded capacity', () => {
    const s = ready({ socBandShare: 0.15, rebalanceSlippageEur: 10 });
    s.decide(
      makeWakeUp({ timeMs: CAP_GATE + HOUR_MS, capacityAwards: [award(2, 'up', 30), award(2, 'down', 20)] }),
    );
    const now = DAY + 9 * HOUR_MS; // target 09:15, inside the awarded 08-12 block
    const prices = forecasts(now + QH_MS, [8_000, 8_000, 8_000]);
    const high = submitsOf(
      s.decide(makeWakeUp({ timeMs: now, assets: [assetState({ socMwh: 17 })], priceForecasts: prices })),
    );
    expect(high).toHaveLength(1);
    expect(high[0]).toMatchObject({
      productId: quarterHourId(now + QH_MS),
      side: Side.SIDE_SELL,
      quantityLots: 70, // 100 lots of power − 30 reserved
      priceTicks: 7_000,
      timeInForce: TimeInForce.TIME_IN_FORCE_IOC,
    });
    // Within the band (10 ± 2.7 MWh): nothing.
    expect(
      submitsOf(
        s.decide(makeWakeUp({ timeMs: now, assets: [assetState({ socMwh: 12 })], priceForecasts: prices })),
      ),
    ).toEqual([]);
    // Low SoC: buy back toward the middle, (10 − 6) / 0.95 MWh = 168 lots → 70.
    const low = submitsOf(
      s.decide(makeWakeUp({ timeMs: now, assets: [assetState({ socMwh: 6 })], priceForecasts: prices })),
    );
    expect(low[0]).toMatchObject({ side: Side.SIDE_BUY, quantityLots: 70, priceTicks: 9_000 });
    // A narrow band (0.9 MWh): SoC 11 sells just the lots needed, (11 − 10) × 0.95 MWh.
    const small = ready({ socBandShare: 0.05 });
    const sm = submitsOf(
      small.decide(makeWakeUp({ timeMs: now, assets: [assetState({ socMwh: 11 })], priceForecasts: prices })),
    );
    expect(sm[0]).toMatchObject({ side: Side.SIDE_SELL, quantityLots: 38 }); // 0.95 MWh = 38 lots
  });
});

describe('balancing-battery restarted from its saved state', () => {
  /** A fresh instance given what `s` saved, through JSON as the resume file holds it. */
  function restarted(s: BalancingBattery): BalancingBattery {
    const t = ready({ energyMarkupEur: 20 });
    t.loadState(JSON.parse(JSON.stringify(s.saveState())));
    return t;
  }

  it('does not offer its capacity again and bids energy for the awards it had', () => {
    const s = ready({ energyMarkupEur: 20 });
    expect(
      capacityBids(s.decide(makeWakeUp({ timeMs: CAP_GATE - HOUR_MS, assets: [assetState()] }))),
    ).toHaveLength(12);
    s.decide(
      makeWakeUp({
        timeMs: CAP_GATE + HOUR_MS,
        assets: [assetState()],
        capacityAwards: [award(2, 'up', 30), award(2, 'down', 20)],
      }),
    );
    const t = restarted(s);
    expect(
      capacityBids(t.decide(makeWakeUp({ timeMs: CAP_GATE - HOUR_MS / 2, assets: [assetState()] }))),
    ).toEqual([]);
    const at = DAY + 7 * HOUR_MS + 30 * 60_000;
    const wake = () =>
      makeWakeUp({
        timeMs: at,
        assets: [assetState()],
        priceForecasts: FLAT.filter((f) => deliveryStartOf(f.productId) > at),
      });
    const original = energyBids(s.decide(wake()));
    expect(original.length).toBeGreaterThan(0);
    expect(energyBids(t.decide(wake()))).toEqual(original);
    // What it has bid is kept too: neither bids those quarter-hours again.
    const u = restarted(s);
    expect(energyBids(u.decide(wake()))).toEqual([]);
    // A fresh instance (the state lost) has no awards: no energy bids at all.
    expect(energyBids(ready().decide(wake()))).toEqual([]);
  });

  it('refuses a state of another shape, naming the field', () => {
    expect(() => ready().loadState({ capacityBid: [], awards: { x: 1 }, energyBid: [] })).toThrow(
      /strategy balancing-battery: loadState: state.awards has a key "x"/,
    );
    expect(() => ready().loadState({ capacityBid: 'a', awards: {}, energyBid: [] })).toThrow(
      /state.capacityBid must be a list of strings/,
    );
  });
});
