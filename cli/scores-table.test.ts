import { describe, expect, it } from 'vitest';
import type { AgentScores, RunScores } from '../evaluation/index.js';
import { formatScoresTable, scoresStatusLine } from './scores-table.js';

/** The figures the table prints; the rest of a RunScores does not matter to it. */
function scores(agents: Partial<AgentScores>[]): RunScores {
  return {
    agents: agents.map((a) => ({
      agentId: 'a',
      strategy: 's',
      socNeutralProfitEur: 0,
      storedEnergyChangeMwh: null,
      profitPerMwEur: null,
      fullCycles: null,
      pop: null,
      ...a,
    })),
  } as unknown as RunScores;
}

describe('formatScoresTable', () => {
  it('prints the profit from its cash units, rounded to the cent as results.json rounds it', () => {
    // 1 724.725 EUR: results.json says 1724.73 (toFixed on the float gave 1724.72).
    const table = formatScoresTable(
      scores([
        { agentId: 'reserve', profitCashUnits: 172_472_500, profitEur: 1724.725 },
        { agentId: 'heuristic', profitCashUnits: -97_986_113, profitEur: -979.86113 },
      ]),
    );
    const row = (id: string) => table.split('\n').find((l) => l.includes(id))!;
    expect(row('reserve')).toContain(' 1724.73 ');
    expect(row('heuristic')).toContain(' -979.86 ');
  });

  it('has no terminal colour codes when the output is not a terminal', () => {
    // vitest's workers write to a pipe, as `flexarena evaluate … > file` does.
    expect(process.stdout.isTTY).not.toBe(true);
    const table = formatScoresTable(scores([{ agentId: 'x', profitCashUnits: 0, profitEur: 0 }]));
    expect(table).not.toContain('\u001b[');
  });
});

describe('scoresStatusLine', () => {
  const run = (o: Partial<RunScores>) =>
    ({ complete: false, records: 480, expectedRecords: 480, name: 'demo', missing: 0, ...o }) as RunScores;

  it('says final for a complete run', () => {
    expect(scoresStatusLine(run({ complete: true }), 'runs/x')).toBe(
      'final scores in runs/x/scores.json, scores.csv',
    );
    // A folder given with its trailing slash (shell completion) printed runs/x//scores.json.
    expect(scoresStatusLine(run({ complete: true }), 'runs/x/')).toBe(
      'final scores in runs/x/scores.json, scores.csv',
    );
  });

  it('says why scores are provisional', () => {
    // Every record there, but no manifest: "480 of 480 records" alone did not say what was missing.
    expect(scoresStatusLine(run({ name: null }), 'r')).toBe(
      'provisional (480 of 480 records; no run-manifest.json) scores in r/scores.json, scores.csv',
    );
    expect(scoresStatusLine(run({ records: 135, expectedRecords: null }), 'r')).toBe(
      'provisional (135 records; no run-end.json: the run did not end, so its total is not known) scores in r/scores.json, scores.csv',
    );
    expect(scoresStatusLine(run({ records: 470, missing: 10 }), 'r')).toBe(
      'provisional (470 of 480 records; 10 missing) scores in r/scores.json, scores.csv',
    );
  });
});
