// A ring buffer of transitions in flat Float32Arrays: no object per transition, batches sampled
// into preallocated arrays with the trainer's seeded stream.
import type { RandomStream } from '../../lib/index.js';

export interface Batch {
  size: number;
  obs: Float32Array;
  action: Float32Array;
  reward: Float32Array;
  /** γ-free continuation of the transition: 0 at a terminal step. */
  discount: Float32Array;
  next: Float32Array;
}

export class ReplayBuffer {
  private readonly obs: Float32Array;
  private readonly act: Float32Array;
  private readonly rew: Float32Array;
  private readonly disc: Float32Array;
  private readonly nxt: Float32Array;
  private cursor = 0;
  private filled = 0;

  constructor(
    readonly capacity: number,
    readonly obsSize: number,
    readonly actionSize: number,
  ) {
    this.obs = new Float32Array(capacity * obsSize);
    this.act = new Float32Array(capacity * actionSize);
    this.rew = new Float32Array(capacity);
    this.disc = new Float32Array(capacity);
    this.nxt = new Float32Array(capacity * obsSize);
  }

  get size(): number {
    return this.filled;
  }

  add(
    obs: ArrayLike<number>,
    action: ArrayLike<number>,
    reward: number,
    discount: number,
    next: ArrayLike<number>,
  ): void {
    const i = this.cursor;
    this.obs.set(obs, i * this.obsSize);
    this.act.set(action, i * this.actionSize);
    this.rew[i] = reward;
    this.disc[i] = discount;
    this.nxt.set(next, i * this.obsSize);
    this.cursor = (i + 1) % this.capacity;
    this.filled = Math.min(this.filled + 1, this.capacity);
  }

  sample(size: number, rng: RandomStream, into?: Batch): Batch {
    const o = this.obsSize;
    const a = this.actionSize;
    const b: Batch = into ?? {
      size,
      obs: new Float32Array(size * o),
      action: new Float32Array(size * a),
      reward: new Float32Array(size),
      discount: new Float32Array(size),
      next: new Float32Array(size * o),
    };
    for (let k = 0; k < size; k++) {
      const i = rng.int(0, this.filled - 1);
      b.obs.set(this.obs.subarray(i * o, i * o + o), k * o);
      b.action.set(this.act.subarray(i * a, i * a + a), k * a);
      b.reward[k] = this.rew[i]!;
      b.discount[k] = this.disc[i]!;
      b.next.set(this.nxt.subarray(i * o, i * o + o), k * o);
    }
    return b;
  }

  /** Everything, for a checkpoint (base64 of the raw floats keeps the file small). */
  toJSON(): Record<string, unknown> {
    // Only the filled part (a buffer that has not wrapped yet is mostly empty).
    const n = this.filled;
    const enc = (x: Float32Array, w: number) =>
      Buffer.from(x.buffer, x.byteOffset, n * w * 4).toString('base64');
    return {
      capacity: this.capacity,
      obsSize: this.obsSize,
      actionSize: this.actionSize,
      cursor: this.cursor,
      filled: this.filled,
      obs: enc(this.obs, this.obsSize),
      act: enc(this.act, this.actionSize),
      rew: enc(this.rew, 1),
      disc: enc(this.disc, 1),
      nxt: enc(this.nxt, this.obsSize),
    };
  }

  static fromJSON(j: Record<string, unknown>): ReplayBuffer {
    const r = new ReplayBuffer(j.capacity as number, j.obsSize as number, j.actionSize as number);
    const dec = (s: unknown, into: Float32Array) => {
      // Copied into an aligned buffer: a decoded Buffer may sit at any offset of Node's pool.
      const bytes = Uint8Array.from(Buffer.from(s as string, 'base64'));
      into.set(new Float32Array(bytes.buffer));
    };
    dec(j.obs, r.obs);
    dec(j.act, r.act);
    dec(j.rew, r.rew);
    dec(j.disc, r.disc);
    dec(j.nxt, r.nxt);
    r.cursor = j.cursor as number;
    r.filled = j.filled as number;
    return r;
  }
}
