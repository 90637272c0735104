// The simulation core: one virtual clock, one event queue, the venues, the world, the asset twins
// and settlement — and no I/O. It exposes the decision cycle so that any driver (gRPC lock-step,
// in-process strategies, real-time pacing, a training environment, a tournament worker) runs the
// same engine:
//
//   const sim = await Simulation.create(cfg, { runId, sinks });
//   for (let dp = await sim.advance(); dp; dp = await sim.advance()) {
//     for (const id of dp.agentIds) {           // a simultaneous move
//       deliver(sim.takeMessages(id));         //   acks produced since the last decision point
//       const wake = sim.wakeUp(id);           //   everything the agent may know now
//       sim.answer(id, { kind: 'batch', batch: await decide(wake) });   // or missed / absent
//     }
//   }
//   const summary = await sim.finish();
//
// At each instant the named phases run in order (market clock → gates and clearings → settlement →
// decision point). Answers are committed in configuration order when the clock moves on, so the
// tape never depends on which agent answered first. Every action passes the door (validation)
// first; each gets a result in its batch's ack, bad ones a typed rejection naming field and limit.

import { BalancingPeriodResult } from '../../gen/flexarena/v1/balancing.js';
import type { MarketSpec } from '../../gen/flexarena/v1/market.js';
import { RejectCode } from '../../gen/flexarena/v1/market.js';
import { ClockTick, RunEvent } from '../../gen/flexarena/v1/public.js';
import type { Welcome } from '../../gen/flexarena/v1/session.js';
import {
  type Action,
  type ActionAck,
  type ActionBatch,
  type ActionResult,
  ActionStatus,
  BatchStatus,
  type WakeUp,
} from '../../gen/flexarena/v1/session.js';
import { ConfigError, MAX_ID_BYTES, wireIntText } from '../../lib/index.js';
import { DEFAULT_AUCTION_LIMITS } from '../../market/index.js';
import { clockStartIssue, clockStartMs } from '../config/clock-start.js';
import type { RunConfig } from '../config/run-config.js';
import { fieldPath, protocolLimit, protocolMessage } from '../door/field-path.js';
import {
  type ActionKind,
  type Admitted,
  admitAction,
  type DoorLimits,
  type DoorRejection,
} from '../door/validate-action.js';
import { Output, type RecordSink } from '../records/records.js';
import { quarterHourPrices } from '../settlement/quarter-hour-prices.js';
import { periodSettlementMessage, settlePeriod } from '../settlement/settle-period.js';
import { RecordAttribution, settlementRecord } from '../settlement/settlement-record.js';
import type { AuctionVenue } from '../venues/auction-venue.js';
import { BALANCING_BID_LIMITS, type BalancingVenue } from '../venues/balancing-venue.js';
import { type CidVenue, cidLimits } from '../venues/cid-venue.js';
import { createVenues } from '../venues/registry.js';
import type { ScheduledEvent, Venue } from '../venues/venue.js';
import type { CreateWorldOptions } from '../world/world.js';
import type { AgentLedger } from './agent-ledger.js';
import { AgentOutbox, type OutboundMessage } from './agent-outbox.js';
import { EventQueue } from './event-queue.js';
import { PHASE } from './phases.js';
import { createRunContext, type RunContext } from './run-context.js';
import { marketSpec, welcomeFor } from './welcome.js';

const MINUTE = 60_000;
const DAY_MS = 86_400_000;

/** Files a configuration names, read by the caller (the core does no I/O). */
export type SimulationFiles = CreateWorldOptions;

export interface SimulationOptions {
  runId: string;
  sinks?: readonly RecordSink[];
  files?: SimulationFiles;
  /**
   * Id/text lengths at the door (defaults in DEFAULT_DOOR_LIMITS); the per-batch action limit
   * comes from the configuration (`limits.maxActionsPerWakeUp`) unless given here.
   */
  door?: Partial<Pick<DoorLimits, 'maxClientRefLength' | 'maxIdLength' | 'maxCurvePoints'>> & {
    maxActionsPerBatch?: number;
  };
}

export const DEFAULT_DOOR_LIMITS = {
  maxClientRefLength: MAX_ID_BYTES,
  maxIdLength: MAX_ID_BYTES,
  maxCurvePoints: DEFAULT_AUCTION_LIMITS.maxCurvePoints,
  maxAuctionLots: 5_000_000,
};

/** A simultaneous move: every agent is asked at the same virtual time. */
export interface DecisionPoint {
  wakeId: number;
  timeMs: number;
  agentIds: readonly string[];
}

export type Answer =
  | { kind: 'batch'; batch: ActionBatch }
  /** Woken but no answer within the deadline. */
  | { kind: 'missed' }
  /** Could not be woken: not connected. */
  | { kind: 'absent' };

/**
 * Real-time mode (see goLive): the virtual time a batch reaches the core, from the driver's paced
 * clock, and a hook called when a batch's actions entered the queue (the driver may sleep until
 * the next event and must look again).
 */
export interface LiveClock {
  now(): number;
  onQueued?(): void;
}

/** What `answer` made of a batch: taken, or refused as a whole with an ack saying why. */
export type AnswerReceipt = { taken: true } | { taken: false; ack: ActionAck };

export interface RunStats {
  wakeUps: number;
  actions: number;
  trades: number;
}

export interface RunSummary extends RunStats {
  ledgers: AgentLedger[];
  tapeEvents: number;
  settlementRecords: number;
}

