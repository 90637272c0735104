// A tournament entrant given as a command line becomes the seat's `command` in the game's run
// configuration, so the arena launches it exactly as it launches a configured external agent.
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../sim/index.js';
import { fastScenario } from '../test/helpers/tournament-fixtures.js';
import { parseTournament } from './config.js';
import { gameConfig } from './game.js';
import type { GameSpec } from './plan.js';

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
