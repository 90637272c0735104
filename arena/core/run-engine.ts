// The sequencer: one virtual clock, one event queue, numbered phases per decision point
// (publish → collect → schedule), market commands applied one by one in (time, seq) order, and
// settlement at the end of every delivery period. Nothing here reads the wall clock except the
// lock-step deadline, whose outcome (a missed deadline) is recorded as a fact on the tape.

import type { Fill } from '../../gen/flexarena/v1/market.js';
import { Side as ProtoSide } from '../../gen/flexarena/v1/market.js';
import { type Action, type ActionResult, ActionStatus, type WakeUp } from '../../gen/flexarena/v1/session.js';
import {
  type CidEvent,
  CidMarket,
  type Depth,
  type ProductDef,
  type TradeEvent,
  tradeCashUnits,
} from '../../market/index.js';
import { BatteryTwin } from '../assets/battery.js';
import type { RunConfig } from '../config/run-config.js';
import type { MarketDataPublisher } from '../nats/market-data-publisher.js';
import { settleProduct } from '../settlement/settle-product.js';
import type { TapeWriter } from '../tape/tape-writer.js';
import { PriceForecaster, realisedPrices } from '../world/price-path.js';
import { dayStartMs, quarterHourProducts } from '../world/products.js';
import type { AgentChannel, FaultLog } from './agent-channel.js';
import { AgentLedger } from './agent-ledger.js';
import { actionToCommand, depthToProto, orderToProto, rejectCodeToProto } from './convert.js';
import { EventQueue } from './event-queue.js';
import { NamedRng } from './named-rng.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type QueueItem =
  | { kind: 'advance' }
  | { kind: 'settle'; productIndex: number }
  | { kind: 'forecast' }
  | { kind: 'decision' }
  | { kind: 'action'; batch: PendingBatch; index: number };

interface PendingBatch {
  agentId: string;
  actions: Action[];
  wakeId: number;
  results: ActionResult[];
  remaining: number;
}

export interface RunSummary {
  ledgers: AgentLedger[];
  batteries: Map<string, BatteryTwin>;
  realisedPriceTicks: number[];
  tapeHash: string;
  wakeUps: number;
  actions: number;
  trades: number;
}

export class RunEngine {
  readonly products: ProductDef[];
  private readonly productById: Map<string, ProductDef>;
  readonly market: CidMarket;
  private readonly rng: NamedRng;
  private readonly queue = new EventQueue<QueueItem>();
  private readonly ledgers = new Map<string, AgentLedger>();
  private readonly batteries = new Map<string, BatteryTwin>();
  private readonly realised: number[];
  private readonly forecaster: PriceForecaster;
  private forecast = new Map<number, number>();
  private now = 0;
  private wakeSeq = 0;
  private tradesSincePublish = new Map<string, object[]>();
  private booksTouched = new Set<string>();
  private stats = { wakeUps: 0, actions: 0, trades: 0 };
  readonly simStartMs: number;
  readonly simEndMs: number;
  readonly lastDecisionMs: number;

  constructor(
    private readonly cfg: RunConfig,
    private readonly channel: AgentChannel,
    private readonly publisher: MarketDataPublisher,
    private readonly tape: TapeWriter,
    private readonly faults: FaultLog,
    private readonly runId: string,
  ) {
    const cid = cfg.market.cid;
    this.products = quarterHourProducts(cfg.day, cid);
    this.productById = new Map(this.products.map((p) => [p.id, p]));
    this.market = new CidMarket({
      priceMinTicks: Math.round(cid.priceMinEur * 100),
      priceMaxTicks: Math.round(cid.priceMaxEur * 100),
      maxQuantityLots: 100_000,
      products: this.products,
    });
    this.rng = new NamedRng(cfg.seed);
    this.realised = realisedPrices(cfg.world, this.rng);
    this.forecaster = new PriceForecaster(
      cfg.world,
      this.realised,
      this.products.map((p) => p.deliveryStartMs),
      this.rng,
    );
    for (const a of cfg.agents) {
      this.ledgers.set(a.id, new AgentLedger(a.id, a.strategy));
      if (a.asset) this.batteries.set(a.id, new BatteryTwin(`${a.id}-battery`, a.asset));
    }
    this.simStartMs = Math.min(...this.products.map((p) => p.openMs));
    this.simEndMs = dayStartMs(cfg.day) + 24 * HOUR;
    this.lastDecisionMs = Math.max(...this.products.map((p) => p.gateClosureMs));
  }

