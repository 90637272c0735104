// Seeded action generator for fuzzing a live session: valid actions mixed with malformed and
// out-of-range ones, each with what the arena must make of it. Malformed values are what the wire
// can carry: unknown enum numbers (negative too), 64-bit values beyond JavaScript's safe integers
// (bigint; the arena decodes them as NaN), ids empty or far too long, missing oneofs, curves with
// too many or bad points, balancing bids without a direction. Each malformed action has exactly one
// defect, so the door's answer must name that defect's field.
import { CurveInterpolation } from '../../gen/flexarena/v1/auction.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { ExecutionRestriction, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import type { RandomStream } from '../../lib/index.js';

export type Expectation =
  /** Valid, on an open book, passive: the venue must accept it (an `accepted` event on the tape). */
  | { kind: 'accept-submit' }
  /** Passes the door; the venue decides (it may reject for business reasons: gate, unknown id…). */
  | { kind: 'door-valid' }
  /** Refused at the door, naming this field. */
  | { kind: 'door-reject'; field: string };

export interface FuzzAction {
  action: Action;
  expect: Expectation;
}

/** A 64-bit value no JavaScript number holds exactly; typed as number for the generated encoder. */
function huge(rng: RandomStream): number {
  const v = [2n ** 62n, -(2n ** 62n), 2n ** 53n + 1n, 2n ** 63n - 1n][rng.int(0, 3)]!;
  return v as unknown as number;
}

function pick<T>(rng: RandomStream, xs: readonly T[]): T {
  return xs[rng.int(0, xs.length - 1)]!;
}

const BAD_ENUMS = [-7, 3, 4, 99, 2 ** 31 - 1];
const BAD_DIRECTIONS = [0, 3, -1, 1000];

export interface FuzzContext {
  welcome: Welcome;
  wake: WakeUp;
  priceMinTicks: number;
  priceMaxTicks: number;
  maxQuantityLots: number;
  /** A counter for unique client refs and bid ids. */
  next: () => number;
}

function submitAction(
  productId: string,
  side: Side,
  priceTicks: number,
  lots: number,
  ref: string,
  timeInForce = TimeInForce.TIME_IN_FORCE_GTC,
): Action {
  return {
    clientRef: ref,
    kind: {
      $case: 'submit',
      value: {
        productId,
        side,
        priceTicks,
        quantityLots: lots,
        timeInForce,
        restriction: ExecutionRestriction.EXECUTION_RESTRICTION_NONE,
        peakLots: 0,
      },
    },
  };
}

/** A passive order on an open book: a buy below the best bid or a sell above the best ask. */
function passiveSubmit(rng: RandomStream, c: FuzzContext, ref: string): FuzzAction | undefined {
  const books = c.wake.books.filter((b) => b.bids.length > 0 && b.asks.length > 0);
  if (books.length === 0) return undefined;
  const b = pick(rng, books);
  const buy = rng.int(0, 1) === 0;
  const price = buy ? b.bids[0]!.priceTicks - rng.int(0, 50) : b.asks[0]!.priceTicks + rng.int(0, 50);
  if (price < c.priceMinTicks || price > c.priceMaxTicks) return undefined;
  return {
    action: submitAction(b.productId, buy ? Side.SIDE_BUY : Side.SIDE_SELL, price, rng.int(1, 5), ref),
    expect: { kind: 'accept-submit' },
  };
}

function anyProduct(rng: RandomStream, c: FuzzContext): string {
  const open = c.wake.books.map((b) => b.productId);
  return open.length > 0 && rng.int(0, 1) === 0
    ? pick(rng, open)
    : pick(rng, c.welcome.market!.products).productId;
}

