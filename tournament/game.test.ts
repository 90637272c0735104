// A tournament entrant given as a command line becomes the seat's `command` in the game's run
// configuration, so the arena launches it exactly as it launches a configured external agent.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { SETTLEMENT_STREAM, SETTLEMENT_SUBJECTS, settlementMsgId, subjects } from '../arena/index.js';
import { parseRunConfig } from '../sim/index.js';
import { tempDir } from '../test/helpers/arena-process.js';
import { fillLedgerCommand } from '../test/helpers/fill-ledger-command.js';
import { NatsServerProcess, stopAllNatsServers } from '../test/helpers/nats-server-process.js';
import { fastScenario } from '../test/helpers/tournament-fixtures.js';
import { parseTournament } from './config.js';
import { entrantFaultLines } from './entrant-faults.js';
import { type GameResult, gameConfig, playGame, playsInProcess } from './game.js';
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

/** A tournament of two idle entrants, 'quiet' and 'still', on seat-a and seat-b, and its one game. */
function idlePair(options: { keepRuns?: boolean } = {}) {
  const tournament = parseTournament({
    name: 't',
    ...options,
    entrants: [
      { name: 'quiet', strategy: 'idle' },
      { name: 'still', strategy: 'idle' },
    ],
    scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
  });
  const game = spec([
    { seat: 'seat-a', entrant: 'quiet' },
    { seat: 'seat-b', entrant: 'still' },
  ]);
  return { tournament, game };
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

describe('playsInProcess', () => {
  // A scenario's own agent with a command line was taken for a built-in strategy of its label:
  // the first game failed with "unknown strategy".
  it("keeps a scenario's own agent with a command line or a runtime a process, as run --in-process does", () => {
    const scenario = fastScenario();
    const agents = scenario.agents as Record<string, unknown>[];
    agents.push(
      { id: 'bot', strategy: 'my-bot', command: ['my-bot', '--arena', '{arena}'] },
      { id: 'py', strategy: 'py', runtime: 'python', module: 'flexarena_examples.battery' },
    );
    const tournament = parseTournament({
      name: 't',
      entrants: [
        { name: 'ext', command: ['my-agent', '--arena', '{arena}'] },
        { name: 'quiet', strategy: 'idle' },
      ],
      scenarios: [{ file: 'unused.yaml', seats: [agents[1]!.id as string, agents[2]!.id as string] }],
    });
    const ctx = { tournament, scenarios: [parseRunConfig(scenario)], outDir: '/tmp/unused' };
    const game = spec([
      { seat: agents[1]!.id as string, entrant: 'ext' },
      { seat: agents[2]!.id as string, entrant: 'quiet' },
    ]);
    const cfg = gameConfig(ctx, game);
    const inProcess = cfg.agents.filter((a) => playsInProcess(ctx, game, a)).map((a) => a.id);
    expect(inProcess).toEqual([agents[0]!.id, agents[2]!.id]);
  });
});

afterAll(() => stopAllNatsServers());

describe('a game played again under its run id (a resumed tournament, a redelivered game)', () => {
  it('plays although its scenario names a NATS server whose settlement stream holds that id', {
    timeout: 60_000,
  }, async () => {
    // runArena refuses a run id that a given server's stream holds; a game publishes nothing to
    // NATS, so its replay under the same id is not refused, whatever its scenario names.
    const server = await NatsServerProcess.start();
    const { tournament, game } = idlePair();
    const scenario = parseRunConfig({ ...fastScenario(), nats: { url: server.url } });
    const outDir = tempDir('flexarena-game-');
    const runId = 't-g0-g';
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: SETTLEMENT_STREAM, subjects: [SETTLEMENT_SUBJECTS] });
      await jetstream(nc).publish(subjects(runId).settlement('seat-a'), '{}', {
        msgID: settlementMsgId(runId, 1),
      });
      const ctx = { tournament, scenarios: [scenario], outDir };
      const first = await playGame(ctx, game);
      const again = await playGame(ctx, game);
      expect(first.runId).toBe(runId);
      expect(again.runId).toBe(runId);
      expect(again.tapeSha256).toBe(first.tapeSha256);
    } finally {
      await nc.close();
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});

// A game outliving the ack wait (a NATS outage longer than it) is redelivered and played by a second
// worker while the first still plays it; workers may share --out. Played in one folder, the second
// play set the first's run folder aside and deleted it, and the first then wrote into (or removed)
// the second's.
describe('the same game played twice at once into one folder', () => {
  const twice = async (keepRuns: boolean) => {
    const { tournament, game } = idlePair({ keepRuns });
    const outDir = tempDir('flexarena-game-');
    const ctx = { tournament, scenarios: [parseRunConfig(fastScenario())], outDir };
    const plays = await Promise.allSettled([playGame(ctx, game), playGame(ctx, game)]);
    return { outDir, plays };
  };

  it('finishes both with one tape and keeps the run folder of exactly one (keepRuns)', async () => {
    const { outDir, plays } = await twice(true);
    try {
      expect(plays.map((p) => p.status)).toEqual(['fulfilled', 'fulfilled']);
      const [a, b] = plays.map((p) => (p as PromiseFulfilledResult<GameResult>).value);
      expect(b!.tapeSha256).toBe(a!.tapeSha256);
      const runs = join(outDir, 'runs');
      expect(readdirSync(runs)).toEqual(['t-g0-g']);
      expect(readFileSync(join(runs, 't-g0-g', 'tape.sha256'), 'utf8')).toBe(
        `${a!.tapeSha256}  tape.jsonl\n`,
      );
      expect(existsSync(join(runs, 't-g0-g', 'results.json'))).toBe(true);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('finishes both and leaves no run folder (without keepRuns)', async () => {
    const { outDir, plays } = await twice(false);
    try {
      expect(plays.map((p) => p.status)).toEqual(['fulfilled', 'fulfilled']);
      const [a, b] = plays.map((p) => (p as PromiseFulfilledResult<GameResult>).value);
      expect(b!.tapeSha256).toBe(a!.tapeSha256);
      expect(readdirSync(join(outDir, 'runs'))).toEqual([]);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('replaces an earlier run of the id that never finished, once a play is kept', async () => {
    const outDir = tempDir('flexarena-game-');
    try {
      const { tournament, game } = idlePair({ keepRuns: true });
      const stale = join(outDir, 'runs', 't-g0-g');
      mkdirSync(stale, { recursive: true });
      writeFileSync(join(stale, 'interrupted.json'), '{}');
      const result = await playGame(
        { tournament, scenarios: [parseRunConfig(fastScenario())], outDir },
        game,
      );
      expect(readdirSync(join(outDir, 'runs'))).toEqual(['t-g0-g']);
      expect(existsSync(join(stale, 'interrupted.json'))).toBe(false);
      expect(readFileSync(join(stale, 'tape.sha256'), 'utf8')).toBe(`${result.tapeSha256}  tape.jsonl\n`);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});

// A worker killed mid-game leaves its play's folder; played in runs/<run-id>, such a half-written
// run was replaced by the next play of the game.
describe('the folder of a play whose worker was killed', () => {
  it("is removed by the next play of the game on its host; another host's, or a live process's, stays", async () => {
    const outDir = tempDir('flexarena-game-');
    try {
      const { tournament, game } = idlePair();
      const host = hostname().replace(/[^A-Za-z0-9-]/g, '-');
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      const runs = join(outDir, 'runs');
      const plays = {
        dead: `.t-g0-g.play-${host}-${dead}-1-abcdef`,
        otherHost: `.t-g0-g.play-elsewhere-${dead}-1-abcdef`,
        live: `.t-g0-g.play-${host}-${process.ppid}-1-abcdef`,
        otherGame: `.t-g1-g.play-${host}-${dead}-1-abcdef`,
      };
      for (const name of Object.values(plays)) {
        mkdirSync(join(runs, name, 't-g0-g'), { recursive: true });
        writeFileSync(join(runs, name, 't-g0-g', 'interrupted.json'), '{}');
      }
      await playGame({ tournament, scenarios: [parseRunConfig(fastScenario())], outDir }, game);
      expect(readdirSync(runs).sort()).toEqual([plays.otherHost, plays.live, plays.otherGame].sort());
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);
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

// An entrant whose command crashed at start scored 0, as one that chose to do nothing, and nothing
// said so: the game's run folder (with agent-faults.log) is removed, and its log is not shown.
describe('a game in which an entrant crashes', () => {
  it("records the seat's agent faults in its result, and the tournament names the entrant", async () => {
    const tournament = parseTournament({
      name: 't',
      entrants: [
        { name: 'crasher', command: [process.execPath, '-e', 'process.exit(3)'] },
        { name: 'quiet', strategy: 'idle' },
      ],
      scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
    });
    const outDir = tempDir('flexarena-game-');
    try {
      const result = await playGame(
        { tournament, scenarios: [parseRunConfig(fastScenario())], outDir },
        spec([
          { seat: 'seat-a', entrant: 'crasher' },
          { seat: 'seat-b', entrant: 'quiet' },
        ]),
      );
      expect(result.seats[0]).toMatchObject({ entrant: 'crasher', profitEur: 0 });
      expect(result.seats[0]!.faults).toEqual({ 'exited-before-connecting': 1 });
      expect(result.seats[1]!.faults).toBeUndefined();
      expect(entrantFaultLines([result, result], false)).toEqual([
        "agent faults: crasher in 2 of its 2 game(s) (exited-before-connecting 2); its games count, with what its agent did before the fault; keepRuns: true keeps each game's run folder with its agent-faults.log and agents/<seat>.log",
      ]);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);

  // Its stream is down when the game ends and its process is not started again: besides how it
  // ended, its faults say that its agent got no final report (README, Tournaments).
  it('during the game: its faults count the disconnect, the exit, the missed wake-ups and the final report it did not get', async () => {
    const tournament = parseTournament({
      name: 't',
      entrants: [
        {
          name: 'dropper',
          command: fillLedgerCommand(['--exit-at', '3']),
        },
        { name: 'quiet', strategy: 'idle' },
      ],
      scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
    });
    const outDir = tempDir('flexarena-game-');
    try {
      const result = await playGame(
        { tournament, scenarios: [parseRunConfig(fastScenario())], outDir },
        spec([
          { seat: 'seat-a', entrant: 'dropper' },
          { seat: 'seat-b', entrant: 'quiet' },
        ]),
      );
      // Missed: the wake-up it died at and the next two; then it counts as absent (goneAfterMissed).
      expect(result.seats[0]!.faults).toEqual({
        disconnected: 1,
        'process-exited': 1,
        'missed-deadline': 3,
        'no-final-report': 1,
      });
      expect(result.seats[1]!.faults).toBeUndefined();
      // The kinds in the order the game's fault log first had them (the disconnect is held back a
      // moment, see StoppingFaults): compared as a set.
      const [line] = entrantFaultLines([result], false);
      const kinds = /^agent faults: dropper in 1 of its 1 game\(s\) \((.*)\); its games count/.exec(
        line!,
      )?.[1];
      expect(kinds?.split(', ').sort(), line).toEqual([
        'disconnected 1',
        'missed-deadline 3',
        'no-final-report 1',
        'process-exited 1',
      ]);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 120_000);
});