  async run(): Promise<RunSummary> {
    const missing = await this.channel.waitForAgents(this.cfg.connectTimeoutMs);
    for (const id of missing)
      this.faults.fault(id, 'never-connected', `no hello within ${this.cfg.connectTimeoutMs} ms`);
    this.tape.write({
      type: 'run-start',
      t: this.simStartMs,
      name: this.cfg.name,
      seed: this.cfg.seed,
      day: this.cfg.day,
      agents: this.cfg.agents.map((a) => ({ id: a.id, strategy: a.strategy })),
      products: this.products.length,
      realisedPriceTicks: this.realised,
    });
    this.scheduleStaticEvents();
    for (let ev = this.queue.pop(); ev; ev = this.queue.pop()) {
      this.now = ev.time;
      await this.handle(ev.item);
    }
    this.publishPublicData('end');
    const summary = this.finish();
    return { ...summary, tapeHash: await this.tape.close() };
  }

  /** Static schedule, pushed in phase order so equal times resolve deterministically. */
  private scheduleStaticEvents(): void {
    const events: { time: number; phase: number; item: QueueItem }[] = [];
    const marketTimes = new Set<number>();
    for (const p of this.products) {
      marketTimes.add(p.openMs);
      marketTimes.add(p.gateClosureMs);
    }
    for (const t of marketTimes) events.push({ time: t, phase: 0, item: { kind: 'advance' } });
    this.products.forEach((p, i) => {
      events.push({ time: p.deliveryEndMs, phase: 1, item: { kind: 'settle', productIndex: i } });
    });
    for (let t = this.simStartMs; t < this.simEndMs; t += HOUR)
      events.push({ time: t, phase: 2, item: { kind: 'forecast' } });
    const step = this.cfg.decisionIntervalMinutes * MINUTE;
    for (let t = this.simStartMs; t < this.lastDecisionMs; t += step)
      events.push({ time: t, phase: 3, item: { kind: 'decision' } });
    events.sort((a, b) => a.time - b.time || a.phase - b.phase);
    for (const e of events) this.queue.push(e.time, e.item);
  }

  private async handle(item: QueueItem): Promise<void> {
    switch (item.kind) {
      case 'advance':
        this.applyMarket({ type: 'advance', time: this.now });
        return;
      case 'settle':
        await this.settle(item.productIndex);
        return;
      case 'forecast':
        this.forecast = this.forecaster.issue(this.now);
        this.tape.write({ type: 'forecast', t: this.now, priceTicks: Object.fromEntries(this.forecast) });
        return;
      case 'decision':
        await this.decide();
        return;
      case 'action':
        this.processAction(item.batch, item.index);
        return;
    }
  }

  // ---- decision point: publish, collect, schedule ----

