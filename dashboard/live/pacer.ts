// Slows a lock-step run down to a pace people can watch: after each decision point it waits until
// the wall clock has caught up with `speed` virtual seconds per wall second. Lock-step runs
// otherwise go as fast as the agents answer (a day in seconds). It only waits between decision
// points, never inside one, so agents' deadlines are unaffected.
import { DashboardError } from '../errors.js';

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const wallClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function pacer(
  speed: number,
  clock: PacerClock = wallClock,
): (point: { timeMs: number }) => Promise<void> {
  if (!Number.isFinite(speed) || speed <= 0)
    throw new DashboardError(
      `pace must be a positive number of virtual seconds per wall second, got ${speed}`,
    );
  let origin: { wall: number; virtual: number } | undefined;
  return async (point) => {
    origin ??= { wall: clock.now(), virtual: point.timeMs };
    const wait = origin.wall + (point.timeMs - origin.virtual) / speed - clock.now();
    if (wait > 0) await clock.sleep(wait);
  };
}
