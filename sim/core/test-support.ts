// Shared pieces for in-process tests of venues, settlement and the simulation: a run context
// built from a configuration document exactly as a run builds it, with a sink that keeps every
// record it is given.
import type { SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import type { ActionResult } from '../../gen/flexarena/v1/session.js';
import { parseRunConfig } from '../config/run-config.js';
import {
  type FaultRecord,
  Output,
  type PublicRecord,
  type RecordSink,
  type SequencedTapeRecord,
} from '../records/records.js';
import { createRunContext, type RunContext, type RunContextDeps } from './run-context.js';
import { pendingResult } from './simulation.js';

/** Keeps every record: tape, public data, settlement records, faults. */
export class RecordingSink implements RecordSink {
  readonly records: SequencedTapeRecord[] = [];
  readonly published: PublicRecord[] = [];
  readonly settlements: SettlementRecord[] = [];
  readonly faults: FaultRecord[] = [];

  tape(r: SequencedTapeRecord): void {
    this.records.push(r);
  }
  public(r: PublicRecord): void {
    this.published.push(r);
  }
  settlement(r: SettlementRecord): void {
    this.settlements.push(r);
  }
  fault(r: FaultRecord): void {
    this.faults.push(r);
  }
}

export interface UnitContext {
  ctx: RunContext;
  tape: RecordingSink;
  /** Faults as "agent kind" strings. */
  faults: { agent: string; kind: string; detail: string }[];
}

/** A context for `doc` (a run configuration document; NATS off unless it says otherwise). */
export function unitContext(
  doc: Record<string, unknown>,
  extraSinks: RecordSink[] = [],
  files?: RunContextDeps['files'],
): UnitContext {
  const tape = new RecordingSink();
  const faults: UnitContext['faults'] = [];
  const cfg = parseRunConfig({ nats: { enabled: false }, ...doc });
  const out = new Output([
    tape,
    { fault: (f) => faults.push({ agent: f.agentId, kind: f.kind, detail: f.detail }) },
    ...extraSinks,
  ]);
  const ctx = createRunContext(cfg, 'unit-run', { out, ...(files ? { files } : {}) });
  return { ctx, tape, faults };
}

/** An action result as the simulation hands it to a venue, before the venue fills it in. */
export function emptyResult(index = 0): ActionResult {
  return pendingResult(index, '', 0);
}
