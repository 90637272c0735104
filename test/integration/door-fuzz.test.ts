// 10 000 malformed, oversized and out-of-range messages over live sessions of a real arena process.
// A raw-bytes client (test/helpers/raw-session.ts) sends, at each wake-up of its agent: a burst of
// batches that are not the answer (stale, 2^62 or negative wake ids, fuzzed actions from
// test/helpers/action-fuzz.ts, and the same encodings with random bytes flipped), then a message
// that must end the stream (random bytes, a flipped encoding that no longer decodes or is not a
// batch, a second hello, a message over limits.maxMessageBytes), reconnects and resumes, and
// finally answers with a fuzzed batch. What each message must get is decided beforehand by
// decoding it the way the arena does: exactly one ActionAck per batch (one result per action), or
// a named gRPC status (INVALID_ARGUMENT, RESOURCE_EXHAUSTED) — never INTERNAL, never a crash. The
// bystanders (liquidity and a battery, in the arena's process) miss nothing and have no faults.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSessionRequest } from '../../arena/gateway/grpc-gateway.js';
import { SessionRequest } from '../../gen/flexarena/v1/arena_service.js';
import { ActionStatus, BatchStatus, type Welcome } from '../../gen/flexarena/v1/session.js';
import { RandomStream } from '../../lib/index.js';
import { type FuzzContext, fuzzBatch } from '../helpers/action-fuzz.js';
import {
  demoWithHandAgent,
  STARTUP_MS,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { bearer, hello, openRawSession, type RawBytesSession, rawClient } from '../helpers/raw-session.js';

afterEach(stopAll);

const TOKEN = 'fuzzer-token-door-1';
const MAX_BYTES = 64 * 1024;
const TARGET = 10_000;
const BURST = 60;

type Expect = { kind: 'ack'; actions: number } | { kind: 'status'; code: status; details: RegExp };

/** What the arena must answer to these bytes while a decision request for `openWake` is open. */
function expectation(bytes: Buffer, openWake: number): Expect | 'skip' {
  if (bytes.length > MAX_BYTES) return { kind: 'status', code: status.RESOURCE_EXHAUSTED, details: /./ };
  // The gateway's own decoder: its wire-type check makes more flipped bytes undecodable than
  // ts-proto alone, which skipped a field with an unexpected wire type.
  const req = decodeSessionRequest(bytes);
  if ('undecodable' in req)
    return { kind: 'status', code: status.INVALID_ARGUMENT, details: /^message: not a SessionRequest/ };
  if (req.kind?.$case !== 'actionBatch')
    return { kind: 'status', code: status.INVALID_ARGUMENT, details: /^kind: after hello only action_batch/ };
  // A flipped byte that happens to make it this wake-up's answer would be taken, not answered.
  if (req.kind.value.wakeId === openWake) return 'skip';
  return { kind: 'ack', actions: req.kind.value.actions.length };
}

function flip(rng: RandomStream, bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let i = rng.int(1, 3); i > 0; i--) out[rng.int(0, out.length - 1)] = rng.int(0, 255);
  return out;
}

