// Sinks that write a run's records into its folder: the tape (and its hash), the settlement
// records of the evaluation contract, and the agent fault log with wall-clock times.
import { appendFileSync, createWriteStream, type WriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunEnd, RunManifest, SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { type FaultRecord, type RecordSink, type SequencedTapeRecord, TapeEncoder } from '../../sim/index.js';

function closeStream(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** tape.jsonl and its sha256. */
export class TapeFileSink implements RecordSink {
  private readonly out: WriteStream;
  private readonly encoder: TapeEncoder;

  constructor(path: string) {
    this.out = createWriteStream(path);
    this.encoder = new TapeEncoder((lines) => this.out.write(lines));
  }

  get count(): number {
    return this.encoder.count;
  }

  tape(record: SequencedTapeRecord): void {
    this.encoder.tape(record);
  }

  /** Writes the last lines and flushes the file; returns the tape's sha256. */
  async close(): Promise<string> {
    const sha256 = this.encoder.seal();
    await closeStream(this.out);
    return sha256;
  }
}

/** settlements.jsonl: every SettlementRecord in the proto3 JSON encoding, one per line. */
export class SettlementFileSink implements RecordSink {
  private readonly out: WriteStream;

  constructor(path: string) {
    this.out = createWriteStream(path);
  }

  settlement(r: SettlementRecord): void {
    this.out.write(`${JSON.stringify(SettlementRecord.toJSON(r))}\n`);
  }

  close(): Promise<void> {
    return closeStream(this.out);
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
 * violations, strategy errors), in a log of their own so they never leak into the tape.
 */
export class FaultLogSink implements RecordSink {
  count = 0;

  constructor(
    private readonly path: string,
    private readonly echo: (line: string) => void = () => {},
  ) {}

  fault(r: FaultRecord): void {
    this.write(r.agentId, r.kind, r.detail, r.t);
  }

  /** For faults the runtime observes itself (not through the core). */
  write(agentId: string, kind: string, detail: string, virtualTimeMs?: number): void {
    this.count++;
    const entry = {
      wallTime: new Date().toISOString(),
      ...(virtualTimeMs === undefined ? {} : { virtualTime: new Date(virtualTimeMs).toISOString() }),
      agent: agentId,
      kind,
      detail,
    };
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
    this.echo(`agent fault: ${agentId} ${kind}: ${detail}`);
  }
}
