import { beforeAll, describe, expect, it } from 'vitest';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import type { WakeUp } from '../../gen/flexarena/v1/session.js';
import { type LpSolver, loadHighs } from '../../lib/highs.js';
import { quarterHourId } from '../../lib/product-id.js';
import { RollingIntrinsic } from './rolling-intrinsic.js';
import { HOUR_MS, QH_MS, socDeltaMwh } from './strategy-utils.js';
import {
  assetState,
  BATTERY,
  batteryAsset,
  book,
  DAY,
  makeWakeUp,
  makeWelcome,
  position,
  signedLots,
  submitsOf,
} from './test-fixtures.js';

let solver: LpSolver;
beforeAll(async () => {
  solver = await loadHighs();
});

const NOW = DAY + 9 * HOUR_MS;
const CHEAP = quarterHourId(NOW + QH_MS);
const DEAR = quarterHourId(NOW + 2 * QH_MS);

/** Two quoted quarter-hours: CHEAP asks 40 EUR, DEAR bids `dearBid`; 5 MW on each level. */
function wake(dearBid: number, positions: WakeUp['positions'] = [], extra: Partial<WakeUp> = {}) {
  return makeWakeUp({
    timeMs: NOW,
    assets: [assetState({ socMwh: 10 })],
    positions,
    books: [
      book(
        CHEAP,
        [[3_900, 50]],
        [
          [4_000, 50],
          [4_100, 50],
        ],
      ),
      book(
        DEAR,
        [
          [dearBid, 50],
          [dearBid - 100, 50],
        ],
        [[dearBid + 100, 50]],
      ),
    ],
    ...extra,
  });
}

function ready(): RollingIntrinsic {
  const s = new RollingIntrinsic({}, solver);
  s.onWelcome(makeWelcome({ assets: [batteryAsset()] }));
  return s;
}

describe('RollingIntrinsic', () => {
  it('locks in the spread between open quarter-hours with IOC orders at book prices only', async () => {
    const s = ready();
    const orders = submitsOf(await s.decide(wake(12_000)));
    const buy = orders.find((o) => o.productId === CHEAP)!;
    const sell = orders.find((o) => o.productId === DEAR)!;
    expect(buy.side).toBe(Side.SIDE_BUY);
    expect(sell.side).toBe(Side.SIDE_SELL);
    for (const o of orders) expect(o.timeInForce).toBe(TimeInForce.TIME_IN_FORCE_IOC);
    // Limits are levels of the book, not forecasts (there are none in this wake-up).
    expect([4_000, 4_100]).toContain(buy.priceTicks);
    expect([12_000, 11_900]).toContain(sell.priceTicks);
    // SoC neutral over the horizon: it sells what it stored (η = 0.95 both ways), never more.
    expect(-signedLots(sell)).toBeLessThanOrEqual(signedLots(buy));
  });

  it('skips wake-ups whose books and positions are unchanged and trades only the difference', async () => {
    const s = ready();
    const first = submitsOf(await s.decide(wake(12_000)));
    expect(s.reoptimisations).toBe(1);
    expect(submitsOf(await s.decide(wake(12_000)))).toEqual([]);
    expect(s.unchanged).toBe(1);
    // Filled as planned: re-optimising on the new positions finds nothing more to do.
    const held = first.map((o) => position(o.productId, signedLots(o)));
    expect(submitsOf(await s.decide(wake(12_000, held, { wakeId: 3 })))).toEqual([]);
    expect(s.reoptimisations).toBe(2);
  });

  it('reverses part of a position when the book moves enough to pay for it', async () => {
    const s = ready();
    const first = submitsOf(await s.decide(wake(12_000)));
    const held = first.map((o) => position(o.productId, signedLots(o)));
    // The dear product's price collapses below what it bought at: buy the sale back there.
    const moved = makeWakeUp({
      timeMs: NOW,
      assets: [assetState({ socMwh: 10 })],
      positions: held,
      books: [book(CHEAP, [[3_900, 50]], [[4_000, 50]]), book(DEAR, [[1_900, 50]], [[2_000, 100]])],
    });
    const again = submitsOf(await s.decide(moved));
    const back = again.find((o) => o.productId === DEAR);
    expect(back?.side).toBe(Side.SIDE_BUY);
    expect(back!.priceTicks).toBe(2_000);
  });

  it('rounds its trades to lots without taking the SoC out of bounds', async () => {
    // From the SoC minimum, selling 5 MW at 100 EUR needs 55.4 lots bought first (η = 0.95): the
    // LP buys exactly that. Rounded toward zero on their own, 55 lots bought and 50 sold left the
    // SoC 10 kWh below its minimum at delivery (clipped, an imbalance); the sale is cut to 49.
    const s = ready();
    const orders = submitsOf(
      await s.decide(
        makeWakeUp({
          timeMs: NOW,
          assets: [assetState({ socMwh: BATTERY.socMinMwh })],
          books: [book(CHEAP, [], [[1_000, 100]]), book(DEAR, [[10_000, 50]], [])],
        }),
      ),
    );
    const lots = [CHEAP, DEAR].map((id) => signedLots(orders.find((o) => o.productId === id)!));
    expect(lots).toEqual([55, -49]);
    let soc = BATTERY.socMinMwh;
    for (const l of lots) {
      soc += socDeltaMwh(l, BATTERY);
      expect(soc).toBeGreaterThanOrEqual(BATTERY.socMinMwh);
      expect(soc).toBeLessThanOrEqual(BATTERY.socMaxMwh);
    }
  });

  it('does nothing without quotes', async () => {
    expect(await ready().decide(makeWakeUp({ timeMs: NOW, assets: [assetState()] }))).toEqual([]);
  });
});

describe('rolling-intrinsic parameters', () => {
  it("refuses an end-SoC target outside the battery's SoC range at the welcome", () => {
    expect(() =>
      new RollingIntrinsic({ endSocMwh: 25 }).onWelcome(makeWelcome({ assets: [batteryAsset()] })),
    ).toThrow("params.endSocMwh: 25 MWh is outside the battery's SoC range [1, 19] MWh");
    expect(() =>
      new RollingIntrinsic({ endSocMwh: 10 }).onWelcome(makeWelcome({ assets: [batteryAsset()] })),
    ).not.toThrow();
  });
});
