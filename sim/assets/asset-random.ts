// Random streams for the asset adapters. The injected NamedRng streams (`asset.<id>.<purpose>`)
// cannot be rewound, but a preview must see exactly the draws the step will see. So a twin whose
// period is stochastic (the EV fleet) draws one 32-bit seed per market period from its named
// stream and runs the period on a fresh SeededStream from that seed: the preview and the step of
// the same period start from the same seed and therefore make identical draws.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** What the twins draw from (RandomStream of lib/random.ts fits). */
export interface AssetRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number;
  /** Standard normal. */
  normal(): number;
}

/** Draws a 32-bit seed from a stream (one draw). */
export function drawSeed(stream: AssetRandom): number {
  return stream.int(-0x80000000, 0x7fffffff);
}

/** A seeded stream (xoroshiro128+, as the NamedRng streams). */
export class SeededStream implements AssetRandom {
  private readonly gen: ReturnType<typeof xoroshiro128plus>;

  constructor(readonly seed: number) {
    this.gen = xoroshiro128plus(seed);
  }

  next(): number {
    return uniformFloat64(this.gen);
  }

  int(from: number, to: number): number {
    return uniformInt(this.gen, from, to);
  }

  /** Box-Muller, as RandomStream.normal. */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** Forwards to `current`, which the owner swaps (a twin holds one fixed stream object). */
export class SwitchableRandom implements AssetRandom {
  constructor(public current: AssetRandom) {}

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
