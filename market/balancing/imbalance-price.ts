import { assertSafeInteger, safeProduct, show } from './rejections.js';

// Imbalance prices and imbalance settlement for one 15-minute imbalance settlement period. Pure.
//
// SIGN CONVENTIONS
// - systemImbalanceKwh > 0: the system is SHORT (upward energy needed); < 0: LONG. Same as
//   EnergyMarket.activate.
// - An agent's imbalanceKwh > 0: the agent is LONG (it injected more / took less than its market
//   position: metered − position in generation sign, position − metered in consumption sign, as
//   sim/settlement does). < 0: SHORT. A long agent makes the system longer, so
//   systemImbalanceKwh = exogenous − Σ agent imbalances (see systemImbalanceFromParties).
// - upPriceTicks / downPriceTicks are the period's marginal balancing prices (ActivationResult);
//   null means that direction was not activated.
// - Regulation state (TenneT): 0 none activated, 1 only up, −1 only down, 2 both.
//
// Single pricing: long and short settle at the same price, the balancing price in the direction of
//   the system imbalance: short → up price, long → down price, zero → reference price. If that
//   direction has no price (it was not activated, e.g. the settlement imbalance differs from the
//   one activation ran on), the reference price is used.
// Dual pricing: in regulation state 2 the short side pays the up price and the long side receives
//   the down price; in states 0, 1 and −1 it is the same as single pricing.
//
// settleImbalance: cash TO the agent = imbalanceKwh × (long ? longPrice : shortPrice), exact
//   (kWh × ticks = cash units). Long agents are paid, short agents pay (for positive prices).

export type ImbalancePricingMode = 'single' | 'dual';
export type RegulationState = -1 | 0 | 1 | 2;

export interface ImbalancePriceInput {
  mode: ImbalancePricingMode;
  systemImbalanceKwh: number;
  upPriceTicks: number | null;
  downPriceTicks: number | null;
  referencePriceTicks: number;
}

export interface ImbalancePrices {
  /** Price a long agent is paid per MWh of surplus, in ticks. */
  longPriceTicks: number;
  /** Price a short agent pays per MWh of deficit, in ticks. */
  shortPriceTicks: number;
  regulationState: RegulationState;
}

function assertPrice(value: unknown, what: string, nullable: boolean): void {
  if (nullable && value === null) return;
  assertSafeInteger(value, what);
}

export function regulationState(upPriceTicks: number | null, downPriceTicks: number | null): RegulationState {
  if (upPriceTicks !== null && downPriceTicks !== null) return 2;
  if (upPriceTicks !== null) return 1;
  if (downPriceTicks !== null) return -1;
  return 0;
}

export function imbalancePrices(input: ImbalancePriceInput): ImbalancePrices {
  const { mode, systemImbalanceKwh, upPriceTicks, downPriceTicks, referencePriceTicks } = input;
  if (mode !== 'single' && mode !== 'dual')
    throw new RangeError(`mode must be 'single' or 'dual', got ${show(mode)}`);
  assertSafeInteger(systemImbalanceKwh, 'systemImbalanceKwh');
  assertPrice(upPriceTicks, 'upPriceTicks', true);
  assertPrice(downPriceTicks, 'downPriceTicks', true);
  assertPrice(referencePriceTicks, 'referencePriceTicks', false);
  const state = regulationState(upPriceTicks, downPriceTicks);
  if (mode === 'dual' && state === 2) {
    return { longPriceTicks: downPriceTicks!, shortPriceTicks: upPriceTicks!, regulationState: state };
  }
  let price = referencePriceTicks;
  if (systemImbalanceKwh > 0) price = upPriceTicks ?? referencePriceTicks;
  else if (systemImbalanceKwh < 0) price = downPriceTicks ?? referencePriceTicks;
  return { longPriceTicks: price, shortPriceTicks: price, regulationState: state };
}

/** Cash units to the agent for its imbalance (+ long, − short). */
export function settleImbalance(
  imbalanceKwh: number,
  prices: Pick<ImbalancePrices, 'longPriceTicks' | 'shortPriceTicks'>,
): number {
  assertSafeInteger(imbalanceKwh, 'imbalanceKwh');
  assertPrice(prices.longPriceTicks, 'longPriceTicks', false);
  assertPrice(prices.shortPriceTicks, 'shortPriceTicks', false);
  const price = imbalanceKwh >= 0 ? prices.longPriceTicks : prices.shortPriceTicks;
  return safeProduct(imbalanceKwh, price, 'imbalance kWh × ticks');
}

/**
 * System imbalance (> 0 short) from the agents' own imbalances (> 0 long) and the exogenous rest
 * of the system (> 0 short, e.g. forecast errors of the world).
 */
export function systemImbalanceFromParties(agentImbalancesKwh: readonly number[], exogenousKwh = 0): number {
  assertSafeInteger(exogenousKwh, 'exogenousKwh');
  let total = exogenousKwh;
  for (const kwh of agentImbalancesKwh) {
    assertSafeInteger(kwh, 'agent imbalanceKwh');
    total -= kwh;
  }
  if (!Number.isSafeInteger(total)) throw new RangeError(`system imbalance ${total} is not a safe integer`);
  return total + 0;
}
