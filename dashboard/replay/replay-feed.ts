// A replay's messages kept on disk with an index in memory, instead of every message as a string:
// a month of the pace line-up is 70 000 messages and 65 MB of JSON, four months four times that.
// The messages go to a file in the temporary folder as the re-simulation emits them (unlinked at
// once: the open file lives as long as the process, even one that is killed), and the index holds
// per message its time, place in the file and supersede key (24 bytes). Every CHECKPOINT_EVERY
// messages the file also gets what the page draws at that moment (DashboardStore.snapshot()), so
// that a seek rebuilds the page's state from the checkpoint before it and at most that many
// messages, and sends the page that state instead of the history.
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashboardStore, type SnapshotTrade, type StoreSnapshot } from '../web/model/store.js';
import type { TimedMessage } from './timeline.js';

export const CHECKPOINT_EVERY = 5_000;
const WRITE_CHUNK = 1 << 20;

/** Growable typed array storage. */
class Column<T extends Float64Array | Int32Array> {
  data: T;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }
  set(i: number, v: number): void {
    if (i >= this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[i] = v;
  }
}

export class ReplayFeed {
  private count = 0;
  private readonly times = new Column((n) => new Float64Array(n));
  private readonly offsets = new Column((n) => new Float64Array(n));
  private readonly lengths = new Column((n) => new Int32Array(n));
  /** Index into `keys` + 1 of each message's supersede key; 0: none. */
  private readonly keyIds = new Column((n) => new Int32Array(n));
  private readonly keys: string[] = [];
  private readonly keyIndex = new Map<string, number>();
  private readonly subjects: string[] = [];
  private readonly subjectIndex = new Map<string, number>();
  private readonly subjectIds = new Column((n) => new Int32Array(n));
  /** Message index (the checkpoint is the page's state before it), place and length in the file. */
  private readonly checkpoints: { index: number; offset: number; length: number }[] = [];
  private readonly fd: number;
  private written = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The page's state after every message so far, for the next checkpoint. */
  private store: DashboardStore | undefined;
  private closed = false;

  constructor(
    readonly runId: string,
    private readonly interrupted?: { signal: string; lastDecisionMs: number },
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-replay-'));
    const path = join(dir, 'feed');
    this.fd = openSync(path, 'w+');
    unlinkSync(path);
    rmdirSync(dir);
    this.store = new DashboardStore(runId, interrupted);
    this.checkpoint();
  }

  /** A feed of these messages (tests, small timelines). */
  static of(runId: string, messages: readonly TimedMessage[]): ReplayFeed {
    const feed = new ReplayFeed(runId);
    for (const m of messages) feed.push(m);
    return feed;
  }

  get length(): number {
    return this.count;
  }

  timeAt(i: number): number {
    return this.times.data[i]!;
  }

  push(m: TimedMessage): void {
    if (this.count > 0 && m.t < this.timeAt(this.count - 1))
      throw new RangeError(`messages must come in time order: ${m.t} after ${this.timeAt(this.count - 1)}`);
    const i = this.count++;
    const bytes = Buffer.from(m.data, 'utf8');
    this.times.set(i, m.t);
    this.offsets.set(i, this.append(bytes));
    this.lengths.set(i, bytes.length);
    this.keyIds.set(i, m.supersedes === undefined ? 0 : intern(this.keys, this.keyIndex, m.supersedes) + 1);
    this.subjectIds.set(i, intern(this.subjects, this.subjectIndex, m.subject));
    this.store!.apply(m.subject, JSON.parse(m.data));
    if (this.count % CHECKPOINT_EVERY === 0) this.checkpoint();
  }

  /** Keeps the first `n` messages only (a killed run's last decision point in part). */
  truncate(n: number): void {
    if (n >= this.count) return;
    this.count = n;
    while (this.checkpoints.at(-1)!.index > n) this.checkpoints.pop();
    // The running state is past `n`: rebuilt from the checkpoint, for the ones that may follow.
    this.store = this.stateAt(n);
  }

