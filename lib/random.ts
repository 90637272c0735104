// Named, seeded random streams: every consumer draws from its own stream ("world.noise",
// "agent.heuristic.latency"), so adding a consumer never shifts the numbers another one sees.
import { createHash } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** What every consumer of randomness draws from. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number;
  /** Standard normal. */
  normal(): number;
}

/**
 * One seeded stream (xoroshiro128+): the only random generator of the arena — world, assets,
 * venues, runs, tournaments and studies draw from it. Strategies are an agent's own code and may
 * keep their own (tabular-q explores with mulberry32, whose whole state is one number its saved
 * state carries); the engine benchmark generates its workload with its own xorshift.
 */
export class RandomStream implements Random {
  private readonly gen: ReturnType<typeof xoroshiro128plus>;

  constructor(
    readonly name: string,
    seed: number,
  ) {
    // The generator keeps only seed | 0: 1.5 would be 1, 2^32 + 7 would be 7, NaN 0 — another
    // seed's numbers without a word. Configurations check their seeds; this catches a caller's bug.
    if (!Number.isInteger(seed) || seed < -0x80000000 || seed > 0x7fffffff)
      throw new RangeError(
        `random stream ${name}: seed must be an integer in [-2^31, 2^31 - 1], got ${seed}`,
      );
    this.gen = xoroshiro128plus(seed);
  }

  /** An unnamed stream from a 32-bit seed (e.g. one drawn from a named stream with drawSeed). */
  static fromSeed(seed: number): RandomStream {
    return new RandomStream(`seed:${seed}`, seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.gen, from, to);
  }

  /** Standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

export class NamedRng {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly seed: number) {}

  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (!s) {
      s = new RandomStream(name, deriveSeed(this.seed, name));
      this.streams.set(name, s);
    }
    return s;
  }
}

/** A 32-bit seed from (run seed, stream name) that does not depend on creation order. */
export function deriveSeed(seed: number, name: string): number {
  return createHash('sha256').update(`${seed}\u0000${name}`).digest().readInt32LE(0);
}

/** Draws a 32-bit seed from a stream (one draw), for a stream that must be re-creatable. */
export function drawSeed(stream: Random): number {
  return stream.int(-0x80000000, 0x7fffffff);
}
