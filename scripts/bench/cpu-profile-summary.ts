// Summarises V8 CPU profiles (`node --cpu-prof`) by category: each sample is charged to the
// innermost frame whose source file says what it is (a built-in such as Array.map inherits the
// category of the code that called it), so "engine" is everything the simulation core and the
// market library spend, wherever the CPU actually was.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CATEGORIES = [
  'engine',
  'agents',
  'serialisation',
  'io',
  'startup',
  'gc',
  'other',
  'idle',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** What each category holds, for the table's legend. */
export const CATEGORY_NOTES: Record<Category, string> = {
  engine:
    'sim/ (clock, venues, world, settlement, records, door) and market/ + lib/ when the core calls them',
  agents: 'agents/ (strategies, SDK), HiGHS, and market/ + lib/ when a strategy calls them',
  serialisation: 'protobuf encode/decode (gen/, @bufbuild), gRPC + HTTP/2, tape JSON',
  io: 'NATS client, outbox, file sinks, sockets, fs',
  startup: 'module loading and transpiling (tsx, esbuild, node:internal/modules), CLI, config',
  gc: 'garbage collector',
  other: 'drivers, run composition, uncategorised V8/Node internals',
  idle: 'idle: the process waited (for other processes, timers, the network or the CPU)',
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The category a source file belongs to, or undefined for a frame that inherits its caller's. */
export function categoryOfUrl(url: string, fn: string): Category | undefined {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)' || fn === '(root)') return 'other';
  if (!url) return undefined;
  if (/\/(tsx|esbuild|get-tsconfig)\//.test(url) || url.startsWith('node:internal/modules')) return 'startup';
  if (
    /\/(gen\/|node_modules\/@bufbuild\/|node_modules\/@grpc\/|node_modules\/long\/)/.test(url) ||
    url.startsWith('node:internal/http2')
  )
    return 'serialisation';
  if (/\/sim\/records\/tape-encoder\.ts|\/arena\/run\/file-sinks\.ts/.test(url)) return 'io';
  if (/\/node_modules\/@nats-io\/|\/arena\/nats\//.test(url)) return 'io';
  if (
    /^node:(fs|net|stream|internal\/fs|internal\/streams|internal\/stream_base|internal\/net|dgram)/.test(url)
  )
    return 'io';
  if (/\/agents\/|\/node_modules\/highs\//.test(url)) return 'agents';
  if (/\/sim\//.test(url)) return 'engine';
  if (/\/(cli|node_modules\/(commander|yaml|zod))\//.test(url)) return 'startup';
  return undefined;
}

/** Microseconds per category of one profile. */
export function summariseProfile(p: CpuProfile): Record<Category, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, Category>();
  // lib/ and market/ serve both the core and the strategies: charged to whichever called them.
  const shared = (url: string) => /\/(market|lib)\//.test(url);
  const sharedCaller = (id: number): Category => {
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const f = byId.get(up)!.callFrame;
      const c = categoryOfUrl(f.url, f.functionName);
      if (c === 'agents' || c === 'engine') return c;
    }
    return 'engine';
  };
  const categoryOf = (id: number): Category => {
    const known = memo.get(id);
    if (known) return known;
    const n = byId.get(id)!;
    let c = shared(n.callFrame.url)
      ? sharedCaller(id)
      : categoryOfUrl(n.callFrame.url, n.callFrame.functionName);
    if (!c) {
      const up = parent.get(id);
      c = up === undefined ? 'other' : categoryOf(up);
      // A root frame's built-in children with no file of their own are V8/Node internals.
      if (c === 'idle' || c === 'gc') c = 'other';
    }
    memo.set(id, c);
    return c;
  };
  const out = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  p.samples.forEach((id, i) => {
    out[categoryOf(id)] += p.timeDeltas[i] ?? 0;
  });
  return out;
}

/** One process's summary, and whether it was an agent process (it never ran the core's clock). */
export function summariseProfileFile(path: string): {
  summary: Record<Category, number>;
  isAgentProcess: boolean;
} {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const isAgentProcess = !p.nodes.some(
    (n) => n.callFrame.functionName === 'advance' && n.callFrame.url.includes('/sim/core/simulation.ts'),
  );
  return { summary: summariseProfile(p), isAgentProcess };
}

/** Sums every *.cpuprofile in `dir` (all processes of a run); microseconds per category. */
export function summariseProfileDir(dir: string): { total: Record<Category, number>; profiles: number } {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const total = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const f of files) {
    const s = summariseProfile(JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
    for (const c of CATEGORIES) total[c] += s[c];
  }
  return { total, profiles: files.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? '.';
  const { total, profiles } = summariseProfileDir(dir);
  process.stdout.write(`${profiles} profiles\n`);
  for (const c of CATEGORIES)
    process.stdout.write(`${c.padEnd(14)} ${(total[c] / 1000).toFixed(0).padStart(8)} ms\n`);
}
