import type { ActivationResult } from './energy-market.js';
import { assertAgentId, assertSafeInteger, isSafeIntegerIn, safeProduct, show } from './rejections.js';
import type { BalancingDirection } from './types.js';

// Non-delivery penalty for activated balancing energy. Pure functions.
//
// shortfallKwh = activatedKwh − max(0, deliveredKwh), floored at 0 and so never above activatedKwh.
//   deliveredKwh is what the asset delivered IN THE ACTIVATED DIRECTION relative to its baseline
//   (the arena meters it); over-delivery earns nothing here, moving the wrong way counts as
//   delivering nothing (the rest shows up as imbalance).
// penaltyPriceTicks (default rule) = ceil(|balancing price in that direction| × factor) + surcharge,
//   factor = factorPermille / 1000 (default 1.0), surcharge default 10 000 ticks = 100 EUR/MWh.
//   The magnitude is used so that the penalty never pays the defaulter: a negative down price
//   (the TSO paid the provider) is as costly to replace as a positive up price. Rounding is up,
//   against the defaulter. fixedPriceTicks replaces the rule with a flat price.
// penaltyCashUnits = shortfallKwh × penaltyPriceTicks (kWh × ticks = cash units), >= 0, paid by
//   the provider to the TSO.

export interface PenaltyConfig {
  /** Multiplier on |balancing price|, in permille (1000 = 1.0). */
  factorPermille: number;
  /** Added to the penalty price, in ticks of 0.01 EUR/MWh. */
  surchargeTicks: number;
  /** If set, the penalty price in ticks regardless of the balancing price. */
  fixedPriceTicks?: number;
}

export const DEFAULT_PENALTY_CONFIG: Readonly<PenaltyConfig> = {
  factorPermille: 1000,
  surchargeTicks: 10_000,
};

export interface BalancingPrices {
  upPriceTicks: number | null;
  downPriceTicks: number | null;
}

export interface NonDeliveryInput {
  agentId: string;
  direction: BalancingDirection;
  activatedKwh: number;
  deliveredKwh: number;
}

export interface NonDeliveryPenalty extends NonDeliveryInput {
  shortfallKwh: number;
  penaltyPriceTicks: number;
  /** >= 0, paid by the provider to the TSO. */
  penaltyCashUnits: number;
}

function assertValidConfig(config: PenaltyConfig): void {
  if (!isSafeIntegerIn(config.factorPermille, 0, 1_000_000)) {
    throw new RangeError(`factorPermille must be an integer 0..1000000, got ${show(config.factorPermille)}`);
  }
  if (!isSafeIntegerIn(config.surchargeTicks, 0, Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`surchargeTicks must be an integer >= 0, got ${show(config.surchargeTicks)}`);
  }
  if (
    config.fixedPriceTicks !== undefined &&
    !isSafeIntegerIn(config.fixedPriceTicks, 0, Number.MAX_SAFE_INTEGER)
  ) {
    throw new RangeError(`fixedPriceTicks must be an integer >= 0, got ${show(config.fixedPriceTicks)}`);
  }
}

/** ceil(a / b) for a >= 0, b > 0, exact on safe integers. */
function ceilDiv(a: number, b: number): number {
  const r = a % b;
  return (a - r) / b + (r === 0 ? 0 : 1);
}

/**
 * Penalty price for non-delivered energy in a direction. `null` when the direction has no
 * balancing price (nothing was activated there) and the rule needs one.
 */
export function penaltyPriceTicks(
  direction: BalancingDirection,
  prices: BalancingPrices,
  config: PenaltyConfig = DEFAULT_PENALTY_CONFIG,
): number | null {
  assertValidConfig(config);
  if (config.fixedPriceTicks !== undefined) return config.fixedPriceTicks;
  const price = direction === 'up' ? prices.upPriceTicks : prices.downPriceTicks;
  if (price === null) return null;
  assertSafeInteger(price, `${direction}PriceTicks`);
  const scaled = ceilDiv(safeProduct(Math.abs(price), config.factorPermille, 'price × factor'), 1000);
  return scaled + config.surchargeTicks;
}

export function nonDeliveryPenalty(
  input: NonDeliveryInput,
  prices: BalancingPrices,
  config: PenaltyConfig = DEFAULT_PENALTY_CONFIG,
): NonDeliveryPenalty {
  assertAgentId(input.agentId);
  if (input.direction !== 'up' && input.direction !== 'down') {
    throw new RangeError(`direction must be 'up' or 'down', got ${show(input.direction)}`);
  }
  if (!isSafeIntegerIn(input.activatedKwh, 0, Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`activatedKwh must be an integer >= 0, got ${show(input.activatedKwh)}`);
  }
  assertSafeInteger(input.deliveredKwh, 'deliveredKwh');
  const shortfallKwh = Math.max(0, input.activatedKwh - Math.max(0, input.deliveredKwh));
  const price = penaltyPriceTicks(input.direction, prices, config);
  if (price === null && shortfallKwh > 0) {
    throw new RangeError(
      `agent ${input.agentId} has ${input.activatedKwh} kWh activated ${input.direction} but there is no ${input.direction} balancing price`,
    );
  }
  const penaltyPrice = price ?? 0;
  return {
    agentId: input.agentId,
    direction: input.direction,
    activatedKwh: input.activatedKwh,
    deliveredKwh: input.deliveredKwh,
    shortfallKwh,
    penaltyPriceTicks: penaltyPrice,
    penaltyCashUnits: safeProduct(shortfallKwh, penaltyPrice, 'penalty kWh × ticks'),
  };
}

export function nonDeliveryPenalties(
  inputs: readonly NonDeliveryInput[],
  prices: BalancingPrices,
  config: PenaltyConfig = DEFAULT_PENALTY_CONFIG,
): NonDeliveryPenalty[] {
  return inputs.map((input) => nonDeliveryPenalty(input, prices, config));
}

/** Activated kWh per (agent, direction) of a period, sorted by agent then direction (up first). */
export function activatedKwhByAgent(
  result: Pick<ActivationResult, 'activations'>,
): { agentId: string; direction: BalancingDirection; activatedKwh: number }[] {
  const sums = new Map<string, { agentId: string; direction: BalancingDirection; activatedKwh: number }>();
  for (const a of result.activations) {
    const key = `${a.direction}\u0000${a.agentId}`;
    const entry = sums.get(key) ?? { agentId: a.agentId, direction: a.direction, activatedKwh: 0 };
    entry.activatedKwh += a.activatedKwh;
    sums.set(key, entry);
  }
  return [...sums.values()].sort(
    (a, b) =>
      (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0) ||
      (a.direction === b.direction ? 0 : a.direction === 'up' ? -1 : 1),
  );
}