function validLike(rng: RandomStream, c: FuzzContext, ref: string): FuzzAction {
  const n = c.next();
  const own = c.wake.openOrders;
  switch (rng.int(0, 7)) {
    case 0:
      if (own.length > 0)
        return {
          action: { clientRef: ref, kind: { $case: 'cancel', value: { orderId: pick(rng, own).orderId } } },
          expect: { kind: 'door-valid' },
        };
      return {
        action: { clientRef: ref, kind: { $case: 'cancel', value: { orderId: 1_000_000 + n } } },
        expect: { kind: 'door-valid' },
      };
    case 1: {
      const o = own.length > 0 ? pick(rng, own) : undefined;
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'modify',
            value: {
              orderId: o?.orderId ?? 2_000_000 + n,
              priceTicks: o?.priceTicks ?? 5_000,
              quantityLots: Math.max(1, (o?.remainingLots ?? 2) - 1),
            },
          },
        },
        expect: { kind: 'door-valid' },
      };
    }
    case 2: {
      const auction = c.welcome.auctions.length > 0 ? pick(rng, c.welcome.auctions) : undefined;
      // A monotone curve (valid) or one that rises with price (the auction venue refuses it).
      const monotone = rng.int(0, 2) > 0;
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'auctionBid',
            value: {
              auctionId: auction?.auctionId ?? 'da-20261122',
              bidId: `fz-${n}`,
              bid: {
                $case: 'curve',
                value: {
                  period: rng.int(0, 95),
                  interpolation: pick(rng, [
                    CurveInterpolation.CURVE_INTERPOLATION_STEP,
                    CurveInterpolation.CURVE_INTERPOLATION_LINEAR,
                  ]),
                  points: monotone
                    ? [
                        { priceTicks: -10_000, quantityLots: rng.int(1, 50) },
                        { priceTicks: 20_000, quantityLots: 0 },
                      ]
                    : [
                        { priceTicks: -10_000, quantityLots: 0 },
                        { priceTicks: 20_000, quantityLots: rng.int(1, 50) },
                      ],
                },
              },
            },
          },
        },
        expect: { kind: 'door-valid' },
      };
    }
    case 3:
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'capacityBid',
            value: {
              productId: c.welcome.capacityProductIds.length
                ? pick(rng, c.welcome.capacityProductIds)
                : 'afrr-20261122-0',
              direction: pick(rng, [
                BalancingDirection.BALANCING_DIRECTION_UP,
                BalancingDirection.BALANCING_DIRECTION_DOWN,
              ]),
              quantityLots: rng.int(1, 50),
              priceTicks: rng.int(0, 5_000),
              indivisible: rng.int(0, 1) === 0,
            },
          },
        },
        expect: { kind: 'door-valid' },
      };
    case 4:
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'energyBid',
            value: {
              productId: anyProduct(rng, c),
              direction: pick(rng, [
                BalancingDirection.BALANCING_DIRECTION_UP,
                BalancingDirection.BALANCING_DIRECTION_DOWN,
              ]),
              quantityLots: rng.int(1, 50),
              priceTicks: rng.int(-5_000, 50_000),
            },
          },
        },
        expect: { kind: 'door-valid' },
      };
    case 5:
      return {
        action: {
          clientRef: ref,
          kind: { $case: 'cancelAuctionBid', value: { auctionId: 'da-20261122', bidId: `fz-${n - 3}` } },
        },
        expect: { kind: 'door-valid' },
      };
    default:
      // A well-formed order on any product (open, not yet open, closed, or unknown to the run), at
      // any price: immediate-or-cancel, so it never rests where a later passive order would meet it.
      return {
        action: submitAction(
          rng.int(0, 9) === 0 ? 'qh-20991231-2345' : anyProduct(rng, c),
          pick(rng, [Side.SIDE_BUY, Side.SIDE_SELL]),
          rng.int(c.priceMinTicks, c.priceMaxTicks),
          rng.int(1, c.maxQuantityLots),
          ref,
          TimeInForce.TIME_IN_FORCE_IOC,
        ),
        expect: { kind: 'door-valid' },
      };
  }
}