  /** No more messages: the running state is dropped. */
  seal(): void {
    this.store = undefined;
  }

  /** First index with t > timeMs. */
  indexAfter(timeMs: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) <= timeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Messages [from, to), read back from the file. */
  read(from: number, to: number): TimedMessage[] {
    if (to <= from) return [];
    this.flushWrites();
    const offsets = this.offsets.data;
    const start = offsets[from]!;
    const block = Buffer.allocUnsafe(offsets[to - 1]! + this.lengths.data[to - 1]! - start);
    readFully(this.fd, block, start);
    const out: TimedMessage[] = [];
    for (let i = from; i < to; i++) {
      const at = offsets[i]! - start;
      const key = this.keyIds.data[i]!;
      out.push({
        t: this.timeAt(i),
        subject: this.subjects[this.subjectIds.data[i]!]!,
        data: block.toString('utf8', at, at + this.lengths.data[i]!),
        ...(key ? { supersedes: this.keys[key - 1]! } : {}),
      });
    }
    return out;
  }

  /**
   * What the page draws after messages [0, end): the checkpoint before `end` and the messages
   * since; of the trades, those of `products` and of the product the page shows by itself.
   */
  snapshotAt(end: number, products: readonly string[] = []): StoreSnapshot {
    const state = this.stateAt(end);
    const first = state.firstProductWithBook();
    return state.snapshot({ tradesOf: first === undefined ? products : [...products, first] });
  }

  /** A product's last trades (as a snapshot carries them) after messages [0, end). */
  tradesAt(end: number, productId: string): SnapshotTrade[] {
    return this.stateAt(end).tradesSnapshot(productId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private stateAt(end: number): DashboardStore {
    let k = this.checkpoints.length - 1;
    while (this.checkpoints[k]!.index > end) k--;
    const cp = this.checkpoints[k]!;
    this.flushWrites();
    const bytes = Buffer.allocUnsafe(cp.length);
    readFully(this.fd, bytes, cp.offset);
    const store = new DashboardStore(this.runId, this.interrupted);
    store.restore(JSON.parse(bytes.toString('utf8')) as StoreSnapshot);
    // Read in slices, so that a long stretch without checkpoints is not one buffer.
    for (let from = cp.index; from < end; from += CHECKPOINT_EVERY)
      for (const m of this.read(from, Math.min(end, from + CHECKPOINT_EVERY)))
        store.apply(m.subject, JSON.parse(m.data));
    return store;
  }

  private checkpoint(): void {
    const bytes = Buffer.from(JSON.stringify(this.store!.snapshot()), 'utf8');
    this.checkpoints.push({ index: this.count, offset: this.append(bytes), length: bytes.length });
    // The running store keeps every trade of the run; one restored from the checkpoint only what
    // the page draws, which is all the next checkpoint needs.
    const trimmed = new DashboardStore(this.runId, this.interrupted);
    trimmed.restore(JSON.parse(bytes.toString('utf8')) as StoreSnapshot);
    this.store = trimmed;
  }

  /** Writes `bytes` at the end of the file (buffered); returns where. */
  private append(bytes: Buffer): number {
    const at = this.written + this.pendingBytes;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= WRITE_CHUNK) this.flushWrites();
    return at;
  }

  private flushWrites(): void {
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    for (let done = 0; done < chunk.length; )
      done += writeSync(this.fd, chunk, done, chunk.length - done, this.written + done);
    this.written += chunk.length;
    this.pending = [];
    this.pendingBytes = 0;
  }
}

function intern(list: string[], index: Map<string, number>, s: string): number {
  let i = index.get(s);
  if (i === undefined) {
    i = list.length;
    list.push(s);
    index.set(s, i);
  }
  return i;
}

function readFully(fd: number, into: Buffer, position: number): void {
  for (let done = 0; done < into.length; ) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error(`the replay's feed file ended at ${position + done}`);
    done += n;
  }
}
