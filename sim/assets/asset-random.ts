// Random streams for the asset adapters. The injected NamedRng streams (`asset.<id>.<purpose>`)
// cannot be rewound, but a preview must see exactly the draws the step will see. So a twin whose
// period is stochastic (the EV fleet) draws one 32-bit seed per market period from its named
// stream (drawSeed) and runs the period on a fresh RandomStream from that seed: the preview and
// the step of the same period start from the same seed and therefore make identical draws.
import type { Random } from '../../lib/index.js';

/** What the twins draw from: any stream of lib/random.ts. */
export type AssetRandom = Random;

/** Forwards to `current`, which the owner swaps (a twin holds one fixed stream object). */
export class SwitchableRandom implements Random {
  constructor(public current: Random) {}

  next(): number {
    return this.current.next();
  }

  int(from: number, to: number): number {
    return this.current.int(from, to);
  }

  normal(): number {
    return this.current.normal();
  }
}