// A batch's admitted actions share one arrival time and were queued together, so nothing can come
// between them in (time, sequence) order: the whole batch is one queue entry, its actions applied
// in index order when it is popped (one entry instead of one per action: ~110 k fewer in a pace run).
type QueueItem = { kind: 'scheduled'; event: ScheduledEvent } | { kind: 'actions'; batch: PendingBatch };

interface PendingBatch {
  agentId: string;
  wakeId: number;
  actions: Action[];
  results: ActionResult[];
  /** Indices of the actions the door admitted, in order. */
  admitted: number[];
  remaining: number;
}

interface OpenDecision {
  point: DecisionPoint;
  latencies: Map<string, number>;
  books: WakeUp['books'];
  forecast: Pick<WakeUp, 'priceForecasts' | 'fundamentalsForecasts'>;
  answers: Map<string, Answer>;
  woken: Set<string>;
}

/** The result of an action before its venue has handled it. */
export function pendingResult(index: number, clientRef: string, timeMs: number): ActionResult {
  return {
    index,
    clientRef,
    status: ActionStatus.ACTION_STATUS_UNSPECIFIED,
    orderId: 0,
    rejectCode: 0,
    field: '',
    limit: '',
    message: '',
    timeMs,
    fills: [],
    cancelledLots: 0,
    cancelReason: 0,
  };
}

function refOf(raw: unknown): string {
  const ref = (raw as { clientRef?: unknown } | null)?.clientRef;
  return typeof ref === 'string' ? ref : '';
}

export class Simulation {
  readonly ctx: RunContext;
  readonly cid: CidVenue;
  readonly auctions: AuctionVenue | undefined;
  readonly balancing: BalancingVenue | undefined;
  readonly simStartMs: number;
  readonly simEndMs: number;
  readonly lastDecisionMs: number;
  readonly agentIds: readonly string[];
  private readonly venues: Venue[];
  private readonly venueByAction = new Map<string, Venue>();
  private readonly queue = new EventQueue<QueueItem>();
  private readonly outboxes = new Map<string, AgentOutbox>();
  private readonly attributions = new Map<string, RecordAttribution>();
  /** Per agent: the last wake-up it answered with a batch, and the ones it missed. */
  private readonly answered = new Map<string, number>();
  private readonly missedWakes = new Map<string, Set<number>>();
  private readonly door: DoorLimits;
  private readonly maxActionsPerBatch: number;
  private readonly spec: MarketSpec;
  private now = 0;
  private wakeSeq = 0;
  /** Per-product state of products delivered by this time has been dropped (forgetDelivered). */
  private forgottenBeforeMs = Number.NEGATIVE_INFINITY;
  private stats = { wakeUps: 0, actions: 0 };
  /** The wake-up messages of the forecast issue in force, per quarter-hour step (null: none). */
  private forecastMessages?: {
    forecast: unknown;
    steps: ({
      price: WakeUp['priceForecasts'][number];
      fundamentals: WakeUp['fundamentalsForecasts'][number];
    } | null)[];
  };
  private started = false;
  private finished = false;
  /** Stopped before its end (interrupt()): finalMessages() tells each agent where it stopped. */
  private interrupted = false;
  private open: OpenDecision | undefined;
  /** Real-time mode: the paced clock; per agent the wake-ups sent and not answered (→ latency). */
  private live: LiveClock | undefined;
  private readonly liveWakes = new Map<string, Map<number, number>>();
  private readonly liveAnswered = new Map<string, Set<number>>();

  private constructor(ctx: RunContext, opts: SimulationOptions) {
    this.ctx = ctx;
    const v = createVenues(ctx);
    this.cid = v.cid;
    this.auctions = v.auctions;
    this.balancing = v.balancing;
    this.venues = v.all;
    for (const venue of this.venues) for (const k of venue.actionKinds) this.venueByAction.set(k, venue);
    this.simStartMs = clockStartMs(ctx.cfg);
    this.simEndMs = ctx.products.endMs;
    this.lastDecisionMs = Math.max(...ctx.products.all.map((p) => p.gateClosureMs));
    this.agentIds = ctx.cfg.agents.map((a) => a.id);
    for (const id of this.agentIds) {
      this.outboxes.set(id, new AgentOutbox(ctx.ledger(id)));
      this.attributions.set(id, new RecordAttribution(id));
      this.missedWakes.set(id, new Set());
      this.liveWakes.set(id, new Map());
      this.liveAnswered.set(id, new Set());
    }
    const limits = cidLimits(ctx.cfg);
    const d = {
      ...DEFAULT_DOOR_LIMITS,
      maxActionsPerBatch: ctx.cfg.limits.maxActionsPerWakeUp,
      ...opts.door,
    };
    this.spec = marketSpec(ctx.products, limits, d);
    this.maxActionsPerBatch = d.maxActionsPerBatch;
    this.door = {
      enabledKinds: new Set([...this.venueByAction.keys()] as ActionKind[]),
      priceMinTicks: limits.priceMinTicks,
      priceMaxTicks: limits.priceMaxTicks,
      maxQuantityLots: limits.maxQuantityLots,
      maxAuctionLots: d.maxAuctionLots,
      capacityBid: BALANCING_BID_LIMITS.capacityBid,
      energyBid: BALANCING_BID_LIMITS.energyBid,
      maxCurvePoints: d.maxCurvePoints,
      maxClientRefLength: d.maxClientRefLength,
      maxIdLength: d.maxIdLength,
    };
  }

