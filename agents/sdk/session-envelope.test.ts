// The SDK's own envelope codecs give exactly what the generated ones give (gen/flexarena/v1/
// arena_service.ts, the arena's): requests byte for byte, responses field for field — each kind of
// the oneof, an empty envelope, fields the SDK does not know (skipped), a known number with the
// wrong wire type (skipped) and two oneof fields in one message (the last wins).
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import {
  ArenaServiceService,
  SessionRequest,
  SessionResponse,
} from '../../gen/flexarena/v1/arena_service.js';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import {
  BatchStatus,
  CancelOrder,
  SubmitOrder,
  WakeUp,
  WakeUpEncoding,
} from '../../gen/flexarena/v1/session.js';
import { FastBinaryReader, FastBinaryWriter } from '../../lib/index.js';
import { decodeSessionResponse, encodeSessionRequest, SESSION_PATH } from './session-envelope.js';

const REQUESTS: SessionRequest[] = [
  SessionRequest.fromPartial({}),
  SessionRequest.fromPartial({
    kind: {
      $case: 'hello',
      value: {
        sdkName: 'flexarena-ts',
        sdkVersion: '0.2.0',
        strategy: 'lp-battery',
        lastReportSeq: 2 ** 40,
        wakeUpEncoding: WakeUpEncoding.WAKE_UP_ENCODING_DELTA_PRIVATE,
        acksInWakeUp: true,
      },
    },
  }),
  {
    kind: {
      $case: 'actionBatch',
      value: {
        wakeId: 351,
        actions: [
          {
            clientRef: 'a',
            kind: {
              $case: 'submit',
              value: SubmitOrder.fromPartial({
                productId: 'qh-20261122-0001',
                side: Side.SIDE_SELL,
                priceTicks: -(2 ** 40),
                quantityLots: 3,
                timeInForce: TimeInForce.TIME_IN_FORCE_IOC,
              }),
            },
          },
          { clientRef: 'b', kind: { $case: 'cancel', value: CancelOrder.fromPartial({ orderId: 2 ** 52 }) } },
        ],
      },
    },
  },
];

const WAKE = WakeUp.fromPartial({
  wakeId: 42,
  baseWakeId: 41,
  timeMs: 1_795_000_000_000,
  reportSeq: 77,
  cashUnits: -(2 ** 40),
  positions: [{ productId: 'qh-20261122-0003', netLots: -2, boughtLots: 1, soldLots: 3, cashUnits: 77 }],
  books: [
    {
      productId: 'qh-20261122-0001',
      bids: [{ priceTicks: -(2 ** 40), quantityLots: 3, orderCount: 1 }],
      asks: [{ priceTicks: 9_000, quantityLots: 2 ** 33, orderCount: 2 }],
    },
  ],
});

const RESPONSES: SessionResponse[] = [
  SessionResponse.fromPartial({}),
  SessionResponse.fromPartial({
    kind: {
      $case: 'welcome',
      value: { runId: 'r', agentId: 'lp-1', decisionIntervalMs: 900_000, deadlineMs: 5_000, resumed: true },
    },
  }),
  SessionResponse.fromPartial({ kind: { $case: 'wakeUp', value: WAKE } }),
  SessionResponse.fromPartial({
    kind: {
      $case: 'actionAck',
      value: {
        wakeId: 42,
        reportSeq: 78,
        batchStatus: BatchStatus.BATCH_STATUS_LATE,
        message: 'late',
        results: [{ index: 1 }],
      },
    },
  }),
  SessionResponse.fromPartial({
    kind: { $case: 'runEnded', value: { reason: 'clock ended', finalReport: WAKE } },
  }),
];

const fastDecode = (bytes: Uint8Array) => SessionResponse.decode(new FastBinaryReader(bytes));
const ownDecode = (bytes: Uint8Array) => decodeSessionResponse(new FastBinaryReader(bytes));

describe('encodeSessionRequest', () => {
  it('writes the bytes SessionRequest.encode writes', () => {
    for (const r of REQUESTS) {
      const own = encodeSessionRequest(r, new FastBinaryWriter()).finish();
      expect(own).toEqual(SessionRequest.encode(r, new FastBinaryWriter()).finish());
    }
    // Not vacuous: the hello and the batch are not empty.
    expect(encodeSessionRequest(REQUESTS[2]!, new BinaryWriter()).finish().length).toBeGreaterThan(40);
  });
});

describe('decodeSessionResponse', () => {
  it('reads every kind of response as SessionResponse.decode reads it', () => {
    for (const r of RESPONSES) {
      const bytes = SessionResponse.encode(r).finish();
      expect(ownDecode(bytes)).toEqual(fastDecode(bytes));
      expect(ownDecode(bytes)).toEqual(r);
    }
  });

  it('skips unknown fields and known numbers of the wrong wire type, and keeps the last oneof field', () => {
    const w = new BinaryWriter();
    w.tag(9, 0).uint32(5); // unknown varint
    w.tag(1, 0).uint32(7); // welcome's number as a varint
    w.tag(12, 2).bytes(new Uint8Array([1, 2, 3])); // unknown length-delimited
    w.tag(13, 1).fixed64(1); // unknown fixed64
    w.tag(14, 5).fixed32(2); // unknown fixed32
    w.tag(2, 2).bytes(WakeUp.encode(WAKE).finish());
    w.tag(4, 2).bytes(new Uint8Array()); // run_ended after the wake-up: the last wins
    const bytes = w.finish();
    expect(ownDecode(bytes)).toEqual(fastDecode(bytes));
    expect(ownDecode(bytes).kind?.$case).toBe('runEnded');
  });
});

describe('SESSION_PATH', () => {
  it('is the generated service definition’s path of Session', () => {
    expect(SESSION_PATH).toBe(ArenaServiceService.session.path);
  });
});
