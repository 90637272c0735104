// The idle baseline: holds its asset, never trades. Every other strategy must beat it.
import type { Action } from '../../gen/flexarena/v1/session.js';
import type { Strategy } from '../sdk/strategy.js';

export class IdleStrategy implements Strategy {
  readonly name = 'idle';
  /** It reads nothing: over gRPC its wake-ups cost no books or forecasts to decode. */
  readonly ignoresPublicView = true;

  decide(): Action[] {
    return [];
  }
}