  /** A simulation of `cfg`; records go to `sinks` (more can be added before the first advance). */
  static async create(cfg: RunConfig, opts: SimulationOptions): Promise<Simulation> {
    // The schema refuses this already; a configuration built in code without it (a variant of a
    // parsed one) meets the same check before its markets could clear without agents.
    const late = clockStartIssue(cfg);
    if (late)
      throw new ConfigError(`run ${cfg.name}`, [
        { path: 'simStartHoursBeforeDay', message: late, value: cfg.simStartHoursBeforeDay },
      ]);
    const out = new Output(opts.sinks ?? []);
    const ctx = createRunContext(cfg, opts.runId, { out, files: opts.files });
    return new Simulation(ctx, opts);
  }

  get cfg(): RunConfig {
    return this.ctx.cfg;
  }

  get runId(): string {
    return this.ctx.runId;
  }

  get timeMs(): number {
    return this.now;
  }

  get doorLimits(): DoorLimits {
    return this.door;
  }

  /** One more sink, before the run starts (a later one would miss records: a bug, so it throws). */
  addSink(sink: RecordSink): void {
    if (this.started) throw new Error('addSink() after the run started');
    this.ctx.out.add(sink);
  }

  marketSpec(): MarketSpec {
    return this.spec;
  }

  welcome(agentId: string): Omit<Welcome, 'resumed'> {
    this.ctx.ledger(agentId);
    return welcomeFor(agentId, {
      ctx: this.ctx,
      market: this.spec,
      simStartMs: this.simStartMs,
      simEndMs: this.simEndMs,
      auctions: this.auctions,
      balancing: this.balancing,
    });
  }

  /** The current decision point, if the clock stands at one. */
  get decision(): DecisionPoint | undefined {
    return this.open?.point;
  }

  // ---- the decision cycle ----

  /**
   * Commits the answers of the current decision point (if any) and runs the clock to the next
   * one. Returns it, or undefined when no decision point is left (then call finish()).
   */
  async advance(): Promise<DecisionPoint | undefined> {
    if (this.finished) throw new Error('advance() after finish()');
    if (this.live) throw new Error('advance() in real-time mode: use advanceTo()');
    if (!this.started) this.start();
    if (this.open) this.commit(this.open);
    this.open = undefined;
    for (let ev = this.queue.pop(); ev; ev = this.queue.pop()) {
      this.now = ev.time;
      if (ev.item.kind === 'actions') this.processActions(ev.item.batch);
      else if (ev.item.event.phase === PHASE.DECISION) return this.openDecision();
      else await ev.item.event.run();
    }
    return undefined;
  }

  // ---- real-time mode ----

  /**
   * Switches to real-time mode before the clock starts. The driver then runs the clock with
   * advanceTo(), paced by its own wall clock; decision points do not wait for answers: a batch is
   * applied on arrival — at the virtual time it reaches the core (`clock.now()`) plus the latency
   * drawn for the agent at the decision point it answers — and may answer any wake-up the agent
   * was sent and has not answered yet, until every product's gate has closed.
   */
  goLive(clock: LiveClock): void {
    if (this.started) throw new Error('goLive() after the clock started');
    this.live = clock;
  }

  get isLive(): boolean {
    return this.live !== undefined;
  }

  /** Virtual time of the next queued event (undefined when the queue is empty). */
  get nextEventMs(): number | undefined {
    return this.queue.peek()?.time;
  }

  /** The clock started and nothing is left to process: call finish(). */
  get clockRanOut(): boolean {
    return this.started && this.queue.size === 0;
  }

  /**
   * Real-time mode: processes every event up to virtual time `limitMs`, in (time, sequence) order.
   * Stops at a decision point and returns it (the agents may then be woken); call again with the
   * same limit to go on. Returns undefined when nothing is left before the limit.
   */
  async advanceTo(limitMs: number): Promise<DecisionPoint | undefined> {
    if (!this.live) throw new Error('advanceTo() outside real-time mode: call goLive() first');
    if (this.finished) throw new Error('advanceTo() after finish()');
    if (!this.started) this.start();
    for (let next = this.queue.peek(); next && next.time <= limitMs; next = this.queue.peek()) {
      const ev = this.queue.pop()!;
      this.now = ev.time;
      if (ev.item.kind === 'actions') this.processActions(ev.item.batch);
      else if (ev.item.event.phase === PHASE.DECISION) return this.openDecision();
      else await ev.item.event.run();
    }
    return undefined;
  }

  /**
   * Real-time mode: `agentId` did not answer wake-up `wakeId` within the deadline. Counted and
   * recorded as in lock-step; the wake-up stays answerable (actions apply on arrival).
   */
  recordMissed(agentId: string, wakeId: number): void {
    const t = this.liveNow();
    this.ctx.ledger(agentId).missedDeadlines++;
    this.ctx.out.tape({ type: 'missed-deadline', t, agent: agentId, wakeId });
    this.ctx.out.fault({
      agentId,
      kind: 'missed-deadline',
      detail: `wake ${wakeId}: no answer within ${this.cfg.deadlineMs} ms (wall) at ${new Date(t).toISOString()}`,
      t,
    });
  }

  /** Real-time mode: `agentId` could not be woken (not connected). */
  recordAbsent(agentId: string): void {
    const ledger = this.ctx.ledger(agentId);
    if (ledger.disconnected) return;
    ledger.disconnected = true;
    this.ctx.out.tape({ type: 'agent-absent', t: this.liveNow(), agent: agentId });
  }

