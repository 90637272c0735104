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
// TurboFan's mid-tier register allocator (meant for huge functions) for every function: register
// allocation was ~12 % of TurboFan's time (--turbo-stats), and the cheaper allocator's code is
// good enough here — gRPC pace, 12 pairs with it for the arena (the agents had it already): the
// clock shorter in 9, the arena's CPU lower in 9; in-process, 10 pairs, the main thread's CPU
// 2.36 → 2.25 s (median, lower in 5).
//
// An agent process goes further (AGENT_PROCESS_V8_FLAGS): TurboFan without inlining, escape
// analysis, load elimination and loop peeling — smaller graphs, compiled faster, into somewhat
// slower code. Each of the ten agent processes of a pace run spent ~30–40 % of its CPU in
// TurboFan compiling its SDK, wire code and strategy, for a run that ends before most of that
// pays back; the arena's clock thread is the run's critical path
// and keeps the fuller compiler (with these flags its main thread got slower). gRPC pace, 10 pairs
// rotating: the ten agents' CPU lower in all ten (median 5.77 → 5.07 s), the clock 6.25 → 5.81 s;
// through the real entry points, 8 pairs against the tree before: agents 5.97 → 5.40 s, clock
// 6.50 → 6.17 s (medians). What an agent process computes is the same either way, so tapes are
// the same.
// FLEXARENA_V8_DEFAULTS=1 keeps V8's defaults (to measure the difference).
import { setFlagsFromString } from 'node:v8';

/** The flags, as on a node command line (V8 11.3's defaults: 67584, 920 and the full allocator). */
export const SHORT_RUN_V8_FLAGS: readonly string[] = [
  '--interrupt-budget=135168',
  '--max-inlined-bytecode-size-cumulative=460',
  '--turbo-force-mid-tier-regalloc',
];

/** What an agent process adds to SHORT_RUN_V8_FLAGS: a cheaper TurboFan (see above). */
export const AGENT_PROCESS_V8_FLAGS: readonly string[] = [
  '--no-turbo-inlining',
  '--no-turbo-escape',
  '--no-turbo-load-elimination',
  '--no-turbo-loop-peeling',
];

/** Which kind of process is being tuned: the arena (or any other CLI command) or an agent. */
export type V8ProcessRole = 'arena' | 'agent';

/**
 * Sets SHORT_RUN_V8_FLAGS in this process, and AGENT_PROCESS_V8_FLAGS too for an agent (effective
 * for code that becomes hot afterwards, so call it before the work starts); returns the flags set,
 * none with FLEXARENA_V8_DEFAULTS=1.
 */
export function tuneV8ForShortRuns(
  env: NodeJS.ProcessEnv = process.env,
  role: V8ProcessRole = 'arena',
): readonly string[] {
  if (env.FLEXARENA_V8_DEFAULTS === '1') return [];
  const flags = role === 'agent' ? [...SHORT_RUN_V8_FLAGS, ...AGENT_PROCESS_V8_FLAGS] : SHORT_RUN_V8_FLAGS;
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}