describe('the door under 10 000 hostile messages', () => {
  it('answers each with an ack or a named status; no crash; bystanders unaffected', {
    timeout: 600_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoWithHandAgent(
      { id: 'fuzzer', strategy: 'fuzz', token: TOKEN },
      {
        // The rate limit has its own test (door-flood); here every message must reach the door.
        limits: {
          maxMessageBytes: MAX_BYTES,
          rate: {
            outsidePerSecond: 100_000,
            burst: 1_000_000,
            disconnectAfter: 1_000_000,
            refusedWhileWaited: 1_000_000,
          },
        },
      },
    );
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--in-process'], STARTUP_MS);
    const client = rawClient(arena.address);
    const rng = new RandomStream('door-fuzz', 20261129);
    let counter = 0;
    let lastReportSeq = 0;
    let welcome: Welcome | undefined;
    const tally = { messages: 0, acks: 0, statuses: new Map<string, number>(), answers: 0, reconnects: 0 };
    const plan = new Map<number, { burst: boolean; enders: number }>();

    const connect = (): RawBytesSession => {
      const s = openRawSession(client, bearer(TOKEN));
      s.sendRequest(hello(lastReportSeq));
      return s;
    };
    let s = connect();
    let ended = false;
    while (!ended) {
      const e = await s.next(120_000);
      if (e.type !== 'data') throw new Error(`session ended unexpectedly: ${JSON.stringify(e)}`);
      const m = e.message.kind;
      if (!m) continue;
      if (m.$case === 'welcome') welcome = m.value;
      else if (m.$case === 'runEnded') ended = true;
      else if (m.$case === 'actionAck') {
        // The acks of our answers, produced at the decision point after them.
        expect(m.value.batchStatus).toBe(BatchStatus.BATCH_STATUS_PROCESSED);
        if (m.value.reportSeq > lastReportSeq) lastReportSeq = m.value.reportSeq;
      } else if (m.$case === 'wakeUp') {
        const wake = m.value;
        const c: FuzzContext = {
          welcome: welcome!,
          wake,
          priceMinTicks: Number(welcome!.market!.priceMinTicks),
          priceMaxTicks: Number(welcome!.market!.priceMaxTicks),
          maxQuantityLots: Number(welcome!.market!.maxQuantityLots),
          next: () => ++counter,
        };
        const p = plan.get(wake.wakeId) ?? { burst: false, enders: 0 };
        plan.set(wake.wakeId, p);
        const more = tally.messages < TARGET;
        // ---- a burst of batches that are not the answer: one ack each, in order ----
        if (more && !p.burst) {
          p.burst = true;
          const expected: number[] = [];
          while (expected.length < BURST) {
            const wakeId = [wake.wakeId + rng.int(1, 9), -1, 0, 2n ** 62n][rng.int(0, 3)]! as number;
            const structured = Buffer.from(
              SessionRequest.encode({
                kind: {
                  $case: 'actionBatch',
                  value: { wakeId, actions: fuzzBatch(rng, c, rng.int(0, 6)).map((a) => a.action) },
                },
              }).finish(),
            );
            const bytes = rng.next() < 0.3 ? flip(rng, structured) : structured;
            const x = expectation(bytes, wake.wakeId);
            if (x === 'skip' || x.kind !== 'ack') continue; // stream enders come one at a time below
            s.send(bytes);
            expected.push(x.actions);
          }
          tally.messages += BURST;
          for (const n of expected) {
            const a = await s.next(120_000);
            if (a.type !== 'data' || a.message.kind?.$case !== 'actionAck')
              throw new Error(`expected an ack, got ${JSON.stringify(a).slice(0, 300)}`);
            const ack = a.message.kind.value;
            expect([
              BatchStatus.BATCH_STATUS_STALE_WAKE,
              BatchStatus.BATCH_STATUS_LATE,
              BatchStatus.BATCH_STATUS_DUPLICATE,
            ]).toContain(ack.batchStatus);
            expect(ack.results).toHaveLength(n);
            for (const r of ack.results) {
              expect(r.status).toBe(ActionStatus.ACTION_STATUS_REJECTED);
              expect(r.rejectCode).not.toBe(0);
            }
            tally.acks++;
          }
        }
        // ---- two messages that end the stream, each followed by a reconnect and resume ----
        if (more && p.enders < 2) {
          p.enders++;
          let bytes: Buffer;
          let x: Expect | 'skip';
          do {
            const pick = rng.int(0, 3);
            bytes =
              pick === 0
                ? Buffer.from(Array.from({ length: rng.int(1, 200) }, () => rng.int(0, 255)))
                : pick === 1
                  ? Buffer.alloc(MAX_BYTES + rng.int(1, 4096), rng.int(0, 255))
                  : pick === 2
                    ? Buffer.from(SessionRequest.encode(hello(lastReportSeq)).finish())
                    : flip(rng, Buffer.from(SessionRequest.encode(hello(0)).finish()));
            x = expectation(bytes, wake.wakeId);
          } while (x === 'skip' || x.kind !== 'status');
          s.send(bytes);
          tally.messages++;
          let end = await s.next(120_000);
          while (end.type === 'data') end = await s.next(120_000);
          if (end.type !== 'error') throw new Error('the stream ended without a status');
          expect(end.error.code, end.error.details).toBe(x.code);
          expect(end.error.details).toMatch(x.details);
          const name = status[end.error.code]!;
          tally.statuses.set(name, (tally.statuses.get(name) ?? 0) + 1);
          s = connect();
          tally.reconnects++;
          continue; // the wake-up comes again on the new stream
        }
        // ---- the answer: a fuzzed batch for this wake-up ----
        s.sendRequest({
          kind: {
            $case: 'actionBatch',
            value: { wakeId: wake.wakeId, actions: fuzzBatch(rng, c, rng.int(5, 20)).map((a) => a.action) },
          },
        });
        tally.messages++;
        tally.answers++;
        lastReportSeq = Math.max(lastReportSeq, wake.reportSeq);
      }
    }
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    s.close();
    client.close();

    expect(tally.messages).toBeGreaterThanOrEqual(TARGET);
    expect([...tally.statuses.keys()].sort()).toEqual(['INVALID_ARGUMENT', 'RESOURCE_EXHAUSTED']);
    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
    for (const a of results.agents) expect(a.missedDeadlines, a.agentId).toBe(0);
    const faults = readFileSync(join(arena.runDir, 'agent-faults.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { agent: string });
    expect(faults.filter((f) => f.agent !== 'fuzzer')).toEqual([]);
    console.log(
      `door fuzz: ${tally.messages} messages: ${tally.acks} refused batches acked one by one, ` +
        `${[...tally.statuses].map(([k, v]) => `${v} ${k}`).join(', ')} (each followed by a resume), ` +
        `${tally.answers} fuzzed answers; fault log ${faults.length} lines`,
    );
  });
});