  /**
   * The virtual time of now in real-time mode, never before the last processed event. Virtual
   * time has a resolution of 1 ms (market commands take integer times): the paced clock is read up
   * to the next whole millisecond, never before the moment itself (float noise below a nanosecond
   * aside, so that a paced time of exactly n ms stays n).
   */
  private liveNow(): number {
    return Math.max(this.now, Math.ceil(this.live!.now() - 1e-6));
  }

  /** A batch in real-time mode: applied on arrival if it answers a wake-up still open for the agent. */
  private arrive(agentId: string, batch: ActionBatch): AnswerReceipt {
    const receivedAt = this.liveNow();
    const wakeId = typeof batch?.wakeId === 'number' ? batch.wakeId : Number.NaN;
    const latency = this.liveWakes.get(agentId)!.get(wakeId);
    if (this.finished || receivedAt >= this.lastDecisionMs) {
      const closed = new Date(this.lastDecisionMs).toISOString();
      const message = `wake ${wakeId}: the batch came at ${new Date(receivedAt).toISOString()}, after every product's gate had closed (${closed})`;
      return this.refuse(
        batch,
        BatchStatus.BATCH_STATUS_LATE,
        RejectCode.REJECT_CODE_LATE_BATCH,
        message,
        `before ${closed}`,
      );
    }
    if (this.liveAnswered.get(agentId)!.has(wakeId))
      return this.refuse(
        batch,
        BatchStatus.BATCH_STATUS_DUPLICATE,
        RejectCode.REJECT_CODE_DUPLICATE_BATCH,
        `wake ${wakeId}: already answered; only the first batch counts`,
        'a wake-up not answered yet',
      );
    if (latency === undefined)
      return this.refuse(
        batch,
        BatchStatus.BATCH_STATUS_STALE_WAKE,
        RejectCode.REJECT_CODE_STALE_WAKE,
        `wake_id ${wireIntText(batch?.wakeId)}: no such wake-up was sent to ${agentId}`,
        'the wake_id of a wake-up sent to this agent',
      );
    this.liveWakes.get(agentId)!.delete(wakeId);
    this.liveAnswered.get(agentId)!.add(wakeId);
    this.outbox(agentId).confirm(wakeId);
    this.enqueueBatch(agentId, wakeId, receivedAt + latency, batch, receivedAt);
    this.live!.onQueued?.();
    return { taken: true };
  }

  // ---- messages ----

  /** Acks (and other messages) for `agentId` produced since the last call, in report_seq order. */
  takeMessages(agentId: string): OutboundMessage[] {
    return this.outbox(agentId).take();
  }

  /**
   * The wake-up of `agentId` at the current decision point: its positions, orders, asset state,
   * forecasts, books and every private report it has not been sent. After a resume, call it again
   * for the same decision point: the new message carries what the agent had not processed.
   */
  wakeUp(agentId: string): WakeUp {
    const d = this.requireOpen('wakeUp');
    const ledger = this.ctx.ledger(agentId);
    if (!d.woken.has(agentId)) {
      d.woken.add(agentId);
      this.stats.wakeUps++;
      if (this.live) this.liveWakes.get(agentId)!.set(d.point.wakeId, d.latencies.get(agentId)!);
    }
    ledger.disconnected = false;
    const asset = this.ctx.assets.get(agentId);
    return this.outbox(agentId).wakeUp({
      wakeId: d.point.wakeId,
      timeMs: this.now,
      ...this.cid.wakeUpPart(agentId, d.books),
      positions: ledger.positionMessages(this.now),
      assets: asset ? [asset.state()] : [],
      ...d.forecast,
      cashUnits: ledger.totalCashUnits,
    });
  }

  /**
   * The agent's answer to the current decision point. A batch for another wake-up, after a
   * missed deadline, or a second one is refused as a whole, with an ack that says why.
   */
  answer(agentId: string, answer: Answer): AnswerReceipt {
    this.ctx.ledger(agentId);
    if (this.live) {
      if (answer.kind !== 'batch')
        throw new Error('answer() in real-time mode: use recordMissed/recordAbsent');
      return this.arrive(agentId, answer.batch);
    }
    if (answer.kind !== 'batch') {
      const d = this.requireOpen('answer');
      if (!d.answers.has(agentId)) d.answers.set(agentId, answer);
      return { taken: true };
    }
    const batch = answer.batch;
    const refusal = this.refusal(agentId, batch);
    if (refusal) return { taken: false, ack: refusal };
    this.open!.answers.set(agentId, answer);
    this.answered.set(agentId, batch.wakeId);
    this.outbox(agentId).confirm(batch.wakeId);
    return { taken: true };
  }

  /** A session resumed: the agent has processed its private messages up to `lastReportSeq`. */
  resume(agentId: string, lastReportSeq: number): number {
    return this.outbox(agentId).resume(lastReportSeq);
  }

  /** The last report_seq produced for `agentId` (a resuming agent cannot claim more). */
  lastReportSeq(agentId: string): number {
    return this.outbox(agentId).lastSeq;
  }

