import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../../lib/index.js';
import { tempDir } from '../../test/helpers/arena-process.js';
import { loadScenarios, parseTournament } from '../../tournament/index.js';
import {
  checkEntrants,
  checkScenarioAgents,
  checkScenarioModules,
  checkSeats,
  parseWorkerTimeout,
} from './tournament.js';

describe('--worker-timeout', () => {
  it('takes seconds ≥ 0 as given, 0 meaning wait forever', () => {
    expect(parseWorkerTimeout('0')).toBe(0);
    expect(parseWorkerTimeout('2.5')).toBe(2.5);
    expect(parseWorkerTimeout('600')).toBe(600);
  });

  it('refuses what is not a number of seconds ≥ 0, naming the flag and the limit', () => {
    for (const bad of ['-1', 'soon', '', 'Infinity', 'NaN'])
      expect(() => parseWorkerTimeout(bad), bad).toThrow(InvalidArgumentError);
    expect(() => parseWorkerTimeout('-1')).toThrow(
      '--worker-timeout must be a number of seconds ≥ 0 (0: wait forever), got "-1"',
    );
  });
});

describe('entrants', () => {
  const tournament = (entrants: unknown[]) =>
    parseTournament({
      name: 't',
      gameSizes: [1],
      entrants,
      scenarios: [{ file: 'scenarios/demo.yaml', seats: ['heuristic'] }],
    });
  const issuesOf = (entrants: unknown[]) => {
    try {
      checkEntrants(tournament(entrants), 't.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).issues;
    }
    return [];
  };

  it('refuses an unknown strategy and parameters a strategy refuses, naming the field and the value', () => {
    const issues = issuesOf([
      { name: 'fine', strategy: 'lp-battery', params: { horizonHours: 24 } },
      { name: 'typo', strategy: 'lp-batery' },
      { name: 'far', strategy: 'lp-battery', params: { horizonHours: 500 } },
      { name: 'own', strategy: 'anything', command: ['my-agent', '{arena}', '{params}'], params: { x: 1 } },
    ]);
    expect(issues.map((i) => i.path)).toEqual(['entrants[1].strategy', 'entrants[2].params.horizonHours']);
    expect(issues[1]).toMatchObject({ value: 500 });
    expect(issues[1]!.message).toMatch(/96.*lp-battery/);
  });

  it('refuses a learner that would save its table for the next game; reading it only is fine', () => {
    const shipped = {
      qTablePath: 'tournaments/tables/tabular-q-quiet-price-taker.json',
      levelBuckets: 5,
      hourBuckets: 1,
    };
    const issues = issuesOf([
      { name: 'learner', strategy: 'tabular-q', params: { qTablePath: 'q.json' } },
      { name: 'fresh', strategy: 'tabular-q' },
      { name: 'frozen', strategy: 'tabular-q', params: { ...shipped, saveQTable: false } },
      { name: 'greedy', strategy: 'tabular-q', params: { ...shipped, learn: false } },
    ]);
    expect(issues).toEqual([
      {
        path: 'entrants[0].params.qTablePath',
        // Relative to the tournament file's folder (here the working directory: no file).
        value: resolve('q.json'),
        message:
          'tabular-q saves what it learns to this file, so in a tournament each game would start where the game before ' +
          'stopped (and parallel workers would write it at once): the games would not be independent or reproducible; ' +
          'saveQTable: false (or learn: false) plays every game from the file as it is',
      },
    ]);
    // Read only, a table that is not there would be an empty one in every game: a wrong path.
    expect(
      issuesOf([
        { name: 'idle', strategy: 'idle' },
        { name: 'typo', strategy: 'tabular-q', params: { qTablePath: 'q.json', learn: false } },
      ]),
    ).toEqual([
      {
        path: 'entrants[1].params.qTablePath',
        value: resolve('q.json'),
        message:
          'no such file; tabular-q only reads it as configured and no game of a tournament writes it, so it would start ' +
          'empty each time: name an existing file, or leave qTablePath out to start empty',
      },
    ]);
  });
});

describe('seats', () => {
  it('are checked for every entrant the plan seats there, before the first game', async () => {
    // A battery strategy rotated onto the liquidity seat (no asset) failed only when that game came up.
    const t = parseTournament({
      name: 't',
      gameSizes: [2],
      entrants: [
        { name: 'quiet', strategy: 'idle' },
        { name: 'charger', strategy: 'heuristic-battery' },
        { name: 'full', strategy: 'lp-battery', params: { endSocMwh: 500 } },
        { name: 'own', strategy: 'anything', command: ['my-agent', '{arena}', '{token}'] },
      ],
      scenarios: [{ file: 'scenarios/demo.yaml', seats: ['liquidity', 'heuristic'] }],
    });
    let issues: ConfigError['issues'] = [];
    try {
      await checkSeats(t, loadScenarios(t, 't.yaml'), 't.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      issues = (err as ConfigError).issues;
    }
    expect(issues.map((i) => i.path)).toEqual([
      'entrants[1].asset',
      'entrants[2].params.endSocMwh',
      'entrants[2].asset',
    ]);
    expect(issues[0]!.message).toMatch(
      /^heuristic-battery needs a battery asset in its run configuration \(it has none\), on seat liquidity of scenarios\[0\] \(\S*scenarios\/demo\.yaml\)$/,
    );
    expect(issues[1]!.message).toMatch(/500 MWh is outside .* on seat heuristic of scenarios\[0\]/);
  });

  it('must be agents of their scenario: a ConfigError names the seat, the file and its agents', () => {
    const t = parseTournament({
      name: 't',
      gameSizes: [2],
      entrants: [
        { name: 'a', strategy: 'idle' },
        { name: 'b', strategy: 'idle' },
      ],
      scenarios: [{ file: 'scenarios/demo.yaml', seats: ['heuristic', 'nosuchseat'] }],
    });
    let issues: ConfigError['issues'] = [];
    try {
      loadScenarios(t, 't.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).file).toBe('t.yaml');
      issues = (err as ConfigError).issues;
    }
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'scenarios[0].seats[1]', value: 'nosuchseat' });
    expect(issues[0]!.message).toMatch(
      /is not an agent of .*demo\.yaml; its agents: liquidity, heuristic, optimiser/,
    );
  });
});

describe("a scenario's other agents (not seats)", () => {
  // Every game plays them itself: a misspelt strategy failed the first game (after the folder was
  // made, naming the game only), and one started by hand was played as a built-in of its label.
  const withOthers = (others: Record<string, unknown>[]) => {
    const dir = tempDir('flexarena-tournament-others-');
    const file = join(dir, 'scenario.yaml');
    const doc = parse(readFileSync('scenarios/demo.yaml', 'utf8')) as { agents: Record<string, unknown>[] };
    writeFileSync(file, stringify({ ...doc, agents: [...doc.agents.slice(0, 3), ...others] }));
    const t = parseTournament({
      name: 't',
      gameSizes: [2],
      entrants: ['a', 'b'].map((name) => ({ name, strategy: 'idle' })),
      scenarios: [{ file, seats: ['heuristic', 'optimiser'] }],
    });
    return { dir, file, t };
  };

  it('are welcomed as a run welcomes them before the first game, naming the scenario field', async () => {
    const { dir, file, t } = withOthers([{ id: 'typo', strategy: 'lp-batery' }]);
    try {
      const scenarios = loadScenarios(t, 't.yaml');
      checkScenarioAgents(t, scenarios);
      await expect(checkSeats(t, scenarios, 't.yaml')).rejects.toThrow(
        `${file}:\n  - agents[3].strategy: unknown strategy "lp-batery"`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with runtime: python, must name a module python3 -m finds (checked before the first game)', async () => {
    const py = {
      strategy: 'py-battery',
      runtime: 'python',
      asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
    };
    const { dir, file, t } = withOthers([
      { id: 'py-ok', module: 'flexarena_examples.battery', ...py },
      { id: 'py-typo', module: 'flexarena_exampels.battery', ...py },
    ]);
    try {
      await expect(checkScenarioModules(t, loadScenarios(t, 't.yaml'))).rejects.toThrow(
        `${file}:\n  - agents[4].module: no Python module flexarena_exampels: /usr/bin/python3 -m looked for flexarena_exampels.py`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('may not be started by hand (launch: false): every game starts its agents itself', () => {
    const { dir, t } = withOthers([{ id: 'hand', strategy: 'my-bot', launch: false, token: 'hand-token-1' }]);
    try {
      expect(() => checkScenarioAgents(t, loadScenarios(t, 't.yaml'))).toThrow(
        /agents\[3\]\.launch: launch: false \(started by hand\) does not fit a tournament/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a real-time scenario', () => {
  // Its games ran on the wall clock (a day in minutes each) and could not be repeated: duplicate
  // games no longer compared the entrants on the same market.
  it('is refused, naming the scenario: games are lock-step', () => {
    const dir = tempDir('flexarena-tournament-realtime-');
    try {
      const file = join(dir, 'rt.yaml');
      writeFileSync(
        file,
        stringify({
          ...parse(readFileSync('scenarios/demo.yaml', 'utf8')),
          mode: 'realtime',
          realtime: { speed: 600 },
        }),
      );
      const t = parseTournament({
        name: 't',
        gameSizes: [2],
        entrants: ['a', 'b'].map((name) => ({ name, strategy: 'idle' })),
        scenarios: [{ file, seats: ['heuristic', 'optimiser'] }],
      });
      expect(() => loadScenarios(t, 't.yaml')).toThrow(
        `scenarios[0].file: ${file} is a real-time run (mode: realtime): games are lock-step, so that every line-up meets the same market`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the size of the plan', () => {
  // 30 entrants in games of 15 are 155 million line-ups: the planner listed them in memory, saying
  // nothing, until it ran out of it.
  it('is at most a million games, counted before any is planned: a ConfigError names gameSizes', () => {
    const t = (entrants: number) =>
      parseTournament({
        name: 't',
        seeds: 2,
        gameSizes: [2],
        entrants: Array.from({ length: entrants }, (_, i) => ({ name: `e${i}`, strategy: 'idle' })),
        scenarios: [{ file: 'scenarios/demo.yaml', seats: ['heuristic', 'optimiser'] }],
      });
    // 2 seeds × C(1000, 2) = 999 000 games (equal batteries: no rotation).
    expect(() => loadScenarios(t(1000), 't.yaml')).not.toThrow();
    let err: unknown;
    try {
      loadScenarios(t(1001), 't.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([
      {
        path: 'gameSizes',
        message:
          'the first 2 seed(s) plan 1001000 games (every combination of the 1001 entrants in games of 2, seats rotated where their assets differ): at most 1000000; give lineups, smaller gameSizes or fewer seeds',
        value: [2],
      },
    ]);
  });
});

describe('adaptive.maxGames', () => {
  // A budget below the first seeds' games was accepted and overspent: the first `seeds` seeds
  // always play in full.
  it('must cover the games of the first seeds: a ConfigError names the field, the games and the file', () => {
    const t = (maxGames: number) =>
      parseTournament({
        name: 't',
        seeds: 2,
        gameSizes: [2],
        entrants: ['a', 'b', 'c'].map((name) => ({ name, strategy: 'idle' })),
        scenarios: [{ file: 'scenarios/demo.yaml', seats: ['heuristic', 'optimiser'] }],
        adaptive: { topK: 2, maxGames },
      });
    // 2 seeds × 3 line-ups, no rotation (the two seats' batteries are equal).
    expect(() => loadScenarios(t(6), 't.yaml')).not.toThrow();
    let err: unknown;
    try {
      loadScenarios(t(5), 't.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).file).toBe('t.yaml');
    expect((err as ConfigError).issues).toEqual([
      {
        path: 'adaptive.maxGames',
        message: '5 games, but the first 2 seed(s) already play 6: at least 6, or fewer seeds',
        value: 5,
      },
    ]);
  });
});
