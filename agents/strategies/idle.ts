// The idle baseline: holds its asset, never trades. Every other strategy must beat it.
import type { Action } from '../../gen/flexarena/v1/session.js';
import type { Strategy } from '../sdk/strategy.js';

export class IdleStrategy implements Strategy {
  readonly name = 'idle';

  decide(): Action[] {
    return [];
  }
}
