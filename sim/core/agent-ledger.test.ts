// The ledger's position messages for wake-ups: always the ledger's current positions, with the
// message of an unchanged position (and the whole list, when nothing changed) handed out again.
import { describe, expect, it } from 'vitest';
import { hourIdOf, quarterHourId, RandomStream } from '../../lib/index.js';
import { AgentLedger } from './agent-ledger.js';

function expected(ledger: AgentLedger) {
  return [...ledger.positions].map(([productId, p]) => ({
    productId,
    netLots: p.boughtLots - p.soldLots,
    boughtLots: p.boughtLots,
    soldLots: p.soldLots,
    cashUnits: p.cashUnits,
  }));
}

describe('AgentLedger.positionMessages', () => {
  it('shows every change and reuses the messages of unchanged positions', () => {
    const ledger = new AgentLedger('a', 'idle');
    expect(ledger.positionMessages(0)).toEqual([]);
    ledger.addTrade('qh-1', 4, -400, 'cid');
    ledger.addTrade('qh-2', -3, 300, 'cid');
    const first = ledger.positionMessages(0);
    expect(first).toEqual(expected(ledger));
    // Nothing changed: the same list.
    expect(ledger.positionMessages(0)).toBe(first);
    // One position changes, one is added: the other message is kept, the list is new.
    ledger.addTrade('qh-2', 1, -90, 'auction');
    ledger.addTrade('qh-3', 2, -50, 'cid');
    const second = ledger.positionMessages(0);
    expect(second).toEqual(expected(ledger));
    expect(second).not.toBe(first);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]).toMatchObject({ netLots: -2, boughtLots: 1, soldLots: 3, cashUnits: 210 });
    // A change of cash alone (a position's lots unchanged) is shown too.
    ledger.position('qh-1').cashUnits += 7;
    const third = ledger.positionMessages(0);
    expect(third).toEqual(expected(ledger));
    expect(third[0]).not.toBe(second[0]);
    expect(third[2]).toBe(second[2]);
  });

  it('equals the positions through random trades, new products and wake-ups, reusing unchanged messages', () => {
    const rng = RandomStream.fromSeed(5);
    const ledger = new AgentLedger('a', 'idle');
    let prev = ledger.positionMessages(0);
    for (let round = 0; round < 300; round++) {
      const trades = rng.int(0, 4);
      const named = new Set<string>();
      for (let i = 0; i < trades; i++) {
        const id = `qh-${rng.int(0, 60)}`;
        named.add(id);
        // A round trip (buy then sell as much for the same cash) changes the lots, not the net.
        ledger.addTrade(id, rng.int(-5, 5) || 1, rng.int(-500, 500), rng.next() < 0.5 ? 'cid' : 'auction');
      }
      const now = ledger.positionMessages(0);
      expect(now).toEqual(expected(ledger));
      if (trades === 0) expect(now).toBe(prev);
      for (const [i, m] of now.entries())
        if (i < prev.length && !named.has(m.productId)) expect(m).toBe(prev[i]);
      prev = now;
    }
  });

  // A month-long run: the list held every product ever traded (2 880 quarter-hours and 720 hours
  // after 30 days of trading each), and every wake-up — each strategy's scan, the SDKs' copy, a
  // complete wake-up's bytes — grew with it: the run got slower by the day.
  it('drops the positions of products delivered before the day began, at its first call, so the list stays bounded', () => {
    const ledger = new AgentLedger('a', 'battery');
    const day0 = Date.UTC(2026, 10, 22);
    const qh = 900_000;
    let longest = 0;
    const deliveryEnd = new Map<string, number>();
    // Trading opens the day before: each quarter-hour and its hour are traded 16 h before delivery.
    for (let t = day0 - 16 * 3_600_000; t < day0 + 30 * 86_400_000; t += qh) {
      const start = t + 16 * 3_600_000;
      const id = quarterHourId(start);
      const hour = hourIdOf(id)!;
      deliveryEnd.set(id, start + qh);
      deliveryEnd.set(hour, Math.floor(start / 3_600_000) * 3_600_000 + 3_600_000);
      ledger.addTrade(id, 2, -200, 'cid');
      ledger.addTrade(hour, 1, -100, 'auction');
      const shown = ledger.positionMessages(t);
      longest = Math.max(longest, shown.length);
      const dayStart = Math.floor(t / 86_400_000) * 86_400_000;
      // Exactly the positions of products delivered after the day's start, in the ledger's order.
      if (t % 3_600_000 === 0)
        expect(shown).toEqual(expected(ledger).filter((m) => deliveryEnd.get(m.productId)! > dayStart));
    }
    // At most the day's and the traded-ahead products: 2 days' quarter-hours and hours, never a month's.
    expect(longest).toBeLessThanOrEqual(2 * (96 + 24));
    expect(ledger.positions.size).toBe(30 * 120 + 16 * 5);
  });

  it('keeps the list and its messages within a day, and the unchanged messages across the daily drop', () => {
    const ledger = new AgentLedger('a', 'battery');
    const day0 = Date.UTC(2026, 10, 22);
    ledger.addTrade('qh-20261122-2300', 1, -10, 'cid');
    ledger.addTrade('qh-20261123-0100', 2, -20, 'cid');
    ledger.addTrade('h-20261123-0200', 3, -30, 'auction');
    const evening = ledger.positionMessages(day0 + 23.5 * 3_600_000);
    expect(evening.map((m) => m.productId)).toEqual([
      'qh-20261122-2300',
      'qh-20261123-0100',
      'h-20261123-0200',
    ]);
    // Delivered, but still the same day: the same list.
    expect(ledger.positionMessages(day0 + 23.75 * 3_600_000)).toBe(evening);
    const midnight = ledger.positionMessages(day0 + 86_400_000);
    expect(midnight.map((m) => m.productId)).toEqual(['qh-20261123-0100', 'h-20261123-0200']);
    expect(midnight[0]).toBe(evening[1]);
    expect(midnight[1]).toBe(evening[2]);
    // A trade after the drop lands on the shortened list where its product stands.
    ledger.addTrade('h-20261123-0200', -1, 12, 'cid');
    const later = ledger.positionMessages(day0 + 86_400_000 + qhMs);
    expect(later.map((m) => [m.productId, m.netLots])).toEqual([
      ['qh-20261123-0100', 2],
      ['h-20261123-0200', 2],
    ]);
    expect(later[0]).toBe(midnight[0]);
    // Ids that are neither quarter-hours nor hours never leave.
    ledger.addTrade('qh-1', 1, -1, 'cid');
    expect(ledger.positionMessages(day0 + 40 * 86_400_000).map((m) => m.productId)).toEqual(['qh-1']);
  });
});

