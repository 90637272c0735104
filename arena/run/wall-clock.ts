// The real wall clock for the real-time driver: monotonic time (performance.now, not Date.now,
// which can jump when the system clock is set) and timers on the event loop.
import type { WallClock } from '../../sim/index.js';

export const wallClock: WallClock = {
  now: () => performance.now(),
  timer: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};
