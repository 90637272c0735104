import { describe, expect, it } from 'vitest';
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