  /** Ends the run after the last decision point: final records, the summary. */
  async finish(): Promise<RunSummary> {
    if (this.finished) throw new Error('finish() called twice');
    if (!this.started || (this.open && !this.live) || this.queue.size > 0)
      throw new Error('finish() before the clock ran out: call advance() until it returns undefined');
    this.finished = true;
    this.open = undefined;
    this.publish('end');
    const { ctx } = this;
    const stats = { ...this.stats, trades: this.cid.trades };
    ctx.out.tape({
      type: 'run-end',
      t: this.now,
      stats,
      parties: ctx
        .allLedgers()
        .map((l) => ({ party: l.agentId, cashUnits: l.cash, totalCashUnits: l.totalCashUnits })),
      assets: [...ctx.assets.values()].map((a) => ({
        id: a.id,
        finalSocMwh: a.finalSocMwh(),
        costs: a.costs(),
      })),
      bookHash: this.cid.market.stateHash(),
    });
    ctx.out.publish('run', 'flexarena.v1.RunEvent', this.runEvent('ended'), RunEvent);
    ctx.out.runEnd({
      runId: this.runId,
      agents: ctx.cfg.agents.map((a) => {
        const l = ctx.ledger(a.id);
        const asset = ctx.assets.get(a.id);
        return {
          agentId: a.id,
          missedDeadlines: l.missedDeadlines,
          orders: l.orders,
          rejects: l.rejects,
          finalAssetState: asset?.state(),
        };
      }),
    });
    return {
      ...stats,
      ledgers: ctx.cfg.agents.map((a) => ctx.ledger(a.id)),
      tapeEvents: ctx.out.tapeCount,
      settlementRecords: ctx.out.settlementCount,
    };
  }

  /**
   * After finish(): what `agentId` has not been sent. The actions of the last decision point are
   * processed after the last wake-up, so their acks and fills (and the last settlements) would
   * otherwise never reach the agent. Returns the pending acks and a final report (wake_id 0,
   * nothing to answer) with every report since the last wake-up and the final positions, cash
   * and asset state; both continue the agent's report_seq.
   * After interrupt() the same, as things stood where the run stopped: the actions of the last
   * decision point had not reached their market yet, so they have no fills and no acks (but for
   * a batch the door refused whole at once), and positions in quarter-hours not delivered are
   * open (never settled).
   */
  finalMessages(agentId: string): { acks: OutboundMessage[]; finalReport: WakeUp } {
    if (!this.finished && !this.interrupted) throw new Error('finalMessages() before finish()');
    const ledger = this.ctx.ledger(agentId);
    const outbox = this.outbox(agentId);
    const acks = outbox.take();
    const asset = this.ctx.assets.get(agentId);
    const finalReport = outbox.wakeUp({
      wakeId: 0,
      timeMs: this.now,
      ...this.cid.wakeUpPart(agentId, []),
      // As of the run's last instant before its end: a complete run ends at 00:00 after its last
      // delivery day, and its final report still lists that day's positions, as its last wake-up did.
      positions: ledger.positionMessages(this.now - 1),
      assets: asset ? [asset.state()] : [],
      priceForecasts: [],
      fundamentalsForecasts: [],
      cashUnits: ledger.totalCashUnits,
    });
    return { acks, finalReport };
  }

  // ---- internals ----

  private outbox(agentId: string): AgentOutbox {
    const o = this.outboxes.get(agentId);
    if (!o) throw new Error(`unknown agent ${agentId}`);
    return o;
  }

  private requireOpen(what: string): OpenDecision {
    if (!this.open) throw new Error(`${what}() outside a decision point`);
    return this.open;
  }

  private start(): void {
    this.started = true;
    const { ctx } = this;
    ctx.out.tape({
      type: 'run-start',
      t: this.simStartMs,
      name: ctx.cfg.name,
      seed: ctx.cfg.seed,
      days: ctx.products.days,
      agents: ctx.cfg.agents.map((a) => ({
        id: a.id,
        strategy: a.strategy,
        role: a.role,
        asset: a.asset?.type ?? null,
      })),
      products: ctx.products.all.length,
      realisedPriceTicks: Array.from(ctx.world.realisedPriceTicks()),
    });
    ctx.out.publish('run', 'flexarena.v1.RunEvent', this.runEvent('started'), RunEvent);
    ctx.out.manifest({
      runId: this.runId,
      name: ctx.cfg.name,
      seed: ctx.cfg.seed,
      day: ctx.cfg.day,
      days: ctx.products.days.length,
      firstDeliveryStartMs: ctx.products.firstDayStartMs,
      quarterHours: ctx.products.quarterHours.length,
      agents: ctx.cfg.agents.map((a) => {
        const asset = ctx.assets.get(a.id);
        return {
          agentId: a.id,
          strategy: a.strategy,
          role: a.role,
          asset: asset?.spec(),
        };
      }),
    });
    this.schedule();
  }

  /**
   * The run stops before its end (Ctrl-C, SIGTERM): watchers of the public feed are told so, with
   * the last decision point's time (a RunEvent "interrupted"); nothing of it goes on the tape.
   * Returns true when the run had started (and not finished): finalMessages() may then be called
   * for each agent, to tell it where the run stopped; the clock is not advanced any more.
   */
  interrupt(): boolean {
    if (!this.started || this.finished) return false;
    if (!this.interrupted)
      this.ctx.out.publish('run', 'flexarena.v1.RunEvent', this.runEvent('interrupted'), RunEvent);
    this.interrupted = true;
    return true;
  }

  private runEvent(event: string): RunEvent {
    return {
      runId: this.runId,
      event,
      timeMs: event === 'started' ? this.simStartMs : this.now,
      name: this.cfg.name,
      seed: this.cfg.seed,
      agentIds: [...this.agentIds],
      productIds: this.ctx.products.all.map((p) => p.id),
    };
  }

