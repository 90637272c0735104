// The public view on the wire for sessions that asked for deltas (Hello.wake_up_encoding DELTA).
// The core hands every agent the same full view at a decision point (books and forecasts, the
// same arrays for everyone); a DELTA session gets only what changed since the previous wake-up of
// its stream. Safe by construction: the base of a delta is always the view this gateway sent last
// on the same stream (ordered delivery: the agent got it before), so a delta for a base the agent
// does not hold cannot be produced. A new stream (a fresh start, every resume) starts with a
// snapshot, and so does anything the rebuild rule cannot express (`diffWakeView` checks it).
// One delta is computed per (base, decision point) and its arrays are shared by every session on
// that base, so SessionEncoder encodes it once.
import type { BookDepth, PriceForecast } from '../../gen/flexarena/v1/market.js';
import { type FundamentalsForecast, PublicView, type WakeUp } from '../../gen/flexarena/v1/session.js';
import { deepFreeze, diffWakeView, type WakeView } from '../../lib/index.js';

export type FullView = WakeView<BookDepth, PriceForecast, FundamentalsForecast>;

/** The view a session's agent holds: that of the last wake-up sent on its stream. */
export interface HeldView {
  wakeId: number;
  view: FullView;
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

  /**
   * What a DELTA session holding `held` (undefined: nothing yet on this stream) gets for `wake`,
   * and the view it holds once it has it.
   */
  encode(wake: WakeUp, held: HeldView | undefined): { wire: WakeUp; holds: HeldView } {
    const cur = this.currentFor(wake);
    let part: ViewFields | undefined;
    if (held) {
      if (!cur.deltas.has(held.view)) cur.deltas.set(held.view, this.deltaPart(held, cur.view));
      part = cur.deltas.get(held.view);
    }
    if (part) this.deltas++;
    else this.snapshots++;
    return { wire: { ...wake, ...(part ?? cur.snapshot) }, holds: { wakeId: wake.wakeId, view: cur.view } };
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
