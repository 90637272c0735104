// A tournament's key on NATS stays the same when its seeds are raised: the games a stopped
// tournament left in the work queue are its own after the raise, not another tournament's played
// for nothing while the raised one queued them again under a new key.
import { describe, expect, it } from 'vitest';
import { parseTournament } from './config.js';
import { tournamentKey } from './nats-executor.js';

const tournament = (seeds: number, seed = 1) =>
  parseTournament({
    name: 't',
    seed,
    seeds,
    entrants: [
      { name: 'a', strategy: 'idle' },
      { name: 'b', strategy: 'idle' },
    ],
    scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
  });

describe('tournamentKey', () => {
  it('is the same for more seeds, and another for any other change or another folder', () => {
    const key = tournamentKey(tournament(3), 'abc');
    expect(key).toMatch(/^t-[0-9a-f]{12}$/);
    expect(tournamentKey(tournament(6), 'abc')).toBe(key);
    expect(tournamentKey(tournament(3, 2), 'abc')).not.toBe(key);
    expect(tournamentKey(tournament(3), 'abd')).not.toBe(key);
  });
});
