// Fresh Float32Arrays without the cost of `new Float32Array(n)` (~1 µs each in V8: every one
// gets its own backing store): observations are views carved out of 64 KiB slabs, and a full
// slab is replaced by a new one, never overwritten. So every observation an environment hands
// out stays valid for as long as it is referenced (a slab lives while any view of it does).
const SLAB_BYTES = 64 * 1024;

export class ObservationSlab {
  private buffer = new ArrayBuffer(SLAB_BYTES);
  private offset = 0;

  constructor(private readonly length: number) {
    if (!Number.isInteger(length) || length <= 0 || length * 4 > SLAB_BYTES)
      throw new RangeError(`observation length must be an integer in [1, ${SLAB_BYTES / 4}], got ${length}`);
  }

  /** A zeroed Float32Array of the slab's length. */
  next(): Float32Array {
    const bytes = this.length * 4;
    if (this.offset + bytes > SLAB_BYTES) {
      this.buffer = new ArrayBuffer(SLAB_BYTES);
      this.offset = 0;
    }
    const view = new Float32Array(this.buffer, this.offset, this.length);
    this.offset += bytes;
    return view;
  }
}
