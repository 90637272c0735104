// The public view on the wire for sessions that asked for deltas (Hello.wake_up_encoding DELTA).
// The core hands every agent the same full view at a decision point (books and forecasts, the
// same arrays for everyone); a DELTA session gets only what changed since the previous wake-up of
// its stream. Safe by construction: the base of a delta is always the view this gateway sent last
// on the same stream (ordered delivery: the agent got it before), so a delta for a base the agent
// does not hold cannot be produced. A new stream (a fresh start, every resume) starts with a
// snapshot, and so does anything the rebuild rule cannot express (`diffWakeView` checks it).
// One delta is computed per (base, decision point) and its arrays are shared by every session on
// that base, so SessionEncoder encodes it once. A DELTA_PRIVATE session also gets its open orders
// and positions as deltas against the lists of its previous wake-up (one diff per session), on the
// same terms — a new stream, or a change the rule cannot express, gets the complete list.
import type { BookDepth, Order, Position, PriceForecast } from '../../gen/flexarena/v1/market.js';
import {
  type FundamentalsForecast,
  PrivateView,
  PublicView,
  type WakeUp,
} from '../../gen/flexarena/v1/session.js';
import { deepFreeze, diffOpenOrders, diffPositions, diffWakeView, type WakeView } from '../../lib/index.js';

export type FullView = WakeView<BookDepth, PriceForecast, FundamentalsForecast>;

/** The view a session's agent holds: that of the last wake-up sent on its stream. */
export interface HeldView {
  wakeId: number;
  view: FullView;
  /**
   * In a DELTA_PRIVATE session: the open orders and positions of that wake-up (the core's lists,
   * which it never changes once handed out).
   */
  privateLists?: { orders: readonly Order[]; positions: readonly Position[] };
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
  /** The same for open orders and positions (DELTA_PRIVATE sessions). */
  privateSnapshots = 0;
  privateDeltas = 0;

  /**
   * What a DELTA session holding `held` (undefined: nothing yet on this stream) gets for `wake`,
   * and the view it holds once it has it; with `privateLists`, a DELTA_PRIVATE session.
   */
  encode(wake: WakeUp, held: HeldView | undefined, privateLists = false): { wire: WakeUp; holds: HeldView } {
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
    if (privateLists) {
      this.privatePart(wire, held);
      holds.privateLists = { orders: wake.openOrders, positions: wake.positions };
    }
    return { wire, holds };
  }

  /**
   * Turns `wire`'s open orders and positions into deltas against `held`'s, or marks both a
   * snapshot (when either list cannot be a delta).
   */
  private privatePart(wire: WakeUp, held: HeldView | undefined): void {
    const base = held?.privateLists;
    const orders = base && diffOpenOrders(base.orders, wire.openOrders);
    const positions = orders && diffPositions(base.positions, wire.positions);
    if (!orders || !positions) {
      this.privateSnapshots++;
      wire.privateView = PrivateView.PRIVATE_VIEW_SNAPSHOT;
      return;
    }
    this.privateDeltas++;
    wire.privateView = PrivateView.PRIVATE_VIEW_DELTA;
    wire.openOrders = orders.openOrders as Order[];
    wire.closedOrderIds = orders.closedOrderIds as number[];
    wire.positions = positions;
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
