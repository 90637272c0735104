// Work gathered during one turn of the event loop and done once at its end, or sooner past a
// size: the sinks the simulation's clock feeds record by record (the NATS thread's bursts,
// settlements.jsonl) hand their work over in bursts instead of once per record.
export class TurnBatch {
  private size = 0;
  private scheduled = false;

  /** `flush` takes over what waits; `limit` is the size at which it runs without waiting for the turn. */
  constructor(
    private readonly flush: () => void,
    private readonly limit: number,
  ) {}

  /** `size` more waits: flushed now past the limit, otherwise once at the end of this turn. */
  added(size: number): void {
    this.size += size;
    if (this.size >= this.limit) this.now();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.atTurn);
    }
  }

  /** Flushes now (a flush already scheduled for this turn then does nothing). */
  now(): void {
    this.scheduled = false;
    this.size = 0;
    this.flush();
  }

  private readonly atTurn = () => {
    if (this.scheduled) this.now();
  };
}
