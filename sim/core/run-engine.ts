// The sequencer: one virtual clock, one event queue, numbered phases at each instant
// (0 market clock → 1 gates and clearings → 2 settlement → 3 decision points), market actions
// applied one by one in (time, seq) order. Nothing here reads the wall clock except the lock-step
// deadline, whose outcome (a missed deadline) is recorded as a fact on the tape.
import { type Action, type ActionResult, ActionStatus, type WakeUp } from '../../gen/flexarena/v1/session.js';
import { periodSettlementMessage, settlePeriod } from '../settlement/settle-period.js';
import { AuctionVenue } from '../venues/auction-venue.js';
import { BalancingVenue } from '../venues/balancing-venue.js';
import { CidVenue } from '../venues/cid-venue.js';
import type { ScheduledEvent, Venue } from '../venues/venue.js';
import type { AgentChannel } from './agent-channel.js';
import type { AgentLedger } from './agent-ledger.js';
import { EventQueue } from './event-queue.js';
import type { RunContext } from './run-context.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PHASE_SETTLE = 2;
const PHASE_DECIDE = 3;

type QueueItem =
  | { kind: 'scheduled'; event: ScheduledEvent }
  | { kind: 'action'; batch: PendingBatch; index: number };

interface PendingBatch {
  agentId: string;
  wakeId: number;
  actions: Action[];
  results: ActionResult[];
  remaining: number;
}

export interface RunStats {
  wakeUps: number;
  actions: number;
  trades: number;
}

export interface RunSummary extends RunStats {
  ledgers: AgentLedger[];
  tapeHash: string;
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
  };
}

export class RunEngine {
  readonly cid: CidVenue;
  readonly auctions: AuctionVenue | undefined;
  readonly balancing: BalancingVenue | undefined;
  private readonly venues: Venue[];
  private readonly venueByAction = new Map<string, Venue>();
  private readonly queue = new EventQueue<QueueItem>();
  private now = 0;
  private wakeSeq = 0;
  private stats = { wakeUps: 0, actions: 0 };
  readonly simStartMs: number;
  readonly simEndMs: number;
  readonly lastDecisionMs: number;

  constructor(
    private readonly ctx: RunContext,
    private readonly channel: AgentChannel,
  ) {
    const m = ctx.cfg.market;
    this.cid = new CidVenue(ctx);
    this.auctions = m.auctions.dayAhead || m.auctions.intraday ? new AuctionVenue(ctx) : undefined;
    this.balancing = m.balancing.enabled ? new BalancingVenue(ctx) : undefined;
    this.venues = [this.cid, this.auctions, this.balancing].filter(
      (v): v is NonNullable<typeof v> => v !== undefined,
    );
    for (const v of this.venues) for (const k of v.actionKinds) this.venueByAction.set(k, v);
    this.simStartMs = ctx.products.firstDayStartMs - ctx.cfg.simStartHoursBeforeDay * HOUR;
    this.simEndMs = ctx.products.endMs;
    this.lastDecisionMs = Math.max(...ctx.products.all.map((p) => p.gateClosureMs));
  }

  /** Action kinds some venue of this run accepts; anything else is rejected by the gateway. */
  acceptsAction(kind: string): boolean {
    return this.venueByAction.has(kind);
  }

