// Work gathered during one turn of the event loop and done once at its end, or sooner past a
// size: the sinks the simulation's clock feeds record by record (the NATS thread's bursts,
// settlements.jsonl) hand their work over in bursts instead of once per record. With a minimum
// interval, the end of a turn flushes only that long after the previous flush (a timer waits for
// the rest): for work whose every hand-over costs more than its size, such as a file write.
export class TurnBatch {
  private size = 0;
  private scheduled = false;
  private lastFlushMs = Number.NEGATIVE_INFINITY;
  /** The timer of a flush waiting out the interval: cleared by an earlier flush, so no timer outlives the work. */
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `flush` takes over what waits; `limit` is the size at which it runs without waiting for the
   * turn; `minIntervalMs` (default 0: every turn) the least time between two flushes at a turn's end.
   */
  constructor(
    private readonly flush: () => void,
    private readonly limit: number,
    private readonly minIntervalMs = 0,
  ) {}

  /** `size` more waits: flushed now past the limit, otherwise at the end of this turn (or of the interval). */
  added(size: number): void {
    this.size += size;
    if (this.size >= this.limit) this.now();
    else if (!this.scheduled) {
      this.scheduled = true;
      const wait = this.lastFlushMs + this.minIntervalMs - performance.now();
      if (wait > 0) this.timer = setTimeout(this.atTurn, wait);
      else setImmediate(this.atTurn);
    }
  }

  /** Flushes now (a flush already scheduled for this turn then does nothing). */
  now(): void {
    this.scheduled = false;
    this.size = 0;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.minIntervalMs > 0) this.lastFlushMs = performance.now();
    this.flush();
  }

  private readonly atTurn = () => {
    if (this.scheduled) this.now();
  };
}
