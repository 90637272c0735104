// The scores table printed by `flexarena evaluate --run-dir`; every figure is in scores.json.
import { join } from 'node:path';
import type { RunScores } from '../evaluation/index.js';
import { cashUnitsToCentEur } from '../market/index.js';
import { fixed, textTable } from './text-table.js';

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${fixed(x * 100, 1)} %`;
const num = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined ? '–' : fixed(x, digits);
// The profit from its exact integer, rounded to the cent as results.json rounds it.
const eurFromUnits = (units: number) => fixed(cashUnitsToCentEur(units), 2);

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

/**
 * What `evaluate --run-dir` says after the table: final scores, or provisional ones and why — a
 * run that did not end has no run-end.json, and without run-manifest.json the strategies' assets
 * (and so the perfect-foresight bounds) are unknown even when every record is there.
 */
export function scoresStatusLine(scores: RunScores, dir: string): string {
  const where = `scores in ${join(dir, 'scores.json')}, scores.csv`;
  if (scores.complete) return `final ${where}`;
  // A run that did not end has no total to count against: "345 of ? records" read as a fault.
  const why = [
    ...(scores.expectedRecords === null
      ? [`${scores.records} records`, 'no run-end.json: the run did not end, so its total is not known']
      : [`${scores.records} of ${scores.expectedRecords} records`]),
    ...(scores.name === null ? ['no run-manifest.json'] : []),
    ...(scores.missing > 0 ? [`${scores.missing} missing`] : []),
  ];
  return `provisional (${why.join('; ')}) ${where}`;
}