const qhMs = 900_000;

describe('AgentLedger.forgetDeliveredBefore', () => {
  it('drops the positions, cash and traded lots of delivered products, keeping totals and the shown list', () => {
    const ledger = new AgentLedger('world', 'world');
    const day0 = Date.UTC(2026, 10, 22);
    ledger.addTrade('qh-20261122-2345', 4, -400, 'cid');
    ledger.addTrade('h-20261122-2300', -2, 300, 'auction');
    ledger.addCash('capacity', 50, 'afrr-20261122-5');
    ledger.addTrade('qh-20261123-0000', 1, -90, 'cid');
    ledger.addCash('imbalance', -7, 'qh-20261122-2345');
    const shown = ledger.positionMessages(day0 + 23.9 * 3_600_000);
    const totals = { cash: { ...ledger.cash }, tradedLots: ledger.tradedLots, total: ledger.totalCashUnits };
    // Never woken again (the world): its changed set must not keep the products either.
    ledger.addTrade('qh-20261122-2345', 1, -100, 'cid');
    ledger.forgetDeliveredBefore(day0 + 86_400_000);
    expect([...ledger.positions.keys()]).toEqual(['qh-20261123-0000']);
    expect([...ledger.cashByProduct.keys()]).toEqual(['qh-20261123-0000']);
    expect([...ledger.tradedLotsByProduct.keys()]).toEqual(['qh-20261123-0000']);
    expect(ledger.netLots('qh-20261122-2345')).toBe(0);
    expect({ ...ledger.cash, cid: ledger.cash.cid + 100 }).toEqual(totals.cash);
    expect(ledger.tradedLots).toBe(totals.tradedLots + 1);
    // The same day's list still shows what it showed; the next day's leaves them out.
    expect(shown.map((m) => m.productId)).toEqual([
      'qh-20261122-2345',
      'h-20261122-2300',
      'qh-20261123-0000',
    ]);
    expect(ledger.positionMessages(day0 + 86_400_000).map((m) => m.productId)).toEqual(['qh-20261123-0000']);
    // Ids that are not products are kept (as the shown list keeps them).
    ledger.addTrade('qh-1', 1, -1, 'cid');
    ledger.forgetDeliveredBefore(day0 + 40 * 86_400_000);
    expect([...ledger.positions.keys()]).toEqual(['qh-1']);
  });
});