  /** Static schedule, pushed in phase order so equal times resolve deterministically. */
  private schedule(): void {
    const events: ScheduledEvent[] = this.venues.flatMap((v) => v.scheduledEvents());
    this.ctx.products.quarterHours.forEach((qh, step) => {
      events.push({
        time: qh.deliveryEndMs,
        phase: PHASE.SETTLEMENT,
        label: `settle ${qh.id}`,
        run: () => this.settle(step),
      });
    });
    const interval = this.ctx.cfg.decisionIntervalMinutes * MINUTE;
    for (let t = this.simStartMs; t < this.lastDecisionMs; t += interval)
      events.push({ time: t, phase: PHASE.DECISION, label: 'decision', run: () => undefined });
    events.sort((a, b) => a.time - b.time || a.phase - b.phase);
    for (const event of events) this.queue.push(event.time, { kind: 'scheduled', event });
  }

  private openDecision(): DecisionPoint {
    const { ctx } = this;
    this.forgetDelivered();
    this.publish('decision');
    const wakeId = ++this.wakeSeq;
    // Latency is drawn for every agent at every decision point, answered or not, so one agent's
    // behaviour never shifts another's random stream.
    const latencies = new Map(
      ctx.cfg.agents.map((a) => [
        a.id,
        ctx.rng.stream(`agent.${a.id}.latency`).int(a.latencyMs.min, a.latencyMs.max),
      ]),
    );
    const point = { wakeId, timeMs: this.now, agentIds: this.agentIds };
    this.open = {
      point,
      latencies,
      books: this.cid.openBooks(),
      forecast: this.forecasts(),
      answers: new Map(),
      woken: new Set(),
    };
    return point;
  }

  /**
   * At a day's first decision point, the per-product state of products delivered before the day
   * began is dropped: ledgers, record attributions, the continuous market's statistics and last
   * depths, capacity awards, auction results. Each such product was settled by then (settlement runs at a
   * quarter-hour's delivery end, before a decision point of the same instant), its records were
   * emitted, and nothing reads it again; kept, that state grew by ~1 MB a simulated day for the
   * whole run. The same cut as the wake-ups' positions (AgentLedger.positionMessages).
   */
  private forgetDelivered(): void {
    const dayStartMs = Math.floor(this.now / DAY_MS) * DAY_MS;
    if (dayStartMs <= this.forgottenBeforeMs) return;
    this.forgottenBeforeMs = dayStartMs;
    for (const ledger of this.ctx.allLedgers()) ledger.forgetDeliveredBefore(dayStartMs);
    for (const attribution of this.attributions.values()) attribution.forgetDeliveredBefore(dayStartMs);
    this.cid.forgetDeliveredBefore(dayStartMs);
    this.balancing?.forgetDeliveredBefore(dayStartMs);
    this.auctions?.forgetDeliveredBefore(dayStartMs);
  }

  /** Why a batch cannot be this decision point's answer, as an ack; undefined if it can. */
  private refusal(agentId: string, batch: ActionBatch): ActionAck | undefined {
    const d = this.open;
    const wakeId = typeof batch?.wakeId === 'number' ? batch.wakeId : Number.NaN;
    let status: BatchStatus | undefined;
    let code = RejectCode.REJECT_CODE_STALE_WAKE;
    let message = '';
    if (
      this.missedWakes.get(agentId)!.has(wakeId) ||
      (d?.point.wakeId === wakeId && d.answers.get(agentId)?.kind === 'missed')
    ) {
      status = BatchStatus.BATCH_STATUS_LATE;
      code = RejectCode.REJECT_CODE_LATE_BATCH;
      message = `wake ${wakeId}: the batch came after the deadline; the wake-up counted as missed`;
    } else if (
      this.answered.get(agentId) === wakeId ||
      (d?.point.wakeId === wakeId && d.answers.has(agentId))
    ) {
      status = BatchStatus.BATCH_STATUS_DUPLICATE;
      code = RejectCode.REJECT_CODE_DUPLICATE_BATCH;
      message = `wake ${wakeId}: already answered; only the first batch counts`;
    } else if (!d || d.point.wakeId !== wakeId || !d.woken.has(agentId)) {
      status = BatchStatus.BATCH_STATUS_STALE_WAKE;
      message = d
        ? `wake_id ${wireIntText(batch?.wakeId)}: the current decision point is wake ${d.point.wakeId}`
        : `wake_id ${wireIntText(batch?.wakeId)}: no decision point is open`;
    }
    if (status === undefined) return undefined;
    return this.refusalAck(batch, status, code, message, d ? `${d.point.wakeId}` : 'an open decision point');
  }

  private refuse(
    batch: ActionBatch,
    status: BatchStatus,
    code: RejectCode,
    message: string,
    limit: string,
  ): AnswerReceipt {
    return { taken: false, ack: this.refusalAck(batch, status, code, message, limit) };
  }

  /** A batch refused as a whole: one rejected result per action, all naming wake_id. */
  private refusalAck(
    batch: ActionBatch,
    status: BatchStatus,
    code: RejectCode,
    message: string,
    limit: string,
  ): ActionAck {
    const wakeId = typeof batch?.wakeId === 'number' ? batch.wakeId : Number.NaN;
    const actions: unknown[] = Array.isArray(batch?.actions) ? batch.actions : [];
    return {
      wakeId: Number.isSafeInteger(wakeId) ? wakeId : 0,
      reportSeq: 0,
      batchStatus: status,
      message,
      results: actions.map((a, index) => ({
        ...pendingResult(index, refOf(a), this.now),
        status: ActionStatus.ACTION_STATUS_REJECTED,
        rejectCode: code,
        field: 'wake_id',
        limit,
        message,
      })),
    };
  }

