// A sink that adds up each agent's settlement records: the exact figures of results.json come
// from here, and the core checks them against its ledgers when the run ends.
import type {
  AssetCostBreakdown,
  CashBreakdown,
  SettlementRecord,
} from '../../gen/flexarena/v1/evaluation.js';
import type { RecordSink } from '../records/records.js';

export interface RecordTotal {
  cash: CashBreakdown;
  costs: AssetCostBreakdown;
  profitCashUnits: number;
  tradedKwh: number;
  imbalanceKwhAbs: number;
  clippedPeriods: number;
  periods: number;
  lastSocMwh: number;
}

function emptyTotal(): RecordTotal {
  return {
    cash: { cid: 0, auction: 0, capacity: 0, balancingEnergy: 0, imbalance: 0, penalty: 0, positionValue: 0 },
    costs: { degradation: 0, lostRental: 0, tariff: 0, assetPenalty: 0 },
    profitCashUnits: 0,
    tradedKwh: 0,
    imbalanceKwhAbs: 0,
    clippedPeriods: 0,
    periods: 0,
    lastSocMwh: 0,
  };
}

export function addRecord(t: RecordTotal, r: SettlementRecord): void {
  for (const k of Object.keys(t.cash) as (keyof RecordTotal['cash'])[]) t.cash[k] += r.cash?.[k] ?? 0;
  for (const k of Object.keys(t.costs) as (keyof RecordTotal['costs'])[]) t.costs[k] += r.costs?.[k] ?? 0;
  t.profitCashUnits += r.profitCashUnits;
  t.tradedKwh += r.tradedKwh;
  t.imbalanceKwhAbs += Math.abs(r.imbalanceKwh);
  if (r.clipped) t.clippedPeriods++;
  t.periods++;
  t.lastSocMwh = r.socMwh;
}

export class RecordTotals implements RecordSink {
  readonly byAgent = new Map<string, RecordTotal>();

  settlement(r: SettlementRecord): void {
    let t = this.byAgent.get(r.agentId);
    if (!t) {
      t = emptyTotal();
      this.byAgent.set(r.agentId, t);
    }
    addRecord(t, r);
  }

  of(agentId: string): RecordTotal {
    return this.byAgent.get(agentId) ?? emptyTotal();
  }
}
