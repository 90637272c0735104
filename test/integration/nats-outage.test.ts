// A NATS outage in the middle of a real run: the arena (a process) publishes public data on core
// NATS and settlement records through its JetStream outbox to a nats-server of our own (file
// storage, fixed port), which we kill with SIGKILL half-way through the delivery day.
// - Back after ~1 s: the run finishes, and the stream holds every settlement record of the run
//   exactly once (count and distinct Nats-Msg-Id equal settlements.jsonl and the run's stats).
// - Never back: the run still finishes and writes its folder; results.json, the terminal and
//   undelivered-settlements.jsonl say exactly which records did not reach JetStream, and the public
//   messages published after the kill are counted as dropped.
// The pace comes from an agent process over gRPC (the fill-ledger trader); the liquidity provider
// plays inside the arena.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TAPE_FILE } from '../../arena/index.js';
import { STARTUP_MS, startArena, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';
import { sleep } from '../helpers/process-control.js';
import { readRunSettlements } from '../helpers/settlement-stream.js';
import { startTrader, traderRunConfig, wakeIdOf } from '../helpers/trader-run.js';

afterEach(async () => {
  await stopAll();
  await stopAllNatsServers();
});

// The trader's clock starts at D-1 16:00: quarter-hours settle from wake 33 on, the last wake is ~127.
const KILL_AT_WAKE = 60;
/** An arena and an agent process on a loaded two-core machine: room beyond vitest's default. */
const TEST_MS = 300_000;

interface NatsResults {
  messages: number;
  delivered: number;
  duplicates: number;
  undelivered: number;
  outages: { fromMs: number; toMs?: number; cause: string }[];
  undeliveredFile?: string;
  publicMessages: number;
  publicDropped: number;
}

interface Results {
  stats: { settlementRecords: number };
  agents: unknown[];
  nats: NatsResults;
}

async function runWithOutage(runId: string, nats: NatsServerProcess, outageMs: number | 'forever') {
  const dir = tempDir();
  const cfg = traderRunConfig({
    name: 'outage',
    deadlineMs: 20_000,
    nats: { url: nats.url, deliveryTimeoutMs: outageMs === 'forever' ? 2_000 : 60_000 },
  });
  const arena = await startArena(
    writeConfig(dir, cfg),
    ['--out', dir, '--run-id', runId, '--in-process'],
    STARTUP_MS,
  );
  // 40 ms of thinking per wake-up: the ~67 wake-ups after the kill take at least 2.7 s, so a fast
  // machine cannot finish the run before the server is back.
  const trader = startTrader(arena.address, join(dir, 'trader-state.json'), ['--think-ms', '40']);
  await trader.watch.waitFor((l) => wakeIdOf(l) >= KILL_AT_WAKE, 120_000);
  await nats.kill9();
  if (outageMs !== 'forever') {
    await sleep(outageMs);
    await nats.restart();
  }
  // The run must still be going when the server comes back: the outage is in its middle.
  const lastWakeBeforeRestart = wakeIdOf(trader.watch.lines.filter((l) => wakeIdOf(l) > 0).at(-1) ?? '');
  const res = await arena.exited;
  const settlementLines = readFileSync(join(arena.runDir, 'settlements.jsonl'), 'utf8').trim().split('\n');
  const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8')) as Results;
  return { arena, res, results, settlementLines, lastWakeBeforeRestart };
}

describe('a NATS outage during a run', () => {
  it('of ~1 s: the run finishes and the stream holds every settlement record exactly once', {
    timeout: TEST_MS,
  }, async () => {
    const nats = await NatsServerProcess.start();
    const runId = 'outage-short';
    const { res, results, settlementLines, lastWakeBeforeRestart } = await runWithOutage(runId, nats, 1_000);
    expect(res.code, res.stderr).toBe(0);
    expect(lastWakeBeforeRestart).toBeLessThan(110);

    const n = results.nats;
    const records = results.stats.settlementRecords;
    expect(records).toBe(2 * 96);
    expect(settlementLines).toHaveLength(records);
    // The stream carries the records, the run's manifest and its end message.
    const messages = records + 2;
    expect(n.messages).toBe(messages);
    expect(n.undelivered).toBe(0);
    expect(n.delivered).toBe(messages);
    expect(n.outages.length).toBeGreaterThanOrEqual(1);
    expect(res.stdout).toContain(
      `NATS: all ${messages} settlement-stream messages (the records, the run's manifest and end message) delivered to JetStream exactly once`,
    );

    const stored = await readRunSettlements(nats.url, runId);
    const ids = new Set(stored.map((s) => s.msgId));
    console.log(
      `NATS 1 s outage: stream holds ${stored.length} records, ${ids.size} distinct msg ids, expected ${records}; ` +
        `outages ${JSON.stringify(n.outages)}; duplicates acked ${n.duplicates}; public ${n.publicMessages} sent, ${n.publicDropped} dropped`,
    );
    // Public data published during the outage was held by the client and sent on its return.
    expect(n.publicMessages).toBeGreaterThan(1_000);
    expect(n.publicDropped).toBe(0);
    expect(stored).toHaveLength(records);
    expect(ids.size).toBe(records);
    const seqs = stored.map((s) => s.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: records }, (_, i) => i + 1));
    for (const s of stored) expect(s.msgId).toBe(`${runId}:${s.seq}`);
  });

  it('for the rest of the run: the run finishes and says exactly what was not delivered', {
    timeout: TEST_MS,
  }, async () => {
    const nats = await NatsServerProcess.start();
    const runId = 'outage-forever';
    const { arena, res, results, settlementLines } = await runWithOutage(runId, nats, 'forever');
    expect(res.code, res.stderr).toBe(0);
    expect(existsSync(join(arena.runDir, TAPE_FILE))).toBe(true);
    expect(results.agents).toHaveLength(2);

    const n = results.nats;
    const records = results.stats.settlementRecords;
    expect(settlementLines).toHaveLength(records);
    const messages = records + 2;
    expect(n.messages).toBe(messages);
    // Half the day was settled after the kill: at least those are missing.
    expect(n.undelivered).toBeGreaterThan(records / 4);
    expect(n.delivered + n.undelivered).toBe(messages);
    expect(n.undeliveredFile).toBe(join(arena.runDir, 'undelivered-settlements.jsonl'));
    expect(res.stdout).toContain(
      `NATS: ${n.undelivered} of ${messages} settlement-stream messages NOT delivered; they are in ${n.undeliveredFile}`,
    );
    const undelivered = readFileSync(n.undeliveredFile!, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string; msgId: string; payload: string });
    expect(undelivered).toHaveLength(n.undelivered);
    expect(undelivered.every((u) => u.status === 'undelivered')).toBe(true);
    // The file holds the records themselves, byte for byte as in settlements.jsonl, and the run's
    // end message (published after the last record, so never delivered in this outage).
    const bySeq = new Map(settlementLines.map((l) => [JSON.parse(l).seq as number, l]));
    const recordsUndelivered = undelivered.filter((u) => /:\d+$/.test(u.msgId));
    expect(undelivered.map((u) => u.msgId)).toContain(`${runId}:end`);
    for (const u of recordsUndelivered) expect(bySeq.get(Number(u.msgId.split(':')[1]))).toBe(u.payload);

    // After the run, the store read back: delivered ∪ undelivered is every record. A record whose
    // ack the kill swallowed (one in flight per agent) may be in both: it counts as undelivered.
    await nats.restart();
    const stored = await readRunSettlements(nats.url, runId);
    const inStream = new Set(stored.map((s) => s.msgId));
    expect(inStream.size).toBe(stored.length);
    const undeliveredIds = new Set(undelivered.map((u) => u.msgId));
    const both = [...undeliveredIds].filter((id) => inStream.has(id));
    console.log(
      `NATS outage for the rest of the run: ${records} records, ${n.delivered} delivered, ${n.undelivered} undelivered ` +
        `(${both.length} of them in the stream anyway: ack lost), stream holds ${stored.length}; ` +
        `public ${n.publicMessages} sent, ${n.publicDropped} dropped`,
    );
    // Delivered: the manifest (published before the first record) and the records in the stream.
    expect(stored.length + 1).toBe(n.delivered + both.length);
    // Public data published after the kill never left: counted as dropped, not as published.
    expect(n.publicDropped).toBeGreaterThan(100);
    expect(n.publicMessages).toBeGreaterThan(100);
    expect(both.length).toBeLessThanOrEqual(2);
    for (let seq = 1; seq <= records; seq++) {
      const id = `${runId}:${seq}`;
      expect(inStream.has(id) || undeliveredIds.has(id), id).toBe(true);
    }
  });
});
