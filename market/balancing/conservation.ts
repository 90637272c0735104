import type { CapacityAuctionResult } from './capacity-auction.js';
import type { ActivationResult } from './energy-market.js';
import { type ImbalancePrices, settleImbalance } from './imbalance-price.js';
import type { NonDeliveryPenalty } from './penalty.js';
import { assertSafeInteger, show } from './rejections.js';

// Conservation of cash and energy in one settlement period: over all participants plus the TSO /
// exogenous counterparty, cash and energy each sum to exactly zero.
//
// SIGN CONVENTION of a flow: both numbers are what the party RECEIVES (negative = gives).
// An up activation: provider energyKwh −e (it delivers), cashUnits +pay; TSO the opposite.
// A long agent (imbalance +e): energyKwh −e (it left e kWh in the grid), cash per settleImbalance.
//
// checkConservation is generic; the *Flows helpers turn this library's results into flows with the
// TSO as counterparty, so the arena can add its own (trades, exogenous imbalance) and check the sum.

export interface SettlementFlow {
  party: string;
  cashUnits: number;
  energyKwh: number;
}

export interface ConservationReport {
  balanced: boolean;
  /** Exact sums (computed in BigInt); 0 when balanced. */
  cashUnitsSum: number;
  energyKwhSum: number;
  /** Net flow per party, sorted by party. */
  parties: SettlementFlow[];
  /** Human-readable verdict, for assertion messages. */
  message: string;
}

export const TSO_PARTY = 'TSO';

export function checkConservation(records: readonly SettlementFlow[]): ConservationReport {
  let cash = 0n;
  let energy = 0n;
  const byParty = new Map<string, { cash: bigint; energy: bigint }>();
  for (const r of records) {
    if (typeof r.party !== 'string' || r.party.length === 0) {
      throw new TypeError(`party must be a non-empty string, got ${show(r.party)}`);
    }
    assertSafeInteger(r.cashUnits, `cashUnits of ${r.party}`);
    assertSafeInteger(r.energyKwh, `energyKwh of ${r.party}`);
    cash += BigInt(r.cashUnits);
    energy += BigInt(r.energyKwh);
    const p = byParty.get(r.party) ?? { cash: 0n, energy: 0n };
    p.cash += BigInt(r.cashUnits);
    p.energy += BigInt(r.energyKwh);
    byParty.set(r.party, p);
  }
  const parties = [...byParty.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([party, p]) => ({ party, cashUnits: Number(p.cash), energyKwh: Number(p.energy) }));
  const balanced = cash === 0n && energy === 0n;
  const message = balanced
    ? `balanced over ${parties.length} parties`
    : `not conserved: cash sums to ${cash} units, energy to ${energy} kWh over ${parties.length} parties`;
  return { balanced, cashUnitsSum: Number(cash), energyKwhSum: Number(energy), parties, message };
}

/** Adds the counterparty flow that mirrors `flows`. */
function withCounterparty(flows: SettlementFlow[], counterparty: string): SettlementFlow[] {
  let cash = 0;
  let energy = 0;
  for (const f of flows) {
    cash -= f.cashUnits;
    energy -= f.energyKwh;
  }
  return [...flows, { party: counterparty, cashUnits: cash + 0, energyKwh: energy + 0 }];
}

/** Capacity payments: providers receive, the TSO pays; no energy moves. */
export function capacityFlows(result: CapacityAuctionResult, tso = TSO_PARTY): SettlementFlow[] {
  return withCounterparty(
    result.awards.map((a) => ({ party: a.agentId, cashUnits: a.paymentCashUnits, energyKwh: 0 })),
    tso,
  );
}

/** Activated balancing energy: up providers deliver energy to the TSO, down providers take it. */
export function activationFlows(result: ActivationResult, tso = TSO_PARTY): SettlementFlow[] {
  return withCounterparty(
    result.activations.map((a) => ({
      party: a.agentId,
      cashUnits: a.cashUnits,
      energyKwh: a.direction === 'up' ? -a.activatedKwh : a.activatedKwh,
    })),
    tso,
  );
}

/** Imbalance settlement of agents (imbalanceKwh > 0 long) against the TSO. */
export function imbalanceFlows(
  imbalances: readonly { party: string; imbalanceKwh: number }[],
  prices: Pick<ImbalancePrices, 'longPriceTicks' | 'shortPriceTicks'>,
  tso = TSO_PARTY,
): SettlementFlow[] {
  return withCounterparty(
    imbalances.map(({ party, imbalanceKwh }) => ({
      party,
      cashUnits: settleImbalance(imbalanceKwh, prices),
      energyKwh: -imbalanceKwh + 0,
    })),
    tso,
  );
}

/** Non-delivery penalties: cash only, from the provider to the TSO. */
export function penaltyFlows(penalties: readonly NonDeliveryPenalty[], tso = TSO_PARTY): SettlementFlow[] {
  return withCounterparty(
    penalties.map((p) => ({ party: p.agentId, cashUnits: -p.penaltyCashUnits + 0, energyKwh: 0 })),
    tso,
  );
}
