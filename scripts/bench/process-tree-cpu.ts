// CPU time (user + system, ms) of this process and every process below it (agents, nats-server),
// read from /proc: the pace benchmark samples it at the first and the last decision point, so the
// loop's CPU over all processes is measured without the start-up of any of them. Linux only
// (undefined elsewhere); a process that exited before the sample is not counted.
import { readdirSync, readFileSync } from 'node:fs';

/** clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux Node runs on). */
const TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  cpuTicks: number;
}

function readStat(pid: string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/**
 * Milliseconds of CPU of this process's main thread alone (its task id is the process id), without
 * the threads beside it (garbage collection helpers, compilers, the libuv pool): the critical path
 * of an in-process run. Also counts CPU time only, so a host that steals the CPU for other guests
 * moves it less than the wall clock. Undefined without /proc.
 */
export function mainThreadCpuMs(): number | undefined {
  const s = readStat(`${process.pid}/task/${process.pid}`);
  return s && (s.cpuTicks * 1000) / TICKS_PER_SECOND;
}

/** Milliseconds of CPU of process `pid` (all its threads); undefined when it is gone or without /proc. */
export function processCpuMs(pid: number): number | undefined {
  const s = readStat(String(pid));
  return s && (s.cpuTicks * 1000) / TICKS_PER_SECOND;
}

/** Milliseconds of CPU of process `root` and all its descendants; undefined without /proc. */
export function processTreeCpuMs(root = process.pid): number | undefined {
  const each = processTreeCpu(root);
  return each && [...each.values()].reduce((a, b) => a + b, 0);
}

/** Milliseconds of CPU of `root` and each of its descendants by pid; undefined without /proc. */
export function processTreeCpu(root = process.pid): Map<number, number> | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const stats = new Map<number, Stat>();
  for (const pid of pids) {
    const s = readStat(pid);
    if (s) stats.set(Number(pid), s);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const out = new Map<number, number>();
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    out.set(pid, ((stats.get(pid)?.cpuTicks ?? 0) * 1000) / TICKS_PER_SECOND);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** The command line of `pid` (arguments joined by spaces), '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}
