// A field sent with the wrong protobuf wire type, over a real gRPC session: the agent answers a
// wake-up with three submits, the middle one's price_ticks (field 3, int64) written as a double
// (wire type 1). ts-proto used to skip that field, and the order rested at price 0. Now the middle
// action is rejected INVALID_FIELD naming submit.price_ticks, the wire type it must have and the
// one that came; its two neighbours are accepted and rest at their prices; the tape records the
// stand-in with the action's bytes. A wake_id sent as a double (the envelope) ends the stream
// with INVALID_ARGUMENT, as any undecodable message does.
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { RejectCode } from '../../gen/flexarena/v1/market.js';
import { ActionStatus } from '../../gen/flexarena/v1/session.js';
import {
  demoWithHandAgent,
  readTape,
  STARTUP_MS,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { double, ld, str, vint } from '../helpers/proto-bytes.js';
import {
  bearer,
  hello,
  helloUntilOpenProduct,
  nextMatching,
  openRawSession,
  rawClient,
} from '../helpers/raw-session.js';

afterEach(stopAll);

const TOKEN = 'hand-token-wire-types-1';

/** Action{client_ref, submit: SubmitOrder{product_id, side, price_ticks, quantity_lots, GTC}}. */
function submit(ref: string, productId: string, side: number, price: number[]): number[] {
  const order = [...str(1, productId), ...vint(2, side), ...price, ...vint(4, 1), ...vint(5, 1)];
  return [...str(1, ref), ...ld(2, order)];
}

describe('the door: a field with the wrong wire type', () => {
  it('rejects that action with INVALID_FIELD naming the field; its neighbours are processed', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoWithHandAgent({ id: 'manual', strategy: 'raw', token: TOKEN });
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--in-process'], STARTUP_MS);
    const client = rawClient(arena.address);
    let s = openRawSession(client, bearer(TOKEN));
    const { market, wakeId, productId } = await helloUntilOpenProduct(s);
    // Far from the market on both sides, so neither trades: a buy at 1.00 EUR/MWh, a sell at the cap.
    const low = 100;
    const high = market.priceMaxTicks;
    const bad = submit('bad', productId, 1, double(3, 81.25));
    const actions = [
      submit('buy', productId, 1, vint(3, low)),
      bad,
      submit('sell', productId, 2, vint(3, high)),
    ];
    s.send(Buffer.from(ld(2, [...vint(1, wakeId), ...actions.flatMap((a) => ld(2, a))])));

    const a = await nextMatching(
      s,
      (e) =>
        e.type === 'data' && e.message.kind?.$case === 'actionAck' && e.message.kind.value.wakeId === wakeId,
    );
    const ack = a.type === 'data' && a.message.kind?.$case === 'actionAck' ? a.message.kind.value : undefined;
    expect(ack!.results.map((r) => [r.index, r.clientRef, ActionStatus[r.status]])).toEqual([
      [0, 'buy', 'ACTION_STATUS_ACCEPTED'],
      [1, 'bad', 'ACTION_STATUS_REJECTED'],
      [2, 'sell', 'ACTION_STATUS_ACCEPTED'],
    ]);
    const rejected = ack!.results[1]!;
    expect(rejected.rejectCode).toBe(RejectCode.REJECT_CODE_INVALID_FIELD);
    expect(rejected.field).toBe('submit.price_ticks');
    expect(rejected.limit).toBe('wire type 0 (VARINT), the wire type of int64');
    expect(rejected.message).toBe(
      'submit.price_ticks (field 3, int64) must be sent with wire type 0 (VARINT); got wire type 1 (I64)',
    );
    expect(rejected.orderId).toBe(0);

    // ---- the next wake-up: the two valid orders rest at their prices, nothing at 0 ----
    s.sendRequest({ kind: { $case: 'actionBatch', value: { wakeId: wakeId + 1, actions: [] } } });
    const next = await nextMatching(
      s,
      (e) => e.type === 'data' && e.message.kind?.$case === 'wakeUp' && e.message.kind.value.wakeId > wakeId,
    );
    const open =
      next.type === 'data' && next.message.kind?.$case === 'wakeUp' ? next.message.kind.value.openOrders : [];
    expect(open.map((o) => [o.productId, o.priceTicks]).sort()).toEqual(
      [
        [productId, low],
        [productId, high],
      ].sort(),
    );

    // ---- a wake_id sent as a double: the envelope, not an action — the stream ends ----
    s.send(Buffer.from(ld(2, [...double(1, wakeId + 1), ...ld(2, actions[0]!)])));
    const end = await nextMatching(s, (e) => e.type === 'error');
    if (end.type !== 'error') throw new Error('unreachable');
    expect(end.error.code).toBe(status.INVALID_ARGUMENT);
    expect(end.error.details).toBe(
      'message: not a SessionRequest (action_batch.wake_id (field 1, int64) must be sent with wire type 0 (VARINT); got wire type 1 (I64))',
    );

    // ---- resume and play to the end (empty answers); the tape keeps the stand-in ----
    s = openRawSession(client, bearer(TOKEN));
    s.sendRequest(hello());
    for (;;) {
      const e = await s.next(120_000);
      if (e.type !== 'data') break;
      const k = e.message.kind;
      if (k?.$case === 'runEnded') break;
      if (k?.$case === 'wakeUp')
        s.sendRequest({ kind: { $case: 'actionBatch', value: { wakeId: k.value.wakeId, actions: [] } } });
    }
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    s.close();
    client.close();
    const batch = readTape(arena.runDir).find(
      (r) => r.type === 'batch' && r.agent === 'manual' && r.wakeId === wakeId,
    );
    expect((batch!.actions as unknown[])[1]).toEqual({
      clientRef: 'bad',
      wireRefused: {
        field: 'submit.price_ticks',
        limit: 'wire type 0 (VARINT), the wire type of int64',
        message: rejected.message,
        bytes: Buffer.from(bad).toString('base64'),
      },
    });
    expect(batch!.rejected).toEqual([
      { index: 1, code: 'REJECT_CODE_INVALID_FIELD', field: 'submit.price_ticks' },
    ]);
  });
});
