// The public view on the wire for sessions that asked for deltas (Hello.wake_up_encoding DELTA).
// The core hands every agent the same full view at a decision point (books and forecasts, the
// same arrays for everyone); a DELTA session gets only what changed since the previous wake-up of
// its stream. Safe by construction: the base of a delta is always the view this gateway sent last
// on the same stream (ordered delivery: the agent got it before), so a delta for a base the agent
// does not hold cannot be produced. A new stream (a fresh start, every resume) starts with a
// snapshot, and so does anything the rebuild rule cannot express (`diffWakeView` checks it).
// One delta is computed per (base, decision point) and its arrays are shared by every session on
// that base, so SessionEncoder encodes it once. A DELTA_ORDERS session also gets its open orders
// as a delta against the list of its previous wake-up (private: one diff per session), on the
// same terms — a new stream, or a change the rule cannot express, gets the complete list.
import type { BookDepth, Order, PriceForecast } from '../../gen/flexarena/v1/market.js';
import {
  type FundamentalsForecast,
  OpenOrdersView,
  PublicView,
  type WakeUp,
} from '../../gen/flexarena/v1/session.js';
import { deepFreeze, diffOpenOrders, diffWakeView, type WakeView } from '../../lib/index.js';

export type FullView = WakeView<BookDepth, PriceForecast, FundamentalsForecast>;

/** The view a session's agent holds: that of the last wake-up sent on its stream. */
export interface HeldView {
  wakeId: number;
  view: FullView;
  /** In a DELTA_ORDERS session: the open orders of that wake-up (the core's list, never changed). */
  orders?: readonly Order[];
}

type ViewFields = Pick<
  WakeUp,
  | 'books'
  | 'priceForecasts'
  | 'fundamentalsForecasts'
  | 'publicView'
  | 'baseWakeId'
  | 'closedProductIds'
  | 'expiredForecastProductIds'
>;

const NONE: string[] = [];

export class WakeViewCoder {
  /** The view of the current decision point (the core's arrays) and its wire parts by base. */
  private current:
    | { view: FullView; snapshot: ViewFields; deltas: Map<FullView, ViewFields | undefined> }
    | undefined;
  /** Wake-ups sent as snapshots and as deltas (for tests and benchmarks). */
  snapshots = 0;
  deltas = 0;
  /** The same for open orders (DELTA_ORDERS sessions). */
  orderSnapshots = 0;
  orderDeltas = 0;

  /**
   * What a DELTA session holding `held` (undefined: nothing yet on this stream) gets for `wake`,
   * and the view it holds once it has it; with `orders`, a DELTA_ORDERS session.
   */
  encode(wake: WakeUp, held: HeldView | undefined, orders = false): { wire: WakeUp; holds: HeldView } {
    const cur = this.currentFor(wake);
    let part: ViewFields | undefined;
    if (held) {
      if (!cur.deltas.has(held.view)) cur.deltas.set(held.view, this.deltaPart(held, cur.view));
      part = cur.deltas.get(held.view);
    }
    if (part) this.deltas++;
    else this.snapshots++;
    const wire: WakeUp = { ...wake, ...(part ?? cur.snapshot) };
    const holds: HeldView = { wakeId: wake.wakeId, view: cur.view };
    if (orders) {
      this.ordersPart(wire, held);
      holds.orders = wake.openOrders;
    }
    return { wire, holds };
  }

  /** Turns `wire`'s open orders into a delta against `held`'s, or marks them a snapshot. */
  private ordersPart(wire: WakeUp, held: HeldView | undefined): void {
    const d = held?.orders ? diffOpenOrders(held.orders, wire.openOrders) : undefined;
    if (!d) {
      this.orderSnapshots++;
      wire.openOrdersView = OpenOrdersView.OPEN_ORDERS_VIEW_SNAPSHOT;
      return;
    }
    this.orderDeltas++;
    wire.openOrdersView = OpenOrdersView.OPEN_ORDERS_VIEW_DELTA;
    wire.openOrders = d.openOrders as Order[];
    wire.closedOrderIds = d.closedOrderIds as number[];
    // The base of either delta is the stream's previous wake-up (also when the view is a snapshot).
    wire.baseWakeId = held!.wakeId;
  }

  private currentFor(wake: WakeUp): NonNullable<WakeViewCoder['current']> {
    const c = this.current;
    if (
      c &&
      c.view.books === wake.books &&
      c.view.priceForecasts === wake.priceForecasts &&
      c.view.fundamentalsForecasts === wake.fundamentalsForecasts
    )
      return c;
    // Frozen: a base view must never change under the agents that hold it.
    const view: FullView = deepFreeze({
      books: wake.books,
      priceForecasts: wake.priceForecasts,
      fundamentalsForecasts: wake.fundamentalsForecasts,
    });
    const snapshot: ViewFields = {
      books: wake.books,
      priceForecasts: wake.priceForecasts,
      fundamentalsForecasts: wake.fundamentalsForecasts,
      publicView: PublicView.PUBLIC_VIEW_SNAPSHOT,
      baseWakeId: 0,
      closedProductIds: NONE,
      expiredForecastProductIds: NONE,
    };
    this.current = { view, snapshot, deltas: new Map() };
    return this.current;
  }

  private deltaPart(held: HeldView, next: FullView): ViewFields | undefined {
    const d = diffWakeView(held.view, next);
    if (!d) return undefined;
    return {
      books: d.books as BookDepth[],
      priceForecasts: d.priceForecasts as PriceForecast[],
      fundamentalsForecasts: d.fundamentalsForecasts as FundamentalsForecast[],
      publicView: PublicView.PUBLIC_VIEW_DELTA,
      baseWakeId: held.wakeId,
      closedProductIds: d.closedProductIds as string[],
      expiredForecastProductIds: d.expiredForecastProductIds as string[],
    };
  }
}
