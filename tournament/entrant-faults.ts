// The entrants whose agents had faults in their games (a command that crashes, a strategy that
// throws): such an entrant is scored as one that did nothing, which the leaderboard alone does not
// tell from a strategy that chose to do nothing.
import type { GameResult } from './game.js';

export interface EntrantFaults {
  entrant: string;
  /** Games in which its agent had a fault, and games it played. */
  gamesWithFaults: number;
  games: number;
  /** Faults by kind over all its games. */
  kinds: Record<string, number>;
}

/** Per entrant with any fault, in the order entrants first appear in the games. */
export function entrantFaults(results: readonly GameResult[]): EntrantFaults[] {
  const by = new Map<string, EntrantFaults>();
  for (const g of results)
    for (const s of g.seats) {
      let e = by.get(s.entrant);
      if (!e) {
        e = { entrant: s.entrant, gamesWithFaults: 0, games: 0, kinds: {} };
        by.set(s.entrant, e);
      }
      e.games++;
      if (!s.faults) continue;
      e.gamesWithFaults++;
      for (const [kind, n] of Object.entries(s.faults)) e.kinds[kind] = (e.kinds[kind] ?? 0) + n;
    }
  return [...by.values()].filter((e) => e.gamesWithFaults > 0);
}

/** One line per entrant with faults, for the end of a tournament. */
export function entrantFaultLines(results: readonly GameResult[], keepRuns: boolean): string[] {
  const where = keepRuns
    ? "each game's agent-faults.log and agents/<seat>.log are in its run folder"
    : "keepRuns: true keeps each game's run folder with its agent-faults.log and agents/<seat>.log";
  return entrantFaults(results).map(
    (e) =>
      `agent faults: ${e.entrant} in ${e.gamesWithFaults} of its ${e.games} game(s) (${Object.entries(e.kinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}); its games count, with what its agent did before the fault; ${where}`,
  );
}