  private async decide(): Promise<void> {
    this.publishPublicData('decision');
    const books = this.openBooks();
    const wakeId = ++this.wakeSeq;
    const agents = this.cfg.agents;
    // Latency is drawn for every agent at every decision point, answered or not, so one agent's
    // behaviour never shifts another's random stream.
    const latencies = agents.map((a) =>
      this.rng.stream(`agent.${a.id}.latency`).int(a.latencyMs.min, a.latencyMs.max),
    );
    const outcomes = await Promise.all(
      agents.map((a) => {
        const ledger = this.ledgers.get(a.id)!;
        if (!this.channel.isConnected(a.id)) {
          if (!ledger.disconnected) {
            ledger.disconnected = true;
            this.tape.write({ type: 'agent-absent', t: this.now, agent: a.id });
          }
          return Promise.resolve({ kind: 'disconnected' as const });
        }
        ledger.disconnected = false;
        this.stats.wakeUps++;
        return this.channel.wake(a.id, this.wakeUpFor(a.id, wakeId, books), this.cfg.deadlineMs);
      }),
    );
    agents.forEach((a, i) => {
      const outcome = outcomes[i]!;
      if (outcome.kind === 'missed') {
        this.ledgers.get(a.id)!.missedDeadlines++;
        this.tape.write({ type: 'missed-deadline', t: this.now, agent: a.id, wakeId });
        this.faults.fault(a.id, 'missed-deadline', `wake ${wakeId} at ${new Date(this.now).toISOString()}`);
        return;
      }
      if (outcome.kind !== 'batch' || outcome.actions.length === 0) return;
      const arrival = this.now + latencies[i]!;
      const batch: PendingBatch = {
        agentId: a.id,
        actions: outcome.actions,
        wakeId,
        results: [],
        remaining: outcome.actions.length,
      };
      this.tape.write({ type: 'batch', t: arrival, agent: a.id, wakeId, actions: outcome.actions });
      outcome.actions.forEach((action, index) => {
        batch.results[index] = {
          index,
          clientRef: action.clientRef,
          status: ActionStatus.ACTION_STATUS_UNSPECIFIED,
          orderId: 0,
          rejectCode: 0,
          field: '',
          limit: '',
          message: '',
          timeMs: arrival,
          fills: [],
        };
        this.queue.push(arrival, { kind: 'action', batch, index });
      });
    });
  }

  private wakeUpFor(agentId: string, wakeId: number, books: WakeUp['books']): WakeUp {
    const ledger = this.ledgers.get(agentId)!;
    const battery = this.batteries.get(agentId);
    const priceForecasts = [...this.forecast.entries()]
      .filter(([q]) => this.products[q]!.deliveryStartMs > this.now)
      .map(([q, priceTicks]) => ({ productId: this.products[q]!.id, priceTicks }));
    return {
      wakeId,
      timeMs: this.now,
      fills: ledger.takeFills(),
      openOrders: this.market.openOrders(agentId).map(orderToProto),
      positions: ledger.positionMessages(),
      assets: battery
        ? [
            {
              assetId: battery.id,
              socMwh: battery.socMwh,
              clippedPeriods: battery.clippedCount,
              shortfallMwh: battery.shortfallMwh,
            },
          ]
        : [],
      priceForecasts,
      books,
      cashUnits: ledger.tradingCashUnits,
    };
  }

  private openBooks(): WakeUp['books'] {
    return this.products
      .filter((p) => this.market.productStatus(p.id) === 'open')
      .map((p) => depthToProto(this.market.depth(p.id, this.cfg.market.cid.depthLevels)));
  }

  // ---- market ----

  private processAction(batch: PendingBatch, index: number): void {
    const action = batch.actions[index]!;
    const command = actionToCommand(action, batch.agentId, this.now);
    const ledger = this.ledgers.get(batch.agentId)!;
    if (command.type === 'submit') ledger.orders++;
    this.stats.actions++;
    const result = batch.results[index]!;
    const events = this.applyMarket(command);
    for (const ev of events) {
      if (ev.type === 'rejected') {
        ledger.rejects++;
        Object.assign(result, {
          status: ActionStatus.ACTION_STATUS_REJECTED,
          rejectCode: rejectCodeToProto(ev.code),
          field: ev.field,
          limit: ev.limit,
          message: ev.message,
          orderId: ev.orderId ?? 0,
        });
      } else if (
        ev.type === 'accepted' ||
        ev.type === 'modified' ||
        (ev.type === 'cancelled' && ev.reason === 'user')
      ) {
        result.status = ActionStatus.ACTION_STATUS_ACCEPTED;
        result.orderId = ev.orderId;
      } else if (
        ev.type === 'trade' &&
        (ev.buyAgentId === batch.agentId || ev.sellAgentId === batch.agentId)
      ) {
        result.fills.push(this.fillFor(ev, batch.agentId));
      }
    }
    if (--batch.remaining === 0) {
      this.channel.ack(batch.agentId, { wakeId: batch.wakeId, results: batch.results });
    }
  }

