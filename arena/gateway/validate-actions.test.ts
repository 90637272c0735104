import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { type ExecutionRestriction, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import type { Action, ActionBatch, ModifyOrder, SubmitOrder } from '../../gen/flexarena/v1/session.js';
import { type ProtocolLimits, validateActionBatch } from './validate-actions.js';

const LIMITS: ProtocolLimits = {
  priceMinTicks: -999_900,
  priceMaxTicks: 999_900,
  maxQuantityLots: 10_000,
  maxActionsPerBatch: 5,
  maxClientRefLength: 8,
};

function submitAction(over: Partial<SubmitOrder> = {}, clientRef = ''): Action {
  return {
    clientRef,
    kind: {
      $case: 'submit',
      value: {
        productId: 'qh-20261122-1200',
        side: Side.SIDE_BUY,
        priceTicks: 8_000,
        quantityLots: 10,
        restriction: 0,
        peakLots: 0,
        timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
        ...over,
      },
    },
  };
}

function cancelAction(orderId: number): Action {
  return { clientRef: '', kind: { $case: 'cancel', value: { orderId } } };
}

function modifyAction(over: Partial<ModifyOrder> = {}): Action {
  return {
    clientRef: '',
    kind: { $case: 'modify', value: { orderId: 3, priceTicks: 8_100, quantityLots: 5, ...over } },
  };
}

function batch(...actions: Action[]): ActionBatch {
  return { wakeId: 1, actions };
}

/** Validates a batch whose only broken action is at index 1, behind a valid one. */
function second(action: Action) {
  return validateActionBatch(batch(submitAction(), action), LIMITS);
}

describe('validateActionBatch', () => {
  it('accepts a valid batch of every action kind, and an empty batch', () => {
    expect(
      validateActionBatch(
        batch(
          submitAction({}, 'ref-1'),
          submitAction({ side: Side.SIDE_SELL, timeInForce: TimeInForce.TIME_IN_FORCE_IOC }),
          submitAction({ timeInForce: TimeInForce.TIME_IN_FORCE_FOK, priceTicks: -500 }),
          cancelAction(1),
          modifyAction(),
        ),
        LIMITS,
      ),
    ).toBeUndefined();
    expect(validateActionBatch(batch(), LIMITS)).toBeUndefined();
  });

  it('refuses more actions than the limit with RESOURCE_EXHAUSTED; exactly the limit is fine', () => {
    const five = Array.from({ length: 5 }, () => cancelAction(1));
    expect(validateActionBatch(batch(...five), LIMITS)).toBeUndefined();
    const v = validateActionBatch(batch(...five, cancelAction(1)), LIMITS);
    expect(v).toBeDefined();
    expect(v!.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(v!.field).toBe('actions');
    expect(v!.message).toContain('6');
    expect(v!.message).toContain('limit of 5');
  });

  it('names actions[i].kind when no kind is set', () => {
    const v = second({ clientRef: '', kind: undefined });
    expect(v).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'actions[1].kind' });
    expect(v!.message).toMatch(/^actions\[1\]\.kind: /);
    expect(v!.message).toMatch(/submit, cancel, modify/);
  });

  it('names actions[i].client_ref and the length limit', () => {
    expect(second(submitAction({}, '12345678'))).toBeUndefined();
    const v = second(submitAction({}, '123456789'));
    expect(v).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'actions[1].client_ref' });
    expect(v!.message).toContain('9');
    expect(v!.message).toContain('exceeds 8');
  });

  it('names submit.product_id when it is empty', () => {
    expect(second(submitAction({ productId: '' }))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: 'actions[1].submit.product_id',
    });
  });

  it('names submit.side for unspecified or unknown sides', () => {
    for (const side of [Side.SIDE_UNSPECIFIED, Side.UNRECOGNIZED, 7 as Side]) {
      const v = second(submitAction({ side }));
      expect(v).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'actions[1].submit.side' });
      expect(v!.message).toContain('SIDE_BUY (1) or SIDE_SELL (2)');
    }
  });

  it('names submit.time_in_force for unknown values', () => {
    for (const tif of [9 as TimeInForce, -1 as TimeInForce, 1.5 as TimeInForce]) {
      expect(second(submitAction({ timeInForce: tif }))).toMatchObject({
        code: status.INVALID_ARGUMENT,
        field: 'actions[1].submit.time_in_force',
      });
    }
  });

  it('accepts prices exactly at the limits and refuses one tick beyond, naming the range', () => {
    expect(second(submitAction({ priceTicks: LIMITS.priceMinTicks }))).toBeUndefined();
    expect(second(submitAction({ priceTicks: LIMITS.priceMaxTicks }))).toBeUndefined();
    for (const priceTicks of [LIMITS.priceMinTicks - 1, LIMITS.priceMaxTicks + 1]) {
      const v = second(submitAction({ priceTicks }));
      expect(v).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'actions[1].submit.price_ticks' });
      expect(v!.message).toContain(String(priceTicks));
      expect(v!.message).toContain('[-999900, 999900]');
    }
  });

  it('refuses non-integer prices', () => {
    for (const priceTicks of [100.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(second(submitAction({ priceTicks }))?.field).toBe('actions[1].submit.price_ticks');
  });

  it('accepts quantity 1 and the maximum, refuses 0, negatives, fractions and max + 1', () => {
    expect(second(submitAction({ quantityLots: 1 }))).toBeUndefined();
    expect(second(submitAction({ quantityLots: LIMITS.maxQuantityLots }))).toBeUndefined();
    for (const quantityLots of [0, -1, 2.5, LIMITS.maxQuantityLots + 1]) {
      const v = second(submitAction({ quantityLots }));
      expect(v).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'actions[1].submit.quantity_lots' });
      expect(v!.message).toContain('[1, 10000]');
    }
  });

  it('names cancel.order_id for non-positive or non-integer ids', () => {
    expect(second(cancelAction(1))).toBeUndefined();
    for (const id of [0, -3, 1.5]) {
      const v = second(cancelAction(id));
      expect(v).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'actions[1].cancel.order_id' });
      expect(v!.message).toMatch(/positive order id/);
    }
  });

  it('names the broken modify field', () => {
    expect(second(modifyAction({ orderId: 0 }))?.field).toBe('actions[1].modify.order_id');
    expect(second(modifyAction({ priceTicks: LIMITS.priceMaxTicks + 1 }))?.field).toBe(
      'actions[1].modify.price_ticks',
    );
    expect(second(modifyAction({ quantityLots: 0 }))?.field).toBe('actions[1].modify.quantity_lots');
    expect(second(modifyAction({ priceTicks: LIMITS.priceMinTicks, quantityLots: 1 }))).toBeUndefined();
  });

  it('reports the first broken action by index', () => {
    const v = validateActionBatch(
      batch(cancelAction(1), cancelAction(2), submitAction({ quantityLots: 0 }), cancelAction(0)),
      LIMITS,
    );
    expect(v?.field).toBe('actions[2].submit.quantity_lots');
  });
});

