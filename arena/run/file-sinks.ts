// Sinks that write a run's records into its folder (the tape is in tape-file.ts): the settlement
// records of the evaluation contract, and the agent fault log with wall-clock times.
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { RunEnd, RunManifest, type SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { writeFileAtomically } from '../../lib/index.js';
import { type FaultRecord, type RecordSink, settlementJson } from '../../sim/index.js';
import { type FaultLogLimits, FaultThrottle, type SuppressedSummary } from './fault-throttle.js';
import { writeAll } from './tape-file.js';

export const SETTLEMENTS_FILE = 'settlements.jsonl';

/** Lines held at most this long before they are written without waiting for a checkpoint. */
const HOLD_BYTES = 256 * 1024;

/**
 * settlements.jsonl: every SettlementRecord in the proto3 JSON encoding, one per line. Lines are
 * gathered and written with one write(2) per decision point, on the main thread, when the tape has
 * been written to the same point: the driver calls cut() when a decision point opens and runs what
 * it returns once the tape is on disk up to there (TapeFileSink.checkpoint). A run killed outright
 * then leaves whole lines only, every settlement of the tape's records and none beyond. (A write
 * through a file stream per agent and quarter-hour was a few per cent of an in-process run's main
 * thread, and handing a stream write to libuv's pool costs the clock's thread 0.1–0.3 ms; a
 * write(2) of a decision point's few kilobytes into the page cache costs a few microseconds.)
 */
export class SettlementFileSink implements RecordSink {
  private readonly fd: number;
  /** Lines not yet written, in order; queue[0] is line number `firstQueued` of the file (0-based). */
  private queue: string[] = [];
  private queuedBytes = 0;
  private firstQueued = 0;
  private total = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  settlement(r: SettlementRecord): void {
    const line = `${settlementJson(r)}\n`;
    this.queue.push(line);
    this.total++;
    this.queuedBytes += line.length;
    // Without checkpoints (a writer that never cuts) lines still reach the file.
    if (this.queuedBytes >= HOLD_BYTES) this.writeUpTo(this.total);
  }

  /** The lines so far: the function returned writes them (and any before them not yet written). */
  cut(): () => void {
    const upTo = this.total;
    return () => this.writeUpTo(upTo);
  }

  close(): Promise<void> {
    this.writeUpTo(this.total);
    closeSync(this.fd);
    return Promise.resolve();
  }

  private writeUpTo(n: number): void {
    const k = n - this.firstQueued;
    if (k <= 0) return;
    const lines = this.queue.splice(0, k);
    this.firstQueued = n;
    const text = lines.join('');
    this.queuedBytes -= text.length;
    writeAll(this.fd, Buffer.from(text, 'utf8'));
  }
}

/**
 * run-manifest.json (who played with which asset) and run-end.json (how many settlement records,
 * the ledgers' counters): with settlements.jsonl, everything an evaluator needs, in proto3 JSON.
 */
export class RunInfoFileSink implements RecordSink {
  constructor(private readonly runDir: string) {}

  manifest(m: RunManifest): void {
    writeFileAtomically(
      join(this.runDir, 'run-manifest.json'),
      `${JSON.stringify(RunManifest.toJSON(m), null, 2)}\n`,
    );
  }

  runEnd(e: RunEnd): void {
    // Whole or absent: a run killed while writing it must not leave a file its readers refuse.
    writeFileAtomically(join(this.runDir, 'run-end.json'), `${JSON.stringify(RunEnd.toJSON(e), null, 2)}\n`);
  }
}

/**
 * agent-faults.log: agent faults with wall-clock times (missed deadlines, disconnects, protocol
 * violations, strategy errors), in a log of their own so they never leak into the tape. Rate
 * limited per agent and kind (FaultThrottle): past the budget, faults are counted and written as
 * "suppressed-faults" summary lines, so a flooding agent cannot fill the disk and nothing is lost.
 */
export class FaultLogSink implements RecordSink {
  /** Faults seen (written or summarised). */
  count = 0;
  private readonly throttle: FaultThrottle;

  constructor(
    private readonly path: string,
    private readonly echo: (line: string) => void = () => {},
    limits: FaultLogLimits = { linesPerKind: 20, summaryEveryMs: 10_000 },
  ) {
    this.throttle = new FaultThrottle(limits, () => Date.now());
  }

  fault(r: FaultRecord): void {
    this.write(r.agentId, r.kind, r.detail, r.t);
  }

  /** For faults the runtime observes itself (not through the core). */
  write(agentId: string, kind: string, detail: string, virtualTimeMs?: number): void {
    this.count++;
    const d = this.throttle.offer(agentId, kind);
    if (d.write) {
      this.line({
        ...(virtualTimeMs === undefined ? {} : { virtualTime: new Date(virtualTimeMs).toISOString() }),
        agent: agentId,
        kind,
        detail,
      });
      this.echo(`agent fault: ${agentId} ${kind}: ${detail}`);
    } else if (d.summary) this.summary(d.summary);
  }

  /** Writes the summaries still owed (call at the end of a run); safe to call twice. */
  close(): void {
    for (const s of this.throttle.flush()) this.summary(s);
  }

  /** Faults per agent and kind, written or suppressed. */
  totals(): { agentId: string; kind: string; total: number }[] {
    return this.throttle.totals();
  }

  private summary(s: SuppressedSummary): void {
    const detail = `suppressed ${s.suppressed} similar faults (${s.kind}; ${s.total} in all so far)`;
    this.line({
      agent: s.agentId,
      kind: 'suppressed-faults',
      of: s.kind,
      suppressed: s.suppressed,
      total: s.total,
      detail,
    });
    this.echo(`agent fault: ${s.agentId} ${detail}`);
  }

  private line(entry: Record<string, unknown>): void {
    appendFileSync(this.path, `${JSON.stringify({ wallTime: new Date().toISOString(), ...entry })}\n`);
  }
}
