// A tournament spread over workers, as a person runs it: a real nats-server with JetStream, two
// `flexarena worker` processes and `flexarena tournament --nats`. One worker is killed (SIGKILL,
// with the agent process it launched) while it plays a game; that game is delivered again after
// the ack wait and played by the other worker, and counted once. The final table and every
// game's result (tape hash, profits, PoP) equal the same tournament run in a single process.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTournament, runTournament } from '../../tournament/index.js';
import { tempDir, writeConfig } from '../helpers/arena-process.js';
import { killAllCli, killCliGroup, startCli } from '../helpers/cli-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';
import { alive, childrenOf } from '../helpers/process-control.js';
import { fastScenario, ledgerEntrant } from '../helpers/tournament-fixtures.js';

/** `flexarena worker` with its own folder below `dir` and the ack wait given. */
const startWorker = (natsUrl: string, name: string, dir: string, ackWaitMs: number) =>
  startCli([
    'worker',
    '--nats',
    natsUrl,
    '--name',
    name,
    '--out',
    join(dir, name),
    '--ack-wait-ms',
    `${ackWaitMs}`,
  ]);

afterAll(async () => {
  killAllCli();
  await stopAllNatsServers();
});

async function until(what: string, cond: () => boolean, ms = 240_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

const IDLE = { name: 'idle', strategy: 'idle' };
const HEURISTIC = { name: 'heuristic', strategy: 'heuristic-battery' };

/** The fast scenario and a tournament file of games of two on it, written into `dir`: the file's path. */
function writeTournament(
  dir: string,
  t: { name: string; seed: number; seeds: number; entrants: object[] },
): string {
  writeConfig(dir, fastScenario(), 'fast.yaml');
  return writeConfig(
    dir,
    { ...t, gameSizes: [2], scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }] },
    't.yaml',
  );
}

