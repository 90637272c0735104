// The names an agent sees in a venue's rejection: its field and its message name the proto's
// fields (snake_case paths inside the Action), whatever the market library calls them.
import { describe, expect, it } from 'vitest';
import { CurveInterpolation } from '../../gen/flexarena/v1/auction.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { Action } from '../../gen/flexarena/v1/session.js';
import { fieldPath, protocolLimit, protocolMessage } from './field-path.js';

const submit = (productId: string, peakLots = 0) =>
  Action.fromPartial({
    kind: {
      $case: 'submit',
      value: {
        productId,
        side: Side.SIDE_BUY,
        priceTicks: 100,
        quantityLots: 1,
        timeInForce: TimeInForce.TIME_IN_FORCE_IOC,
        peakLots,
      },
    },
  });

describe('protocolMessage', () => {
  it('names the rejected field and the other fields of the order by their proto paths', () => {
    // Before: "peakLots must be … (the order's quantityLots); got 5", field submit.peak_lots.
    const a = submit('qh-20261122-0800', 5);
    expect(
      protocolMessage(
        a,
        'peakLots',
        "peakLots must be an integer >= 1 and <= 1 (the order's quantityLots); got 5",
      ),
    ).toBe("submit.peak_lots must be an integer >= 1 and <= 1 (the order's submit.quantity_lots); got 5");
    expect(
      protocolMessage(a, 'quantityLots', 'quantityLots must be <= 0 (what can be filled now); got 1'),
    ).toBe('submit.quantity_lots must be <= 0 (what can be filled now); got 1');
  });

  // Before, as the library has them: "'GTC' for an iceberg order …; got \"IOC\"", "IOC AON (fill
  // or kill)", names no agent can look up: it sent TIME_IN_FORCE_IOC (2).
  it('names enum values as the proto does, in the message and in the limit', () => {
    const a = submit('qh-20261122-0800', 5);
    expect(
      protocolMessage(a, 'tif', 'tif must be \'GTC\' for an iceberg order (peakLots is set); got "IOC"'),
    ).toBe(
      'submit.time_in_force must be TIME_IN_FORCE_GTC for an iceberg order (submit.peak_lots is set); got TIME_IN_FORCE_IOC',
    );
    expect(protocolLimit(a, 'tif', "'GTC' for an iceberg order")).toBe(
      'TIME_IN_FORCE_GTC for an iceberg order',
    );
    expect(
      protocolMessage(
        a,
        'restriction',
        'restriction must be \'NONE\' for an iceberg order (peakLots is set); got "AON"',
      ),
    ).toBe(
      'submit.restriction must be EXECUTION_RESTRICTION_NONE for an iceberg order (submit.peak_lots is set); got EXECUTION_RESTRICTION_AON',
    );
    expect(
      protocolMessage(a, 'quantityLots', 'IOC AON (fill or kill) quantityLots must be <= 0; got 5'),
    ).toBe(
      'TIME_IN_FORCE_IOC EXECUTION_RESTRICTION_AON (fill or kill) submit.quantity_lots must be <= 0; got 5',
    );
    expect(protocolMessage(a, 'quantityLots', 'FOK quantityLots must be <= 0; got 5')).toBe(
      'TIME_IN_FORCE_FOK submit.quantity_lots must be <= 0; got 5',
    );
    expect(protocolMessage(a, 'submit', 'submit: 3 open orders, cancel some or use IOC/FOK')).toBe(
      'submit: 3 open orders, cancel some or use TIME_IN_FORCE_IOC/TIME_IN_FORCE_FOK',
    );
    expect(protocolMessage(a, 'side', "side must be 'buy' or 'sell'; got \"up\"")).toBe(
      'submit.side must be SIDE_BUY or SIDE_SELL; got "up"',
    );
    expect(protocolLimit(a, 'interpolation', "'step' or 'linear'")).toBe(
      'CURVE_INTERPOLATION_STEP or CURVE_INTERPOLATION_LINEAR',
    );
  });

  it('leaves a quoted value of another field, and prose, as they are', () => {
    // A product id is the agent's string, whatever it reads like; "up" in prose is a word.
    const a = submit('IOC');
    expect(protocolMessage(a, 'productId', 'productId "IOC" is not a configured product id')).toBe(
      'submit.product_id "IOC" is not a configured product id',
    );
    expect(
      protocolMessage(a, 'quantityLots', "awarded up capacity of 2 lots; the order's quantityLots"),
    ).toBe("awarded up capacity of 2 lots; the order's submit.quantity_lots");
  });

  it('leaves what the agent sent as it is, even when it reads like a field name', () => {
    const a = submit('peakLots');
    expect(protocolMessage(a, 'productId', 'productId "peakLots" is not a configured product id')).toBe(
      'submit.product_id "peakLots" is not a configured product id',
    );
  });

  it('leaves a message about the arrival time, and one that does not open with its field, as they are', () => {
    const a = submit('qh-20261122-0800');
    const gate =
      'time must be < 2026-11-22T07:55:00.000Z (gate closure of product qh-20261122-0800); got 2026-11-22T07:56:00.000Z';
    expect(protocolMessage(a, 'time', gate)).toBe(gate);
    expect(fieldPath(a, 'time')).toBe('submit.product_id');
    // A modify names no product: its order is what the gate closed on. Before, modify.product_id,
    // no field of ModifyOrder.
    const modify = Action.fromPartial({
      kind: { $case: 'modify', value: { orderId: 7, priceTicks: 100, quantityLots: 1 } },
    });
    expect(fieldPath(modify, 'time')).toBe('modify.order_id');
    expect(protocolMessage(a, 'submit', 'submit: the agent already has 3 open orders')).toBe(
      'submit: the agent already has 3 open orders',
    );
  });

  it('names a curve point inside an auction bid, and a balancing bid price, as the proto does', () => {
    const bid = Action.fromPartial({
      kind: {
        $case: 'auctionBid',
        value: {
          auctionId: 'da-20261122',
          bidId: 'b1',
          bid: {
            $case: 'curve',
            value: { period: 32, interpolation: CurveInterpolation.CURVE_INTERPOLATION_STEP, points: [] },
          },
        },
      },
    });
    expect(
      protocolMessage(
        bid,
        'points[2].priceTicks',
        'points[2].priceTicks must be > 100: prices strictly increase along a curve; got 90',
      ),
    ).toBe(
      'auction_bid.curve.points[2].price_ticks must be > 100: prices strictly increase along a curve; got 90',
    );
    const capacity = Action.fromPartial({
      kind: {
        $case: 'capacityBid',
        value: {
          productId: 'afrr-20261122-2',
          direction: BalancingDirection.BALANCING_DIRECTION_UP,
          quantityLots: 10,
          priceTicks: 10_000_000,
        },
      },
    });
    // Before, the field too was the library's: capacity_bid.capacity_price_ticks.
    expect(fieldPath(capacity, 'capacityPriceTicks')).toBe('capacity_bid.price_ticks');
    expect(
      protocolMessage(
        capacity,
        'capacityPriceTicks',
        'capacityPriceTicks must be an integer >= 0 and <= 999900; got 10000000',
      ),
    ).toBe('capacity_bid.price_ticks must be an integer >= 0 and <= 999900; got 10000000');
  });
});
