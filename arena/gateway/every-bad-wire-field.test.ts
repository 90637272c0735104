// The gateway's wire check names every field of an action (or of the envelope) that came with the
// wrong wire type or a string that is not UTF-8, as the door names every bad field of an action:
// the first as field and limit, the others after it ("…; also: …"). It used to stop at the first,
// so an agent fixed one field per round trip.
import { describe, expect, it } from 'vitest';
import { RejectCode } from '../../gen/flexarena/v1/market.js';
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
const request = (batch: number[]) => Buffer.from(ld(2, batch));

describe('the wire check names every bad field', () => {
  it('of an action: the stand-in carries the others, the door names them after the first', () => {
    // client_ref sent as a varint, product_id not UTF-8, price_ticks as a double.
    const submit = [...ld(1, [0x70, 0xff]), ...tag(2, 0), 1, ...tag(3, 1), ...double(81.25), ...tag(4, 0), 1];
    const action = [...tag(1, 0), 5, ...ld(2, submit)];
    const req = decodeSessionRequest(request([...tag(1, 0), 3, ...ld(2, action)]));
    const stand = (req.kind as { value: { actions: unknown[] } }).value.actions[0] as {
      clientRef: string;
      wireRefused: { field: string; also?: { field: string }[] };
    };
    expect(stand.clientRef).toBe('');
    expect(stand.wireRefused.field).toBe('client_ref');
    expect(stand.wireRefused.also?.map((x) => x.field)).toEqual(['submit.product_id', 'submit.price_ticks']);
    const r = admitAction(stand, { enabledKinds: new Set(['submit']) } as unknown as DoorLimits);
    if (r.ok) throw new Error('admitted');
    expect([r.rejection.code, r.rejection.field]).toEqual([
      RejectCode.REJECT_CODE_INVALID_FIELD,
      'client_ref',
    ]);
    expect(r.rejection.limit).toBe('wire type 2 (LEN), the wire type of string');
    const [head, rest] = r.rejection.message.split('; also: ');
    expect(head).toBe(
      'client_ref (field 1, string) must be sent with wire type 2 (LEN); got wire type 0 (VARINT)',
    );
    expect(rest).toBe(
      'submit.product_id (field 1, string) must be valid UTF-8; got 2 bytes that are not: 70 ff; ' +
        'submit.price_ticks (field 3, int64) must be sent with wire type 0 (VARINT); got wire type 1 (I64)',
    );
  });

  it('inside the points of a curve, each with its index', () => {
    const curve = [
      ...ld(3, [...tag(1, 1), ...double(1), ...tag(2, 0), 1]),
      ...ld(3, [...tag(1, 0), 5, ...tag(2, 5), 0, 0, 0, 63]),
    ];
    const bid = [...ld(1, text('da')), ...ld(2, text('b')), ...ld(3, curve)];
    const req = decodeSessionRequest(
      request([...tag(1, 0), 3, ...ld(2, [...ld(1, text('c')), ...ld(5, bid)])]),
    );
    const stand = (req.kind as { value: { actions: unknown[] } }).value.actions[0] as {
      clientRef: string;
      wireRefused: { field: string; also?: { field: string }[] };
    };
    expect(stand.clientRef).toBe('c');
    expect(stand.wireRefused.field).toBe('auction_bid.curve.points[0].price_ticks');
    expect(stand.wireRefused.also?.map((x) => x.field)).toEqual([
      'auction_bid.curve.points[1].quantity_lots',
    ]);
  });

  it('of the envelope: the undecodable message names them all', () => {
    // wake_id as a double, then a second wake_id as a 32-bit value (both ignored by the decoder).
    const r = decodeSessionRequest(request([...tag(1, 1), ...double(7), ...tag(1, 5), 0, 0, 0, 0]));
    expect(r).toMatchObject({
      undecodable:
        'action_batch.wake_id (field 1, int64) must be sent with wire type 0 (VARINT); got wire type 1 (I64); also: ' +
        'action_batch.wake_id (field 1, int64) must be sent with wire type 0 (VARINT); got wire type 5 (I32)',
    });
  });

  it('one bad field: no also, as before', () => {
    const submit = [...ld(1, text('p')), ...tag(2, 0), 1, ...tag(3, 1), ...double(81.25), ...tag(4, 0), 1];
    const req = decodeSessionRequest(
      request([...tag(1, 0), 3, ...ld(2, [...ld(1, text('x')), ...ld(2, submit)])]),
    );
    const stand = (req.kind as { value: { actions: unknown[] } }).value.actions[0] as {
      wireRefused: Record<string, unknown>;
    };
    expect(stand.wireRefused.field).toBe('submit.price_ticks');
    expect('also' in stand.wireRefused).toBe(false);
  });
});
