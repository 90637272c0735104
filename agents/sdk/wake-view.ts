// The SDK's side of delta wake-ups (Hello.wake_up_encoding DELTA or DELTA_PRIVATE): it keeps the
// public view (books, forecasts) and, with DELTA_PRIVATE, the open orders and positions of the
// last wake-up of the stream, and rebuilds every wake-up to the complete message a full session
// would have decoded, so a strategy never sees a delta. A delta must apply to the view held; anything else
// (no view yet, another base) is a WakeViewError, on which the client resumes on a new stream,
// whose first wake-up is a snapshot.
import type { Order, Position } from '../../gen/flexarena/v1/market.js';
import { PrivateView, PublicView, type WakeUp } from '../../gen/flexarena/v1/session.js';
import {
  applyOpenOrdersDelta,
  applyPositionsDelta,
  applyWakeViewDelta,
  deepFreeze,
  type WakeView,
} from '../../lib/index.js';
import { AgentSdkError } from './errors.js';

type View = WakeView<
  WakeUp['books'][number],
  WakeUp['priceForecasts'][number],
  WakeUp['fundamentalsForecasts'][number]
>;

/** A delta wake-up the client cannot apply; the stream is given up and resumed. */
export class WakeViewError extends AgentSdkError {}

/** A DELTA_PRIVATE stream's open orders and positions as of wake-up `wakeId`. */
interface PrivateLists {
  wakeId: number;
  orders: readonly Order[];
  positions: readonly Position[];
}

/** `lists`, with the entries `wire` brought frozen: later wake-ups share them. */
function frozenLists(wire: WakeUp, lists: PrivateLists): PrivateLists {
  for (const o of wire.openOrders) deepFreeze(o);
  for (const p of wire.positions) deepFreeze(p);
  return lists;
}

export class WakeViewTracker {
  private held: { wakeId: number; view: View } | undefined;
  private heldLists: PrivateLists | undefined;

  /** The complete wake-up for `wire`, as received on this stream (in order). */
  rebuild(wire: WakeUp): WakeUp {
    const view = this.publicView(wire);
    const lists = this.privateLists(wire);
    if (view) this.held = { wakeId: wire.wakeId, view };
    if (lists) this.heldLists = lists;
    // base_wake_id is the wire's business (a lean decoding keeps it without the view it belongs to),
    // and so are acks inside the wake-up (handled before it, as in-process agents get them).
    const acks = wire.acks.length === 0 ? wire.acks : [];
    if (!view && !lists)
      return wire.baseWakeId === 0 && acks === wire.acks ? wire : { ...wire, baseWakeId: 0, acks };
    // The lists are the strategy's own copies; their entries are frozen because later wake-ups
    // share them (as in-process wake-ups are).
    return {
      ...wire,
      ...(view && {
        books: view.books.slice(),
        priceForecasts: view.priceForecasts.slice(),
        fundamentalsForecasts: view.fundamentalsForecasts.slice(),
        publicView: PublicView.PUBLIC_VIEW_UNSPECIFIED,
        closedProductIds: [],
        expiredForecastProductIds: [],
      }),
      ...(lists && {
        openOrders: lists.orders.slice(),
        positions: lists.positions.slice(),
        privateView: PrivateView.PRIVATE_VIEW_UNSPECIFIED,
        closedOrderIds: [],
      }),
      baseWakeId: 0,
      acks,
    };
  }

  /** The complete public view of `wire`; undefined when it carries no view of a DELTA session. */
  private publicView(wire: WakeUp): View | undefined {
    switch (wire.publicView) {
      case PublicView.PUBLIC_VIEW_UNSPECIFIED:
        return undefined;
      case PublicView.PUBLIC_VIEW_SNAPSHOT:
        return this.frozen(wire, wire);
      case PublicView.PUBLIC_VIEW_DELTA:
        this.checkBase('public view', wire, this.held?.wakeId);
        return this.frozen(wire, applyWakeViewDelta(this.held!.view, wire));
      default:
        throw new WakeViewError(`wake_up.public_view: unknown value ${wire.publicView}`);
    }
  }

  /** The complete open orders and positions of `wire`; undefined outside a DELTA_PRIVATE session. */
  private privateLists(wire: WakeUp): PrivateLists | undefined {
    switch (wire.privateView) {
      case PrivateView.PRIVATE_VIEW_UNSPECIFIED:
        return undefined;
      case PrivateView.PRIVATE_VIEW_SNAPSHOT:
        return frozenLists(wire, { wakeId: wire.wakeId, orders: wire.openOrders, positions: wire.positions });
      case PrivateView.PRIVATE_VIEW_DELTA: {
        const held = this.heldLists;
        this.checkBase('open orders and positions', wire, held?.wakeId);
        return frozenLists(wire, {
          wakeId: wire.wakeId,
          orders: applyOpenOrdersDelta(held!.orders, wire),
          positions: applyPositionsDelta(held!.positions, wire.positions),
        });
      }
      default:
        throw new WakeViewError(`wake_up.private_view: unknown value ${wire.privateView}`);
    }
  }

  private checkBase(part: string, wire: WakeUp, heldWakeId: number | undefined): void {
    if (heldWakeId !== wire.baseWakeId)
      throw new WakeViewError(
        `wake_up.base_wake_id: ${wire.baseWakeId} is not the ${part} this stream holds (${heldWakeId === undefined ? 'none' : `wake ${heldWakeId}`})`,
      );
  }

  private frozen(wire: WakeUp, view: View): View {
    for (const list of [wire.books, wire.priceForecasts, wire.fundamentalsForecasts])
      for (const e of list) deepFreeze(e);
    return view;
  }
}
