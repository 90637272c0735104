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
    expect([e.field, e.limit, e.actionIndex]).toEqual(['submit.product_id', 'a string', 1]);
    expect(e.message).toBe('actions[1]: submit.product_id: 42 cannot be sent (limit: a string)');
    const ref = refusal([{ clientRef: 7, kind: { $case: 'cancel', value: { orderId: 3 } } }]);
    expect([ref.field, ref.actionIndex]).toEqual(['client_ref', 0]);
    expect(
      refusal([
        { clientRef: '', kind: { $case: 'cancelAuctionBid', value: { auctionId: 'da', bidId: null } } },
      ]).field,
    ).toBe('cancel_auction_bid.bid_id');
  });

  it('names an integer field that holds a string', () => {
    const e = refusal([{ clientRef: '', kind: { $case: 'submit', value: { ...submitValue, side: 'buy' } } }]);
    expect([e.field, e.actionIndex]).toEqual(['submit.side', 0]);
    expect(e.message).toMatch(/^actions\[0\]: submit\.side: "buy" cannot be sent \(limit: an integer within/);
  });
});

describe('unencodableAction: every bad field of the action at fault', () => {
  it('names the first as field and limit and the others in `also` and after "; also: "', () => {
    const e = refusal([
      {
        clientRef: 7,
        kind: {
          $case: 'submit',
          value: { ...submitValue, productId: 'qh-\ud800', side: 'buy', priceTicks: 1.5 },
        },
      },
    ]);
    expect([e.field, e.actionIndex]).toEqual(['submit.product_id', 0]);
    expect(e.also.map((f) => f.field)).toEqual(['client_ref', 'submit.side', 'submit.price_ticks']);
    const [head, rest] = e.message.split('; also: ');
    expect(head).toMatch(
      /^actions\[0\]: submit\.product_id: "qh-\\ud800" cannot be sent: it holds a lone surrogate/,
    );
    expect(rest).toBe(
      'client_ref: 7 cannot be sent (limit: a string); ' +
        `submit.side: "buy" cannot be sent (limit: an integer within ±${Number.MAX_SAFE_INTEGER} (ticks, lots, ids, periods)); ` +
        `submit.price_ticks: 1.5 cannot be sent (limit: an integer within ±${Number.MAX_SAFE_INTEGER} (ticks, lots, ids, periods))`,
    );
  });

  it('has no `also` for one bad field', () => {
    const e = refusal([
      { clientRef: '', kind: { $case: 'submit', value: { ...submitValue, quantityLots: 0.5 } } },
    ]);
    expect(e.field).toBe('submit.quantity_lots');
    expect(e.also).toEqual([]);
  });
});

describe('unencodableAction: the door\'s field paths (docs/protocol.md "Field naming")', () => {
  // It named fields by their TypeScript names inside the batch (`actions[0].auctionBid.bid.curve
  // .points[1].quantityLots`) where the door and the Python SDK say `auction_bid.curve.points[1]
  // .quantity_lots`: the index is ActionBuildError.actionIndex now, the field the proto path.
  it('names a nested oneof by its case, in snake_case, with list indices', () => {
    const curve = {
      $case: 'auctionBid',
      value: {
        auctionId: 'da',
        bidId: 'b',
        bid: {
          $case: 'curve',
          value: {
            period: 0,
            interpolation: 1,
            points: [
              { priceTicks: 1, quantityLots: 1 },
              { priceTicks: 2, quantityLots: 0.5 },
            ],
          },
        },
      },
    };
    const e = refusal([{ clientRef: 'b', kind: curve }]);
    expect([e.field, e.actionIndex]).toEqual(['auction_bid.curve.points[1].quantity_lots', 0]);
    const lone = refusal([
      {
        clientRef: '',
        kind: {
          $case: 'energyBid',
          value: { productId: 'qh-\uD83D', direction: 1, quantityLots: 1, priceTicks: 1 },
        },
      },
    ]);
    expect([lone.field, lone.limit]).toEqual([
      'energy_bid.product_id',
      'valid UTF-8, the encoding of a proto3 string',
    ]);
  });

  it("names an entry that is no Action as the batch's `actions`, with its index", () => {
    const ok = { clientRef: '', kind: { $case: 'cancel', value: { orderId: 3 } } };
    const e = unencodableAction([ok, null] as unknown as Action[], new Error('boom'));
    expect([e.field, e.actionIndex]).toEqual(['actions', 1]);
    expect(e.message).toMatch(/^actions\[1\]: actions: null cannot be sent/);
  });
});
