// The gateway's decoder with its wire-type check: a field inside one action sent with the wrong
// wire type makes that action a stand-in the door rejects (the rest decode as sent); one in the
// envelope makes the whole message undecodable. Without the check, ts-proto skipped such a field
// and the action carried the proto default (a buy at price 0).
import { describe, expect, it } from 'vitest';
import { SessionRequest } from '../../gen/flexarena/v1/arena_service.js';
import { RejectCode } from '../../gen/flexarena/v1/market.js';
import { Action } from '../../gen/flexarena/v1/session.js';
import { admitAction, type DoorLimits } from '../../sim/index.js';
import { decodeSessionRequest } from './grpc-gateway.js';

const tag = (field: number, wt: number) => [(field << 3) | wt];
const ld = (field: number, body: number[]) => [...tag(field, 2), body.length, ...body];
const double = (x: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...b];
};
const text = (s: string) => [...Buffer.from(s)];

const valid = (ref: string) =>
  Array.from(
    Action.encode(
      Action.fromPartial({
        clientRef: ref,
        kind: {
          $case: 'submit',
          value: { productId: 'p1', side: 1, priceTicks: 8125, quantityLots: 1, timeInForce: 1 },
        },
      }),
    ).finish(),
  );
// A submit whose price_ticks (field 3, int64) comes as a double: 81.25 with wire type 1.
const submitBody = [...ld(1, text('p1')), ...tag(2, 0), 1, ...tag(5, 0), 1, ...tag(4, 0), 1];
const priceAsDouble = [...ld(1, text('bad')), ...ld(2, [...submitBody, ...tag(3, 1), ...double(81.25)])];

function request(batch: number[]): Buffer {
  return Buffer.from(ld(2, batch));
}

describe('decodeSessionRequest: wire types', () => {
  it('turns an action with a wrong wire type into a stand-in; its neighbours decode as sent', () => {
    const req = decodeSessionRequest(
      request([...tag(1, 0), 7, ...ld(2, valid('one')), ...ld(2, priceAsDouble), ...ld(2, valid('three'))]),
    );
    expect('undecodable' in req).toBe(false);
    expect(req.kind?.$case).toBe('actionBatch');
    const batch = (req.kind as { value: { wakeId: number; actions: unknown[] } }).value;
    expect(batch.wakeId).toBe(7);
    expect(batch.actions).toHaveLength(3);
    expect((batch.actions[0] as Action).kind?.$case).toBe('submit');
    expect((batch.actions[2] as Action).clientRef).toBe('three');
    expect(batch.actions[1]).toEqual({
      clientRef: 'bad',
      wireRefused: {
        field: 'submit.price_ticks',
        limit: 'wire type 0 (VARINT), the wire type of int64',
        message:
          'submit.price_ticks (field 3, int64) must be sent with wire type 0 (VARINT); got wire type 1 (I64)',
        bytes: Buffer.from(priceAsDouble).toString('base64'),
      },
    });
    // …and the door rejects the stand-in as INVALID_FIELD with those words, never a price of 0.
    const r = admitAction(batch.actions[1], { enabledKinds: new Set(['submit']) } as unknown as DoorLimits);
    expect(r).toEqual({
      ok: false,
      rejection: {
        code: RejectCode.REJECT_CODE_INVALID_FIELD,
        field: 'submit.price_ticks',
        limit: 'wire type 0 (VARINT), the wire type of int64',
        message:
          'submit.price_ticks (field 3, int64) must be sent with wire type 0 (VARINT); got wire type 1 (I64)',
      },
    });
  });

  it('names nested fields and leaves client_ref out when it is the field that did not fit', () => {
    const curve = [
      ...ld(3, [...tag(1, 1), ...double(1), ...tag(2, 0), 1]),
      ...ld(3, [...tag(1, 0), 5, ...tag(2, 5), 0, 0, 0, 63]),
    ];
    const bid = [...ld(1, text('da')), ...ld(2, text('b')), ...ld(3, curve)];
    const req = decodeSessionRequest(
      request([...tag(1, 0), 3, ...ld(2, [...ld(1, text('c')), ...ld(5, bid)]), ...ld(2, [...tag(1, 0), 5])]),
    );
    const actions = (
      req.kind as unknown as { value: { actions: { clientRef: string; wireRefused: { field: string } }[] } }
    ).value.actions;
    expect(actions[0]!.wireRefused.field).toBe('auction_bid.curve.points[0].price_ticks');
    expect(actions[1]).toMatchObject({ clientRef: '', wireRefused: { field: 'client_ref' } });
  });

  it('keeps unknown field numbers and packed encodings as protobuf allows', () => {
    const withUnknown = [...valid('u'), ...tag(14, 1), ...double(1), ...ld(15, [1, 2, 3])];
    const req = decodeSessionRequest(
      request([...tag(1, 0), 2, ...ld(2, withUnknown), ...tag(9, 5), 0, 0, 0, 0]),
    );
    expect(req).toEqual(
      SessionRequest.fromPartial({
        kind: {
          $case: 'actionBatch',
          value: { wakeId: 2, actions: [Action.decode(Uint8Array.from(valid('u')))] },
        },
      }),
    );
  });

  it('makes a mismatch in the envelope undecodable, naming the field', () => {
    const wakeAsDouble = decodeSessionRequest(request([...tag(1, 1), ...double(7), ...ld(2, valid('a'))]));
    expect(wakeAsDouble).toMatchObject({
      undecodable:
        'action_batch.wake_id (field 1, int64) must be sent with wire type 0 (VARINT); got wire type 1 (I64)',
    });
    const helloSeq = decodeSessionRequest(Buffer.from(ld(1, [...tag(4, 5), 1, 0, 0, 0])));
    expect(helloSeq).toMatchObject({
      undecodable: expect.stringMatching(/^hello\.last_report_seq \(field 4, int64\)/),
    });
    const actionsAsVarint = decodeSessionRequest(request([...tag(1, 0), 1, ...tag(2, 0), 1]));
    expect(actionsAsVarint).toMatchObject({
      undecodable: expect.stringMatching(/^action_batch\.actions \(field 2, repeated message\)/),
    });
  });

  it('makes bytes that are not protobuf undecodable, inside an action too', () => {
    // An end-group tag inside an action: ts-proto stopped reading the action there and went on
    // with the rest of its bytes as if they were the batch's.
    const r = decodeSessionRequest(request([...tag(1, 0), 1, ...ld(2, [...tag(3, 4), ...valid('x')])]));
    expect(r).toMatchObject({
      undecodable: expect.stringMatching(/^action_batch\.actions\[0\]\.cancel: .*end-group tag/),
    });
  });

  it('numbers actions in the last action_batch, the one the decoder keeps', () => {
    const first = ld(2, [...tag(1, 0), 1, ...ld(2, priceAsDouble)]);
    const second = ld(2, [...tag(1, 0), 2, ...ld(2, valid('k')), ...ld(2, priceAsDouble)]);
    const req = decodeSessionRequest(Buffer.from([...first, ...second]));
    const actions = (req.kind as { value: { actions: unknown[] } }).value.actions;
    expect((actions[0] as Action).clientRef).toBe('k');
    expect(actions[1]).toMatchObject({ wireRefused: { field: 'submit.price_ticks' } });
  });
});

