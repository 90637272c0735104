import { describe, expect, it, vi } from 'vitest';
import { TurnBatch } from './turn-batch.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('TurnBatch', () => {
  it('flushes once at the end of the turn, however often something was added', async () => {
    let flushes = 0;
    const batch = new TurnBatch(() => flushes++, 100);
    for (let i = 0; i < 10; i++) batch.added(5);
    expect(flushes).toBe(0);
    await turn();
    expect(flushes).toBe(1);
    await turn();
    expect(flushes).toBe(1);
  });

  it('flushes at once past its limit, and counts afresh after a flush', async () => {
    let flushes = 0;
    const batch = new TurnBatch(() => flushes++, 100);
    batch.added(60);
    batch.added(60);
    expect(flushes).toBe(1);
    batch.added(60);
    expect(flushes).toBe(1);
    await turn();
    expect(flushes).toBe(2);
  });

  it('a flush asked for now takes the place of the one scheduled', async () => {
    let flushes = 0;
    const batch = new TurnBatch(() => flushes++, 100);
    batch.added(1);
    batch.now();
    expect(flushes).toBe(1);
    await turn();
    expect(flushes).toBe(1);
  });
});

describe('TurnBatch with a minimum interval', () => {
  it('flushes at the end of a turn only that long after the previous flush, never later', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
    try {
      let flushes = 0;
      const batch = new TurnBatch(() => flushes++, 100, 1_000);
      batch.added(1);
      vi.advanceTimersToNextTimer(); // the turn's end: nothing flushed before, so now
      expect(flushes).toBe(1);
      vi.advanceTimersByTime(200);
      batch.added(1);
      vi.advanceTimersByTime(799); // 999 ms after the first flush
      expect(flushes).toBe(1);
      vi.advanceTimersByTime(1);
      expect(flushes).toBe(2);
      // Past the size limit it does not wait.
      batch.added(100);
      expect(flushes).toBe(3);
      // A later turn after a quiet spell flushes at once.
      vi.advanceTimersByTime(5_000);
      batch.added(1);
      vi.advanceTimersToNextTimer();
      expect(flushes).toBe(4);
      expect(vi.getTimerCount()).toBe(0);
      // A flush asked for now (a sink's close) leaves no timer behind to keep the process alive.
      batch.added(1);
      expect(vi.getTimerCount()).toBe(1);
      batch.now();
      expect(flushes).toBe(5);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