  /** Applies the answers of a closed decision point, in configuration order. */
  private commit(d: OpenDecision): void {
    const { ctx } = this;
    const agents = ctx.cfg.agents;
    for (const a of agents) {
      const ledger = ctx.ledger(a.id);
      if (d.answers.get(a.id)?.kind === 'absent' && !ledger.disconnected) {
        ledger.disconnected = true;
        ctx.out.tape({ type: 'agent-absent', t: this.now, agent: a.id });
      }
    }
    for (const a of agents) {
      const answer =
        d.answers.get(a.id) ??
        (d.woken.has(a.id) ? { kind: 'missed' as const } : { kind: 'absent' as const });
      if (answer.kind === 'missed') {
        ctx.ledger(a.id).missedDeadlines++;
        this.missedWakes.get(a.id)!.add(d.point.wakeId);
        ctx.out.tape({ type: 'missed-deadline', t: this.now, agent: a.id, wakeId: d.point.wakeId });
        ctx.out.fault({
          agentId: a.id,
          kind: 'missed-deadline',
          detail: `wake ${d.point.wakeId} at ${new Date(this.now).toISOString()}`,
          t: this.now,
        });
      } else if (answer.kind === 'batch')
        this.enqueueBatch(a.id, d.point.wakeId, this.now + d.latencies.get(a.id)!, answer.batch);
    }
  }

  /**
   * Door checks, then the valid actions enter the queue at `arrival`: wake-up time + the agent's
   * latency in lock-step; in real-time mode the time the batch reached the core (`receivedAt`, on
   * the tape as `receivedT`) + that latency.
   */
  private enqueueBatch(
    agentId: string,
    wakeId: number,
    arrival: number,
    batch: ActionBatch,
    receivedAt?: number,
  ): void {
    const raw: unknown[] = Array.isArray(batch.actions) ? batch.actions : [];
    if (raw.length === 0) return;
    // The liquidity role stands for the rest of the market (configured by the run's owner, often
    // thousands of quotes at once): the per-agent limits are for traders.
    const max = this.ctx.isLiquidity(agentId) ? Number.POSITIVE_INFINITY : this.maxActionsPerBatch;
    const actions: Action[] = new Array(raw.length);
    const results: ActionResult[] = new Array(raw.length);
    const admittedIdx: number[] = [];
    const rejected: { index: number; code: string; field: string }[] = [];
    const refusals: (DoorRejection | undefined)[] = [];
    for (let index = 0; index < raw.length; index++) {
      const a: Admitted =
        index < max
          ? admitAction(raw[index], this.door)
          : {
              ok: false,
              rejection: {
                code: RejectCode.REJECT_CODE_TOO_MANY_ACTIONS,
                field: 'actions',
                limit: `at most ${this.maxActionsPerBatch} actions per wake-up`,
                message: `action ${index} is beyond the limit of ${this.maxActionsPerBatch} actions per wake-up`,
              },
            };
      if (a.ok) {
        actions[index] = a.action;
        admittedIdx.push(index);
      } else {
        actions[index] = raw[index] as Action;
        rejected.push({ index, code: RejectCode[a.rejection.code], field: a.rejection.field });
        refusals[index] = a.rejection;
      }
    }
    this.ctx.out.tape({
      type: 'batch',
      t: arrival,
      agent: agentId,
      wakeId,
      ...(receivedAt !== undefined ? { receivedT: receivedAt } : {}),
      actions,
      ...(rejected.length > 0 ? { rejected } : {}),
    });
    const pending: PendingBatch = {
      agentId,
      wakeId,
      actions,
      results,
      admitted: admittedIdx,
      remaining: admittedIdx.length,
    };
    for (let index = 0; index < raw.length; index++) {
      const result = pendingResult(index, refOf(raw[index]), arrival);
      results[index] = result;
      const refusal = refusals[index];
      if (refusal) {
        this.ctx.ledger(agentId).rejects++;
        Object.assign(result, {
          status: ActionStatus.ACTION_STATUS_REJECTED,
          rejectCode: refusal.code,
          field: refusal.field,
          limit: refusal.limit,
          message: refusal.message,
        });
      }
    }
    if (pending.remaining > 0) this.queue.push(arrival, { kind: 'actions', batch: pending });
    if (pending.remaining === 0) this.ackBatch(pending);
  }

  /** Applies a batch's admitted actions in index order (they share one arrival time). */
  private processActions(batch: PendingBatch): void {
    for (const index of batch.admitted) this.processAction(batch, index);
  }

  private processAction(batch: PendingBatch, index: number): void {
    const action = batch.actions[index]!;
    const result = batch.results[index]!;
    this.stats.actions++;
    const venue = this.venueByAction.get(action.kind!.$case)!;
    venue.handle(batch.agentId, action, this.now, result);
    if (result.status === ActionStatus.ACTION_STATUS_REJECTED) {
      result.message = protocolMessage(action, result.field, result.message);
      result.limit = protocolLimit(action, result.field, result.limit);
      result.field = fieldPath(action, result.field);
    }
    if (--batch.remaining === 0) this.ackBatch(batch);
  }

  private ackBatch(batch: PendingBatch): void {
    this.outbox(batch.agentId).ack({
      wakeId: batch.wakeId,
      results: batch.results,
      batchStatus: BatchStatus.BATCH_STATUS_PROCESSED,
      message: '',
    });
  }

