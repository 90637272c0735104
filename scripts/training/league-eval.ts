// Duplicate-game evaluation of a league-trained policy: on the same world draws, the final
// policy and the first checkpoint take turns in the learner's seat against each opponent (the
// first checkpoint itself and zoo strategies), so the world's luck cancels in the difference.
// Against the first checkpoint both seats are swapped (each policy plays each seat once per draw).
//   node --import tsx scripts/training/league-eval.ts --final runs/train/league/policy.json \
//     --first runs/train/league-stage0/policy.json --config training/configs/league.yaml [--draws 6]
// A policy in the learner's seat acts through the market environment (the standard observation,
// its battery share traded as an IOC order: what the `policy` strategy does in an agent process);
// in the rival's seat it is the `policy` strategy itself. Value = cash − asset costs, € per day.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Mlp, readPolicyFile } from '../../agents/strategies/index.js';
import { MarketEnv, StepType } from '../../training/index.js';
import { scriptOptions } from './script-options.js';

const opts = scriptOptions({
  ints: { draws: { default: 6, min: 1, max: 10_000 }, seed0: { default: 9000, min: 0, max: 2 ** 31 - 1 } },
  strings: {
    final: undefined,
    first: undefined,
    config: undefined,
    zoo: 'heuristic-battery,rule-tree-battery,stochastic-battery',
  },
});
const arg = (name: string) => opts.string(name);
const FINAL = arg('final');
const FIRST = arg('first');
const DRAWS = opts.int('draws');
const SEED0 = opts.int('seed0');
const cfg = parse(readFileSync(arg('config'), 'utf8')) as {
  env: { run: Record<string, unknown> & { agents: { id: string }[] }; learner: string };
};
const learner = cfg.env.learner;
const rival = 'rival';

function actor(path: string): (o: Float32Array) => number {
  const f = readPolicyFile(path);
  const net = new Mlp(f.network);
  const a = f.action;
  return (o) => {
    const out = net.forward(o);
    if (a.kind === 'continuous') return Math.max(-1, Math.min(1, out[0]!));
    let best = 0;
    for (let k = 1; k < out.length; k++) if (out[k]! > out[best]!) best = k;
    return a.values[best]!;
  };
}

/** One game: `seatPolicy` in the learner's seat, `opponent` as the rival; both seats' €. */
async function game(
  seed: number,
  seatPolicy: string,
  opponent: { strategy: string; params?: Record<string, unknown> },
): Promise<{ seat: number; rival: number }> {
  const env = new MarketEnv({
    run: { ...cfg.env.run, seed },
    learner,
    seeds: 'fixed',
    opponents: { [rival]: opponent },
  });
  const act = actor(seatPolicy);
  let ts = await env.reset();
  while (ts.stepType !== StepType.LAST) ts = await env.step(act(ts.observation));
  const sim = env.multi.simulation!;
  const value = (id: string) => {
    const c = sim.ctx.assets.get(id)?.costs();
    const cost = c ? c.degradationEur + c.lostRentalEur + c.tariffEur + c.penaltyEur : 0;
    return sim.ctx.ledger(id).totalCashUnits / (sim.welcome(id).market?.cashUnitsPerEur || 100_000) - cost;
  };
  return { seat: value(learner), rival: value(rival) };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const ci = (xs: number[]) => {
  const m = mean(xs);
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
  // t(0.975) for 2…10 degrees of freedom.
  const t = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23][xs.length - 2] ?? 2.2;
  return [m - (t * sd) / Math.sqrt(xs.length), m + (t * sd) / Math.sqrt(xs.length)];
};
const seeds = Array.from({ length: DRAWS }, (_, k) => SEED0 + k);
const fmt = (x: number) => x.toFixed(1);

// Final vs first: each plays each seat once per draw.
const diffs: number[] = [];
const finals: number[] = [];
const firsts: number[] = [];
for (const s of seeds) {
  const a = await game(s, FINAL, { strategy: 'policy', params: { checkpoint: FIRST } });
  const b = await game(s, FIRST, { strategy: 'policy', params: { checkpoint: FINAL } });
  const f = (a.seat + b.rival) / 2;
  const g = (a.rival + b.seat) / 2;
  finals.push(f);
  firsts.push(g);
  diffs.push(f - g);
}
const [lo, hi] = ci(diffs);
console.log(
  `final vs first checkpoint, ${DRAWS} draws × 2 seats: final ${fmt(mean(finals))} €/day, first ${fmt(mean(firsts))} €/day, final − first ${fmt(mean(diffs))} € [95 % CI ${fmt(lo!)}, ${fmt(hi!)}]`,
);

// Against the zoo: the same draws with the final policy, then the first checkpoint, in the seat.
const zoo = arg('zoo').split(',');
for (const z of zoo) {
  const d: number[] = [];
  const fv: number[] = [];
  const gv: number[] = [];
  const rv: number[] = [];
  for (const s of seeds) {
    const f = await game(s, FINAL, { strategy: z });
    const g = await game(s, FIRST, { strategy: z });
    fv.push(f.seat);
    gv.push(g.seat);
    rv.push(f.rival, g.rival);
    d.push(f.seat - g.seat);
  }
  const [l, h] = ci(d);
  console.log(
    `against ${z}: final ${fmt(mean(fv))} €/day, first ${fmt(mean(gv))} €/day, final − first ${fmt(mean(d))} € [95 % CI ${fmt(l!)}, ${fmt(h!)}]; ${z} itself ${fmt(mean(rv))} €/day`,
  );
}
