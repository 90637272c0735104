// Reads the timelines `npm run bench:door` writes with DOOR_TRACE_DIR set and explains the slowest
// bystander round trips: for each, the decision point it spans (when the arena asked each agent,
// when each answer or verdict came, the gap before the next decision point), the arena's largest
// event-loop delay inside it, and what the flooder did meanwhile.
//   node --import tsx scripts/bench/door-trace-report.ts <DOOR_TRACE_DIR> [top N per line-up]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Ev {
  t: number;
  ev: string;
  agent?: string;
  wakeId?: number;
  outcome?: string;
  ms?: number;
  n?: number;
  code?: number;
  details?: string;
}

const root = process.argv[2];
if (!root) throw new Error('usage: door-trace-report.ts <DOOR_TRACE_DIR> [N]');
const top = Number(process.argv[3] ?? 12);
const read = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? Number.NaN;
};
const f = (x: number) => x.toFixed(1);

const byLineup = new Map<string, { run: string; ms: number; line: string }[]>();
const loops = new Map<string, string[]>();
for (const run of readdirSync(root).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))) {
  const d = join(root, run);
  if (!existsSync(join(d, 'arena.json'))) continue;
  const lineup = run.replace(/^\d+-/, '');
  const arena = read(join(d, 'arena.json')) as {
    events: Ev[];
    lags: [number, number][];
    loopDelayMs: Record<string, number>;
    cpuS: number;
    counts: Record<string, number>;
  };
  const third = existsSync(join(d, 'flood-third-agent-token.json'))
    ? (read(join(d, 'flood-third-agent-token.json')) as Ev[])
    : [];
  const L = arena.loopDelayMs;
  const bigLags = arena.lags.filter(([, l]) => l > 20).length;
  (loops.get(lineup) ?? loops.set(lineup, []).get(lineup)!).push(
    `run ${run}: loop delay p50 ${f(L.p50!)} p99 ${f(L.p99!)} max ${f(L.max!)} ms, lags >20 ms: ${bigLags}, arena CPU ${arena.cpuS.toFixed(2)} s, outside batches admitted ${arena.counts.admitted} refused ${arena.counts.refused}`,
  );
  const decideAt = new Map<number, number>();
  const outcomes = new Map<number, Ev[]>();
  for (const e of arena.events) {
    if (e.ev === 'decide' && !decideAt.has(e.wakeId!)) decideAt.set(e.wakeId!, e.t);
    if (e.ev === 'outcome') (outcomes.get(e.wakeId!) ?? outcomes.set(e.wakeId!, []).get(e.wakeId!)!).push(e);
  }
  const wakes = [...decideAt.keys()].sort((a, b) => a - b);
  // Decision points held up by the third agent: its verdict came after the last bystander's answer.
  let heldDps = 0;
  let heldMs = 0;
  let heldMax = 0;
  for (const outs of outcomes.values()) {
    const third = outs.find((o) => o.agent === 'third');
    const others = outs.filter((o) => o.agent !== 'third').map((o) => o.t);
    if (!third || others.length === 0) continue;
    const held = third.t - Math.max(...others);
    if (held > 1) {
      heldDps++;
      heldMs += held;
      heldMax = Math.max(heldMax, held);
    }
  }
  loops
    .get(lineup)!
    .push(
      `run ${run}: decision points held up by the third agent: ${heldDps} of ${wakes.length}, ${f(heldMs)} ms in all, longest ${f(heldMax)} ms`,
    );
  for (const file of readdirSync(d).filter((x) => x.startsWith('bystander-'))) {
    for (const e of read(join(d, file)) as Ev[]) {
      if (e.ev !== 'ack') continue;
      const from = e.t - e.ms!;
      const w = e.wakeId!;
      const d0 = decideAt.get(w)!;
      const next = wakes[wakes.indexOf(w) + 1];
      const outs = (outcomes.get(w) ?? []).map(
        (o) => `${o.agent!.replace(/-.*/, '')}:${o.outcome}+${f(o.t - d0)}`,
      );
      const lastOut = Math.max(...(outcomes.get(w) ?? []).map((o) => o.t));
      const lagMax = Math.max(0, ...arena.lags.filter(([t]) => t >= from && t <= e.t).map(([, l]) => l));
      const fl = third
        .filter((x) => x.t >= from - 50 && x.t <= e.t && x.ev !== 'wake' && x.ev !== 'flood-end')
        .map((x) => `${x.ev}${x.code ? `(${x.code})` : ''}@${f(x.t - from)}`);
      const floodN = third
        .filter((x) => x.ev === 'flood-end' && x.t >= from && x.t <= e.t)
        .reduce((n, x) => n + x.n!, 0);
      const arenaEv = arena.events
        .filter((x) => x.t >= from - 50 && x.t <= e.t && /hello|disconnect/.test(x.ev))
        .map((x) => `${x.ev}@${f(x.t - from)}`);
      const line =
        `${f(e.ms!)} ms  wake ${w} ${file.replace(/-token.*/, '')}: ${outs.join(' ')}; ` +
        `next DP +${next && decideAt.get(next) ? f(decideAt.get(next)! - lastOut) : '?'} after last outcome; ` +
        `loop lag max ${f(lagMax)}; flood ${floodN}; third ${fl.join(' ')} ${arenaEv.join(' ')}`;
      (byLineup.get(lineup) ?? byLineup.set(lineup, []).get(lineup)!).push({ run, ms: e.ms!, line });
    }
  }
}
for (const [lineup, xs] of byLineup) {
  const ms = xs.map((x) => x.ms);
  console.log(
    `\n== ${lineup}: ${xs.length} samples, p50 ${f(q(ms, 0.5))} p90 ${f(q(ms, 0.9))} p99 ${f(q(ms, 0.99))} max ${f(Math.max(...ms))}`,
  );
  for (const l of loops.get(lineup) ?? []) console.log(`  ${l}`);
  for (const x of xs.sort((a, b) => b.ms - a.ms).slice(0, top)) console.log(`  [${x.run}] ${x.line}`);
}