  /** The world's latest forecast for every quarter-hour not yet delivered. */
  private forecasts(): Pick<WakeUp, 'priceForecasts' | 'fundamentalsForecasts'> {
    const { world, products } = this.ctx;
    const f = world.forecastAt(this.now);
    // A forecast issue is in force for several decision points: its entries are built once and
    // the same (frozen, for in-process agents) messages handed out until the next issue.
    if (this.forecastMessages?.forecast !== f) this.forecastMessages = { forecast: f, steps: [] };
    const cache = this.forecastMessages.steps;
    const out: Pick<WakeUp, 'priceForecasts' | 'fundamentalsForecasts'> = {
      priceForecasts: [],
      fundamentalsForecasts: [],
    };
    // Only the issue's steps: outside them it has nothing (at() is undefined), and a walk over every
    // quarter-hour of the run at each decision point cost more the longer the run.
    const last = Math.min(f.firstStep + f.length, products.quarterHours.length);
    for (let step = Math.max(f.firstStep, 0); step < last; step++) {
      const qh = products.quarterHours[step]!;
      if (qh.deliveryStartMs <= this.now) continue;
      let m = cache[step];
      if (m === undefined) {
        const p = f.at(step);
        // Frozen as made, as are the lists below: deepFreeze does not walk into them again.
        m = p
          ? {
              price: Object.freeze({ productId: qh.id, priceTicks: p.priceTicks }),
              fundamentals: Object.freeze({
                productId: qh.id,
                demandMw: p.demandMw,
                windMw: p.windMw,
                solarMw: p.solarMw,
                residualMw: p.residualMw,
              }),
            }
          : null;
        cache[step] = m;
      }
      if (!m) continue;
      out.priceForecasts.push(m.price);
      out.fundamentalsForecasts.push(m.fundamentals);
    }
    Object.freeze(out.priceForecasts);
    Object.freeze(out.fundamentalsForecasts);
    return out;
  }

  // ---- settlement and publication ----

  private settle(step: number): void {
    const { ctx } = this;
    const outcome = settlePeriod(ctx, step, this.balancing);
    this.checkConservation(step);
    const publicResult: BalancingPeriodResult = {
      productId: outcome.productId,
      systemImbalanceKwh: outcome.systemImbalanceKwh,
      activatedUpKwh: outcome.activation?.activatedUpKwh ?? 0,
      activatedDownKwh: outcome.activation?.activatedDownKwh ?? 0,
      upPriceTicks: outcome.activation?.upPriceTicks ?? 0,
      downPriceTicks: outcome.activation?.downPriceTicks ?? 0,
      imbalanceLongPriceTicks: outcome.longPriceTicks,
      imbalanceShortPriceTicks: outcome.shortPriceTicks,
      timeMs: this.now,
    };
    // The tape's records carry their time as t (the same instant).
    const { timeMs, ...resultFields } = publicResult;
    ctx.out.tape({
      type: 'balancing-result',
      t: timeMs,
      ...resultFields,
      upActivated: outcome.activation?.upPriceTicks !== null && outcome.activation !== null,
      downActivated: outcome.activation?.downPriceTicks !== null && outcome.activation !== null,
      referencePriceTicks: outcome.referencePriceTicks,
      regulationState: outcome.regulationState,
    });
    ctx.out.publish(
      `balancing.${outcome.productId}`,
      'flexarena.v1.BalancingPeriodResult',
      publicResult,
      BalancingPeriodResult,
    );
    for (const a of ctx.cfg.agents) ctx.ledger(a.id).report('balancingResults', publicResult);
    const qh = ctx.products.quarterHours[step]!;
    const prices = quarterHourPrices(
      step,
      [qh.id, ctx.products.hourOf(step)?.id].filter((p): p is string => !!p),
      this.cid,
      this.auctions,
    );
    for (const s of outcome.agents) {
      ctx.out.tape({ type: 'settlement', t: this.now, ...s });
      const ledger = ctx.ledger(s.agent);
      ledger.report('settlements', periodSettlementMessage(s));
      ctx.out.settlement(
        settlementRecord({
          runId: ctx.runId,
          strategy: ledger.strategy,
          settledAtMs: this.now,
          deliveryStartMs: qh.deliveryStartMs,
          referencePriceTicks: outcome.referencePriceTicks,
          prices,
          ledger,
          asset: ctx.assets.get(s.agent),
          settlement: s,
          attribution: this.attributions.get(s.agent)!,
        }),
      );
    }
  }

  /**
   * Every euro and every lot has two sides: after each settlement, cash over all agents, the world
   * and the TSO sums to zero, and so do the positions in the settled quarter-hour and its hour.
   * A violation is a bug in the arena, never an agent's fault.
   */
  private checkConservation(step: number): void {
    const { ctx } = this;
    const ledgers = ctx.allLedgers();
    const cash = ledgers.reduce((sum, l) => sum + l.totalCashUnits, 0);
    const products = [ctx.products.quarterHours[step]!.id, ctx.products.hourOf(step)?.id].filter(
      (p): p is string => !!p,
    );
    const lots = products.map((p) => ledgers.reduce((sum, l) => sum + l.netLots(p), 0));
    if (cash !== 0 || lots.some((l) => l !== 0))
      throw new Error(
        `conservation broken after settling step ${step}: cash sum ${cash}, net lots ${products.map((p, i) => `${p}=${lots[i]}`).join(' ')}`,
      );
  }

  private publish(phase: string): void {
    for (const v of this.venues) v.publish(this.now);
    this.ctx.out.publish(
      'clock',
      'flexarena.v1.ClockTick',
      { timeMs: this.now, time: new Date(this.now).toISOString(), phase },
      ClockTick,
    );
  }
}