describe('validateActionBatch: auction, balancing and order-type fields', () => {
  const one = (action: Action, limits: ProtocolLimits = LIMITS) =>
    validateActionBatch({ wakeId: 1, actions: [action] }, limits);
  const auction = (bid: Extract<Action['kind'], { $case: 'auctionBid' }>['value']): Action => ({
    clientRef: '',
    kind: { $case: 'auctionBid', value: bid },
  });

  it('requires an auction id, a well-formed bid id and a curve or block', () => {
    expect(one(auction({ auctionId: '', bidId: 'b1', bid: undefined }))?.field).toBe(
      'actions[0].auction_bid.auction_id',
    );
    expect(one(auction({ auctionId: 'da-20261122', bidId: 'has space', bid: undefined }))?.field).toBe(
      'actions[0].auction_bid.bid_id',
    );
    expect(one(auction({ auctionId: 'da-20261122', bidId: 'b1', bid: undefined }))?.field).toBe(
      'actions[0].auction_bid.bid',
    );
    const block = {
      side: Side.SIDE_UNSPECIFIED,
      firstPeriod: 0,
      lastPeriod: 3,
      priceTicks: 5000,
      quantityLots: 10,
    };
    expect(
      one(auction({ auctionId: 'da-20261122', bidId: 'b1', bid: { $case: 'block', value: block } }))?.field,
    ).toBe('actions[0].auction_bid.block.side');
    expect(
      one(
        auction({
          auctionId: 'da-20261122',
          bidId: 'b1',
          bid: { $case: 'block', value: { ...block, side: Side.SIDE_SELL } },
        }),
      ),
    ).toBeUndefined();
  });

  it('requires a product and a direction on balancing bids', () => {
    const cap: Action = {
      clientRef: '',
      kind: {
        $case: 'capacityBid',
        value: {
          productId: 'afrr-20261122-0',
          direction: 0,
          quantityLots: 10,
          priceTicks: 500,
          indivisible: false,
        },
      },
    };
    const v = one(cap);
    expect(v?.code).toBe(status.INVALID_ARGUMENT);
    expect(v?.field).toBe('actions[0].capacity_bid.direction');
    const energy: Action = {
      clientRef: '',
      kind: { $case: 'energyBid', value: { productId: '', direction: 1, quantityLots: 10, priceTicks: 500 } },
    };
    expect(one(energy)?.field).toBe('actions[0].energy_bid.product_id');
  });

  it('refuses unknown execution restrictions and negative iceberg peaks', () => {
    expect(one(submitAction({ restriction: 7 as ExecutionRestriction }))?.field).toBe(
      'actions[0].submit.restriction',
    );
    expect(one(submitAction({ peakLots: -1 }))?.field).toBe('actions[0].submit.peak_lots');
    expect(one(submitAction({ restriction: 2, peakLots: 0 }))).toBeUndefined();
  });

  it('refuses actions for a market this run has switched off', () => {
    const v = one(auction({ auctionId: 'da-20261122', bidId: 'b1', bid: undefined }), {
      ...LIMITS,
      enabledKinds: new Set(['submit']),
    });
    expect(v?.field).toBe('actions[0].auction_bid');
    expect(v?.message).toMatch(/switched off/);
  });
});
