// A string field whose bytes are not valid UTF-8, over a real gRPC session. The decoders used to put
// U+FFFD in place of each bad sequence, so the arena acted on an id the agent never sent (two
// different byte strings became one product or bid id). A hello whose sdk_name is not UTF-8 (the
// envelope) ends that stream with INVALID_ARGUMENT, as any undecodable message does. Then a batch:
// a valid submit, one whose product_id is not UTF-8, one whose client_ref is not, a valid one — the
// two in the middle are rejected INVALID_FIELD naming the field, the outer two rest at their prices,
// and the tape records the stand-ins with the actions' bytes.
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
import { ld, text, vint } from '../helpers/proto-bytes.js';
import {
  bearer,
  helloUntilOpenProduct,
  nextMatching,
  openRawSession,
  rawClient,
} from '../helpers/raw-session.js';

afterEach(stopAll);

const TOKEN = 'hand-token-utf8-1';

/** Action{client_ref, submit: SubmitOrder{product_id, side, price_ticks, quantity_lots, GTC}}, raw strings. */
function submit(ref: number[], productId: number[], side: number, price: number): number[] {
  const order = [...ld(1, productId), ...vint(2, side), ...vint(3, price), ...vint(4, 1), ...vint(5, 1)];
  return [...ld(1, ref), ...ld(2, order)];
}

describe('the door: a string that is not UTF-8', () => {
  it('rejects that action with INVALID_FIELD naming the field; its neighbours are processed', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoWithHandAgent({ id: 'manual', strategy: 'raw', token: TOKEN });
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--in-process'], STARTUP_MS);
    const client = rawClient(arena.address);

    // ---- a hello whose sdk_name is 't' + 0xff: the envelope — the stream ends ----
    const bad = openRawSession(client, bearer(TOKEN));
    bad.send(Buffer.from(ld(1, [...ld(1, [0x74, 0xff]), ...ld(3, text('raw'))])));
    const end = await nextMatching(bad, (e) => e.type === 'error');
    if (end.type !== 'error') throw new Error('unreachable');
    expect(end.error.code).toBe(status.INVALID_ARGUMENT);
    expect(end.error.details).toBe(
      'message: not a SessionRequest (hello.sdk_name (field 1, string) must be valid UTF-8; got 2 bytes that are not: 74 ff)',
    );
    bad.close();

    const s = openRawSession(client, bearer(TOKEN));
    const { market, wakeId, productId } = await helloUntilOpenProduct(s);
    // Far from the market on both sides, so neither trades: a buy at 1.00 EUR/MWh, a sell at the cap.
    const low = 100;
    const high = market.priceMaxTicks;
    // The product id with a lone continuation byte after it: U+FFFD would have made it a product
    // id of its own (unknown) — or, with two such bytes sent as two ids, the same one.
    const badProduct = [...text(productId), 0x80];
    const badRef = [0x72, 0xed, 0xa0, 0x80]; // 'r' + an encoded surrogate (U+D800)
    const actions = [
      submit(text('buy'), text(productId), 1, low),
      submit(text('bad-product'), badProduct, 1, low),
      submit(badRef, text(productId), 1, low),
      submit(text('sell'), text(productId), 2, high),
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
      [1, 'bad-product', 'ACTION_STATUS_REJECTED'],
      [2, '', 'ACTION_STATUS_REJECTED'],
      [3, 'sell', 'ACTION_STATUS_ACCEPTED'],
    ]);
    const hex = (b: number[]) => b.map((x) => x.toString(16).padStart(2, '0'));
    const [r1, r2] = [ack!.results[1]!, ack!.results[2]!];
    expect([r1.rejectCode, r1.field, r1.limit, r1.message]).toEqual([
      RejectCode.REJECT_CODE_INVALID_FIELD,
      'submit.product_id',
      'valid UTF-8, the encoding of a proto3 string',
      `submit.product_id (field 1, string) must be valid UTF-8; got ${badProduct.length} bytes that are not: ${hex(badProduct).slice(0, 16).join(' ')}${badProduct.length > 16 ? ' …' : ''}`,
    ]);
    expect([r2.rejectCode, r2.field, r2.message]).toEqual([
      RejectCode.REJECT_CODE_INVALID_FIELD,
      'client_ref',
      'client_ref (field 1, string) must be valid UTF-8; got 4 bytes that are not: 72 ed a0 80',
    ]);
    expect([r1.orderId, r2.orderId]).toEqual([0, 0]);

    // ---- the next wake-up: the two valid orders rest at their prices, nothing else ----
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

    // ---- play to the end (empty answers); the tape keeps the stand-ins ----
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
    const taped = batch!.actions as unknown[];
    expect(taped[1]).toEqual({
      clientRef: 'bad-product',
      wireRefused: {
        field: 'submit.product_id',
        limit: 'valid UTF-8, the encoding of a proto3 string',
        message: r1.message,
        bytes: Buffer.from(actions[1]!).toString('base64'),
      },
    });
    expect(taped[2]).toMatchObject({
      clientRef: '',
      wireRefused: { field: 'client_ref', bytes: Buffer.from(actions[2]!).toString('base64') },
    });
    expect(batch!.rejected).toEqual([
      { index: 1, code: 'REJECT_CODE_INVALID_FIELD', field: 'submit.product_id' },
      { index: 2, code: 'REJECT_CODE_INVALID_FIELD', field: 'client_ref' },
    ]);
  });
});
