// Planning duplicate games: every line-up of a cell plays the same world seed, entrants rotate
// through seats whose assets differ, and the plan is a function of the tournament file alone
// (seeds added later extend it without renumbering earlier games).
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../sim/index.js';
import { parseTournament } from './config.js';
import { planGames, plannedGameCount } from './plan.js';

const battery = (powerMw: number) => ({ type: 'battery', powerMw, energyMwh: 2 * powerMw });
const scenario = (assets: number[]) =>
  parseRunConfig({
    day: '2026-11-22',
    agents: [
      { id: 'liq', strategy: 'liquidity', role: 'liquidity' },
      ...assets.map((p, i) => ({ id: `s${i}`, strategy: 'idle', asset: battery(p) })),
    ],
  });
const tournament = (doc: Record<string, unknown>) =>
  parseTournament({
    name: 'plan',
    seed: 11,
    seeds: 2,
    entrants: ['a', 'b', 'c', 'd'].map((name) => ({ name, strategy: 'idle' })),
    scenarios: [{ file: 'x.yaml', seats: ['s0', 's1', 's2'] }],
    ...doc,
  });

describe('tournament plan', () => {
  it('plays every combination on the same seeds per cell, without rotation where seats are equal', () => {
    const t = tournament({ gameSizes: [2, 3] });
    const games = planGames(t, [scenario([5, 5, 5])], 0, t.seeds);
    // 2 seeds × (C(4,2) + C(4,3)) line-ups, one rotation each.
    expect(games).toHaveLength(2 * (6 + 4));
    const cells = new Map<string, Set<number>>();
    for (const g of games) cells.set(g.cell, (cells.get(g.cell) ?? new Set()).add(g.seed));
    expect([...cells.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set(games.filter((g) => g.size === 2).map((g) => g.seed)).size).toBe(2);
    expect(new Set(games.map((g) => g.id)).size).toBe(games.length);
    expect(games.map((g) => g.index)).toEqual(games.map((_, i) => i));
  });

  it('rotates entrants through seats whose assets differ: each entrant sits in each seat equally', () => {
    const t = tournament({ gameSizes: [3] });
    const games = planGames(t, [scenario([5, 10, 20])], 0, 1);
    expect(games).toHaveLength(4 * 3);
    for (const e of ['a', 'b', 'c', 'd'])
      for (const seat of ['s0', 's1', 's2'])
        expect(games.filter((g) => g.seats.some((s) => s.seat === seat && s.entrant === e))).toHaveLength(3);
    expect(
      planGames(tournament({ gameSizes: [3], rotateSeats: 'never' }), [scenario([5, 10, 20])], 0, 1),
    ).toHaveLength(4);
  });

  it('is reproducible from the tournament seed, and more seeds extend the plan without renumbering', () => {
    const t = tournament({ gameSizes: [2] });
    const s = [scenario([5, 5, 5])];
    expect(planGames(t, s, 0, 2)).toEqual(planGames(t, s, 0, 2));
    expect(planGames(t, s, 0, 3).slice(0, 12)).toEqual(planGames(t, s, 0, 2));
    const other = planGames(tournament({ gameSizes: [2], seed: 12 }), s, 0, 2);
    expect(other.map((g) => g.seed)).not.toEqual(planGames(t, s, 0, 2).map((g) => g.seed));
  });

  it('refuses a game size larger than the seats or the entrants, naming the field', () => {
    expect(() => tournament({ gameSizes: [4] })).toThrow(/gameSizes\[0\].*scenarios\[0\] has 3 seats/s);
    expect(() => tournament({ lineups: [['a', 'z']] })).toThrow(/lineups\[0\]\[1\].*unknown entrant "z"/s);
  });

  // Each of these was accepted and played: a seat twice credited both entrants with the one that
  // played there, an entrant twice played against itself, and a line-up of a size not in
  // gameSizes (or a size with no line-up) played nothing without a word.
  it('refuses a seat twice, an entrant twice in a line-up, and line-ups that would never play', () => {
    expect(() => tournament({ scenarios: [{ file: 'x.yaml', seats: ['s0', 's1', 's0'] }] })).toThrow(
      /scenarios\[0\]\.seats\[2\]: seat "s0" twice/,
    );
    expect(() => tournament({ lineups: [['a', 'a']] })).toThrow(
      /lineups\[0\]\[1\]: entrant "a" twice in one line-up/,
    );
    expect(() => tournament({ gameSizes: [2], lineups: [['a', 'b', 'c']] })).toThrow(
      /lineups\[0\]: 3 entrants, but gameSizes is \[2\].*gameSizes\[0\]: no line-up of 2 entrants/s,
    );
    expect(
      tournament({
        gameSizes: [2, 3],
        lineups: [
          ['a', 'b'],
          ['b', 'c', 'd'],
        ],
      }).lineups,
    ).toHaveLength(2);
  });

  // gameSizes [2, 2] planned every game twice under one id: 3 games played, the table said 6.
  it('refuses a game size or a line-up twice, whose games would be counted twice', () => {
    expect(() => tournament({ gameSizes: [2, 2] })).toThrow(/gameSizes\[1\]: game size 2 twice/);
    expect(() =>
      tournament({
        lineups: [
          ['a', 'b'],
          ['a', 'b'],
        ],
      }),
    ).toThrow(/lineups\[1\]: the same line-up as lineups\[0\]/);
    const t = tournament({
      lineups: [
        ['a', 'b'],
        ['b', 'a'],
      ],
    });
    const games = planGames(t, [scenario([5, 10, 20])], 0, 1);
    expect(new Set(games.map((g) => g.id)).size).toBe(games.length);
  });

  it('counts the games it would plan without listing them, rotations and line-ups included', () => {
    const cases: [Record<string, unknown>, number[]][] = [
      [{ gameSizes: [2, 3] }, [5, 5, 5]],
      [{ gameSizes: [1, 3] }, [5, 10, 20]],
      [{ gameSizes: [3], rotateSeats: 'never' }, [5, 10, 20]],
      [{ gameSizes: [2], rotateSeats: 'always' }, [5, 5, 5]],
      [
        {
          gameSizes: [2, 3],
          lineups: [
            ['a', 'b'],
            ['b', 'c', 'd'],
            ['a', 'd'],
          ],
        },
        [5, 10, 20],
      ],
    ];
    for (const [doc, assets] of cases) {
      const t = tournament(doc);
      const s = [scenario(assets)];
      expect(plannedGameCount(t, s, 3), JSON.stringify(doc)).toBe(planGames(t, s, 0, 3).length);
    }
  });

  it('refuses an adaptive top-k beyond the entrants that play, naming the limit', () => {
    expect(() => tournament({ adaptive: { topK: 5, maxGames: 100 } })).toThrow(
      /adaptive\.topK: top 5 of 4 entrants that play: at most 4/,
    );
    expect(() =>
      tournament({ lineups: [['a', 'b']], gameSizes: [2], adaptive: { topK: 3, maxGames: 9 } }),
    ).toThrow(/at most 2/);
    expect(tournament({ adaptive: { topK: 4, maxGames: 100 } }).adaptive?.topK).toBe(4);
  });

  it("refuses a command entrant's params that its command line would not pass ({params})", () => {
    // Before, they were dropped without a word and the entrant played its defaults.
    const own = (command: string[]) => ({
      entrants: [
        { name: 'a', strategy: 'idle' },
        { name: 'own', command, params: { x: 1 } },
      ],
    });
    expect(() => tournament(own(['my-agent', '{arena}']))).toThrow(
      /entrants\[1\]\.params: no argument of the command says \{params\}/,
    );
    expect(tournament(own(['my-agent', '{arena}', '--params={params}'])).entrants[1]!.params).toEqual({
      x: 1,
    });
    // A misspelt placeholder went to the agent as written (it then had no token to connect with).
    expect(() => tournament(own(['my-agent', '{arena}', '{tokn}', '{params}']))).toThrow(
      /entrants\[1\]\.command\[2\]: unknown placeholder \{tokn\}; the arena fills in \{arena\}, \{token\}, \{params\}, \{state\}/,
    );
  });
});
