// Fuzzing a live session: a raw gRPC client answers every wake-up of a real arena with a batch
// that mixes valid actions with malformed and out-of-range ones (test/helpers/action-fuzz.ts), and
// sprinkles in batches for stale or unknown wake ids, duplicates and one late batch. The session
// must never be ended by the server; every batch gets exactly one ack with one result per action,
// index by index; every malformed action is refused at the door naming its field; every valid one
// passes the door and reaches its venue (passive orders on open books are accepted, with an
// `accepted` event on the tape); the run ends normally (the core throws if conservation breaks).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { type ActionAck, ActionStatus, BatchStatus, type Welcome } from '../../gen/flexarena/v1/session.js';
import { RandomStream } from '../../lib/index.js';
import { type FuzzAction, type FuzzContext, fuzzBatch } from '../helpers/action-fuzz.js';
import { readTape, STARTUP_MS, startArena, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import { openSession } from '../helpers/grpc-client.js';

afterEach(stopAll);

const TOKEN = 'fuzzer-token-0001';
const HUGE_WAKE = 2n ** 62n;

interface SentBatch {
  /** The wake id as sent; the ack carries 0 for one beyond the safe range. */
  wakeId: number;
  ackWakeId: number;
  actions: FuzzAction[];
  status: BatchStatus;
}

/** Messages of a session in arrival order. */
function inbox(call: ReturnType<typeof openSession>['call']) {
  const queue: SessionResponse[] = [];
  let wake: (() => void) | undefined;
  call.on('data', (m: SessionResponse) => {
    queue.push(m);
    wake?.();
  });
  return async (timeoutMs = 60_000): Promise<SessionResponse> => {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0) {
      if (Date.now() > deadline) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 500);
      });
    }
    return queue.shift()!;
  };
}

