// Per-agent private state kept by the arena: positions and cash per product, fills not yet
// reported, and counters for the results.
import type { Fill, Position } from '../../gen/flexarena/v1/market.js';

export interface ProductPosition {
  boughtLots: number;
  soldLots: number;
  cashUnits: number;
}

export class AgentLedger {
  readonly positions = new Map<string, ProductPosition>();
  private pendingFills: Fill[] = [];
  tradingCashUnits = 0;
  imbalanceCashUnits = 0;
  positionValueCashUnits = 0;
  tradedLots = 0;
  imbalanceKwhAbs = 0;
  orders = 0;
  rejects = 0;
  missedDeadlines = 0;
  disconnected = false;

  constructor(
    readonly agentId: string,
    readonly strategy: string,
  ) {}

  position(productId: string): ProductPosition {
    let p = this.positions.get(productId);
    if (!p) {
      p = { boughtLots: 0, soldLots: 0, cashUnits: 0 };
      this.positions.set(productId, p);
    }
    return p;
  }

  netLots(productId: string): number {
    const p = this.positions.get(productId);
    return p ? p.boughtLots - p.soldLots : 0;
  }

  recordFill(fill: Fill, cashUnits: number): void {
    const p = this.position(fill.productId);
    if (fill.side === 1) p.boughtLots += fill.quantityLots;
    else p.soldLots += fill.quantityLots;
    p.cashUnits += cashUnits;
    this.tradingCashUnits += cashUnits;
    this.tradedLots += fill.quantityLots;
    this.pendingFills.push(fill);
  }

  takeFills(): Fill[] {
    const out = this.pendingFills;
    this.pendingFills = [];
    return out;
  }

  positionMessages(): Position[] {
    return [...this.positions.entries()].map(([productId, p]) => ({
      productId,
      netLots: p.boughtLots - p.soldLots,
      boughtLots: p.boughtLots,
      soldLots: p.soldLots,
      cashUnits: p.cashUnits,
    }));
  }
}
