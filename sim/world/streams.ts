// Random streams of the world. Each is the stream NamedRng.stream(name) would hand out first
// (same name, same seed derivation), but private to the caller and built afresh on every call:
// the world is then a pure function of (config, seed, days) — another consumer of the run's
// NamedRng, or a second createWorld with the same instance, cannot shift its numbers — and a
// forecast issue can be replayed from its own stream at any time.
import { deriveSeed, type NamedRng, RandomStream } from '../../lib/index.js';

export function worldStream(rng: NamedRng, name: string): RandomStream {
  return new RandomStream(name, deriveSeed(rng.seed, name));
}
