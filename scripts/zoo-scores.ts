// Scores battery strategies on the shipped scenarios: each strategy takes the place of one
// battery agent of a scenario (its "slot"), the run plays in-process, and the slot agent's
// SoC-neutral profit is set against the perfect-foresight bound of the same battery on the run's
// realised prices (definitions in scripts/zoo/score.ts).
//
//   npx tsx scripts/zoo-scores.ts [--strategies a,b] [--scenarios x,y] [--seeds 3]
//       [--params name='{"json"}'] [--slot scenario=agentId] [--markdown]
//
// Seeds: the scenario's own seed and the following ones. Per scenario, PoP = Σ SoC-neutral profit /
// Σ bound over its seeds; "mean (forecast errors)" averages that over the scenarios whose world has
// forecast errors (difficulty forecast-errors).
import { join } from 'node:path';
import { createStrategy } from '../agents/strategies/index.js';
import { loadRunConfig } from '../arena/index.js';
import { loadHighs } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';
import { runLocal } from './zoo/run-local.js';
import { batteryOf, perfectForesightBoundEur, referencePriceEur, socNeutralProfit } from './zoo/score.js';

const ROOT = join(import.meta.dirname, '..');

/** The battery agent each strategy replaces, per shipped scenario. */
export const DEFAULT_SLOTS: Record<string, string> = {
  demo: 'optimiser',
  'volatile-renewable': 'optimiser',
  'quiet-price-taker': 'optimiser',
  'battery-pool-day': 'heuristic',
  'price-maker-study': 'small',
};

interface Args {
  strategies: string[];
  scenarios: string[];
  seeds: number;
  params: Map<string, Record<string, unknown>>;
  slots: Record<string, string>;
  markdown: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    strategies: ['lp-battery'],
    scenarios: Object.keys(DEFAULT_SLOTS),
    seeds: 3,
    params: new Map(),
    slots: { ...DEFAULT_SLOTS },
    markdown: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--strategies') a.strategies = next().split(',');
    else if (flag === '--scenarios') a.scenarios = next().split(',');
    else if (flag === '--seeds') a.seeds = Number(next());
    else if (flag === '--markdown') a.markdown = true;
    else if (flag === '--params') {
      const [name, json] = next().split(/=(.*)/s);
      a.params.set(name!, JSON.parse(json!));
    } else if (flag === '--slot') {
      const [scenario, agent] = next().split('=');
      a.slots[scenario!] = agent!;
    } else throw new Error(`unknown flag ${flag}`);
  }
  if (!Number.isInteger(a.seeds) || a.seeds < 1) throw new Error('--seeds must be a positive integer');
  return a;
}

export interface ScoreRow {
  scenario: string;
  seed: number;
  strategy: string;
  agent: string;
  cashProfitEur: number;
  socNeutralProfitEur: number;
  boundEur: number;
  finalSocMwh: number;
  tradedMwh: number;
  /** Cash by market, EUR: continuous intraday, auctions, imbalance. */
  cidEur: number;
  auctionEur: number;
  imbalanceEur: number;
}

async function scoreOne(cfg: RunConfig, slot: string, strategy: string, params: Record<string, unknown>) {
  const agent = cfg.agents.find((x) => x.id === slot);
  if (!agent) throw new Error(`${cfg.name}: no agent "${slot}"`);
  const battery = batteryOf(agent);
  const run = await runLocal(
    { ...cfg, agents: cfg.agents.map((x) => (x.id === slot ? { ...x, strategy, params } : x)) },
    { baseDir: join(ROOT, 'scenarios'), agents: new Map([[slot, createStrategy(strategy, params)]]) },
  );
  const solver = await loadHighs();
  const ref = referencePriceEur(run.realisedPriceTicks);
  const records = run.settlements.filter((r) => r.agentId === slot);
  const result = run.results.agents.find((r) => r.agentId === slot)!;
  // Assets without a battery (EV fleet, pool) are scored by their profit alone: no bound.
  const score = battery
    ? socNeutralProfit(records, battery.socInitialMwh, ref)
    : {
        cashProfitEur: result.profitEur,
        socNeutralProfitEur: result.profitEur,
        finalSocMwh: result.finalSocMwh,
      };
  const row: ScoreRow = {
    scenario: cfg.name,
    seed: cfg.seed,
    strategy,
    agent: slot,
    cashProfitEur: score.cashProfitEur,
    socNeutralProfitEur: score.socNeutralProfitEur,
    boundEur: battery ? perfectForesightBoundEur(solver, run.realisedPriceTicks, battery, ref) : Number.NaN,
    finalSocMwh: score.finalSocMwh,
    tradedMwh: result.tradedMwh,
    cidEur: result.tradingCashEur,
    auctionEur: result.auctionCashEur,
    imbalanceEur: result.imbalanceCashEur,
  };
  const strategyFaults = run.faults.filter((f) => f.agentId === slot && f.kind === 'strategy-error');
  if (strategyFaults.length > 0)
    process.stderr.write(`  ${strategyFaults.length} strategy errors, first: ${strategyFaults[0]!.detail}\n`);
  return row;
}

