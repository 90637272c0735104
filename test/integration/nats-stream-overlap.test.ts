// A NATS server that kept a stream of an older FlexArena whose subjects overlap the settlement
// stream's (FLEXARENA_GAMES on flexarena.games.>: flexarena.games.settlement.x is a settlement
// subject too) refuses to create the settlement stream. Every run on it failed with JetStream's
// "cannot create or read stream FLEXARENA_SETTLEMENT: JetStreamApiError: subjects overlap with an
// existing stream", which names neither the other stream nor what to do. Now the line names the
// stream(s) in the way and the command that removes them. A real nats-server; the test makes the
// old streams as an older version did.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { JetStreamOutbox, SETTLEMENT_STREAM, SETTLEMENT_SUBJECTS } from '../../arena/index.js';
import { OutboxStreamError } from '../../arena/nats/outbox-errors.js';
import { BIN, demoConfig, tempDir, writeConfig } from '../helpers/arena-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';

afterAll(stopAllNatsServers);

const dir = tempDir('flexarena-stream-overlap-');

/** A fresh server holding these streams. */
async function serverWith(streams: { name: string; subjects: string[] }[]): Promise<NatsServerProcess> {
  const server = await NatsServerProcess.start();
  const nc = await connect({ servers: server.url });
  try {
    const jsm = await jetstreamManager(nc);
    for (const s of streams) await jsm.streams.add(s);
  } finally {
    await nc.close();
  }
  return server;
}

const OLD_GAMES = { name: 'FLEXARENA_GAMES', subjects: ['flexarena.games.>'] };
const OLD_RESULTS = { name: 'FLEXARENA_GAME_RESULTS', subjects: ['flexarena.results.>'] };

async function openSettlementOutbox(url: string): Promise<unknown> {
  return JetStreamOutbox.open({
    servers: url,
    stream: { name: SETTLEMENT_STREAM, subjects: [SETTLEMENT_SUBJECTS] },
    spoolPath: join(dir, `spool-${Date.now()}`),
  }).then(
    async (o) => {
      await o.close();
      return undefined;
    },
    (err: unknown) => err,
  );
}

describe('the settlement stream on a server with an overlapping stream', () => {
  it('names both retired streams of an older FlexArena and how to remove them', {
    timeout: 60_000,
  }, async () => {
    const server = await serverWith([OLD_GAMES, OLD_RESULTS]);
    const err = await openSettlementOutbox(server.url);
    expect(err).toBeInstanceOf(OutboxStreamError);
    expect((err as Error).message).toBe(
      'stream FLEXARENA_SETTLEMENT (flexarena.*.settlement.>) cannot be created: its subjects overlap those of the streams ' +
        "FLEXARENA_GAMES (flexarena.games.>; an older FlexArena's tournament work queue), " +
        "FLEXARENA_GAME_RESULTS (flexarena.results.>; an older FlexArena's tournament results) on this server; " +
        'remove them with `nats stream rm FLEXARENA_GAMES` and `nats stream rm FLEXARENA_GAME_RESULTS` (or use another NATS server)',
    );
  });

  it('names a stream of anyone else the same way, without calling it ours', { timeout: 60_000 }, async () => {
    const server = await serverWith([{ name: 'EVERYTHING', subjects: ['flexarena.>'] }]);
    const err = await openSettlementOutbox(server.url);
    expect((err as Error).message).toMatch(
      /overlap those of the stream EVERYTHING \(flexarena\.>\) on this server; remove it with `nats stream rm EVERYTHING`/,
    );
  });

  it('flexarena run says so in one line, exit 1, and leaves no run folder', {
    timeout: 120_000,
  }, async () => {
    const server = await serverWith([OLD_GAMES]);
    const config = writeConfig(dir, demoConfig({ nats: { enabled: true, url: server.url } }));
    const runDir = join(dir, 'no-stream');
    const res = spawnSync(
      process.execPath,
      [BIN, 'run', config, '--in-process', '--out', dir, '--run-id', 'no-stream'],
      { encoding: 'utf8', timeout: 100_000 },
    );
    expect(res.status, res.stderr).toBe(1);
    const lines = res.stderr.trimEnd().split('\n');
    const last = lines[lines.length - 1]!;
    // The outbox's own words, without its class name (it said `…: OutboxStreamError: stream …`).
    expect(last).toMatch(
      /^flexarena: cannot open NATS at nats:\/\/127\.0\.0\.1:\d+: stream FLEXARENA_SETTLEMENT /,
    );
    expect(last).toContain('overlap those of the stream FLEXARENA_GAMES (flexarena.games.>');
    expect(last).toContain('remove it with `nats stream rm FLEXARENA_GAMES`');
    // Its folder (config.yaml, an empty tape and its hash) looked like a run: removed, and said so.
    expect(last).toMatch(/; the run did not start: its folder \S+\/no-stream is removed$/);
    expect(existsSync(runDir)).toBe(false);
    // Removed as it says, the next run gets its stream.
    const nc = await connect({ servers: server.url });
    await (await jetstreamManager(nc)).streams.delete('FLEXARENA_GAMES');
    await nc.close();
    const again = spawnSync(process.execPath, [BIN, 'run', config, '--in-process', '--out', dir], {
      encoding: 'utf8',
      timeout: 100_000,
    });
    expect(again.status, again.stderr).toBe(0);
  });
  it('a run that does not start gives the folder back to the earlier run with its id', {
    timeout: 120_000,
  }, async () => {
    const server = await serverWith([OLD_GAMES]);
    const config = writeConfig(dir, demoConfig({ nats: { enabled: true, url: server.url } }), 'again.yaml');
    // What an earlier run with this id left (one without NATS, or on another server).
    const runDir = join(dir, 'again');
    mkdirSync(join(runDir, 'agents'), { recursive: true });
    writeFileSync(join(runDir, 'results.json'), '{"runId":"again"}');
    writeFileSync(join(runDir, 'agents', 'battery-1.log'), 'earlier\n');
    const res = spawnSync(
      process.execPath,
      [BIN, 'run', config, '--in-process', '--out', dir, '--run-id', 'again'],
      { encoding: 'utf8', timeout: 100_000 },
    );
    expect(res.status, res.stderr).toBe(1);
    const last = res.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^flexarena: cannot open NATS at /);
    expect(last).toMatch(
      /; the run did not start: its folder \S+\/again holds the earlier run with its id again$/,
    );
    // The earlier run as it was, nothing of the new one beside it, nothing set aside left over.
    expect(readdirSync(runDir).sort()).toEqual(['agents', 'results.json']);
    expect(readFileSync(join(runDir, 'results.json'), 'utf8')).toBe('{"runId":"again"}');
    expect(readFileSync(join(runDir, 'agents', 'battery-1.log'), 'utf8')).toBe('earlier\n');
    expect(readdirSync(dir).filter((n) => n.startsWith('.again'))).toEqual([]);
  });
});
