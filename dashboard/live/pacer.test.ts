import { describe, expect, it } from 'vitest';
import { DashboardError } from '../errors.js';
import { pacer } from './pacer.js';

/** A clock that only moves when told to, and records every sleep. */
function fakeClock() {
  const c = {
    t: 1_000,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe('pacer', () => {
  it('waits until the wall clock has caught up with the virtual clock at the given speed', async () => {
    const clock = fakeClock();
    const pace = pacer(600, clock); // 10 virtual minutes per wall second
    await pace({ timeMs: 0 });
    await pace({ timeMs: 15 * 60_000 }); // 900 s virtual = 1.5 s wall
    clock.t += 400; // the decision point itself took 0.4 s
    await pace({ timeMs: 30 * 60_000 });
    expect(clock.sleeps).toEqual([1_500, 1_100]);
  });

  it('does not wait when the run is slower than the pace', async () => {
    const clock = fakeClock();
    const pace = pacer(60, clock);
    await pace({ timeMs: 0 });
    clock.t += 20_000;
    await pace({ timeMs: 60_000 }); // due after 1 s, 20 s have passed
    expect(clock.sleeps).toEqual([]);
  });

  it('refuses a pace that is not a positive number', () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => pacer(bad)).toThrow(DashboardError);
    expect(() => pacer(-5)).toThrow(/pace must be a positive number.*got -5/);
  });
});
