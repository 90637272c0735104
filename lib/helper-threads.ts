// The simulation's clock runs on the arena's main thread; every other thread of the process is
// background work for it: V8's garbage-collection and compiler workers, libuv's pool (the tape's
// gzip stream, file writes), the NATS thread (its clients, fed in bursts, catch up when a core is
// free; the outbox keeps what waits). Where there are fewer cores than busy threads — the pace
// line-up on a 2-core machine — the scheduler shared the cores evenly and preempted the main
// thread for them ~900 times in a 3-day in-process run, leaving it runnable but waiting for ~0.5 s
// of its ~3 s (/proc/<pid>/task/<pid>/schedstat). At the lowest priority those threads run when a
// core is free of it, and its wait fell to ~0.15 s (the loop ~9 % shorter). Linux only (elsewhere
// nothing is changed); agent processes and nats-server keep their priority (lowering an agent's
// own helper threads showed no difference beyond the noise).
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value helper threads get: the lowest priority. */
export const HELPER_THREAD_NICE = 19;

/**
 * Lowers every thread of this process but the main one to `nice`; returns how many threads it
 * changed. Threads start lazily (libuv's pool with its first job), so callers repeat it now and then.
 */
export function lowerHelperThreads(nice = HELPER_THREAD_NICE): number {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${process.pid}/task`);
  } catch {
    return 0;
  }
  let changed = 0;
  for (const task of tasks) {
    const tid = Number(task);
    if (tid === process.pid) continue;
    try {
      // On Linux setpriority() of a thread id sets that thread's nice value alone.
      setPriority(tid, nice);
      changed++;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return changed;
}

/**
 * Gives every thread but the main one the main thread's priority again, after a run in a process
 * that lives on (a tournament playing games in-process, a test runner): its other work should not
 * wait behind everything else on the machine. Raising a priority needs root (or CAP_SYS_NICE, or
 * RLIMIT_NICE) on Linux; without it the threads stay low and this returns 0.
 */
export function restoreHelperThreads(): number {
  return lowerHelperThreads(getPriority());
}
