import type { CidConfig, ModifyCommand, ProductDef, RejectedEvent, SubmitCommand } from '../types.js';
import * as reject from './rejections.js';

// Every rule an order command breaks that the command itself shows (not the book: a FOK's
// fillability is a matter of the moment, not of a field), in the order CidMarket checks them. The
// market's hot path stops at the first; once it has rejected a command, this list gives the
// rejection's `also` (the others), so that an agent learns of every bad field at once, as the
// door's, the auction's and the balancing markets' rejections say them. Cold: only rejections run it.

function intIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** What a command's trading window says at its time: not open yet, or past its gate closure. */
function windowFault(cmd: SubmitCommand | ModifyCommand, product: ProductDef): RejectedEvent | undefined {
  if (cmd.time < product.openMs) return reject.marketNotOpen(cmd, product);
  if (cmd.time >= product.gateClosureMs) return reject.gateClosed(cmd, product);
  return undefined;
}

function priceQuantityFaults(cmd: SubmitCommand | ModifyCommand, config: CidConfig): RejectedEvent[] {
  const found: RejectedEvent[] = [];
  if (!intIn(cmd.priceTicks, config.priceMinTicks, config.priceMaxTicks))
    found.push(reject.priceOutOfRange(cmd, config));
  if (!intIn(cmd.quantityLots, 1, config.maxQuantityLots)) found.push(reject.quantityInvalid(cmd, config));
  return found;
}

/**
 * A submit's faults: product, side, time in force, restriction, price, quantity, then an iceberg's
 * peak (at most its quantity: checked against a quantity that is itself valid) and the two rules
 * of an iceberg (GTC, not AON), then the product's window (only for a product that exists).
 */
export function submitFaults(
  cmd: SubmitCommand,
  config: CidConfig,
  product: ProductDef | undefined,
): RejectedEvent[] {
  const found: RejectedEvent[] = [];
  if (product === undefined) found.push(reject.unknownProduct(cmd));
  if (cmd.side !== 'buy' && cmd.side !== 'sell') found.push(reject.invalidSide(cmd));
  const tifValid = cmd.tif === 'GTC' || cmd.tif === 'IOC' || cmd.tif === 'FOK';
  if (!tifValid) found.push(reject.invalidTimeInForce(cmd));
  const restrictionValid =
    cmd.restriction === undefined || cmd.restriction === 'NONE' || cmd.restriction === 'AON';
  if (!restrictionValid) found.push(reject.invalidRestriction(cmd));
  found.push(...priceQuantityFaults(cmd, config));
  if (cmd.peakLots !== undefined) {
    const quantityValid = intIn(cmd.quantityLots, 1, config.maxQuantityLots);
    const peak = cmd.peakLots;
    if (!intIn(peak, 1, quantityValid ? cmd.quantityLots : Number.MAX_SAFE_INTEGER))
      found.push(reject.peakInvalid(cmd));
    if (tifValid && cmd.tif !== 'GTC') found.push(reject.icebergNotAllowed(cmd, 'tif'));
    if (cmd.restriction === 'AON') found.push(reject.icebergNotAllowed(cmd, 'restriction'));
  }
  const window = product === undefined ? undefined : windowFault(cmd, product);
  if (window !== undefined) found.push(window);
  return found;
}

/**
 * A modify's faults: an order that is not the agent's open one (`product` undefined; then its
 * window is unknown), price, quantity, then the window of the order's product.
 */
export function modifyFaults(
  cmd: ModifyCommand,
  config: CidConfig,
  product: ProductDef | undefined,
): RejectedEvent[] {
  const found: RejectedEvent[] = [];
  if (product === undefined) found.push(reject.unknownOrder(cmd));
  found.push(...priceQuantityFaults(cmd, config));
  const window = product === undefined ? undefined : windowFault(cmd, product);
  if (window !== undefined) found.push(window);
  return found;
}
