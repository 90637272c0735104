import { describe, expect, it } from 'vitest';
import { TRADE_RETRY_DELAYS_MS, TradeRequests } from './trade-requests.js';

/** A wait that resolves when the test says so, recording the delays asked for. */
function manualWait() {
  const waits: { ms: number; resolve: () => void }[] = [];
  return {
    waits,
    wait: (ms: number) => new Promise<void>((resolve) => waits.push({ ms, resolve })),
    /** Lets the pending wait end and the next try run. */
    async next() {
      waits.shift()!.resolve();
      await settle();
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

/** A send that fails the first `failures` times for each product. */
function flakySend(failures: number) {
  const calls: string[] = [];
  const failed = new Map<string, number>();
  return {
    calls,
    send: async (productId: string) => {
      calls.push(productId);
      const n = failed.get(productId) ?? 0;
      if (n < failures) {
        failed.set(productId, n + 1);
        throw new Error('TIMEOUT');
      }
    },
  };
}

describe('TradeRequests (the replay page asking for omitted trades)', () => {
  // A failed request marked the product asked, and it was never asked again until the next reset.
  it('tries a failed request again after growing waits, and stops once it succeeds', async () => {
    const w = manualWait();
    const s = flakySend(2);
    const log: string[] = [];
    const r = new TradeRequests({
      send: s.send,
      wait: w.wait,
      onRetry: (p, err, ms) => log.push(`retry ${p} ${err.message} ${ms}`),
      onRecovered: (p, tries) => log.push(`recovered ${p} ${tries}`),
    });
    r.ask('QH-1');
    r.ask('QH-1'); // asked already: no second request
    await settle();
    expect(s.calls).toEqual(['QH-1']);
    expect(w.waits.map((x) => x.ms)).toEqual([500]);
    await w.next();
    expect(s.calls).toEqual(['QH-1', 'QH-1']);
    expect(w.waits.map((x) => x.ms)).toEqual([1_000]);
    await w.next();
    expect(s.calls).toEqual(['QH-1', 'QH-1', 'QH-1']);
    expect(w.waits).toEqual([]);
    expect(log).toEqual(['retry QH-1 TIMEOUT 500', 'retry QH-1 TIMEOUT 1000', 'recovered QH-1 3']);
    // Succeeded: asked, not again.
    r.ask('QH-1');
    await settle();
    expect(s.calls).toHaveLength(3);
  });

  it('gives up after the last delay, says so once, and does not ask again until a reset', async () => {
    const w = manualWait();
    const s = flakySend(100);
    const gaveUp: string[] = [];
    const r = new TradeRequests({
      send: s.send,
      wait: w.wait,
      onGiveUp: (p, err, tries) => gaveUp.push(`${p} ${err.message} ${tries}`),
    });
    r.ask('QH-2');
    await settle();
    for (const ms of TRADE_RETRY_DELAYS_MS) {
      expect(w.waits.map((x) => x.ms)).toEqual([ms]);
      await w.next();
    }
    expect(s.calls).toHaveLength(TRADE_RETRY_DELAYS_MS.length + 1);
    expect(gaveUp).toEqual([`QH-2 TIMEOUT ${TRADE_RETRY_DELAYS_MS.length + 1}`]);
    expect(w.waits).toEqual([]);
    // The page renders every frame and asks each time: bounded, no new tries.
    for (let i = 0; i < 10; i++) r.ask('QH-2');
    await settle();
    expect(s.calls).toHaveLength(TRADE_RETRY_DELAYS_MS.length + 1);
    r.reset();
    r.ask('QH-2');
    await settle();
    expect(s.calls).toHaveLength(TRADE_RETRY_DELAYS_MS.length + 2);
  });

  it('a reset stops the retries of before it (their answer would be about the old position)', async () => {
    const w = manualWait();
    const s = flakySend(1);
    const r = new TradeRequests({ send: s.send, wait: w.wait });
    r.ask('QH-3');
    await settle();
    expect(w.waits).toHaveLength(1);
    r.reset();
    await w.next();
    expect(s.calls).toEqual(['QH-3']);
    // After the reset the product is asked afresh (and this time the send succeeds).
    r.ask('QH-3');
    await settle();
    expect(s.calls).toEqual(['QH-3', 'QH-3']);
    expect(w.waits).toEqual([]);
  });

  it('waits with setTimeout by default', async () => {
    const s = flakySend(1);
    const r = new TradeRequests({ send: s.send, delaysMs: [5] });
    r.ask('QH-4');
    await new Promise((res) => setTimeout(res, 50));
    expect(s.calls).toEqual(['QH-4', 'QH-4']);
  });
});
