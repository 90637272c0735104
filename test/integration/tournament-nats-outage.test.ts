// A NATS outage in the middle of a distributed tournament, as a person would meet it: a real
// nats-server (JetStream, file storage), `flexarena tournament --nats` and two `flexarena worker`
// processes. The server is killed (SIGKILL) while games are being played and started again ~3 s
// later on the same port with the same store dir. The tournament finishes with every game's result
// once, the runner's no-worker watchdog (--worker-timeout 3, shorter than the outage) does not count
// the outage, and runner and workers each say when NATS went and when it came back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { RESULTS_STREAM } from '../../tournament/work-queue.js';
import { tempDir, writeConfig } from '../helpers/arena-process.js';
import { type CliProcess, killAllCli, killCliGroup, startCli } from '../helpers/cli-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';
import { sleep, until } from '../helpers/process-control.js';
import { fastScenario, ledgerEntrant } from '../helpers/tournament-fixtures.js';
import { fileLines } from '../helpers/tournament-process.js';

const OUTAGE_MS = 3_000;

afterAll(async () => {
  killAllCli();
  await stopAllNatsServers();
});

/** A small tournament: 3 games, 2 of them with a gRPC agent that thinks 20 ms per wake-up. */
function tournamentFile(dir: string, name: string): string {
  writeConfig(dir, fastScenario(), 'fast.yaml');
  return writeConfig(
    dir,
    {
      name,
      seed: 5,
      seeds: 1,
      gameSizes: [2],
      entrants: [
        ledgerEntrant(dir, 20),
        { name: 'idle', strategy: 'idle' },
        { name: 'heuristic', strategy: 'heuristic-battery' },
      ],
      scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
    },
    't.yaml',
  );
}

const worker = (natsUrl: string, name: string, dir: string, extra: string[] = []) =>
  startCli(['worker', '--nats', natsUrl, '--name', name, '--out', join(dir, name), ...extra]);

/** How many messages the results stream holds. */
async function resultsInStream(url: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    const info = await (await jetstreamManager(nc)).streams.info(RESULTS_STREAM);
    return info.state.messages;
  } finally {
    await nc.close();
  }
}

const logOf = (p: CliProcess) => `${p.out()}\n--- stderr ---\n${p.err()}`;

describe('a NATS outage during a distributed tournament', () => {
  it('of ~3 s: the tournament finishes, every game once, exit 0; runner and workers say NATS went and came back', async () => {
    const dir = tempDir('flexarena-tournament-outage-');
    const file = tournamentFile(dir, 'outage');
    const nats = await NatsServerProcess.start();
    const w1 = worker(nats.url, 'w1', dir);
    const w2 = worker(nats.url, 'w2', dir);
    await until(
      'both workers',
      () => /waiting for games/.test(w1.out()) && /waiting for games/.test(w2.out()),
      30_000,
    );

    const out = join(dir, 'out');
    const runner = startCli([
      'tournament',
      file,
      '--nats',
      nats.url,
      '--out',
      out,
      '--no-progress',
      '--worker-timeout',
      '3',
    ]);
    // Mid-tournament: a game is in, and a worker is playing another.
    const playing = (p: CliProcess) =>
      (p.out().match(/^started /gm) ?? []).length > (p.out().match(/^finished /gm) ?? []).length;
    await until(
      'a finished game and one in progress',
      () => fileLines(join(out, 'games.jsonl')).length >= 1 && (playing(w1) || playing(w2)),
      60_000,
    );
    const before = fileLines(join(out, 'games.jsonl')).length;
    await nats.kill9();
    await sleep(OUTAGE_MS);
    expect(runner.child.exitCode, logOf(runner)).toBeNull();
    await nats.restart();

    const r = await runner.exited;
    expect(r.code, logOf(runner)).toBe(0);
    expect(before).toBeLessThan(3);
    const games = fileLines(join(out, 'games.jsonl')).map((l) => JSON.parse(l) as { id: string });
    expect(games).toHaveLength(3);
    expect(new Set(games.map((g) => g.id)).size).toBe(3);
    const board = JSON.parse(readFileSync(join(out, 'leaderboard.json'), 'utf8')) as { games: number };
    expect(board.games).toBe(3);
    expect(r.stdout).toContain('3 game(s) played now, 0 resumed');
    // A result published again after the outage (or by a second player of a game whose delivery the
    // killed server forgot) was dropped by its Nats-Msg-Id: the results stream holds each once.
    expect(await resultsInStream(nats.url)).toBe(3);

    for (const [who, text] of [
      ['runner', r.stderr],
      ['w1', w1.out()],
      ['w2', w2.out()],
    ] as const) {
      expect(text, who).toMatch(new RegExp(`NATS at ${nats.url} gone`));
      expect(text, who).toMatch(new RegExp(`NATS at ${nats.url} back after \\d+\\.\\d s`));
    }
    // The workers are still there, waiting for the next tournament.
    expect(w1.child.exitCode, logOf(w1)).toBeNull();
    expect(w2.child.exitCode, logOf(w2)).toBeNull();
    killCliGroup(w1);
    killCliGroup(w2);
  }, 60_000);

  it('longer than --nats-outage-limit: runner and worker end with a NatsOutageError naming the limit', async () => {
    const dir = tempDir('flexarena-tournament-outage-limit-');
    const file = tournamentFile(dir, 'limit');
    const nats = await NatsServerProcess.start();
    const w = worker(nats.url, 'w', dir, ['--nats-outage-limit', '1.5']);
    await until('the worker', () => /waiting for games/.test(w.out()), 30_000);
    const out = join(dir, 'out');
    const runner = startCli([
      'tournament',
      file,
      '--nats',
      nats.url,
      '--out',
      out,
      '--no-progress',
      '--nats-outage-limit',
      '1.5',
    ]);
    await until('a game in progress', () => /^started /m.test(w.out()), 30_000);
    await nats.kill9();
    const gone = Date.now();
    const [r, rw] = await Promise.all([runner.exited, w.exited]);
    // Past the limit, not at the first failed request, and not much later either.
    expect(Date.now() - gone).toBeGreaterThanOrEqual(1_500);
    expect(Date.now() - gone).toBeLessThan(15_000);
    for (const [who, res] of [
      ['runner', r],
      ['worker', rw],
    ] as const) {
      expect(res.code, `${who}: ${res.stdout}\n${res.stderr}`).toBe(1);
      expect(res.stderr, who).toMatch(
        new RegExp(
          `^flexarena: NATS at ${nats.url} was away for more than 1.5 s \\(limit: --nats-outage-limit 1.5\\) while `,
          'm',
        ),
      );
    }
    expect(r.stderr).toMatch(new RegExp(`NATS at ${nats.url} gone`));
    expect(rw.stdout).toMatch(new RegExp(`NATS at ${nats.url} gone`));
  }, 60_000);

  it('--nats-outage-limit below 1 s is refused, naming the option', async () => {
    for (const args of [['worker'], ['tournament', 'any.yaml', '--nats', 'nats://127.0.0.1:1']]) {
      const r = await startCli([...args, '--nats-outage-limit', '0.5']).exited;
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('--nats-outage-limit must be a number of seconds ≥ 1, got "0.5"');
    }
  }, 30_000);
});
