// Encodes the arena's session messages. At a decision point every agent's wake-up carries the same
// public part — the depth of every open book and the latest forecasts (or, in a DELTA session, the
// delta of them against the previous wake-up), by far the largest part of the message — so it is
// encoded once per decision point and its bytes are reused for every agent: protobuf lets a
// message's fields come in any order and in pieces, so a wake-up on the wire is the agent's own
// fields followed by the shared bytes, and decodes to exactly the message the plain encoding
// gives. An agent's resting orders are mostly the same from one wake-up to the next (the venue
// hands out the same order message until an event names the order), so each order message's bytes
// are kept while the message lives and copied in again — for sessions sent complete order lists;
// a DELTA_PRIVATE session gets an order about once, written as it is. 64-bit integers go through
// FastBinaryWriter (the same bytes, without BigInt).
import { SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { Order } from '../../gen/flexarena/v1/market.js';
import { PrivateView, WakeUp } from '../../gen/flexarena/v1/session.js';
import { encodeToBuffer, FastBinaryWriter } from '../../lib/index.js';

const SHARED_ARRAYS = [
  'books',
  'priceForecasts',
  'fundamentalsForecasts',
  'closedProductIds',
  'expiredForecastProductIds',
] as const;
type SharedFields = Pick<WakeUp, (typeof SHARED_ARRAYS)[number] | 'publicView' | 'baseWakeId'>;

const EMPTY_WAKE = WakeUp.fromPartial({});
/** A field's tag as the generated encoder writes it: `encoded` holds that field alone, empty (tag, length 0). */
const tagOf = (encoded: Uint8Array) => encoded.slice(0, encoded.length - 1);
/**
 * The tag of WakeUp.open_orders, written as one varint byte per order (the field number is below
 * 16); a renumbering that made it longer is caught here, when the module loads.
 */
const OPEN_ORDERS_TAG = (() => {
  const tag = tagOf(WakeUp.encode(WakeUp.fromPartial({ openOrders: [Order.fromPartial({})] })).finish());
  if (tag.length !== 1) throw new Error(`WakeUp.open_orders' tag is ${tag.length} bytes, not 1`);
  return tag[0]!;
})();
/** The own fields of a wake-up: everything shared left at its default (not encoded). */
const NO_SHARED: SharedFields = {
  books: [],
  priceForecasts: [],
  fundamentalsForecasts: [],
  closedProductIds: [],
  expiredForecastProductIds: [],
  publicView: 0,
  baseWakeId: 0,
};
const NO_ORDERS: Order[] = [];
/** The tag of SessionResponse.wake_up as the generated encoder writes it (its bytes before the length). */
const WAKE_UP_TAG = tagOf(SessionResponse.encode({ kind: { $case: 'wakeUp', value: EMPTY_WAKE } }).finish());
/**
 * Shared parts remembered: a decision point can have a few variants at once (a snapshot for a
 * session that just connected, a delta for the others, full wake-ups for old clients).
 */
const REMEMBERED = 4;

/** The same list, or two empty ones (the core's complete wake-ups have fresh empty delta lists). */
const sameList = (a: readonly unknown[], b: readonly unknown[]) =>
  a === b || (a.length === 0 && b.length === 0);

function sameShared(a: SharedFields, b: WakeUp): boolean {
  // Field by field rather than a loop over SHARED_ARRAYS: keyed loads by a variable name were
  // megamorphic, and this runs for every wake-up sent.
  return (
    a.publicView === b.publicView &&
    a.baseWakeId === b.baseWakeId &&
    sameList(a.books, b.books) &&
    sameList(a.priceForecasts, b.priceForecasts) &&
    sameList(a.fundamentalsForecasts, b.fundamentalsForecasts) &&
    sameList(a.closedProductIds, b.closedProductIds) &&
    sameList(a.expiredForecastProductIds, b.expiredForecastProductIds)
  );
}

export class SessionEncoder {
  private shared: (SharedFields & { bytes: Uint8Array })[] = [];
  /** One writer for every message (see encodeToBuffer): the market maker's wake-ups are ~60 KB. */
  private readonly writer = new FastBinaryWriter();
  private readonly orderWriter = new FastBinaryWriter();
  /** An order message's bytes for as long as the message is alive (it is never changed, only replaced). */
  private readonly orderBytes = new WeakMap<Order, Uint8Array>();
  /** Wake-ups encoded with shared bytes that were already encoded (for tests and benchmarks). */
  reused = 0;
  /** Resting orders written from bytes kept since an earlier wake-up (for tests and benchmarks). */
  ordersReused = 0;

  encode(msg: SessionResponse): Buffer {
    if (msg.kind?.$case !== 'wakeUp')
      return encodeToBuffer(this.writer, (w) => SessionResponse.encode(msg, w));
    const wake = msg.kind.value;
    const shared = this.sharedBytes(wake);
    // The response's wake_up field: its tag, then (fork/join) the length of the agent's own fields,
    // its resting orders and the shared bytes. Repeated fields may come after later fields: the
    // message decodes the same.
    return encodeToBuffer(this.writer, (w) => {
      w.raw(WAKE_UP_TAG).fork();
      WakeUp.encode({ ...wake, ...NO_SHARED, openOrders: NO_ORDERS }, w);
      // A session that gets its open orders as deltas is sent each order message about once (when
      // it is new or changed): kept bytes would not be used again, only allocated.
      if (wake.privateView === PrivateView.PRIVATE_VIEW_UNSPECIFIED) this.writeOrders(w, wake.openOrders);
      else
        for (let i = 0; i < wake.openOrders.length; i++)
          Order.encode(wake.openOrders[i]!, w.uint32(OPEN_ORDERS_TAG).fork()).join();
      w.raw(shared).join();
    });
  }

  private writeOrders(w: FastBinaryWriter, orders: readonly Order[]): void {
    // Indexed: an iterator allocates per step until the loop is optimised (~1 200 orders a wake-up).
    for (let i = 0; i < orders.length; i++) {
      const order = orders[i]!;
      let bytes = this.orderBytes.get(order);
      if (bytes) this.ordersReused++;
      else {
        bytes = encodeToBuffer(this.orderWriter, (ow) => Order.encode(order, ow));
        this.orderBytes.set(order, bytes);
      }
      w.uint32(OPEN_ORDERS_TAG).uint32(bytes.length).raw(bytes);
    }
  }

  /** The shared fields' bytes; the same arrays (one decision point) are encoded once. */
  private sharedBytes(wake: WakeUp): Uint8Array {
    const hit = this.shared.find((s) => sameShared(s, wake));
    if (hit) {
      this.reused++;
      return hit.bytes;
    }
    const fields: SharedFields = {
      books: wake.books,
      priceForecasts: wake.priceForecasts,
      fundamentalsForecasts: wake.fundamentalsForecasts,
      closedProductIds: wake.closedProductIds,
      expiredForecastProductIds: wake.expiredForecastProductIds,
      publicView: wake.publicView,
      baseWakeId: wake.baseWakeId,
    };
    const bytes = encodeToBuffer(this.writer, (w) => WakeUp.encode({ ...EMPTY_WAKE, ...fields }, w));
    this.shared.unshift({ ...fields, bytes });
    if (this.shared.length > REMEMBERED) this.shared.pop();
    return bytes;
  }
}