/** A valid base with exactly one defect. */
function malformed(rng: RandomStream, c: FuzzContext, ref: string): FuzzAction {
  const product = anyProduct(rng, c);
  const base = submitAction(product, Side.SIDE_BUY, 5_000, 3, ref);
  const sub = (patch: Record<string, unknown>, field: string): FuzzAction => ({
    action: {
      ...base,
      kind: { $case: 'submit', value: { ...(base.kind as { value: object }).value, ...patch } as never },
    },
    expect: { kind: 'door-reject', field },
  });
  const n = c.next();
  switch (rng.int(0, 21)) {
    case 0:
      return sub({ side: pick(rng, [0, ...BAD_ENUMS]) }, 'submit.side');
    case 1:
      return sub({ timeInForce: pick(rng, [-1, 4, 77]) }, 'submit.time_in_force');
    case 2:
      return sub({ restriction: pick(rng, [-3, 3, 12]) }, 'submit.restriction');
    case 3:
      return sub(
        { priceTicks: pick(rng, [c.priceMaxTicks + 1, c.priceMinTicks - 1, huge(rng)]) },
        'submit.price_ticks',
      );
    case 4:
      return sub(
        { quantityLots: pick(rng, [0, -3, c.maxQuantityLots + 1, huge(rng)]) },
        'submit.quantity_lots',
      );
    case 5:
      return sub({ peakLots: pick(rng, [-1, huge(rng)]) }, 'submit.peak_lots');
    case 6:
      return sub({ productId: pick(rng, ['', 'q'.repeat(65), 'x'.repeat(5_000)]) }, 'submit.product_id');
    case 7:
      return {
        action: { ...base, clientRef: 'r'.repeat(rng.int(65, 3_000)) },
        expect: { kind: 'door-reject', field: 'client_ref' },
      };
    case 8:
      return { action: { clientRef: ref, kind: undefined }, expect: { kind: 'door-reject', field: 'kind' } };
    case 9:
      return {
        action: {
          clientRef: ref,
          kind: { $case: 'cancel', value: { orderId: pick(rng, [0, -1, huge(rng)]) } },
        },
        expect: { kind: 'door-reject', field: 'cancel.order_id' },
      };
    case 10:
      return {
        action: {
          clientRef: ref,
          kind: { $case: 'modify', value: { orderId: 5, priceTicks: huge(rng), quantityLots: 1 } },
        },
        expect: { kind: 'door-reject', field: 'modify.price_ticks' },
      };
    case 11:
      return {
        action: {
          clientRef: ref,
          kind: { $case: 'modify', value: { orderId: 5, priceTicks: 100, quantityLots: pick(rng, [0, -9]) } },
        },
        expect: { kind: 'door-reject', field: 'modify.quantity_lots' },
      };
    case 12:
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'auctionBid',
            value: { auctionId: 'da-20261122', bidId: `fz-${n}`, bid: undefined },
          },
        },
        expect: { kind: 'door-reject', field: 'auction_bid.bid' },
      };
    case 13:
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'auctionBid',
            value: {
              auctionId: 'da-20261122',
              bidId: pick(rng, ['', 'has space', 'b'.repeat(65), 'semi;colon']),
              bid: { $case: 'curve', value: { period: 1, interpolation: 1, points: [] } },
            },
          },
        },
        expect: { kind: 'door-reject', field: 'auction_bid.bid_id' },
      };
    case 14: {
      const points = Array.from({ length: rng.int(201, 400) }, (_, i) => ({
        priceTicks: i * 10,
        quantityLots: 400 - i,
      }));
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'auctionBid',
            value: {
              auctionId: 'da-20261122',
              bidId: `fz-${n}`,
              bid: { $case: 'curve', value: { period: 2, interpolation: 1, points } },
            },
          },
        },
        expect: { kind: 'door-reject', field: 'auction_bid.curve.points' },
      };
    }
    case 15: {
      const at = rng.int(0, 2);
      const points = [0, 1, 2].map((i) => ({
        priceTicks: i * 1_000,
        quantityLots: i === at ? huge(rng) : 10 - i,
      }));
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'auctionBid',
            value: {
              auctionId: 'da-20261122',
              bidId: `fz-${n}`,
              bid: { $case: 'curve', value: { period: 3, interpolation: 2, points } },
            },
          },
        },
        expect: { kind: 'door-reject', field: `auction_bid.curve.points[${at}].quantity_lots` },
      };
    }
    case 16:
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'auctionBid',
            value: {
              auctionId: 'da-20261122',
              bidId: `fz-${n}`,
              bid: {
                $case: 'curve',
                value: { period: pick(rng, [96, -1, 1_000]), interpolation: 1, points: [] },
              },
            },
          },
        },
        expect: { kind: 'door-reject', field: 'auction_bid.curve.period' },
      };
    case 17:
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'auctionBid',
            value: {
              auctionId: 'da-20261122',
              bidId: `fz-${n}`,
              bid: {
                $case: 'block',
                value: {
                  side: pick(rng, [0, ...BAD_ENUMS]),
                  firstPeriod: 0,
                  lastPeriod: 3,
                  priceTicks: 5_000,
                  quantityLots: 10,
                },
              },
            },
          },
        },
        expect: { kind: 'door-reject', field: 'auction_bid.block.side' },
      };
    case 18:
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'capacityBid',
            value: {
              productId: 'afrr-20261122-1',
              direction: pick(rng, BAD_DIRECTIONS),
              quantityLots: 10,
              priceTicks: 100,
              indivisible: false,
            },
          },
        },
        expect: { kind: 'door-reject', field: 'capacity_bid.direction' },
      };
    case 19:
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'energyBid',
            value: {
              productId: product,
              direction: pick(rng, BAD_DIRECTIONS),
              quantityLots: 10,
              priceTicks: 100,
            },
          },
        },
        expect: { kind: 'door-reject', field: 'energy_bid.direction' },
      };
    case 20:
      return {
        action: {
          clientRef: ref,
          kind: {
            $case: 'energyBid',
            value: {
              productId: product,
              direction: BalancingDirection.BALANCING_DIRECTION_UP,
              quantityLots: pick(rng, [0, -5, huge(rng)]),
              priceTicks: 100,
            },
          },
        },
        expect: { kind: 'door-reject', field: 'energy_bid.quantity_lots' },
      };
    default:
      return {
        action: { clientRef: ref, kind: { $case: 'cancelAuctionBid', value: { auctionId: '', bidId: 'x' } } },
        expect: { kind: 'door-reject', field: 'cancel_auction_bid.auction_id' },
      };
  }
}

/** `size` actions: about a third passive orders that must be accepted, a third door-valid, a third malformed. */
export function fuzzBatch(rng: RandomStream, c: FuzzContext, size: number): FuzzAction[] {
  const out: FuzzAction[] = [];
  for (let i = 0; i < size; i++) {
    const ref = `a${c.next()}`;
    const roll = rng.int(0, 2);
    const a =
      roll === 0
        ? (passiveSubmit(rng, c, ref) ?? validLike(rng, c, ref))
        : roll === 1
          ? validLike(rng, c, ref)
          : malformed(rng, c, ref);
    out.push(a);
  }
  return out;
}
