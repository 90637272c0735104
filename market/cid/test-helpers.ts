import type {
  CancelCommand,
  CidConfig,
  CidEvent,
  ModifyCommand,
  ProductDef,
  SubmitCommand,
  TradeEvent,
} from '../types.js';
import { DEFAULT_CID_LIMITS } from '../types.js';

// Shared fixtures for the CID tests: a day with two products and terse command builders.

export const OPEN = Date.UTC(2026, 10, 21, 16, 0, 0);
export const GATE = Date.UTC(2026, 10, 21, 23, 55, 0);
export const T = OPEN + 60_000;

export const P1 = 'qh-20261122-0000';
export const P2 = 'h-20261122-01';

export function product(id: string, openMs: number, gateClosureMs: number): ProductDef {
  const deliveryStartMs = gateClosureMs + 5 * 60_000;
  return {
    id,
    kind: 'QH',
    deliveryStartMs,
    deliveryEndMs: deliveryStartMs + 15 * 60_000,
    openMs,
    gateClosureMs,
  };
}

/** An hourly product: delivery lasts 60 minutes. */
export function hourlyProduct(id: string, openMs: number, gateClosureMs: number): ProductDef {
  const quarter = product(id, openMs, gateClosureMs);
  return { ...quarter, kind: 'H', deliveryEndMs: quarter.deliveryStartMs + 60 * 60_000 };
}

export function config(products: ProductDef[] = defaultProducts()): CidConfig {
  return { ...DEFAULT_CID_LIMITS, products };
}

export function defaultProducts(): ProductDef[] {
  return [product(P1, OPEN, GATE), hourlyProduct(P2, OPEN - 3_600_000, GATE + 3_600_000)];
}

export function submit(
  overrides: Partial<SubmitCommand> & Pick<SubmitCommand, 'agentId' | 'side'>,
): SubmitCommand {
  return {
    type: 'submit',
    time: T,
    productId: P1,
    priceTicks: 5000,
    quantityLots: 10,
    tif: 'GTC',
    ...overrides,
  };
}

export function buy(
  agentId: string,
  priceTicks: number,
  quantityLots: number,
  extra: Partial<SubmitCommand> = {},
) {
  return submit({ agentId, side: 'buy', priceTicks, quantityLots, ...extra });
}

export function sell(
  agentId: string,
  priceTicks: number,
  quantityLots: number,
  extra: Partial<SubmitCommand> = {},
) {
  return submit({ agentId, side: 'sell', priceTicks, quantityLots, ...extra });
}

export function cancel(agentId: string, orderId: number, time = T): CancelCommand {
  return { type: 'cancel', time, agentId, orderId };
}

export function modify(
  agentId: string,
  orderId: number,
  priceTicks: number,
  quantityLots: number,
  time = T,
): ModifyCommand {
  return { type: 'modify', time, agentId, orderId, priceTicks, quantityLots };
}

export function trades(events: readonly CidEvent[]): TradeEvent[] {
  return events.filter((e): e is TradeEvent => e.type === 'trade');
}

export function types(events: readonly CidEvent[]): string[] {
  return events.map((e) => e.type);
}
