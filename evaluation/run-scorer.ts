// Collects one run's evaluation messages — manifest, settlement records, end — idempotently: a
// record is kept once per sequence number, whatever the number of deliveries, so scores depend
// only on the set of records. Usable as an in-process record sink (tournaments) and behind the
// JetStream consumer of the evaluator process.
import { type RunEnd, type RunManifest, SettlementRecord } from '../gen/flexarena/v1/evaluation.js';
import { FlexArenaError } from '../lib/index.js';
import type { RecordSink } from '../sim/index.js';
import { assetFigures } from './asset-figures.js';
import { BoundInputError, validateBoundSpec } from './bound/battery-bound.js';
import type { BoundSolver } from './bound/pop.js';
import { computeScores } from './compute-scores.js';
import { scoreInputsSha256 } from './inputs-digest.js';
import type { RunScores } from './scores.js';

/** What became of a message: kept, a repeat of one already kept, or a different one under a seq already used. */
export type AddResult = 'added' | 'duplicate' | 'conflict';

/** A message the scorer refuses, naming its field and what was expected. */
export class EvaluationInputError extends FlexArenaError {
  constructor(
    readonly field: string,
    readonly limit: string,
    message: string,
  ) {
    super(message);
  }
}

const QH_MS = 900_000;
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export class RunScorer implements RecordSink {
  private manifestMsg: RunManifest | undefined;
  private endMsg: RunEnd | undefined;
  private readonly records = new Map<number, SettlementRecord>();
  duplicates = 0;
  conflicts = 0;

  constructor(readonly runId: string) {}

  get recordCount(): number {
    return this.records.size;
  }

  /** The manifest in, if it is. */
  get scoredManifest(): RunManifest | undefined {
    return this.manifestMsg;
  }

  get hasManifest(): boolean {
    return this.manifestMsg !== undefined;
  }

  get expectedRecords(): number | undefined {
    return this.endMsg?.settlementRecords;
  }

  /** Manifest, end and every record 1…n are in. */
  get complete(): boolean {
    const n = this.endMsg?.settlementRecords;
    if (n === undefined || !this.manifestMsg || this.records.size !== n) return false;
    for (let s = 1; s <= n; s++) if (!this.records.has(s)) return false;
    return true;
  }

  // RecordSink: the core's records, in process.
  manifest(m: RunManifest): void {
    this.addManifest(m);
  }

  runEnd(e: RunEnd): void {
    this.addEnd(e);
  }

  settlement(r: SettlementRecord): void {
    this.add(r);
  }

  addManifest(m: RunManifest): AddResult {
    this.checkRun(m.runId, 'manifest.run_id');
    this.checkGrid(m);
    this.checkBatteries(m);
    if (!this.manifestMsg) {
      // Records that came before their manifest (the stream orders each subject, not across them).
      for (const r of this.records.values()) this.checkAgainstManifest(r, m);
      this.manifestMsg = m;
      return 'added';
    }
    return 'duplicate';
  }

  addEnd(e: RunEnd): AddResult {
    this.checkRun(e.runId, 'run_end.run_id');
    if (!Number.isSafeInteger(e.settlementRecords) || e.settlementRecords < 0)
      throw new EvaluationInputError(
        'run_end.settlement_records',
        'an integer >= 0',
        `run ${this.runId}: settlement_records ${e.settlementRecords} is not an integer >= 0`,
      );
    if (!this.endMsg) {
      // A record beyond the end's count would keep the scores provisional ("480 of 480") for ever.
      const last = Math.max(0, ...this.records.keys());
      if (last > e.settlementRecords)
        throw new EvaluationInputError(
          'run_end.settlement_records',
          `>= ${last} (record seq ${last} is in)`,
          `run ${this.runId}: the end message counts ${e.settlementRecords} records, but record seq ${last} is in`,
        );
      this.endMsg = e;
      return 'added';
    }
    return 'duplicate';
  }

  add(r: SettlementRecord): AddResult {
    this.checkRun(r.runId, 'record.run_id');
    if (!Number.isSafeInteger(r.seq) || r.seq < 1)
      throw new EvaluationInputError(
        'record.seq',
        'an integer >= 1',
        `run ${this.runId}: record seq ${r.seq} is not an integer >= 1`,
      );
    if (this.endMsg && r.seq > this.endMsg.settlementRecords)
      throw new EvaluationInputError(
        'record.seq',
        `at most ${this.endMsg.settlementRecords} (the run's end message)`,
        `run ${this.runId}: record seq ${r.seq} is beyond the ${this.endMsg.settlementRecords} records the run's end message counts`,
      );
    this.checkRecordNumbers(r);
    if (this.manifestMsg) this.checkAgainstManifest(r, this.manifestMsg);
    const seen = this.records.get(r.seq);
    if (!seen) {
      this.records.set(r.seq, r);
      return 'added';
    }
    this.duplicates++;
    const same = JSON.stringify(SettlementRecord.toJSON(seen)) === JSON.stringify(SettlementRecord.toJSON(r));
    if (same) return 'duplicate';
    this.conflicts++;
    return 'conflict';
  }

  /**
   * Takes back a message `add*` just added (the service could not journal it, so it must come
   * again and be added then): the manifest, the end message, or the record with that seq.
   */
  forget(kind: 'manifest' | 'end' | 'record', seq = 0): void {
    if (kind === 'manifest') this.manifestMsg = undefined;
    else if (kind === 'end') this.endMsg = undefined;
    else this.records.delete(seq);
  }

  /** The digest of what is in, as scores() records it in `inputsSha256`. */
  inputsSha256(): string {
    return scoreInputsSha256({
      manifest: this.manifestMsg,
      records: [...this.records.values()],
      end: this.endMsg,
    });
  }

  /** Scores of what is in: final (with PoP) when complete, provisional otherwise. */
  scores(opts: { solver?: BoundSolver; withPop?: boolean } = {}): RunScores {
    return computeScores({
      runId: this.runId,
      ...(this.manifestMsg ? { manifest: this.manifestMsg } : {}),
      ...(this.endMsg ? { end: this.endMsg } : {}),
      records: [...this.records.values()],
      duplicates: this.duplicates,
      ...(opts.solver ? { solver: opts.solver } : {}),
      ...(opts.withPop !== undefined ? { withPop: opts.withPop } : {}),
    });
  }

  /**
   * A battery the scores cannot be of (an efficiency of 0, a start SoC outside its bounds: a
   * damaged or hand-made run-manifest.json) is refused naming the agent's field. Taken in, it made
   * the stored energy's value infinite without a word and the perfect-foresight bound throw.
   */
  private checkBatteries(m: RunManifest): void {
    m.agents.forEach((a, i) => {
      const spec = assetFigures(a.asset)?.bound;
      if (!spec) return;
      try {
        validateBoundSpec(spec);
      } catch (err) {
        if (!(err instanceof BoundInputError)) throw err;
        const name = err.field.replace(/^spec\./, '').replace('socStartMwh', 'socInitialMwh');
        const field = `manifest.agents[${i}].asset.battery.${name}`;
        throw new EvaluationInputError(
          field,
          err.limit,
          `${field} (agent ${a.agentId}) must be ${err.limit}, got ${String(err.value)}`,
        );
      }
    });
  }

  /**
   * A manifest whose quarter-hour grid is not one (a negative count, a fractional start) is refused
   * naming the field: taken in, the scores' arrays could not be made (a RangeError's stack trace).
   */
  private checkGrid(m: RunManifest): void {
    if (!Number.isSafeInteger(m.quarterHours) || m.quarterHours < 0)
      throw new EvaluationInputError(
        'manifest.quarter_hours',
        'an integer >= 0',
        `run ${this.runId}: manifest.quarter_hours must be an integer >= 0, got ${m.quarterHours}`,
      );
    if (!Number.isSafeInteger(m.firstDeliveryStartMs) || m.firstDeliveryStartMs % QH_MS !== 0)
      throw new EvaluationInputError(
        'manifest.first_delivery_start_ms',
        'a whole quarter-hour in ms since the epoch',
        `run ${this.runId}: manifest.first_delivery_start_ms must be a whole quarter-hour in ms since the epoch, got ${m.firstDeliveryStartMs}`,
      );
  }

  /**
   * The record's integer fields are integers and its SoC a number. A cash figure of 12.5 units, or
   * one that is not a number at all (NaN from "abc"), went into the sums: scores marked final with a
   * profit of null or of fractions of a cash unit, without a word.
   */
  private checkRecordNumbers(r: SettlementRecord): void {
    const ints: [string, unknown][] = [
      ['delivery_start_ms', r.deliveryStartMs],
      ['settled_at_ms', r.settledAtMs],
      ['profit_cash_units', r.profitCashUnits],
      ['position_kwh', r.positionKwh],
      ['activated_up_kwh', r.activatedUpKwh],
      ['activated_down_kwh', r.activatedDownKwh],
      ['schedule_kwh', r.scheduleKwh],
      ['metered_kwh', r.meteredKwh],
      ['imbalance_kwh', r.imbalanceKwh],
      ['imbalance_price_ticks', r.imbalancePriceTicks],
      ['traded_kwh', r.tradedKwh],
      ['reference_price_ticks', r.referencePriceTicks],
      ...Object.entries(r.cash ?? {}).map(([k, v]): [string, unknown] => [`cash.${snake(k)}`, v]),
      ...Object.entries(r.costs ?? {}).map(([k, v]): [string, unknown] => [`costs.${snake(k)}`, v]),
      ...Object.entries(r.prices ?? {}).flatMap(([k, v]): [string, unknown][] =>
        Array.isArray(v) ? v.map((x, i) => [`prices.${snake(k)}[${i}]`, x]) : [[`prices.${snake(k)}`, v]],
      ),
    ];
    for (const [name, v] of ints)
      if (v !== undefined && !Number.isSafeInteger(v)) this.refuseRecord(r, name, 'an integer', String(v));
    if (!Number.isFinite(r.socMwh)) this.refuseRecord(r, 'soc_mwh', 'a finite number', String(r.socMwh));
  }

  /**
   * A record of an agent the manifest does not name, or of a quarter-hour outside the run's grid,
   * is refused: it was scored as an agent of its own (and the run still "complete"), or put at an
   * index outside the run's quarter-hours.
   */
  private checkAgainstManifest(r: SettlementRecord, m: RunManifest): void {
    if (!m.agents.some((a) => a.agentId === r.agentId))
      this.refuseRecord(
        r,
        'agent_id',
        `an agent of the run's manifest (${m.agents.map((a) => a.agentId).join(', ')})`,
        `"${r.agentId}"`,
      );
    const step = (r.deliveryStartMs - m.firstDeliveryStartMs) / QH_MS;
    if (!Number.isInteger(step) || step < 0 || step >= m.quarterHours)
      this.refuseRecord(
        r,
        'delivery_start_ms',
        `the start of one of the run's ${m.quarterHours} quarter-hours from ${m.firstDeliveryStartMs}`,
        String(r.deliveryStartMs),
      );
  }

  private refuseRecord(r: SettlementRecord, name: string, limit: string, got: string): never {
    const field = `record.${name}`;
    throw new EvaluationInputError(
      field,
      limit,
      `run ${this.runId}: record seq ${r.seq}: ${field} must be ${limit}, got ${got}`,
    );
  }

  private checkRun(runId: string, field: string): void {
    if (runId !== this.runId)
      throw new EvaluationInputError(
        field,
        `"${this.runId}"`,
        `${field} "${runId}" does not belong to run "${this.runId}"`,
      );
  }
}
