// A tournament entrant given as a command line becomes the seat's `command` in the game's run
// configuration, so the arena launches it exactly as it launches a configured external agent.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../sim/index.js';
import { tempDir } from '../test/helpers/arena-process.js';
import { fastScenario } from '../test/helpers/tournament-fixtures.js';
import { parseTournament } from './config.js';
import { gameConfig } from './game.js';
import type { GameSpec } from './plan.js';
import { GameFailedError, localExecutor } from './runner.js';

function spec(seats: { seat: string; entrant: string }[]): GameSpec {
  return {
    id: 'g',
    index: 0,
    scenario: 0,
    size: seats.length,
    seedIndex: 0,
    seed: 5,
    cell: '0-2-0',
    lineup: seats.map((s) => s.entrant),
    rotation: 0,
    seats,
  };
}

describe('gameConfig', () => {
  it("puts a command entrant's command line on its seat and drops a seat's own way of starting", () => {
    const scenario = fastScenario();
    (scenario.agents as Record<string, unknown>[])[2] = {
      id: 'seat-b',
      strategy: 'py',
      runtime: 'python',
      module: 'flexarena_examples.battery',
      asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
    };
    const tournament = parseTournament({
      name: 't',
      seed: 1,
      entrants: [
        { name: 'ext', command: ['my-agent', '--arena', '{arena}'] },
        { name: 'quiet', strategy: 'idle' },
      ],
      scenarios: [{ file: 'unused.yaml', seats: ['seat-a', 'seat-b'] }],
    });
    const cfg = gameConfig(
      { tournament, scenarios: [parseRunConfig(scenario)], outDir: '/tmp/unused' },
      spec([
        { seat: 'seat-a', entrant: 'ext' },
        { seat: 'seat-b', entrant: 'quiet' },
      ]),
    );
    const a = cfg.agents.find((x) => x.id === 'seat-a')!;
    const b = cfg.agents.find((x) => x.id === 'seat-b')!;
    expect(a).toMatchObject({ command: ['my-agent', '--arena', '{arena}'], launch: true, strategy: 'ext' });
    expect(b.strategy).toBe('idle');
    expect(b.runtime).toBeUndefined();
    expect(b.module).toBeUndefined();
    expect(b.command).toBeUndefined();
  });
});

describe('a game that fails', () => {
  it('says which game, scenario and seats: here an entrant that needs a battery on the liquidity seat', async () => {
    const tournament = parseTournament({
      name: 't',
      entrants: [
        { name: 'charger', strategy: 'heuristic-battery' },
        { name: 'quiet', strategy: 'idle' },
      ],
      scenarios: [{ file: 'fast.yaml', seats: ['liquidity', 'seat-b'] }],
    });
    const outDir = tempDir('flexarena-game-');
    try {
      const play = localExecutor({ tournament, scenarios: [parseRunConfig(fastScenario())], outDir });
      const game = spec([
        { seat: 'liquidity', entrant: 'charger' },
        { seat: 'seat-b', entrant: 'quiet' },
      ]);
      const failure = await play([game], () => undefined).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(GameFailedError);
      // The scenario's file as the tournament resolved it (against its own folder).
      expect((failure as Error).message).toMatch(
        /^game g \(\/\S*fast\.yaml, seats liquidity=charger, seat-b=quiet\) failed: heuristic-battery needs a battery asset in its run configuration$/,
      );
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
