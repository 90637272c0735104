// The SDK's side of delta wake-ups (Hello.wake_up_encoding DELTA): it keeps the public view
// (books, forecasts) of the last wake-up of the stream and rebuilds every wake-up to the complete
// message a full session would have decoded, so a strategy never sees a delta. A delta must apply
// to the view held; anything else (no view yet, another base) is a WakeViewError, on which the
// client resumes on a new stream, whose first wake-up is a snapshot.
import { PublicView, type WakeUp } from '../../gen/flexarena/v1/session.js';
import { applyWakeViewDelta, deepFreeze, type WakeView } from '../../lib/index.js';
import { AgentSdkError } from './errors.js';

type View = WakeView<
  WakeUp['books'][number],
  WakeUp['priceForecasts'][number],
  WakeUp['fundamentalsForecasts'][number]
>;

/** A delta wake-up the client cannot apply; the stream is given up and resumed. */
export class WakeViewError extends AgentSdkError {}

export class WakeViewTracker {
  private held: { wakeId: number; view: View } | undefined;

  /** The complete wake-up for `wire`, as received on this stream (in order). */
  rebuild(wire: WakeUp): WakeUp {
    switch (wire.publicView) {
      case PublicView.PUBLIC_VIEW_UNSPECIFIED:
        return wire;
      case PublicView.PUBLIC_VIEW_SNAPSHOT:
        return this.hold(wire, wire);
      case PublicView.PUBLIC_VIEW_DELTA: {
        const held = this.held;
        if (!held || held.wakeId !== wire.baseWakeId)
          throw new WakeViewError(
            `wake_up.base_wake_id: ${wire.baseWakeId} is not the view this stream holds (${held ? `wake ${held.wakeId}` : 'none'})`,
          );
        return this.hold(wire, applyWakeViewDelta(held.view, wire));
      }
      default:
        throw new WakeViewError(`wake_up.public_view: unknown value ${wire.publicView}`);
    }
  }

  /**
   * Keeps `view` and returns the complete message. The entries are frozen because later wake-ups
   * share them (as in-process wake-ups are); the lists are the strategy's own copies.
   */
  private hold(wire: WakeUp, view: View): WakeUp {
    for (const list of [wire.books, wire.priceForecasts, wire.fundamentalsForecasts])
      for (const e of list) deepFreeze(e);
    this.held = { wakeId: wire.wakeId, view };
    return {
      ...wire,
      books: view.books.slice(),
      priceForecasts: view.priceForecasts.slice(),
      fundamentalsForecasts: view.fundamentalsForecasts.slice(),
      publicView: PublicView.PUBLIC_VIEW_UNSPECIFIED,
      baseWakeId: 0,
      closedProductIds: [],
      expiredForecastProductIds: [],
    };
  }
}
