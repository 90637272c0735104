// The idle baseline: holds its asset, never trades. Every other strategy must beat it.
import * as z from 'zod';
import type { Action } from '../../gen/flexarena/v1/session.js';
import type { Strategy } from '../sdk/strategy.js';
import { parseParams } from './params.js';

export class IdleStrategy implements Strategy {
  readonly name = 'idle';
  /** It reads nothing: over gRPC its wake-ups cost no books or forecasts to decode. */
  readonly ignoresPublicView = true;

  /** It has no parameters: any given (a typo, params meant for another strategy) is refused, not ignored. */
  constructor(params: unknown = {}) {
    parseParams('idle', z.strictObject({}), params);
  }

  decide(): Action[] {
    return [];
  }
}