describe('a live session under fuzzed actions', () => {
  // An arena process on a loaded two-core machine: room beyond vitest's default.
  it('answers every action exactly once, refuses each malformed one by field, processes every valid one', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const cfg = {
      name: 'fuzz',
      seed: 9,
      day: '2026-11-22',
      decisionIntervalMinutes: 15,
      deadlineMs: 5_000,
      connectTimeoutMs: 60_000,
      nats: { enabled: false },
      agents: [
        {
          id: 'liquidity',
          strategy: 'liquidity',
          role: 'liquidity',
          params: { depthMwPerEur: 1, levels: 6, horizonHours: 8 },
        },
        { id: 'fuzzer', strategy: 'fuzz', launch: false, token: TOKEN },
      ],
    };
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--in-process'], STARTUP_MS);
    const s = openSession(arena.address, TOKEN);
    let serverError: ServiceError | undefined;
    s.call.on('error', (e: ServiceError) => {
      serverError = e;
    });
    const next = inbox(s.call);
    s.call.write({
      kind: {
        $case: 'hello',
        value: {
          sdkName: 'fuzz',
          sdkVersion: '0',
          strategy: 'fuzz',
          lastReportSeq: 0,
          wakeUpEncoding: 0,
          acksInWakeUp: false,
        },
      },
    });

    const rng = new RandomStream('session-fuzz', 424242);
    let counter = 0;
    const sent: SentBatch[] = [];
    const acks: ActionAck[] = [];
    let welcome: Welcome | undefined;
    let ended = false;
    let wakes = 0;
    let lateWake: number | undefined;
    const send = (wakeId: number | bigint, actions: FuzzAction[], status: BatchStatus) => {
      s.call.write({
        kind: {
          $case: 'actionBatch',
          value: { wakeId: wakeId as number, actions: actions.map((a) => a.action) },
        },
      });
      const n = typeof wakeId === 'bigint' ? 0 : wakeId;
      sent.push({ wakeId: n, ackWakeId: n, actions, status });
    };

    while (!ended) {
      const m = (await next()).kind;
      if (!m) continue;
      if (m.$case === 'welcome') welcome = m.value;
      else if (m.$case === 'actionAck') acks.push(m.value);
      else if (m.$case === 'runEnded') ended = true;
      else if (m.$case === 'wakeUp') {
        const wake = m.value;
        wakes++;
        const c: FuzzContext = {
          welcome: welcome!,
          wake,
          priceMinTicks: Number(welcome!.market!.priceMinTicks),
          priceMaxTicks: Number(welcome!.market!.priceMaxTicks),
          maxQuantityLots: Number(welcome!.market!.maxQuantityLots),
          next: () => ++counter,
        };
        if (lateWake !== undefined) {
          // The wake-up we let pass: its batch now comes after the deadline.
          send(lateWake, fuzzBatch(rng, c, 4), BatchStatus.BATCH_STATUS_LATE);
          lateWake = undefined;
        }
        if (wakes === 40) {
          lateWake = wake.wakeId;
          continue;
        }
        if (rng.next() < 0.15) {
          const stale = [wake.wakeId + 5, 0, -1, HUGE_WAKE][rng.int(0, 3)]!;
          send(stale, fuzzBatch(rng, c, rng.int(0, 4)), BatchStatus.BATCH_STATUS_STALE_WAKE);
        }
        const batch = fuzzBatch(rng, c, rng.int(10, 30));
        send(wake.wakeId, batch, BatchStatus.BATCH_STATUS_PROCESSED);
        if (rng.next() < 0.15) send(wake.wakeId, batch, BatchStatus.BATCH_STATUS_DUPLICATE);
      }
    }
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    // The server ended the stream normally after RunEnded; it never ended it with an error.
    await new Promise((r) => setTimeout(r, 200));
    expect(serverError).toBeUndefined();
    s.close();
    const faults = readFileSync(join(arena.runDir, 'agent-faults.log'), 'utf8');
    expect(faults).not.toMatch(/protocol-violation|disconnected/);
    // Exactly one wake-up missed: the one answered late on purpose.
    expect(faults.match(/"missed-deadline"/g)).toHaveLength(1);

    // ---- every batch exactly one ack, one result per action, index by index ----
    const actionsSent = sent.reduce((n, b) => n + b.actions.length, 0);
    expect(acks).toHaveLength(sent.length);
    const byStatus = (st: BatchStatus) => ({
      sent: sent.filter((b) => b.status === st),
      acks: acks.filter((a) => a.batchStatus === st),
    });
    for (const st of [
      BatchStatus.BATCH_STATUS_PROCESSED,
      BatchStatus.BATCH_STATUS_STALE_WAKE,
      BatchStatus.BATCH_STATUS_DUPLICATE,
      BatchStatus.BATCH_STATUS_LATE,
    ]) {
      const g = byStatus(st);
      expect(
        g.acks.map((a) => a.wakeId),
        BatchStatus[st],
      ).toEqual(g.sent.map((b) => b.ackWakeId));
      g.sent.forEach((b, i) => {
        const ack = g.acks[i]!;
        expect(ack.results).toHaveLength(b.actions.length);
        ack.results.forEach((r, k) => {
          expect(r.index).toBe(k);
          expect(r.clientRef).toBe(b.actions[k]!.action.clientRef);
          expect([ActionStatus.ACTION_STATUS_ACCEPTED, ActionStatus.ACTION_STATUS_REJECTED]).toContain(
            r.status,
          );
          if (st !== BatchStatus.BATCH_STATUS_PROCESSED)
            expect(r.status).toBe(ActionStatus.ACTION_STATUS_REJECTED);
        });
        expect(ack.reportSeq > 0).toBe(st === BatchStatus.BATCH_STATUS_PROCESSED);
      });
    }
    expect(byStatus(BatchStatus.BATCH_STATUS_LATE).sent).toHaveLength(1);

    // ---- what became of each action of the processed batches ----
    const tape = readTape(arena.runDir);
    const tapeBatches = new Map(
      tape
        .filter((r) => r.type === 'batch' && r.agent === 'fuzzer')
        .map((r) => [
          r.wakeId as number,
          r as { actions: unknown[]; rejected?: { index: number; field: string }[] },
        ]),
    );
    const accepted = new Set(
      tape.filter((r) => r.type === 'accepted' && r.agentId === 'fuzzer').map((r) => r.orderId as number),
    );
    const processed = byStatus(BatchStatus.BATCH_STATUS_PROCESSED);
    const counts = { acceptSubmit: 0, doorValid: 0, doorReject: 0, venueRejected: 0 };
    processed.sent.forEach((b, i) => {
      const ack = processed.acks[i]!;
      const onTape = tapeBatches.get(b.wakeId);
      if (b.actions.length === 0) return;
      expect(onTape, `tape batch for wake ${b.wakeId}`).toBeDefined();
      expect(onTape!.actions).toHaveLength(b.actions.length);
      const doorRejected = new Set((onTape!.rejected ?? []).map((r) => r.index));
      b.actions.forEach((a, k) => {
        const r = ack.results[k]!;
        const where = `wake ${b.wakeId} action ${k} ${JSON.stringify(a.expect)} → ${r.field} ${r.message}`;
        switch (a.expect.kind) {
          case 'door-reject':
            counts.doorReject++;
            expect(r.status, where).toBe(ActionStatus.ACTION_STATUS_REJECTED);
            expect(r.field, where).toBe(a.expect.field);
            expect(r.limit, where).not.toBe('');
            expect(doorRejected.has(k), where).toBe(true);
            break;
          case 'door-valid':
            counts.doorValid++;
            expect(doorRejected.has(k), where).toBe(false);
            if (r.status === ActionStatus.ACTION_STATUS_REJECTED) counts.venueRejected++;
            break;
          case 'accept-submit':
            counts.acceptSubmit++;
            expect(doorRejected.has(k), where).toBe(false);
            expect(r.status, where).toBe(ActionStatus.ACTION_STATUS_ACCEPTED);
            expect(r.orderId, where).toBeGreaterThan(0);
            expect(accepted.has(r.orderId), where).toBe(true);
            break;
        }
      });
    });
    console.log(
      `session fuzz: ${wakes} wake-ups, ${sent.length} batches (${actionsSent} actions): ` +
        `${processed.sent.length} processed, ${byStatus(BatchStatus.BATCH_STATUS_STALE_WAKE).sent.length} stale, ` +
        `${byStatus(BatchStatus.BATCH_STATUS_DUPLICATE).sent.length} duplicate, 1 late; ` +
        `in processed batches ${counts.acceptSubmit} passive orders accepted, ${counts.doorValid} other valid ` +
        `(${counts.venueRejected} refused by their venue), ${counts.doorReject} refused at the door by field`,
    );
    expect(actionsSent).toBeGreaterThan(2_000);
    expect(counts.acceptSubmit).toBeGreaterThan(300);
    expect(counts.doorReject).toBeGreaterThan(500);
    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
    expect(results.agents.map((a: { agentId: string }) => a.agentId)).toEqual(['liquidity', 'fuzzer']);
  });
});