describe('decodeSessionRequest: strings must be UTF-8', () => {
  // Without the check the decoder put U+FFFD for each bad sequence: 'p\xff1' and 'p\xfe1' both
  // became 'p\ufffd1', an id the agent never sent.
  const submitWithProduct = (ref: number[], product: number[]) => [
    ...ld(1, ref),
    ...ld(2, [...ld(1, product), ...tag(2, 0), 1, ...tag(3, 0), 5, ...tag(4, 0), 1, ...tag(5, 0), 1]),
  ];

  it('turns an action with a string that is not UTF-8 into a stand-in naming it; its neighbours decode', () => {
    const bad = submitWithProduct(text('two'), [0x70, 0xff, 0x31]);
    const req = decodeSessionRequest(
      request([...tag(1, 0), 4, ...ld(2, valid('one')), ...ld(2, bad), ...ld(2, valid('three'))]),
    );
    const actions = (req.kind as { value: { actions: unknown[] } }).value.actions;
    expect((actions[0] as Action).clientRef).toBe('one');
    expect((actions[2] as Action).clientRef).toBe('three');
    const refusal = {
      field: 'submit.product_id',
      limit: 'valid UTF-8, the encoding of a proto3 string',
      message: 'submit.product_id (field 1, string) must be valid UTF-8; got 3 bytes that are not: 70 ff 31',
    };
    expect(actions[1]).toEqual({
      clientRef: 'two',
      wireRefused: { ...refusal, bytes: Buffer.from(bad).toString('base64') },
    });
    const r = admitAction(actions[1], { enabledKinds: new Set(['submit']) } as unknown as DoorLimits);
    expect(r).toEqual({ ok: false, rejection: { code: RejectCode.REJECT_CODE_INVALID_FIELD, ...refusal } });
  });

  it('leaves client_ref out when it is the bad string, and shows at most 16 of its bytes', () => {
    const ref = [...Array(20).fill(0x61), 0xc0, 0x80];
    const req = decodeSessionRequest(
      request([...tag(1, 0), 4, ...ld(2, submitWithProduct(ref, text('p1')))]),
    );
    const actions = (req.kind as { value: { actions: unknown[] } }).value.actions;
    expect(actions[0]).toMatchObject({
      clientRef: '',
      wireRefused: {
        field: 'client_ref',
        message: `client_ref (field 1, string) must be valid UTF-8; got 22 bytes that are not: ${'61 '.repeat(16)}…`,
      },
    });
  });

  it('makes a string of the envelope that is not UTF-8 undecodable, naming it', () => {
    const hello = decodeSessionRequest(Buffer.from(ld(1, [...ld(3, [0x71, 0xed, 0xa0, 0x80])])));
    expect(hello).toMatchObject({
      undecodable:
        'hello.strategy (field 3, string) must be valid UTF-8; got 4 bytes that are not: 71 ed a0 80',
    });
    // Multi-byte UTF-8 is a string like any other.
    const fine = decodeSessionRequest(Buffer.from(ld(1, ld(3, text('stratégie €')))));
    expect(fine).toEqual(
      SessionRequest.fromPartial({ kind: { $case: 'hello', value: { strategy: 'stratégie €' } } }),
    );
  });
});
