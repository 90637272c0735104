// V8's tiering is tuned for long-lived programs: a function that has run for a while is compiled
// by TurboFan on a background thread, with generous inlining. Most FlexArena processes live for
// one run — seconds — and a gRPC run has eleven of them (the arena and ten agents) on what may be
// two cores, each compiling the same libraries. In a 3-day pace run TurboFan had ~23 % of all
// on-CPU samples (perf, every process) and the arena alone optimized ~600 functions. In a run this
// short, compiling fewer and smaller functions pays: twice the interrupt budget (a function must
// run twice as long before it is optimized) and half the cumulative inlining budget cut the
// arena's optimized functions to ~510 (in-process, strategies included: ~500 → ~390) and the run's
// CPU by ~10 % (gRPC pace, 8 rounds interleaved: loop 7.2 → 6.6 s, CPU of all processes
// 12.8 → 11.4 s), the arena's main thread unchanged within the noise. Longer-lived processes
// (tournament workers, the dashboard) lose little: what stays hot is still optimized, later.
// Tiering never changes what code computes, so tapes are the same.
// FLEXARENA_V8_DEFAULTS=1 keeps V8's defaults (to measure the difference).
import { setFlagsFromString } from 'node:v8';

/** The flags, as on a node command line (V8 11.3's defaults: 67584 and 920). */
export const SHORT_RUN_V8_FLAGS: readonly string[] = [
  '--interrupt-budget=135168',
  '--max-inlined-bytecode-size-cumulative=460',
];

/**
 * Sets SHORT_RUN_V8_FLAGS in this process (effective for code that becomes hot afterwards, so call
 * it first thing in a program's entry); returns the flags set, none with FLEXARENA_V8_DEFAULTS=1.
 */
export function tuneV8ForShortRuns(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  if (env.FLEXARENA_V8_DEFAULTS === '1') return [];
  for (const flag of SHORT_RUN_V8_FLAGS) setFlagsFromString(flag);
  return SHORT_RUN_V8_FLAGS;
}
