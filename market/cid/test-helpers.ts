import { expect } from 'vitest';
import type {
  CancelCommand,
  CidCommand,
  CidConfig,
  CidEvent,
  ModifyCommand,
  ProductDef,
  RejectedEvent,
  SubmitCommand,
  TradeEvent,
} from '../types.js';
import { DEFAULT_CID_LIMITS } from '../types.js';
import { CidMarket, newRawSubmit } from './cid-market.js';
import { BUY, FOK, GTC, IOC, SELL } from './order-book.js';

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

const rawOrder = newRawSubmit();

/**
 * Applies a command through the low-level entry points (submitRaw, cancelRaw, modifyRaw,
 * advanceRaw) and returns the records as objects (eventsOf). Strings the raw API has no code for
 * become codes it rejects; only an invalid `restriction`, which the raw API cannot express at all,
 * goes through apply().
 */
export function applyRaw(market: CidMarket, cmd: CidCommand): CidEvent[] {
  switch (cmd.type) {
    case 'advance':
      market.advanceRaw(cmd.time);
      break;
    case 'cancel':
      market.cancelRaw(cmd.time, market.agentIndex(cmd.agentId), cmd.orderId);
      break;
    case 'modify':
      market.modifyRaw(
        cmd.time,
        market.agentIndex(cmd.agentId),
        cmd.orderId,
        cmd.priceTicks,
        cmd.quantityLots,
      );
      break;
    case 'submit': {
      if (cmd.restriction !== undefined && cmd.restriction !== 'NONE' && cmd.restriction !== 'AON') {
        return market.apply(cmd);
      }
      const o = rawOrder;
      o.time = cmd.time;
      o.agent = market.agentIndex(cmd.agentId);
      o.product = market.productIndex(cmd.productId);
      o.side = cmd.side === 'buy' ? BUY : cmd.side === 'sell' ? SELL : 9;
      o.tif = cmd.tif === 'GTC' ? GTC : cmd.tif === 'IOC' ? IOC : cmd.tif === 'FOK' ? FOK : 9;
      o.priceTicks = cmd.priceTicks;
      o.quantityLots = cmd.quantityLots;
      o.aon = cmd.restriction === 'AON';
      o.peakLots = cmd.peakLots === undefined ? 0 : cmd.peakLots === 0 ? -1 : cmd.peakLots;
      o.clientRef = cmd.clientRef;
      market.submitRaw(o);
      break;
    }
  }
  return market.eventsOf(cmd);
}

/** A market over the default products, opened at OPEN. */
export function openMarket(products?: ProductDef[]): CidMarket {
  const market = new CidMarket(config(products));
  market.apply({ type: 'advance', time: OPEN });
  return market;
}

/** Applies commands in turn, checking the invariants after each, and returns the events of the last. */
export function run(market: CidMarket, ...commands: CidCommand[]): CidEvent[] {
  let events: CidEvent[] = [];
  for (const command of commands) {
    events = market.apply(command);
    market.validateInternalState();
  }
  return events;
}

export function rejection(events: CidEvent[]): RejectedEvent {
  expect(events).toHaveLength(1);
  const [event] = events;
  if (event?.type !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(event)}`);
  return event;
}
