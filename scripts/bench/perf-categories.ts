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

function table(rows: [string, Map<PerfCategory, number>][]): string {
  const head = `| process | samples | ${PERF_CATEGORIES.join(' | ')} |`;
  const rule = `|---|---|${PERF_CATEGORIES.map(() => '---').join('|')}|`;
  const body = rows.map(([name, c]) => {
    const n = [...c.values()].reduce((a, b) => a + b, 0);
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
  const samples = parsePerfScript(readFileSync(perfFile, 'utf8')).filter((s) => s.comm !== 'swapper');
  const t0 = Math.min(...samples.map((s) => s.timeS));
  const from = t0 + run.startupMs / 1000;
  const to = from + run.loopMs / 1000;
  const loop = samples.filter((s) => s.timeS >= from && s.timeS <= to);
  const byPid = new Map<number, Map<PerfCategory, number>>();
  // The main thread's own (its task id is the process id): an in-process run's critical path.
  const byMain = new Map<number, Map<PerfCategory, number>>();
  const all = new Map<PerfCategory, number>();
  const count = (m: Map<number, Map<PerfCategory, number>>, pid: number, k: PerfCategory) => {
    const c = m.get(pid) ?? new Map<PerfCategory, number>();
    m.set(pid, c);
    c.set(k, (c.get(k) ?? 0) + 1);
  };
  for (const s of loop) {
    const k = categorise(s);
    count(byPid, s.pid, k);
    if (s.tid === s.pid) count(byMain, s.pid, k);
    all.set(k, (all.get(k) ?? 0) + 1);
  }
  const comm = new Map(loop.map((s) => [s.pid, s.comm]));
  const size = (c: Map<PerfCategory, number>) => [...c.values()].reduce((a, b) => a + b, 0);
  // Processes with at least 1 % of the samples, each followed by its main thread.
  const rows: [string, Map<PerfCategory, number>][] = [...byPid]
    .filter(([, c]) => size(c) >= loop.length / 100)
    .sort((a, b) => size(b[1]) - size(a[1]))
    .flatMap(([pid, c]): [string, Map<PerfCategory, number>][] => {
      const main = byMain.get(pid);
      return main
        ? [
            [`${comm.get(pid)} ${pid}`, c],
            ['… its main thread', main],
          ]
        : [[`${comm.get(pid)} ${pid}`, c]];
    });
  process.stdout.write(
    `loop window ${run.loopMs.toFixed(0)} ms, ${loop.length} on-CPU samples (every process)\n\n${table([
      ['all processes', all],
      ...rows,
    ])}\n`,
  );
}

if (process.argv[1]?.endsWith('perf-categories.ts')) main();
