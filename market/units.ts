import { CASH_UNITS_PER_EUR, PRICE_TICK_EUR_PER_MWH, type ProductDef, QUANTITY_LOT_MW } from './types.js';

// Conversions at the library's edge. Floats are only accepted here, and only if they sit on the
// tick/lot grid: silently rounding 12.345 EUR/MWh to a tick would change what an agent asked for.

const TICKS_PER_EUR = Math.round(1 / PRICE_TICK_EUR_PER_MWH);
const LOTS_PER_MW = Math.round(1 / QUANTITY_LOT_MW);
/** Absorbs binary float noise such as 0.3 * 100 = 30.000000000000004, nothing more. */
const GRID_TOLERANCE = 1e-6;

function toGrid(value: number, stepsPerUnit: number, what: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${what} must be a finite number, got ${value}`);
  const scaled = value * stepsPerUnit;
  const steps = Math.round(scaled);
  if (Math.abs(scaled - steps) > GRID_TOLERANCE) {
    throw new RangeError(`${what} ${value} is not a multiple of ${1 / stepsPerUnit}`);
  }
  if (!Number.isSafeInteger(steps)) throw new RangeError(`${what} ${value} is too large`);
  return steps + 0; // normalises -0
}

function assertInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be an integer, got ${value}`);
}

export function eurToTicks(eurPerMwh: number): number {
  return toGrid(eurPerMwh, TICKS_PER_EUR, 'price in EUR/MWh');
}

/**
 * A price the arena computed — a model output such as a merit-order price or a forecast, never
 * an agent's or a user's input — on the tick grid: the nearest tick, halves up (Math.round).
 * Inputs go through eurToTicks, which refuses what is off the grid.
 */
export function quantizeEurToTicks(eurPerMwh: number): number {
  if (!Number.isFinite(eurPerMwh))
    throw new RangeError(`price in EUR/MWh must be a finite number, got ${eurPerMwh}`);
  const ticks = Math.round(eurPerMwh * TICKS_PER_EUR);
  if (!Number.isSafeInteger(ticks)) throw new RangeError(`price ${eurPerMwh} EUR/MWh is too large`);
  return ticks + 0;
}

/** True when `eurPerMwh` lies on the tick grid (what eurToTicks accepts). */
export function isOnTickGrid(eurPerMwh: number): boolean {
  try {
    eurToTicks(eurPerMwh);
    return true;
  } catch {
    return false;
  }
}

/** Whether `mw` is a whole number of lots (mwToLots refuses it otherwise). */
export function isOnLotGrid(mw: number): boolean {
  try {
    mwToLots(mw);
    return true;
  } catch {
    return false;
  }
}

export function ticksToEur(priceTicks: number): number {
  assertInteger(priceTicks, 'priceTicks');
  // Division, not multiplication by 0.01, gives the closest double (1234 / 100 = 12.34 exactly as printed).
  return priceTicks / TICKS_PER_EUR;
}

export function mwToLots(mw: number): number {
  return toGrid(mw, LOTS_PER_MW, 'quantity in MW');
}

export function lotsToMw(quantityLots: number): number {
  assertInteger(quantityLots, 'quantityLots');
  return quantityLots / LOTS_PER_MW;
}

/**
 * Cash value of a trade in units of 0.00001 EUR: price € × MW × hours. One tick·lot·minute is
 * 0.01 × 0.1 / 60 € = 5/3 units, so the duration must be a multiple of 3 minutes for whole units
 * (15 min → 25 units per tick·lot, 60 min → 100).
 */
export function tradeCashUnits(priceTicks: number, quantityLots: number, durationMinutes: number): number {
  assertInteger(priceTicks, 'priceTicks');
  assertInteger(quantityLots, 'quantityLots');
  if (!Number.isSafeInteger(durationMinutes) || durationMinutes <= 0 || durationMinutes % 3 !== 0) {
    throw new RangeError(
      `durationMinutes must be a positive multiple of 3 for whole cash units, got ${durationMinutes}`,
    );
  }
  const units = priceTicks * quantityLots * ((durationMinutes / 3) * 5);
  if (!Number.isSafeInteger(units)) throw new RangeError(`trade cash ${units} units is not a safe integer`);
  return units + 0;
}

/** Delivery length of a product in whole minutes (15 for a quarter-hour, 60 for an hourly product). */
export function deliveryMinutes(
  product: Pick<ProductDef, 'id' | 'deliveryStartMs' | 'deliveryEndMs'>,
): number {
  const ms = product.deliveryEndMs - product.deliveryStartMs;
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms % 60_000 !== 0) {
    throw new RangeError(
      `product ${product.id}: delivery must last a positive whole number of minutes, got ${ms} ms`,
    );
  }
  return ms / 60_000;
}

/** Cash value of a trade in a product, whatever its kind: tradeCashUnits over its delivery length. */
export function productTradeCashUnits(
  product: Pick<ProductDef, 'id' | 'deliveryStartMs' | 'deliveryEndMs'>,
  priceTicks: number,
  quantityLots: number,
): number {
  return tradeCashUnits(priceTicks, quantityLots, deliveryMinutes(product));
}

/**
 * Exact cash units as EUR rounded to the cent (a half cent upward), for people: results.json and
 * every table round the same integer the same way (toFixed on units / 100 000 rounds the binary
 * float instead: 172 472 500 units gave 1724.72, not 1724.73).
 */
export function cashUnitsToCentEur(cashUnits: number): number {
  return Math.round(cashUnits / (CASH_UNITS_PER_EUR / 100)) / 100;
}
