// Where a pace run's CPU goes by machine code — what the V8 profiler cannot show: TurboFan compiling
// on its threads, inline-cache and other builtins, the kernel. Record every process of a run with
// Linux perf, JIT code named through V8's perf map, then categorise the samples inside the loop:
//
//   NODE_OPTIONS=--perf-basic-prof perf record -a -F 499 -g -o perf.data -- \
//     node --import tsx scripts/bench/pace-run.ts scenarios/pace.yaml grpc /tmp/out > run.json
//   perf script -i perf.data -F comm,pid,tid,time,ip,sym,dso > perf.txt
//   node --import tsx scripts/bench/perf-categories.ts perf.txt run.json
//
// The loop window is pace-run's startupMs and loopMs counted from the first sample (perf starts
// the arena process, so its first sample is the process's start to within a few milliseconds).
// Each sample is charged to its innermost frame.
import { readFileSync } from 'node:fs';

export const PERF_CATEGORIES = [
  'turbofan',
  'builtins: inline caches',
  'builtins: other',
  'jit code',
  'gc',
  'node + v8 runtime',
  'kernel',
  'libc',
  'other',
] as const;
export type PerfCategory = (typeof PERF_CATEGORIES)[number];

export interface PerfSample {
  comm: string;
  pid: number;
  tid: number;
  timeS: number;
  /** Innermost frame first. */
  frames: { sym: string; dso: string }[];
}

/** Samples of `perf script -F comm,pid,tid,time,ip,sym,dso` (callchains optional). */
export function parsePerfScript(text: string): PerfSample[] {
  const out: PerfSample[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    const head = lines[0]?.match(/^(\S.*?)\s+(\d+)\/(\d+)\s+([\d.]+):/);
    if (!head) continue;
    const frames = [];
    for (const l of lines.slice(1)) {
      const f = l.match(/^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/);
      if (f) frames.push({ sym: f[1]!, dso: f[2]! });
    }
    out.push({ comm: head[1]!, pid: Number(head[2]), tid: Number(head[3]), timeS: Number(head[4]), frames });
  }
  return out;
}

export function categorise(s: PerfSample): PerfCategory {
  const top = s.frames[0];
  if (!top) return 'other';
  const { sym, dso } = top;
  if (dso.includes('kernel')) return 'kernel';
  if (/perf-\d+\.map/.test(dso)) return 'jit code';
  if (dso.includes('libc.so')) return 'libc';
  if (!/(^|\/)node$/.test(dso)) return 'other';
  if (sym.includes('compiler::') || sym.includes('Turbofan') || sym.includes('maglev')) return 'turbofan';
  if (/Scaveng|MarkCompact|Sweep|Heap::|heap::|Marking|Evacuat|ConcurrentMark/.test(sym)) return 'gc';
  if (sym.startsWith('Builtins_'))
    return /IC(_|$)|IC[A-Z]|Trampoline/.test(sym) ? 'builtins: inline caches' : 'builtins: other';
  return 'node + v8 runtime';
}

export type CategoryCounts = Map<PerfCategory, number>;

export interface ProcessCounts {
  pid: number;
  comm: string;
  all: CategoryCounts;
  /** The main thread's own samples (its task id is the process id): an in-process run's critical path. */
  main: CategoryCounts;
}

/** Samples inside [startupMs, startupMs + loopMs] from the first sample, per process and category. */
export function loopCategories(
  samples: readonly PerfSample[],
  startupMs: number,
  loopMs: number,
): { total: CategoryCounts; processes: ProcessCounts[]; samples: number } {
  const live = samples.filter((s) => s.comm !== 'swapper');
  const t0 = Math.min(...live.map((s) => s.timeS));
  const from = t0 + startupMs / 1000;
  const to = from + loopMs / 1000;
  const total: CategoryCounts = new Map();
  const byPid = new Map<number, ProcessCounts>();
  let n = 0;
  for (const s of live) {
    if (s.timeS < from || s.timeS > to) continue;
    n++;
    const k = categorise(s);
    let p = byPid.get(s.pid);
    if (!p) {
      p = { pid: s.pid, comm: s.comm, all: new Map(), main: new Map() };
      byPid.set(s.pid, p);
    }
    add(total, k);
    add(p.all, k);
    if (s.tid === s.pid) add(p.main, k);
  }
  const processes = [...byPid.values()].sort((a, b) => size(b.all) - size(a.all));
  return { total, processes, samples: n };
}

function add(c: CategoryCounts, k: PerfCategory, n = 1): void {
  c.set(k, (c.get(k) ?? 0) + n);
}

export function size(c: CategoryCounts): number {
  let n = 0;
  for (const v of c.values()) n += v;
  return n;
}

/** The counts of several processes added up (e.g. a run's ten agent processes). */
export function sumCounts(cs: readonly CategoryCounts[]): CategoryCounts {
  const out: CategoryCounts = new Map();
  for (const c of cs) for (const [k, v] of c) add(out, k, v);
  return out;
}

/** A markdown table: one row per (label, counts), each category as a share of the row's samples. */
export function categoryTable(rows: readonly [string, CategoryCounts][]): string {
  const head = `| process | samples | ${PERF_CATEGORIES.join(' | ')} |`;
  const rule = `|---|---|${PERF_CATEGORIES.map(() => '---').join('|')}|`;
  const body = rows.map(([name, c]) => {
    const n = size(c);
    const pct = (k: PerfCategory) => `${(((c.get(k) ?? 0) / Math.max(n, 1)) * 100).toFixed(0)} %`;
    return `| ${name} | ${n} | ${PERF_CATEGORIES.map(pct).join(' | ')} |`;
  });
  return [head, rule, ...body].join('\n');
}

function main(): void {
  const [perfFile, runFile] = process.argv.slice(2);
  if (!perfFile || !runFile)
    throw new Error('usage: perf-categories.ts <perf script output> <pace-run JSON>');
  const run = JSON.parse(readFileSync(runFile, 'utf8').trim().split('\n').at(-1)!) as {
    startupMs: number;
    loopMs: number;
  };
  const { total, processes, samples } = loopCategories(
    parsePerfScript(readFileSync(perfFile, 'utf8')),
    run.startupMs,
    run.loopMs,
  );
  // Processes with at least 1 % of the samples, each followed by its main thread.
  const rows: [string, CategoryCounts][] = [['all processes', total]];
  for (const p of processes.filter((x) => size(x.all) >= samples / 100)) {
    rows.push([`${p.comm} ${p.pid}`, p.all]);
    if (size(p.main) > 0) rows.push(['… its main thread', p.main]);
  }
  process.stdout.write(
    `loop window ${run.loopMs.toFixed(0)} ms, ${samples} on-CPU samples (every process)\n\n${categoryTable(rows)}\n`,
  );
}

if (process.argv[1]?.endsWith('perf-categories.ts')) main();
