// The evaluation contract's per-agent, per-quarter-hour record (proto SettlementRecord). Every cash
// flow of a run belongs to one product: a quarter-hour, an hour (its four quarter-hours share it)
// or a 4-hour aFRR capacity block (sixteen quarter-hours share it). Shares are whole cash units;
// the last quarter-hour of a product takes the remainder, so the records of an agent add up to its
// ledger exactly.
import type {
  AssetCostBreakdown,
  CashBreakdown,
  QuarterHourPrices,
  SettlementRecord,
} from '../../gen/flexarena/v1/evaluation.js';
import { capacityProductIdAt, hourIdOf, parseProductId, QH_MS } from '../../lib/index.js';
import { CASH_UNITS_PER_EUR } from '../../market/index.js';
import type { AssetCosts, AssetTwin } from '../assets/asset-twin.js';
import { type AgentLedger, CASH_KINDS, type CashByKind, zeroCash } from '../core/agent-ledger.js';
import type { AgentSettlement } from './settle-period.js';

const QH_PER_HOUR = 4;
const QH_PER_CAPACITY_BLOCK = 16;
const KWH_PER_LOT_QH = 25;

/** Whole-unit share `index` of `total` split in `parts`; the last part takes the remainder. */
export function shareOf(total: number, parts: number, index: number): number {
  const base = Math.trunc(total / parts);
  return index < parts - 1 ? base : total - base * (parts - 1);
}

function costUnits(c: AssetCosts): AssetCostBreakdown {
  const u = (eur: number) => Math.round(eur * CASH_UNITS_PER_EUR);
  return {
    degradation: u(c.degradationEur),
    lostRental: u(c.lostRentalEur),
    tariff: u(c.tariffEur),
    assetPenalty: u(c.penaltyEur),
  };
}

export function zeroCosts(): AssetCostBreakdown {
  return { degradation: 0, lostRental: 0, tariff: 0, assetPenalty: 0 };
}

function toCashBreakdown(c: CashByKind): CashBreakdown {
  return {
    cid: c.cid,
    auction: c.auction,
    capacity: c.capacity,
    balancingEnergy: c.balancingEnergy,
    imbalance: c.imbalance,
    penalty: c.penalty,
    positionValue: c.positionValue,
  };
}

export function cashTotal(c: CashBreakdown): number {
  return c.cid + c.auction + c.capacity + c.balancingEnergy + c.imbalance + c.penalty + c.positionValue;
}

export function costTotal(c: AssetCostBreakdown): number {
  return c.degradation + c.lostRental + c.tariff + c.assetPenalty;
}

/** Per agent: what the records emitted so far have attributed, to check and to take differences. */
export class RecordAttribution {
  /** A multi-quarter-hour product's cash when its first quarter-hour was settled. */
  private readonly frozen = new Map<string, CashByKind>();
  private costsSoFar = zeroCosts();

  constructor(readonly agentId: string) {}

  /** Cash of quarter-hour `qhId` (index `step` in the run, delivery start `startMs`) by kind. */
  cashFor(ledger: AgentLedger, qhId: string, startMs: number): CashBreakdown {
    const out = { ...(ledger.cashByProduct.get(qhId) ?? zeroCash()) };
    const hour = hourIdOf(qhId);
    if (hour) this.addShare(out, ledger, hour, QH_PER_HOUR, ((startMs % 3_600_000) / QH_MS) | 0);
    const dayStart = startMs - (startMs % 86_400_000);
    const indexInBlock = ((startMs - dayStart) / QH_MS) % QH_PER_CAPACITY_BLOCK;
    this.addShare(out, ledger, capacityProductIdAt(startMs), QH_PER_CAPACITY_BLOCK, indexInBlock);
    return toCashBreakdown(out);
  }

  /**
   * Forgets the frozen cash of the hours and capacity blocks delivered by `cutoffMs`, every
   * quarter-hour of which has had its record (the caller asks only then): kept, one entry per
   * hour and block of the run.
   */
  forgetDeliveredBefore(cutoffMs: number): void {
    for (const productId of this.frozen.keys()) {
      const end = parseProductId(productId)?.deliveryEndMs;
      if (end !== undefined && end <= cutoffMs) this.frozen.delete(productId);
    }
  }

  /** Costs since the previous record, from the twin's running totals. */
  costsFor(asset: AssetTwin | undefined): AssetCostBreakdown {
    if (!asset) return zeroCosts();
    const now = costUnits(asset.costs());
    const prev = this.costsSoFar;
    this.costsSoFar = now;
    return {
      degradation: now.degradation - prev.degradation,
      lostRental: now.lostRental - prev.lostRental,
      tariff: now.tariff - prev.tariff,
      assetPenalty: now.assetPenalty - prev.assetPenalty,
    };
  }

  private addShare(
    out: CashByKind,
    ledger: AgentLedger,
    productId: string,
    parts: number,
    index: number,
  ): void {
    const cash = ledger.cashByProduct.get(productId);
    if (!cash) return;
    let frozen = this.frozen.get(productId);
    if (index === 0 || !frozen) {
      frozen = { ...cash };
      this.frozen.set(productId, frozen);
    }
    for (const k of CASH_KINDS) {
      // Trading and awards for a product end before its delivery starts; a change afterwards
      // would break the records' sum, which is an arena bug, never an agent's doing.
      if (cash[k] !== frozen[k])
        throw new Error(`cash of ${productId} changed during its delivery (${k}: ${frozen[k]} → ${cash[k]})`);
      out[k] += shareOf(frozen[k], parts, index);
    }
  }
}

export interface RecordInputs {
  runId: string;
  strategy: string;
  settledAtMs: number;
  deliveryStartMs: number;
  referencePriceTicks: number;
  prices: QuarterHourPrices;
  ledger: AgentLedger;
  asset: AssetTwin | undefined;
  settlement: AgentSettlement;
  attribution: RecordAttribution;
}

/** The record of one agent and quarter-hour, without its run-wide sequence number. */
export function settlementRecord(i: RecordInputs): Omit<SettlementRecord, 'seq'> {
  const s = i.settlement;
  const cash = i.attribution.cashFor(i.ledger, s.productId, i.deliveryStartMs);
  const costs = i.attribution.costsFor(i.asset);
  const hour = hourIdOf(s.productId);
  const tradedLots =
    (i.ledger.tradedLotsByProduct.get(s.productId) ?? 0) +
    (hour ? (i.ledger.tradedLotsByProduct.get(hour) ?? 0) : 0);
  return {
    runId: i.runId,
    agentId: s.agent,
    strategy: i.strategy,
    productId: s.productId,
    deliveryStartMs: i.deliveryStartMs,
    settledAtMs: i.settledAtMs,
    cash,
    costs,
    profitCashUnits: cashTotal(cash) - costTotal(costs),
    positionKwh: s.positionKwh,
    activatedUpKwh: s.activatedUpKwh,
    activatedDownKwh: s.activatedDownKwh,
    scheduleKwh: s.scheduleKwh,
    meteredKwh: s.meteredKwh,
    imbalanceKwh: s.imbalanceKwh,
    imbalancePriceTicks: s.imbalancePriceTicks,
    tradedKwh: tradedLots * KWH_PER_LOT_QH,
    socMwh: i.asset?.finalSocMwh() ?? 0,
    clipped: s.clipped,
    referencePriceTicks: i.referencePriceTicks,
    prices: i.prices,
  };
}
