// Shared pieces for in-process tests of venues, settlement and the sequencer: a run context
// built from a configuration document exactly as a run builds it, with a tape and fault log
// that keep what they are given.

import { type MarketDataPublisher, NullPublisher } from '../../arena/nats/market-data-publisher.js';
import { type TapeRecord, TapeWriter } from '../../arena/tape/tape-writer.js';
import type { ActionResult } from '../../gen/flexarena/v1/session.js';
import { parseRunConfig } from '../config/run-config.js';
import { createRunContext, type RunContext } from './run-context.js';
import { pendingResult } from './run-engine.js';

export class RecordingTape extends TapeWriter {
  readonly records: TapeRecord[] = [];
  override write(record: TapeRecord): void {
    this.records.push(record);
    super.write(record);
  }
}

export interface FaultRecord {
  agent: string;
  kind: string;
  detail: string;
}

export interface UnitContext {
  ctx: RunContext;
  tape: RecordingTape;
  faults: FaultRecord[];
}

/** A context for `doc` (a run configuration document; NATS off unless it says otherwise). */
export function unitContext(
  doc: Record<string, unknown>,
  publisher: MarketDataPublisher = new NullPublisher(),
): UnitContext {
  const tape = new RecordingTape();
  const faults: FaultRecord[] = [];
  const cfg = parseRunConfig({ nats: { enabled: false }, ...doc });
  const ctx = createRunContext(cfg, 'unit-run', {
    tape,
    publisher,
    faults: { fault: (agent, kind, detail) => faults.push({ agent, kind, detail }) },
  });
  return { ctx, tape, faults };
}

/** An action result as the sequencer hands it to a venue, before the venue fills it in. */
export function emptyResult(index = 0): ActionResult {
  return pendingResult(index, '', 0);
}