const pct = (x: number) => `${(100 * x).toFixed(0)} %`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rows: ScoreRow[] = [];
  const withErrors = new Set<string>();
  for (const scenario of args.scenarios) {
    const base = loadRunConfig(join(ROOT, 'scenarios', `${scenario}.yaml`));
    if (base.world.difficulty === 'forecast-errors') withErrors.add(scenario);
    for (let k = 0; k < args.seeds; k++) {
      const cfg = { ...base, seed: base.seed + k };
      for (const strategy of args.strategies) {
        const started = Date.now();
        const row = await scoreOne(cfg, args.slots[scenario]!, strategy, args.params.get(strategy) ?? {});
        rows.push(row);
        process.stderr.write(
          `${scenario} seed ${cfg.seed} ${strategy}: profit ${row.socNeutralProfitEur.toFixed(0)} € ` +
            `(cash ${row.cashProfitEur.toFixed(0)}), bound ${row.boundEur.toFixed(0)} €, ` +
            `PoP ${pct(row.socNeutralProfitEur / row.boundEur)}; CID ${row.cidEur.toFixed(0)}, auctions ${row.auctionEur.toFixed(0)}, ` +
            `imbalance ${row.imbalanceEur.toFixed(0)}, SoC ${row.finalSocMwh.toFixed(1)} MWh, traded ${row.tradedMwh.toFixed(0)} MWh; ` +
            `${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
      }
    }
  }
  printSummary(rows, args, withErrors);
}

function printSummary(rows: ScoreRow[], args: Args, withErrors: Set<string>): void {
  const pop = (scenario: string, strategy: string) => {
    const rs = rows.filter((r) => r.scenario === scenario && r.strategy === strategy);
    const profit = rs.reduce((a, r) => a + r.socNeutralProfitEur, 0);
    const bound = rs.reduce((a, r) => a + r.boundEur, 0);
    return { profit: profit / rs.length, bound: bound / rs.length, pop: profit / bound, rs };
  };
  const header = [
    'strategy',
    ...args.scenarios.map((s) => `${s} (${args.slots[s]})`),
    'mean PoP (forecast errors)',
  ];
  const lines: string[][] = [];
  for (const strategy of args.strategies) {
    const cells = args.scenarios.map((s) => {
      const p = pop(s, strategy);
      const seeds = p.rs.map((r) => r.socNeutralProfitEur.toFixed(0)).join(' / ');
      return Number.isNaN(p.bound)
        ? `${p.profit.toFixed(0)} € (${seeds})`
        : `${p.profit.toFixed(0)} € (${seeds}); ${pct(p.pop)}`;
    });
    const errs = args.scenarios.filter((s) => withErrors.has(s) && !Number.isNaN(pop(s, strategy).bound));
    const mean = errs.length ? errs.reduce((a, s) => a + pop(s, strategy).pop, 0) / errs.length : Number.NaN;
    lines.push([strategy, ...cells, pct(mean)]);
  }
  if (args.markdown) {
    process.stdout.write(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n`);
    for (const l of lines) process.stdout.write(`| ${l.join(' | ')} |\n`);
  } else {
    for (const l of lines) process.stdout.write(`${l.join('\n  ')}\n`);
  }
  const bounds = args.scenarios.map((s) => `${s}: ${pop(s, args.strategies[0]!).bound.toFixed(0)} €`);
  process.stdout.write(`mean bound per seed — ${bounds.join(', ')}\n`);
}

await main();