describe('tournament over JetStream workers', () => {
  it('a worker killed mid-game: its game is played elsewhere, counted once; the table equals the single-process run', async () => {
    const dir = tempDir('flexarena-workers-');
    const file = writeTournament(dir, {
      name: 'workers',
      seed: 11,
      seeds: 2,
      entrants: [
        // A gRPC agent process that thinks 30 ms per wake-up: its games outlast the kill.
        ledgerEntrant(dir, 30),
        IDLE,
        HEURISTIC,
      ],
    });
    const nats = await NatsServerProcess.start();
    const worker = (name: string) => startWorker(nats.url, name, dir, 2000);
    const w1 = worker('w1');
    const w2 = worker('w2');
    await until(
      'both workers',
      () => /waiting for games/.test(w1.out()) && /waiting for games/.test(w2.out()),
    );

    const out = join(dir, 'distributed');
    const runner = startCli(['tournament', file, '--nats', nats.url, '--out', out, '--no-progress']);
    // The first game with the slow gRPC agent that a worker starts: kill that worker at once.
    const started = /^started \S+ (\S*ledger\S*) delivery 1$/m;
    await until('a worker to start a ledger game', () => started.test(w1.out()) || started.test(w2.out()));
    const [victim, survivor] = started.test(w1.out()) ? [w1, w2] : [w2, w1];
    const gameId = started.exec(victim.out())![1]!;
    killCliGroup(victim);
    const killed = await victim.exited;
    expect(killed.signal).toBe('SIGKILL');
    // The guard that makes this test mean something: the game had not finished when it was killed.
    // (It may have finished other games before.)
    expect(killed.stdout).not.toMatch(new RegExp(`^finished \\S+ ${gameId.replaceAll('+', '\\+')} `, 'm'));
    expect(killed.stdout).toMatch(
      new RegExp(`^started \\S+ ${gameId.replaceAll('+', '\\+')} delivery 1$`, 'm'),
    );

    const r = await runner.exited;
    expect(r.code, r.stderr).toBe(0);
    killCliGroup(survivor);
    // The survivor got the killed worker's game again (second delivery) and played it.
    expect(survivor.out()).toMatch(
      new RegExp(`^started \\S+ ${gameId.replaceAll('+', '\\+')} delivery [2-9]$`, 'm'),
    );
    const games = lines(readFileSync(join(out, 'games.jsonl'), 'utf8')).map((l) => JSON.parse(l));
    expect(games).toHaveLength(6);
    expect(new Set(games.map((g) => g.id)).size).toBe(6);
    const survivorName = survivor === w1 ? 'w1' : 'w2';
    expect(games.find((g) => g.id === gameId)!.playedBy).toBe(survivorName);

    // The same tournament in one process.
    const t = loadTournament(file);
    const single = await runTournament(t, { dir: join(dir, 'single') });
    const strip = (g: { playedBy?: string; wallMs?: number }) => {
      const { playedBy: _p, wallMs: _w, ...rest } = g;
      return rest;
    };
    const byId = new Map(games.map((g) => [g.id, g]));
    expect(single.results).toHaveLength(6);
    for (const g of single.results)
      expect(strip(byId.get(g.id)!), g.id).toEqual(strip(JSON.parse(JSON.stringify(g))));
    const board = JSON.parse(readFileSync(join(out, 'leaderboard.json'), 'utf8'));
    expect(board).toEqual(JSON.parse(JSON.stringify(single.board)));
    expect(r.stdout).toContain('6 game(s) played now, 0 resumed');
  }, 600_000);

  it('Ctrl-C on a worker mid-game hands its game back at once (not after the ack wait); another plays it', async () => {
    const dir = tempDir('flexarena-worker-int-');
    const file = writeTournament(dir, {
      name: 'handback',
      seed: 7,
      seeds: 1,
      entrants: [
        // Slow enough that the game is still in progress at the signal.
        ledgerEntrant(dir, 30),
        IDLE,
      ],
    });
    const nats = await NatsServerProcess.start();
    // An ack wait of ten minutes: only a game handed back is played again within this test.
    const worker = (name: string) => startWorker(nats.url, name, dir, 600000);
    const w1 = worker('w1');
    await until('the first worker', () => /waiting for games/.test(w1.out()));
    const out = join(dir, 'out');
    const runner = startCli(['tournament', file, '--nats', nats.url, '--out', out, '--no-progress']);
    const started = /^started \S+ (\S+) delivery 1$/m;
    await until('the worker to start a game', () => started.test(w1.out()));
    const gameId = started.exec(w1.out())![1]!;
    await until("the game's agent process", () => childrenOf(w1.child.pid!).length > 0);
    const agents = childrenOf(w1.child.pid!);
    w1.child.kill('SIGINT');
    const first = await w1.exited;
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(`^interrupted \\S+ ${gameId.replaceAll('+', '\\+')}: handed back to the queue$`, 'm'),
    );
    expect(first.stdout).not.toMatch(/^finished /m);
    await until("the game's agent process to end", () => !agents.some(alive), 10_000).catch(() => undefined);
    for (const pid of agents) expect(alive(pid), `agent process ${pid} outlived the worker`).toBe(false);

    const w2 = worker('w2');
    const r = await runner.exited;
    killCliGroup(w2);
    expect(r.code, r.stderr).toBe(0);
    expect(w2.out()).toMatch(new RegExp(`^started \\S+ ${gameId.replaceAll('+', '\\+')} delivery 2$`, 'm'));
    const games = lines(readFileSync(join(out, 'games.jsonl'), 'utf8')).map((l) => JSON.parse(l));
    expect(games.find((g) => g.id === gameId)!.playedBy).toBe('w2');
  }, 300_000);

  it('with no worker the runner gives up after --worker-timeout, the games stay queued, and a worker then plays them', async () => {
    const dir = tempDir('flexarena-no-worker-');
    const file = writeTournament(dir, {
      name: 'lonely',
      seed: 3,
      seeds: 1,
      entrants: [IDLE, HEURISTIC],
    });
    const nats = await NatsServerProcess.start();
    const out = join(dir, 'out');
    const args = ['tournament', file, '--nats', nats.url, '--out', out, '--no-progress'];
    const lonely = await startCli([...args, '--worker-timeout', '2']).exited;
    expect(lonely.code).not.toBe(0);
    expect(lonely.stderr).toMatch(
      /no flexarena worker took or played a game for 2 s \(limit: --worker-timeout 2\); 1 game\(s\) wait in the work queue/,
    );
    expect(lonely.stderr).toMatch(/waiting for a flexarena worker/);

    // Ctrl-C while the runner waits for workers: it stops at once and says how far it got.
    const waiting = startCli([...args, '--worker-timeout', '0']);
    await until('the games to be published', () => /published 1 game\(s\)/.test(waiting.err()));
    waiting.child.kill('SIGINT');
    const stopped = await waiting.exited;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain(
      `tournament interrupted by SIGINT: 0 of 1 game(s) finished, kept in ${out}; run the same command again to play the other 1`,
    );

    // The games wait in the queue; a worker started now plays them when the tournament runs again.
    const w = startCli(['worker', '--nats', nats.url, '--name', 'late', '--out', join(dir, 'late')]);
    const again = await startCli(args).exited;
    killCliGroup(w);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('1 game(s) played now, 0 resumed');
    const games = lines(readFileSync(join(out, 'games.jsonl'), 'utf8')).map((l) => JSON.parse(l));
    expect(games.map((g) => g.playedBy)).toEqual(['late']);
  }, 300_000);

  // A game that fails on a worker (here: its --out cannot be made there) stops the tournament, as
  // one failing in process does. The worker terminates the game's message, and the game's id was
  // then taken in the work queue for 24 h: the tournament started again once the cause was fixed
  // published it as a repeat (dropped) and waited forever, its idle workers keeping the
  // --worker-timeout from firing; and the failure's result id would also have dropped the result
  // of the game played again.
  it('a game that failed on a worker is played again by the next start of the tournament', async () => {
    const dir = tempDir('flexarena-worker-failed-');
    const file = writeTournament(dir, {
      name: 'failing',
      seed: 5,
      seeds: 1,
      entrants: [IDLE, HEURISTIC],
    });
    const nats = await NatsServerProcess.start();
    const out = join(dir, 'out');
    const args = ['tournament', file, '--nats', nats.url, '--out', out, '--no-progress'];
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    // One game, and it exits: the game queued again is left for the worker that can play it.
    const broken = startCli([
      'worker',
      '--nats',
      nats.url,
      '--name',
      'broken',
      '--out',
      blocked,
      '--max-games',
      '1',
    ]);
    const failed = await startCli(args).exited;
    expect((await broken.exited).code).toBe(0);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /game 0-2-0-idle\+heuristic-r0 failed on a worker \(queued again: the next start of the tournament plays it\): RunFolderError/,
    );

    const w = startCli(['worker', '--nats', nats.url, '--name', 'fixed', '--out', join(dir, 'fixed')]);
    const again = startCli([...args, '--worker-timeout', '20']);
    const timer = setTimeout(() => killCliGroup(again), 120_000);
    const r = await again.exited;
    clearTimeout(timer);
    killCliGroup(w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 game(s) played now, 0 resumed');
    const games = lines(readFileSync(join(out, 'games.jsonl'), 'utf8')).map((l) => JSON.parse(l));
    expect(games.map((g) => g.playedBy)).toEqual(['fixed']);
  }, 300_000);

  // The same tournament file played again into another folder, or into its folder deleted and made
  // again, on the same NATS server: its games had the first folder's message ids and were dropped
  // as repeats (24 h duplicate window), and the runner waited forever for their results.
  it('the same tournament into a new folder (another --out, or the folder deleted) is played again', async () => {
    const dir = tempDir('flexarena-worker-again-');
    const file = writeTournament(dir, {
      name: 'again',
      seed: 5,
      seeds: 1,
      entrants: [IDLE, HEURISTIC],
    });
    const nats = await NatsServerProcess.start();
    const w = startCli(['worker', '--nats', nats.url, '--name', 'w', '--out', join(dir, 'w')]);
    const play = async (out: string) => {
      const runner = startCli(['tournament', file, '--nats', nats.url, '--out', out, '--no-progress']);
      const timer = setTimeout(() => killCliGroup(runner), 60_000);
      const r = await runner.exited;
      clearTimeout(timer);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('1 game(s) played now, 0 resumed');
    };
    await play(join(dir, 'first'));
    await play(join(dir, 'second'));
    rmSync(join(dir, 'first'), { recursive: true });
    await play(join(dir, 'first'));
    killCliGroup(w);
  }, 300_000);

  // Each game's run folder is removed after it (keepRuns is off), and the worker left
  // `<out>/<tid>/runs/` behind empty after its games: now a --out it made goes too, and one that
  // was there before is left as it was found.
  it('a worker leaves no empty folder behind in --out', async () => {
    const dir = tempDir('flexarena-worker-tidy-');
    const file = writeTournament(dir, {
      name: 'tidy',
      seed: 9,
      seeds: 2,
      entrants: [IDLE, HEURISTIC],
    });
    const nats = await NatsServerProcess.start();
    const out = join(dir, 'out');
    const runner = startCli(['tournament', file, '--nats', nats.url, '--out', out, '--no-progress']);
    const given = join(dir, 'given');
    mkdirSync(given);
    const made = join(dir, 'made');
    for (const [name, folder] of [
      ['given', given],
      ['made', made],
    ] as const) {
      const w = startCli(['worker', '--nats', nats.url, '--name', name, '--out', folder, '--max-games', '1']);
      const done = await w.exited;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toMatch(/^finished /m);
    }
    const r = await runner.exited;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 game(s) played now, 0 resumed');
    expect(readdirSync(given)).toEqual([]);
    expect(existsSync(made)).toBe(false);
  }, 300_000);
});
