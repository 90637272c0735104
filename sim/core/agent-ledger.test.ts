// The ledger's position messages for wake-ups: always the ledger's current positions, with the
// message of an unchanged position (and the whole list, when nothing changed) handed out again.
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../lib/index.js';
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
    expect(ledger.positionMessages()).toEqual([]);
    ledger.addTrade('qh-1', 4, -400, 'cid');
    ledger.addTrade('qh-2', -3, 300, 'cid');
    const first = ledger.positionMessages();
    expect(first).toEqual(expected(ledger));
    // Nothing changed: the same list.
    expect(ledger.positionMessages()).toBe(first);
    // One position changes, one is added: the other message is kept, the list is new.
    ledger.addTrade('qh-2', 1, -90, 'auction');
    ledger.addTrade('qh-3', 2, -50, 'cid');
    const second = ledger.positionMessages();
    expect(second).toEqual(expected(ledger));
    expect(second).not.toBe(first);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]).toMatchObject({ netLots: -2, boughtLots: 1, soldLots: 3, cashUnits: 210 });
    // A change of cash alone (a position's lots unchanged) is shown too.
    ledger.position('qh-1').cashUnits += 7;
    const third = ledger.positionMessages();
    expect(third).toEqual(expected(ledger));
    expect(third[0]).not.toBe(second[0]);
    expect(third[2]).toBe(second[2]);
  });

  it('equals the positions through random trades, new products and wake-ups, reusing unchanged messages', () => {
    const rng = RandomStream.fromSeed(5);
    const ledger = new AgentLedger('a', 'idle');
    let prev = ledger.positionMessages();
    for (let round = 0; round < 300; round++) {
      const trades = rng.int(0, 4);
      const named = new Set<string>();
      for (let i = 0; i < trades; i++) {
        const id = `qh-${rng.int(0, 60)}`;
        named.add(id);
        // A round trip (buy then sell as much for the same cash) changes the lots, not the net.
        ledger.addTrade(id, rng.int(-5, 5) || 1, rng.int(-500, 500), rng.next() < 0.5 ? 'cid' : 'auction');
      }
      const now = ledger.positionMessages();
      expect(now).toEqual(expected(ledger));
      if (trades === 0) expect(now).toBe(prev);
      for (const [i, m] of now.entries())
        if (i < prev.length && !named.has(m.productId)) expect(m).toBe(prev[i]);
      prev = now;
    }
  });
});
