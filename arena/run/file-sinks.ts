// Sinks that write a run's records into its folder (the tape is in tape-file.ts): the settlement
// records of the evaluation contract, and the agent fault log with wall-clock times.
import { appendFileSync, createWriteStream, type WriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunEnd, RunManifest, type SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { TurnBatch } from '../../lib/index.js';
import { type FaultRecord, type RecordSink, settlementJson } from '../../sim/index.js';
import { type FaultLogLimits, FaultThrottle, type SuppressedSummary } from './fault-throttle.js';

function closeStream(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/**
 * settlements.jsonl: every SettlementRecord in the proto3 JSON encoding, one per line. A quarter-hour
 * settles every agent at once, so lines are gathered and handed to the file stream at most once a
 * second (or per 256 KiB): one stream write per agent and quarter-hour was a few per cent of an
 * in-process run's main thread, and even one per event-loop turn was ~290 file writes in a 3-day
 * pace run, each costing the clock's thread 0.1–0.3 ms to hand to libuv's pool (whose threads run
 * at the lowest priority during a run) — against ~0.05 ms for the few large ones. Lines are read
 * only after the run; a live run's file is at most a second behind.
 */
export class SettlementFileSink implements RecordSink {
  private readonly out: WriteStream;
  private pending: string[] = [];
  private readonly batch = new TurnBatch(() => this.write(), 256 * 1024, 1_000);

  constructor(path: string) {
    this.out = createWriteStream(path);
  }

  settlement(r: SettlementRecord): void {
    const line = `${settlementJson(r)}\n`;
    this.pending.push(line);
    this.batch.added(line.length);
  }

  close(): Promise<void> {
    this.batch.now();
    return closeStream(this.out);
  }

  private write(): void {
    if (this.pending.length === 0) return;
    this.out.write(this.pending.join(''));
    this.pending = [];
  }
}

/**
 * run-manifest.json (who played with which asset) and run-end.json (how many settlement records,
 * the ledgers' counters): with settlements.jsonl, everything an evaluator needs, in proto3 JSON.
 */
export class RunInfoFileSink implements RecordSink {
  constructor(private readonly runDir: string) {}

  manifest(m: RunManifest): void {
    writeFileSync(
      join(this.runDir, 'run-manifest.json'),
      `${JSON.stringify(RunManifest.toJSON(m), null, 2)}\n`,
    );
  }

  runEnd(e: RunEnd): void {
    writeFileSync(join(this.runDir, 'run-end.json'), `${JSON.stringify(RunEnd.toJSON(e), null, 2)}\n`);
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
