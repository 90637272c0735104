// Conflation in the client against a real grpc-js server playing the arena's side of a session:
// a wake-up with a newer one already received behind it is not decided nor answered, its reports
// come with the next decided one, and nothing after it counts as processed until then. In lock-step
// an answer overtaken by a newer wake-up while decide() ran is not sent (the arena would refuse it
// as late); in real time, or from an arena that does not say its mode, it is.
import { afterEach, describe, expect, it } from 'vitest';
import { SessionRequest, SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { RunMode } from '../../gen/flexarena/v1/session.js';
import { closeRawServers, type RawCall, serveRawStream } from '../../test/helpers/raw-session-server.js';
import { runAgent } from './agent-client.js';
import { SESSION_PATH } from './session-envelope.js';
import type { Strategy } from './strategy.js';

afterEach(closeRawServers);

const send = (call: RawCall, msg: SessionResponse) =>
  call.write(Buffer.from(SessionResponse.encode(msg).finish()));
/** A wake-up with one fill (trade id `tradeId`) and the acks `acks` ([wake id, report_seq]). */
const wake = (wakeId: number, reportSeq: number, tradeId: number, acks: [number, number][] = []) =>
  SessionResponse.fromPartial({
    kind: {
      $case: 'wakeUp',
      value: {
        wakeId,
        reportSeq,
        fills: [{ tradeId, productId: 'qh-1', quantityLots: 1, priceTicks: 100 }],
        acks: acks.map(([w, seq]) => ({ wakeId: w, reportSeq: seq })),
      },
    },
  });

/**
 * The arena's side: Welcome (saying `runMode`) and wake 1 at once; wakes 2 and 3 while the agent
 * still decides wake 1; RunEnded once wake 3 is answered. Returns the wake ids the agent answered.
 */
async function arena(
  runMode = RunMode.RUN_MODE_UNSPECIFIED,
): Promise<{ address: string; answered: number[] }> {
  const answered: number[] = [];
  const address = await serveRawStream(SESSION_PATH, (call) => {
    call.on('data', (b: Buffer) => {
      const req = SessionRequest.decode(b);
      if (req.kind?.$case === 'hello') {
        send(
          call,
          SessionResponse.fromPartial({
            kind: { $case: 'welcome', value: { runId: 'r', agentId: 'a', deadlineMs: 50, runMode } },
          }),
        );
        send(call, wake(1, 1, 11));
        setTimeout(() => {
          send(call, wake(2, 3, 21, [[1, 2]]));
          send(call, wake(3, 5, 31, [[1, 4]]));
        }, 30);
      } else if (req.kind?.$case === 'actionBatch') {
        answered.push(req.kind.value.wakeId);
        if (req.kind.value.wakeId === 3) {
          send(
            call,
            SessionResponse.fromPartial({
              kind: {
                $case: 'runEnded',
                value: { reason: 'run complete', finalReport: { wakeId: 0, reportSeq: 6 } },
              },
            }),
          );
          call.end();
        }
      }
    });
  });
  return { address, answered };
}

/** Slow on wake 1 (its deadline passes meanwhile and the arena sends wakes 2 and 3). */
function recorder() {
  const seen = {
    decided: [] as { wakeId: number; reportSeq: number; fills: number[] }[],
    acks: [] as number[],
  };
  const strategy: Strategy = {
    name: 'recorder',
    async decide(w) {
      seen.decided.push({ wakeId: w.wakeId, reportSeq: w.reportSeq, fills: w.fills.map((f) => f.tradeId) });
      if (w.wakeId === 1) await new Promise((r) => setTimeout(r, 300));
      return [];
    },
    onAck(a) {
      seen.acks.push(a.reportSeq);
    },
  };
  return { strategy, seen };
}

describe('runAgent conflation', () => {
  it('skips a wake-up a newer one is queued behind: no decide, no batch, its fills with the next one, processed only then', async () => {
    const { address, answered } = await arena();
    const { strategy, seen } = recorder();
    const processed: number[] = [];
    const out = await runAgent(strategy, { address, token: 't', onProcessed: (s) => processed.push(s) });
    expect(seen.decided).toEqual([
      { wakeId: 1, reportSeq: 1, fills: [11] },
      { wakeId: 3, reportSeq: 5, fills: [21, 31] },
    ]);
    expect(answered).toEqual([1, 3]);
    // Both acks reached onAck as they came; the ack inside the skipped wake-up came before it and
    // is processed, but neither the skipped wake-up (3) nor the ack after it (4) count as processed
    // before wake 3 has been decided with their reports.
    expect(seen.acks).toEqual([2, 4]);
    expect(processed).toEqual([1, 2, 5, 6]);
    expect(out).toMatchObject({ wakeUps: 3, skippedWakeUps: 1, overtakenAnswers: 0, lastReportSeq: 6 });
  });

  it('in lock-step does not send the answer to a wake-up overtaken while it was decided; the newest is answered', async () => {
    // Before, wake 1's answer went once decide() returned, with wakes 2 and 3 already here: the
    // arena, which sends wake 2 only once wake 1 is missed, refused it as late.
    const { address, answered } = await arena(RunMode.RUN_MODE_LOCKSTEP);
    const { strategy, seen } = recorder();
    const processed: number[] = [];
    const out = await runAgent(strategy, { address, token: 't', onProcessed: (s) => processed.push(s) });
    expect(seen.decided.map((d) => [d.wakeId, d.fills])).toEqual([
      [1, [11]],
      [3, [21, 31]],
    ]);
    expect(answered).toEqual([3]);
    // Wake 1 was decided with its reports: processed, answer or not.
    expect(processed).toEqual([1, 2, 5, 6]);
    expect(out).toMatchObject({ wakeUps: 3, skippedWakeUps: 1, overtakenAnswers: 1, lastReportSeq: 6 });
  });

  it('in real time sends the overtaken answer: the arena still applies it on arrival', async () => {
    const { address, answered } = await arena(RunMode.RUN_MODE_REALTIME);
    const { strategy } = recorder();
    const out = await runAgent(strategy, { address, token: 't' });
    expect(answered).toEqual([1, 3]);
    expect(out).toMatchObject({ skippedWakeUps: 1, overtakenAnswers: 0 });
  });

  it('with conflate: false sends the overtaken answer in lock-step too', async () => {
    const { address, answered } = await arena(RunMode.RUN_MODE_LOCKSTEP);
    const { strategy } = recorder();
    const out = await runAgent(strategy, { address, token: 't', conflate: false });
    expect(answered).toEqual([1, 2, 3]);
    expect(out).toMatchObject({ skippedWakeUps: 0, overtakenAnswers: 0 });
  });

  it('with conflate: false decides and answers every wake-up in order', async () => {
    const { address, answered } = await arena();
    const { strategy, seen } = recorder();
    const processed: number[] = [];
    const out = await runAgent(strategy, {
      address,
      token: 't',
      conflate: false,
      onProcessed: (s) => processed.push(s),
    });
    expect(seen.decided.map((d) => [d.wakeId, d.fills])).toEqual([
      [1, [11]],
      [2, [21]],
      [3, [31]],
    ]);
    expect(answered).toEqual([1, 2, 3]);
    expect(processed).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out).toMatchObject({ wakeUps: 3, skippedWakeUps: 0 });
  });
});
