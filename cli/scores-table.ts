// The scores table printed by `flexarena evaluate --run-dir`; every figure is in scores.json.
import type { RunScores } from '../evaluation/index.js';
import { textTable } from './text-table.js';

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`;
const num = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined ? '–' : x.toFixed(digits);
// The profit from its exact integer, rounded to the cent as results.json and the run's table round
// it: toFixed on the EUR float gave 1724.72 for 172 472 500 units where results.json has 1724.73.
const eurFromUnits = (units: number) => (Math.round(units / 1_000) / 100).toFixed(2);

export function formatScoresTable(scores: RunScores): string {
  const table = textTable([
    ['agent', 'left'],
    ['strategy', 'left'],
    ['profit €', 'right'],
    ['SoC-neutral €', 'right'],
    ['ΔSoC MWh', 'right'],
    ['€/MW', 'right'],
    ['cycles', 'right'],
    ['PoP DA', 'right'],
    ['PoP multi', 'right'],
    ['PoP DA (SoC-n.)', 'right'],
    ['PoP multi (SoC-n.)', 'right'],
  ]);
  for (const a of scores.agents)
    table.push([
      a.agentId,
      a.strategy,
      eurFromUnits(a.profitCashUnits),
      num(a.socNeutralProfitEur),
      num(a.storedEnergyChangeMwh),
      num(a.profitPerMwEur),
      num(a.fullCycles),
      pct(a.pop?.dayAhead.pop),
      pct(a.pop?.multiMarket.pop),
      pct(a.pop?.socNeutralDayAhead.pop),
      pct(a.pop?.socNeutralMultiMarket.pop),
    ]);
  return table.toString();
}
