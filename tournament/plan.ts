// The games of a tournament, derived from its file alone (so a restarted or distributed
// tournament plans exactly the same games). Duplicate games: within a cell (scenario, game size,
// seed index) every line-up plays the same world seed, with entrants rotated through the seats
// where the seats' assets differ, so luck cancels when entrants are compared cell by cell.
import { deriveSeed } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';
import type { TournamentConfig } from './config.js';

export interface Seat {
  /** The scenario's agent id this entrant plays as. */
  seat: string;
  entrant: string;
}

export interface GameSpec {
  /** Stable across restarts and hosts: the key of finished games. */
  id: string;
  index: number;
  scenario: number;
  size: number;
  seedIndex: number;
  /** The world seed: the same for every game of the cell. */
  seed: number;
  /** scenario-size-seedIndex: the games whose results are compared pairwise. */
  cell: string;
  lineup: string[];
  rotation: number;
  seats: Seat[];
}

function combinations<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  const out: T[][] = [];
  items.forEach((x, i) => {
    for (const rest of combinations(items.slice(i + 1), k - 1)) out.push([x, ...rest]);
  });
  return out;
}

/** Line-ups of size k: the given ones of that size, or every combination of entrants. */
export function lineups(t: TournamentConfig, k: number): string[][] {
  if (t.lineups) return t.lineups.filter((l) => l.length === k);
  return combinations(
    t.entrants.map((e) => e.name),
    k,
  );
}

/** n choose k, as a float: counts line-ups far beyond what may be listed. */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return Math.round(c);
}

/** How many games planGames plans for seed indices [0, seeds), counted without listing them. */
export function plannedGameCount(
  t: TournamentConfig,
  scenarios: readonly RunConfig[],
  seeds: number,
): number {
  let perSeed = 0;
  t.scenarios.forEach((sc, scenario) => {
    for (const size of t.gameSizes) {
      const count = t.lineups
        ? t.lineups.filter((l) => l.length === size).length
        : binomial(t.entrants.length, size);
      perSeed += count * (rotates(t, scenarios[scenario]!, sc.seats, size) ? size : 1);
    }
  });
  return perSeed * seeds;
}

/** Whether entrants must rotate through the first k seats of a scenario. */
export function rotates(
  t: TournamentConfig,
  scenario: RunConfig,
  seats: readonly string[],
  k: number,
): boolean {
  if (t.rotateSeats !== 'auto') return t.rotateSeats === 'always';
  const assets = seats
    .slice(0, k)
    .map((s) => JSON.stringify(scenario.agents.find((a) => a.id === s)?.asset ?? null));
  return new Set(assets).size > 1;
}

export function worldSeed(t: TournamentConfig, scenario: number, seedIndex: number): number {
  return deriveSeed(t.seed, `tournament.scenario.${scenario}.seed.${seedIndex}`) >>> 1;
}

/** The games of seed indices [fromSeed, toSeed), numbered from `firstIndex`. */
export function planGames(
  t: TournamentConfig,
  scenarios: readonly RunConfig[],
  fromSeed: number,
  toSeed: number,
  firstIndex = 0,
): GameSpec[] {
  const games: GameSpec[] = [];
  for (let seedIndex = fromSeed; seedIndex < toSeed; seedIndex++)
    t.scenarios.forEach((sc, scenario) => {
      const seed = worldSeed(t, scenario, seedIndex);
      for (const size of t.gameSizes) {
        const cell = `${scenario}-${size}-${seedIndex}`;
        const turns = rotates(t, scenarios[scenario]!, sc.seats, size) ? size : 1;
        for (const lineup of lineups(t, size))
          for (let rotation = 0; rotation < turns; rotation++) {
            const seats = lineup.map((_, i) => ({
              seat: sc.seats[i]!,
              entrant: lineup[(i + rotation) % size]!,
            }));
            games.push({
              id: `${cell}-${lineup.join('+')}-r${rotation}`,
              index: firstIndex + games.length,
              scenario,
              size,
              seedIndex,
              seed,
              cell,
              lineup,
              rotation,
              seats,
            });
          }
      }
    });
  return games;
}