  private applyMarket(command: Parameters<CidMarket['apply']>[0]): CidEvent[] {
    const events = this.market.apply(command);
    for (const ev of events) {
      const { type, time, ...rest } = ev;
      this.tape.write({ type, t: time, ...rest });
      if (ev.type === 'trade') this.onTrade(ev);
      if ('productId' in ev) this.booksTouched.add(ev.productId);
    }
    return events;
  }

  private onTrade(ev: TradeEvent): void {
    this.stats.trades++;
    const product = this.productById.get(ev.productId)!;
    const minutes = (product.deliveryEndMs - product.deliveryStartMs) / MINUTE;
    const cash = tradeCashUnits(ev.priceTicks, ev.quantityLots, minutes);
    this.ledgers.get(ev.buyAgentId)?.recordFill(this.fillFor(ev, ev.buyAgentId), -cash);
    this.ledgers.get(ev.sellAgentId)?.recordFill(this.fillFor(ev, ev.sellAgentId), cash);
    let list = this.tradesSincePublish.get(ev.productId);
    if (!list) {
      list = [];
      this.tradesSincePublish.set(ev.productId, list);
    }
    list.push({
      tradeId: ev.tradeId,
      timeMs: ev.time,
      productId: ev.productId,
      priceTicks: ev.priceTicks,
      quantityLots: ev.quantityLots,
      aggressorSide: ev.aggressorSide,
    });
  }

  private fillFor(ev: TradeEvent, agentId: string): Fill {
    const isBuy = ev.buyAgentId === agentId;
    return {
      tradeId: ev.tradeId,
      orderId: isBuy ? ev.buyOrderId : ev.sellOrderId,
      productId: ev.productId,
      side: isBuy ? ProtoSide.SIDE_BUY : ProtoSide.SIDE_SELL,
      priceTicks: ev.priceTicks,
      quantityLots: ev.quantityLots,
      timeMs: ev.time,
      aggressor: ev.aggressorSide === (isBuy ? 'buy' : 'sell'),
    };
  }

  // ---- settlement and publication ----

  private async settle(productIndex: number): Promise<void> {
    const product = this.products[productIndex]!;
    const referencePriceTicks = this.realised[productIndex]!;
    const records = settleProduct({
      product,
      referencePriceTicks,
      spreadTicks: Math.round(this.cfg.imbalance.spreadEur * 100),
      agents: this.cfg.agents.map((a) => ({
        config: a,
        ledger: this.ledgers.get(a.id)!,
        battery: this.batteries.get(a.id),
      })),
    });
    for (const r of records) {
      this.tape.write({ type: 'settlement', t: this.now, ...r });
      await this.publisher.settlement(r.agent, `${this.runId}:${product.id}:${r.agent}`, {
        runId: this.runId,
        timeMs: this.now,
        ...r,
      });
    }
  }

  private publishPublicData(phase: string): void {
    for (const [productId, trades] of this.tradesSincePublish) this.publisher.trades(productId, trades);
    this.tradesSincePublish = new Map();
    for (const productId of this.booksTouched) {
      const d: Depth = this.market.depth(productId, this.cfg.market.cid.depthLevels);
      this.publisher.book(productId, { timeMs: this.now, ...d });
    }
    this.booksTouched = new Set();
    this.publisher.clock(this.now, phase);
  }

  private finish(): Omit<RunSummary, 'tapeHash'> {
    const ledgers = this.cfg.agents.map((a) => this.ledgers.get(a.id)!);
    this.tape.write({
      type: 'run-end',
      t: this.now,
      stats: this.stats,
      agents: ledgers.map((l) => ({
        agent: l.agentId,
        tradingCashUnits: l.tradingCashUnits,
        imbalanceCashUnits: l.imbalanceCashUnits,
        positionValueCashUnits: l.positionValueCashUnits,
        socMwh: this.batteries.get(l.agentId)?.socMwh ?? null,
      })),
      bookHash: this.market.stateHash(),
    });
    return { ledgers, batteries: this.batteries, realisedPriceTicks: this.realised, ...this.stats };
  }
}
