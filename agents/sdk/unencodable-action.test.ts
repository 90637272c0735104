// A batch the wire cannot hold is an ActionBuildError naming the action's field. A value of the
// wrong type in a field — a product id of 42, a client_ref of 7, a side of 'buy' from a strategy that
// builds actions by hand — was an ActionBuildError naming only "actions" (or "actions[0]") with the
// encoder's words ("s.isWellFormed is not a function", "invalid int32: NaN").
import { describe, expect, it } from 'vitest';
import { SessionRequest } from '../../gen/flexarena/v1/arena_service.js';
import type { Action } from '../../gen/flexarena/v1/session.js';
import { requestSerializer } from './agent-client.js';
import { ActionBuildError } from './errors.js';
import { unencodableAction } from './unencodable-action.js';

const submitValue = {
  productId: 'qh-20261122-1000',
  side: 1,
  priceTicks: 100,
  quantityLots: 1,
  timeInForce: 1,
  restriction: 1,
  peakLots: 0,
};

function refusal(actions: unknown[]): ActionBuildError {
  const req = SessionRequest.fromPartial({
    kind: { $case: 'actionBatch', value: { wakeId: 1, actions: [] } },
  });
  (req.kind as { value: { actions: unknown[] } }).value.actions = actions;
  let cause: unknown;
  try {
    requestSerializer()(req);
  } catch (err) {
    cause = err;
  }
  expect(cause).toBeDefined();
  const e = unencodableAction(actions as Action[], cause);
  expect(e).toBeInstanceOf(ActionBuildError);
  expect(e.cause).toBe(cause);
  return e;
}

describe('unencodableAction: a value of the wrong type', () => {
  it('names a string field that holds something else', () => {
    const ok = { clientRef: '', kind: { $case: 'submit', value: submitValue } };
    const e = refusal([
      ok,
      { clientRef: '', kind: { $case: 'submit', value: { ...submitValue, productId: 42 } } },
    ]);
    expect([e.field, e.limit]).toEqual(['actions[1].submit.productId', 'a string']);
    expect(e.message).toBe('actions[1].submit.productId: 42 cannot be sent (limit: a string)');
    expect(refusal([{ clientRef: 7, kind: { $case: 'cancel', value: { orderId: 3 } } }]).field).toBe(
      'actions[0].clientRef',
    );
    expect(
      refusal([
        { clientRef: '', kind: { $case: 'cancelAuctionBid', value: { auctionId: 'da', bidId: null } } },
      ]).field,
    ).toBe('actions[0].cancelAuctionBid.bidId');
  });

  it('names an integer field that holds a string', () => {
    const e = refusal([{ clientRef: '', kind: { $case: 'submit', value: { ...submitValue, side: 'buy' } } }]);
    expect(e.field).toBe('actions[0].submit.side');
    expect(e.message).toMatch(/^actions\[0\]\.submit\.side: "buy" cannot be sent \(limit: an integer within/);
  });
});
