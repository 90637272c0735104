import { describe, expect, it } from 'vitest';
import { clearAuction } from './clear-auction.js';
import { auctionConfigFor, IDA_SCHEDULE } from './schedule.js';
import { stepBuy, stepSell } from './test-helpers.js';

const H = 3_600_000;

describe('IDA_SCHEDULE', () => {
  it('DA, IDA1, IDA2, IDA3 with gate closures relative to the start of delivery day D', () => {
    // id     gate closure   periods (quarter-hours of D)
    // DA     D-1 12:00      0…95
    // IDA1   D-1 15:00      0…95
    // IDA2   D-1 22:00      0…95
    // IDA3   D   10:00      48…95 (12:00–24:00)
    expect(IDA_SCHEDULE.map((e) => [e.id, e.gateClosureOffsetMs, e.firstPeriod, e.lastPeriod])).toEqual([
      ['DA', -12 * H, 0, 95],
      ['IDA1', -9 * H, 0, 95],
      ['IDA2', -2 * H, 0, 95],
      ['IDA3', 10 * H, 48, 95],
    ]);
    expect(IDA_SCHEDULE.every((e) => e.periodMinutes === 15)).toBe(true);
    expect(Object.isFrozen(IDA_SCHEDULE) && Object.isFrozen(IDA_SCHEDULE[0])).toBe(true);
  });

  it('IDA3 delivery starts after its gate closure, the others before day D', () => {
    for (const e of IDA_SCHEDULE) {
      expect(e.gateClosureOffsetMs).toBeLessThan(e.firstPeriod * 15 * 60_000);
    }
  });

  it('auctionConfigFor: one auction period per covered quarter-hour, SDAC limits, same clearing', () => {
    const ida3 = IDA_SCHEDULE.find((e) => e.id === 'IDA3')!;
    const config = auctionConfigFor(ida3);
    expect(config).toMatchObject({
      periods: 48,
      priceMinTicks: -50_000,
      priceMaxTicks: 400_000,
      periodMinutes: 15,
    });
    expect(auctionConfigFor(ida3, { maxQuantityLots: 50 }).maxQuantityLots).toBe(50);
    const result = clearAuction(config, [stepBuy('b', 47, 6000, 10), stepSell('s', 47, 4000, 10)]);
    expect(result.pricesTicks[47]).toBe(5000);
    expect(result.pricesTicks).toHaveLength(48);
  });
});