  async run(): Promise<RunSummary> {
    const { ctx } = this;
    const missing = await this.channel.waitForAgents(ctx.cfg.connectTimeoutMs);
    for (const id of missing)
      ctx.faults.fault(id, 'never-connected', `no hello within ${ctx.cfg.connectTimeoutMs} ms`);
    ctx.tape.write({
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
    this.schedule();
    for (let ev = this.queue.pop(); ev; ev = this.queue.pop()) {
      this.now = ev.time;
      if (ev.item.kind === 'scheduled') await ev.item.event.run();
      else this.processAction(ev.item.batch, ev.item.index);
    }
    this.publish('end');
    return this.finish();
  }

  /** Static schedule, pushed in phase order so equal times resolve deterministically. */
  private schedule(): void {
    const events: ScheduledEvent[] = this.venues.flatMap((v) => v.scheduledEvents());
    this.ctx.products.quarterHours.forEach((qh, step) => {
      events.push({
        time: qh.deliveryEndMs,
        phase: PHASE_SETTLE,
        label: `settle ${qh.id}`,
        run: () => this.settle(step),
      });
    });
    const interval = this.ctx.cfg.decisionIntervalMinutes * MINUTE;
    for (let t = this.simStartMs; t < this.lastDecisionMs; t += interval)
      events.push({ time: t, phase: PHASE_DECIDE, label: 'decision', run: () => this.decide() });
    events.sort((a, b) => a.time - b.time || a.phase - b.phase);
    for (const event of events) this.queue.push(event.time, { kind: 'scheduled', event });
  }

  // ---- decision point: publish, collect, schedule ----

  private async decide(): Promise<void> {
    const { ctx } = this;
    this.publish('decision');
    const books = this.cid.openBooks();
    const forecast = this.forecasts();
    const wakeId = ++this.wakeSeq;
    const agents = ctx.cfg.agents;
    // Latency is drawn for every agent at every decision point, answered or not, so one agent's
    // behaviour never shifts another's random stream.
    const latencies = agents.map((a) =>
      ctx.rng.stream(`agent.${a.id}.latency`).int(a.latencyMs.min, a.latencyMs.max),
    );
    const outcomes = await Promise.all(
      agents.map((a) => {
        const ledger = ctx.ledger(a.id);
        if (!this.channel.isConnected(a.id)) {
          if (!ledger.disconnected) {
            ledger.disconnected = true;
            ctx.tape.write({ type: 'agent-absent', t: this.now, agent: a.id });
          }
          return Promise.resolve({ kind: 'disconnected' as const });
        }
        ledger.disconnected = false;
        this.stats.wakeUps++;
        return this.channel.wake(a.id, this.wakeUpFor(a.id, wakeId, books, forecast), ctx.cfg.deadlineMs);
      }),
    );
    agents.forEach((a, i) => {
      const outcome = outcomes[i]!;
      if (outcome.kind === 'missed') {
        ctx.ledger(a.id).missedDeadlines++;
        ctx.tape.write({ type: 'missed-deadline', t: this.now, agent: a.id, wakeId });
        ctx.faults.fault(a.id, 'missed-deadline', `wake ${wakeId} at ${new Date(this.now).toISOString()}`);
        return;
      }
      if (outcome.kind !== 'batch' || outcome.actions.length === 0) return;
      const arrival = this.now + latencies[i]!;
      const batch: PendingBatch = {
        agentId: a.id,
        wakeId,
        actions: outcome.actions,
        results: [],
        remaining: outcome.actions.length,
      };
      ctx.tape.write({ type: 'batch', t: arrival, agent: a.id, wakeId, actions: outcome.actions });
      outcome.actions.forEach((action, index) => {
        batch.results[index] = pendingResult(index, action.clientRef, arrival);
        this.queue.push(arrival, { kind: 'action', batch, index });
      });
    });
  }

  /** The world's latest forecast for every quarter-hour not yet delivered. */
  private forecasts(): Pick<WakeUp, 'priceForecasts' | 'fundamentalsForecasts'> {
    const { world, products } = this.ctx;
    const f = world.forecastAt(this.now);
    const out: Pick<WakeUp, 'priceForecasts' | 'fundamentalsForecasts'> = {
      priceForecasts: [],
      fundamentalsForecasts: [],
    };
    products.quarterHours.forEach((qh, step) => {
      if (qh.deliveryStartMs <= this.now) return;
      const p = f.at(step);
      if (!p) return;
      out.priceForecasts.push({ productId: qh.id, priceTicks: p.priceTicks });
      out.fundamentalsForecasts.push({
        productId: qh.id,
        demandMw: p.demandMw,
        windMw: p.windMw,
        solarMw: p.solarMw,
        residualMw: p.residualMw,
      });
    });
    return out;
  }

  private wakeUpFor(
    agentId: string,
    wakeId: number,
    books: WakeUp['books'],
    forecast: Pick<WakeUp, 'priceForecasts' | 'fundamentalsForecasts'>,
  ): WakeUp {
    const ledger = this.ctx.ledger(agentId);
    const asset = this.ctx.assets.get(agentId);
    const r = ledger.takeReports();
    return {
      wakeId,
      timeMs: this.now,
      fills: r.fills,
      ...this.cid.wakeUpPart(agentId, books),
      positions: ledger.positionMessages(),
      assets: asset ? [asset.state()] : [],
      ...forecast,
      cashUnits: ledger.totalCashUnits,
      auctionAwards: r.auctionAwards,
      auctionResults: r.auctionResults,
      capacityAwards: r.capacityAwards,
      activations: r.activations,
      balancingResults: r.balancingResults,
      settlements: r.settlements,
    };
  }

  // ---- actions ----

  private processAction(batch: PendingBatch, index: number): void {
    const action = batch.actions[index]!;
    const result = batch.results[index]!;
    this.stats.actions++;
    const venue = this.venueByAction.get(action.kind!.$case)!;
    venue.handle(batch.agentId, action, this.now, result);
    if (--batch.remaining === 0)
      this.channel.ack(batch.agentId, { wakeId: batch.wakeId, results: batch.results });
  }

  // ---- settlement and publication ----

  private async settle(step: number): Promise<void> {
    const { ctx } = this;
    const outcome = settlePeriod(ctx, step, this.balancing);
    this.checkConservation(step);
    const publicResult = {
      productId: outcome.productId,
      systemImbalanceKwh: outcome.systemImbalanceKwh,
      activatedUpKwh: outcome.activation?.activatedUpKwh ?? 0,
      activatedDownKwh: outcome.activation?.activatedDownKwh ?? 0,
      upPriceTicks: outcome.activation?.upPriceTicks ?? 0,
      downPriceTicks: outcome.activation?.downPriceTicks ?? 0,
      imbalanceLongPriceTicks: outcome.longPriceTicks,
      imbalanceShortPriceTicks: outcome.shortPriceTicks,
    };
    ctx.tape.write({
      type: 'balancing-result',
      t: this.now,
      ...publicResult,
      upActivated: outcome.activation?.upPriceTicks !== null && outcome.activation !== null,
      downActivated: outcome.activation?.downPriceTicks !== null && outcome.activation !== null,
      referencePriceTicks: outcome.referencePriceTicks,
      regulationState: outcome.regulationState,
    });
    ctx.publisher.publish(`balancing.${outcome.productId}`, publicResult);
    for (const a of ctx.cfg.agents) ctx.ledger(a.id).report('balancingResults', publicResult);
    for (const s of outcome.agents) {
      ctx.tape.write({ type: 'settlement', t: this.now, ...s });
      ctx.ledger(s.agent).report('settlements', periodSettlementMessage(s));
      await ctx.publisher.settlement(s.agent, `${ctx.runId}:${s.productId}:${s.agent}`, {
        runId: ctx.runId,
        timeMs: this.now,
        ...s,
      });
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
    this.ctx.publisher.clock(this.now, phase);
  }

  private async finish(): Promise<RunSummary> {
    const { ctx } = this;
    const stats = { ...this.stats, trades: this.cid.trades };
    ctx.tape.write({
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
    return {
      ...stats,
      ledgers: ctx.cfg.agents.map((a) => ctx.ledger(a.id)),
      tapeHash: await ctx.tape.close(),
    };
  }
}
