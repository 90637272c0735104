// Acks across a resume, against a real grpc-js server playing the arena's side of two sessions. An
// ack handled while the reports of a skipped (conflated) wake-up wait does not count as processed
// yet, so a stream that ends before the wake-up carrying those reports is decided resumes from
// before the ack, and the arena sends it again — as it does everything after the resume point: in
// a new message with a new report_seq (sim/core/agent-outbox.ts, resume), here inside the next
// wake-up. The strategy must get it once.
import { afterEach, describe, expect, it } from 'vitest';
import { SessionRequest, SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { RejectCode } from '../../gen/flexarena/v1/market.js';
import {
  type ActionAck,
  ActionStatus,
  type DeepPartial,
  PublicView,
  RunMode,
} from '../../gen/flexarena/v1/session.js';
import { closeRawServers, type RawCall, serveRawStream } from '../../test/helpers/raw-session-server.js';
import { runAgent } from './agent-client.js';
import { SESSION_PATH } from './session-envelope.js';
import type { Strategy } from './strategy.js';

afterEach(closeRawServers);

const send = (call: RawCall, msg: SessionResponse) =>
  call.write(Buffer.from(SessionResponse.encode(msg).finish()));

/** The ack of wake 1's batch (one action, rejected as past its gate) with report_seq `reportSeq`. */
const ackOfWake1 = (reportSeq: number): DeepPartial<ActionAck> => ({
  wakeId: 1,
  reportSeq,
  results: [
    {
      clientRef: 'late',
      status: ActionStatus.ACTION_STATUS_REJECTED,
      rejectCode: RejectCode.REJECT_CODE_GATE_CLOSED,
      field: 'submit.product_id',
    },
  ],
});

const wake = (
  wakeId: number,
  reportSeq: number,
  tradeIds: number[],
  more: { acks?: DeepPartial<ActionAck>[]; publicView?: PublicView; baseWakeId?: number } = {},
) =>
  SessionResponse.fromPartial({
    kind: {
      $case: 'wakeUp',
      value: {
        wakeId,
        reportSeq,
        fills: tradeIds.map((tradeId) => ({ tradeId, productId: 'qh-1', quantityLots: 1, priceTicks: 100 })),
        ...more,
      },
    },
  });

/**
 * Stream 1: Welcome and wake 1 (report 1). Once wake 1's answer is in, wakes 2, 3 and 4 come in one
 * go, as to an agent that fell behind: wake 2 (report 2), the ack of wake 1's batch (report 3,
 * inside wake 3, report 4) and wake 4 (report 5). The SDK skips wakes 2 and 3 and hands the ack
 * over; wake 4 is a public-view delta against a wake-up this stream never sent, so the SDK ends the
 * stream before deciding it and resumes (a dropped stream at that moment resumes the same way).
 * Stream 2, from the hello's last_report_seq: what followed it again, new numbers — the ack (report
 * 6) inside wake 4 again (report 7) with the fills of wakes 2 to 4; once wake 4 is answered, the
 * ack of its batch (report 8) and RunEnded (final report 9).
 */
async function arena(): Promise<{ address: string; hellos: number[] }> {
  const hellos: number[] = [];
  const address = await serveRawStream(SESSION_PATH, (call) => {
    call.on('data', (b: Buffer) => {
      const req = SessionRequest.decode(b);
      if (req.kind?.$case === 'hello') {
        hellos.push(req.kind.value.lastReportSeq);
        send(
          call,
          SessionResponse.fromPartial({
            kind: {
              $case: 'welcome',
              value: { runId: 'r', agentId: 'a', deadlineMs: 50, runMode: RunMode.RUN_MODE_REALTIME },
            },
          }),
        );
        if (hellos.length === 1) send(call, wake(1, 1, [11]));
        else send(call, wake(4, 7, [21, 31, 41], { acks: [ackOfWake1(6)] }));
      } else if (req.kind?.$case === 'actionBatch') {
        const wakeId = req.kind.value.wakeId;
        if (wakeId === 1) {
          send(call, wake(2, 2, [21]));
          send(call, wake(3, 4, [31], { acks: [ackOfWake1(3)] }));
          send(call, wake(4, 5, [41], { publicView: PublicView.PUBLIC_VIEW_DELTA, baseWakeId: 99 }));
        } else if (wakeId === 4) {
          send(
            call,
            SessionResponse.fromPartial({
              kind: { $case: 'actionAck', value: { wakeId: 4, reportSeq: 8 } },
            }),
          );
          send(
            call,
            SessionResponse.fromPartial({
              kind: { $case: 'runEnded', value: { reason: 'run complete', finalReport: { reportSeq: 9 } } },
            }),
          );
          call.end();
        }
      }
    });
  });
  return { address, hellos };
}

describe('runAgent across a resume', () => {
  it('hands an ack handled while a skipped wake-up waited to onAck once, though the arena sends it again', async () => {
    const { address, hellos } = await arena();
    const seen = { decided: [] as [number, number[]][], acks: [] as number[], rejections: 0 };
    const strategy: Strategy = {
      name: 'recorder',
      decide(w) {
        seen.decided.push([w.wakeId, w.fills.map((f) => f.tradeId)]);
        return [];
      },
      onAck(a) {
        seen.acks.push(a.wakeId);
        seen.rejections += a.results.filter((r) => r.status === ActionStatus.ACTION_STATUS_REJECTED).length;
      },
    };
    const processed: number[] = [];
    const out = await runAgent(strategy, {
      address,
      token: 't',
      fullWakeUps: false,
      resume: { attempts: 1, delayMs: 10 },
      onProcessed: (s) => processed.push(s),
    });
    // The resume starts after wake 1: wakes 2 and 3 and the ack were not processed.
    expect(hellos).toEqual([0, 1]);
    expect(seen.decided).toEqual([
      [1, [11]],
      [4, [21, 31, 41]],
    ]);
    // Before, wake 1's ack reached onAck twice (acks [1, 1, 4]), its rejection counted twice.
    expect(seen.acks).toEqual([1, 4]);
    expect(seen.rejections).toBe(1);
    // The ack sent again counts as processed all the same.
    expect(processed).toEqual([1, 6, 7, 8, 9]);
    expect(out).toMatchObject({ sessions: 2, skippedWakeUps: 2, lastReportSeq: 9 });
  });
});
