// A run on a NATS server of its own choosing (nats.url) stopped with Ctrl-C while that server is
// away: the settlement records its outbox still held were dropped without a word — no
// undelivered-settlements.jsonl, nothing on the terminal — and the message said the run had
// stopped "its nats-server", which it had not started. Now what JetStream never acknowledged is
// written to undelivered-settlements.jsonl and named in the message (as at the end of a complete
// run), so the stream and that file hold every record of settlements.jsonl exactly once; and
// `flexarena run --resume` publishes what the stream lacks and removes the stale file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  demoConfig,
  runArenaToEnd,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';
import { sleep, untilFirstSettlements } from '../helpers/process-control.js';
import { readRunSettlements } from '../helpers/settlement-stream.js';

afterEach(async () => {
  await stopAll();
  await stopAllNatsServers();
});

const UNDELIVERED = 'undelivered-settlements.jsonl';

function seqsOf(file: string): number[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Number((JSON.parse(l) as { seq: number | string }).seq));
}

describe('Ctrl-C while the shared NATS server is away', () => {
  it('keeps the undelivered settlement records in undelivered-settlements.jsonl; --resume publishes them', {
    timeout: 300_000,
  }, async () => {
    const nats = await NatsServerProcess.start();
    const dir = tempDir();
    const runId = 'stopped-while-away';
    const cfg = demoConfig({ nats: { url: nats.url } });
    // Paced: D-1 08:00 to the first settlement (16 virtual hours) takes ~8 s, the day ~12 s more.
    const arena = await startArena(writeConfig(dir, cfg), [
      '--out',
      dir,
      '--run-id',
      runId,
      '--pace',
      '7200',
    ]);
    const settlements = join(arena.runDir, 'settlements.jsonl');
    await untilFirstSettlements(settlements, 120_000);
    await nats.kill9();
    // Some virtual hours of settlements while the server is away.
    await sleep(2_500);
    arena.child.kill('SIGINT');
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(130);
    // The run did not start that server and did not stop it.
    expect(res.stderr).toMatch(/run interrupted by SIGINT at virtual time \S+; its agents are stopped,/);
    expect(res.stderr).not.toMatch(/nats-server are stopped/);

    await nats.restart();
    const filed = seqsOf(settlements);
    const stored = await readRunSettlements(nats.url, runId);
    const undeliveredFile = join(arena.runDir, UNDELIVERED);
    expect(existsSync(undeliveredFile), `${UNDELIVERED} after the stop:\n${res.stderr}`).toBe(true);
    const left = readFileSync(undeliveredFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msgId: string; subject: string });
    const leftRecords = left.filter((e) => !/\.settlement\._/.test(e.subject));
    expect(leftRecords.length).toBeGreaterThan(0);
    expect(res.stderr).toContain(
      `settlement-stream messages did not reach NATS at ${nats.url}: they are in ${undeliveredFile}`,
    );
    // Every record of settlements.jsonl is either in the stream or in the file, exactly once.
    const ids = [...stored.map((s) => s.msgId), ...leftRecords.map((e) => e.msgId)].sort();
    expect(ids).toEqual(filed.map((seq) => `${runId}:${seq}`).sort());

    // Resumed on the same server: the stream gets what it lacks, and the stale file goes.
    // (runArenaToEnd spawns `flexarena run <first> <rest…>`.)
    const r = await runArenaToEnd('--resume', [arena.runDir, '--in-process']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(undeliveredFile)).toBe(false);
    const all = seqsOf(settlements);
    const after = await readRunSettlements(nats.url, runId);
    expect(after.map((s) => s.seq).sort((a, b) => a - b)).toEqual(all);
    expect(new Set(after.map((s) => s.msgId)).size).toBe(all.length);
  });
});
