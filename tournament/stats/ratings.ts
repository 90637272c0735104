// OpenSkill ratings (Weng-Lin, Plackett-Luce, the `openskill` package's defaults) from per-game
// results: every game is a free-for-all of its seats, ranked by the metric (equal values share a
// rank), processed in the tournament's game order. The ordinal μ − 3σ ranks entrants
// conservatively.
import { ordinal, type Rating, rate, rating } from 'openskill';

export interface GameRanking {
  /** The entrants of one game and their metric values (higher is better). */
  seats: { entrant: string; value: number }[];
}

export interface EntrantRating {
  mu: number;
  sigma: number;
  ordinal: number;
}

/** Ranks 1, 2, … by value descending; equal values share the better rank. */
export function ranksOf(values: readonly number[]): number[] {
  return values.map((v) => 1 + values.filter((w) => w > v).length);
}

export function rateGames(
  entrants: readonly string[],
  games: readonly GameRanking[],
): Record<string, EntrantRating> {
  const r = new Map<string, Rating>(entrants.map((e) => [e, rating()]));
  for (const g of games) {
    if (g.seats.length < 2) continue;
    const teams = g.seats.map((s) => [r.get(s.entrant)!]);
    const out = rate(teams, { rank: ranksOf(g.seats.map((s) => s.value)) });
    for (const [i, s] of g.seats.entries()) r.set(s.entrant, out[i]![0]!);
  }
  return Object.fromEntries([...r].map(([e, x]) => [e, { mu: x.mu, sigma: x.sigma, ordinal: ordinal(x) }]));
}
