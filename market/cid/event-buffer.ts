// The reusable event buffer of CidMarket's low-level entry points: one record per event in
// column typed arrays, overwritten by the next command. Nothing is allocated per event; apply()
// turns the records into CidEvent objects, a high-volume caller can read them directly.

import type { CancelReason, RejectCode } from '../types.js';

/** Record kinds, in CidEventBuffer.kind(i). */
export const EV_ACCEPTED = 1;
export const EV_TRADE = 2;
export const EV_CANCELLED = 3;
export const EV_MODIFIED = 4;
export const EV_REJECTED = 5;
export const EV_PRODUCT_OPENED = 6;
export const EV_GATE_CLOSED = 7;

/** CancelReason codes, in CidEventBuffer.code(i) of an EV_CANCELLED record. */
export const CANCEL_REASONS: readonly CancelReason[] = [
  'user',
  'ioc-remainder',
  'gate-closure',
  'self-trade',
];
export const REASON_USER = 0;
export const REASON_IOC_REMAINDER = 1;
export const REASON_GATE_CLOSURE = 2;
export const REASON_SELF_TRADE = 3;

/** RejectCode codes, in CidEventBuffer.code(i) of an EV_REJECTED record. */
export const REJECT_CODES: readonly RejectCode[] = [
  'PRICE_OUT_OF_RANGE',
  'QUANTITY_INVALID',
  'UNKNOWN_PRODUCT',
  'MARKET_NOT_OPEN',
  'GATE_CLOSED',
  'UNKNOWN_ORDER',
  'FOK_NOT_FILLABLE',
  'INVALID_TIME_IN_FORCE',
  'INVALID_SIDE',
  'INVALID_RESTRICTION',
  'PEAK_INVALID',
  'ICEBERG_NOT_ALLOWED',
];
export const REJ_PRICE = 0;
export const REJ_QUANTITY = 1;
export const REJ_UNKNOWN_PRODUCT = 2;
export const REJ_NOT_OPEN = 3;
export const REJ_GATE_CLOSED = 4;
export const REJ_UNKNOWN_ORDER = 5;
export const REJ_NOT_FILLABLE = 6;
export const REJ_TIF = 7;
export const REJ_SIDE = 8;
export const REJ_RESTRICTION = 9;
export const REJ_PEAK = 10;
/** aux(i) says which rule: 0 = an iceberg must be GTC, 1 = an iceberg cannot be AON. */
export const REJ_ICEBERG = 11;

/**
 * Which columns each record kind fills (all events of one command share its time):
 *
 * | kind              | orderId        | price   | lots             | otherOrderId  | tradeId | agent        | product | side       | code            | aux               |
 * |-------------------|----------------|---------|------------------|---------------|---------|--------------|---------|------------|-----------------|-------------------|
 * | EV_ACCEPTED       | new order      |         |                  |               |         | owner        | product |            |                 |                   |
 * | EV_TRADE          | taker          | price   | lots             | maker         | tradeId | maker's agent| product | taker side |                 |                   |
 * | EV_CANCELLED      | order          |         | remaining lots   |               |         | owner        | product |            | reason          |                   |
 * | EV_MODIFIED       | order          | price   | quantity         |               |         | owner        | product |            | 1 = priority kept |                 |
 * | EV_REJECTED       | order (or 0)   |         |                  |               |         | sender       |         |            | reject code     | fillable lots / rule |
 * | EV_PRODUCT_OPENED |                |         |                  |               |         |              | product |            |                 |                   |
 * | EV_GATE_CLOSED    |                |         |                  |               |         |              | product |            |                 |                   |
 *
 * A gate-closure cancellation also keeps the order's clientRef (clientRef(i)).
 */
export class CidEventBuffer {
  /** Number of records written by the last command. */
  count = 0;
  private capacity = 0;
  private kinds = new Uint8Array(0);
  private orderIds = new Float64Array(0);
  private prices = new Float64Array(0);
  private lotsCol = new Float64Array(0);
  private otherIds = new Float64Array(0);
  private tradeIds = new Float64Array(0);
  private agents = new Int32Array(0);
  private products = new Int32Array(0);
  private sides = new Uint8Array(0);
  private codes = new Uint8Array(0);
  private auxes = new Float64Array(0);
  private readonly refs: (string | undefined)[] = [];
  private refsUsed = false;

  constructor(initialCapacity = 64) {
    this.grow(Math.max(1, initialCapacity));
  }

  kind(i: number): number {
    return this.kinds[i]!;
  }
  orderId(i: number): number {
    return this.orderIds[i]!;
  }
  priceTicks(i: number): number {
    return this.prices[i]!;
  }
  lots(i: number): number {
    return this.lotsCol[i]!;
  }
  otherOrderId(i: number): number {
    return this.otherIds[i]!;
  }
  tradeId(i: number): number {
    return this.tradeIds[i]!;
  }
  agent(i: number): number {
    return this.agents[i]!;
  }
  product(i: number): number {
    return this.products[i]!;
  }
  side(i: number): number {
    return this.sides[i]!;
  }
  code(i: number): number {
    return this.codes[i]!;
  }
  aux(i: number): number {
    return this.auxes[i]!;
  }
  clientRef(i: number): string | undefined {
    return this.refsUsed ? this.refs[i] : undefined;
  }

  // ---- Writing (CidMarket only) ----

  /** @internal Starts the records of a new command. */
  reset(): void {
    this.count = 0;
    if (this.refsUsed) {
      this.refs.length = 0;
      this.refsUsed = false;
    }
  }

  /** @internal */
  accepted(orderId: number, agent: number, product: number): void {
    const i = this.next(EV_ACCEPTED);
    this.orderIds[i] = orderId;
    this.agents[i] = agent;
    this.products[i] = product;
  }

  /** @internal */
  trade(
    takerId: number,
    makerId: number,
    makerAgent: number,
    product: number,
    takerSide: number,
    priceTicks: number,
    lots: number,
    tradeId: number,
  ): void {
    const i = this.next(EV_TRADE);
    this.orderIds[i] = takerId;
    this.otherIds[i] = makerId;
    this.agents[i] = makerAgent;
    this.products[i] = product;
    this.sides[i] = takerSide;
    this.prices[i] = priceTicks;
    this.lotsCol[i] = lots;
    this.tradeIds[i] = tradeId;
  }

  /** @internal */
  cancelled(orderId: number, agent: number, product: number, remainingLots: number, reason: number): void {
    const i = this.next(EV_CANCELLED);
    this.orderIds[i] = orderId;
    this.agents[i] = agent;
    this.products[i] = product;
    this.lotsCol[i] = remainingLots;
    this.codes[i] = reason;
  }

  /** @internal For gate-closure cancellations, which carry the order's own clientRef. */
  setClientRef(clientRef: string | undefined): void {
    if (clientRef === undefined) return;
    this.refs[this.count - 1] = clientRef;
    this.refsUsed = true;
  }

  /** @internal */
  modified(
    orderId: number,
    agent: number,
    product: number,
    priceTicks: number,
    lots: number,
    priorityKept: boolean,
  ): void {
    const i = this.next(EV_MODIFIED);
    this.orderIds[i] = orderId;
    this.agents[i] = agent;
    this.products[i] = product;
    this.prices[i] = priceTicks;
    this.lotsCol[i] = lots;
    this.codes[i] = priorityKept ? 1 : 0;
  }

  /** @internal */
  rejected(code: number, agent: number, orderId: number, aux: number): void {
    const i = this.next(EV_REJECTED);
    this.codes[i] = code;
    this.agents[i] = agent;
    this.orderIds[i] = orderId;
    this.auxes[i] = aux;
  }

  /** @internal EV_PRODUCT_OPENED or EV_GATE_CLOSED. */
  productEvent(kind: number, product: number): void {
    const i = this.next(kind);
    this.products[i] = product;
  }

  private next(kind: number): number {
    const i = this.count;
    if (i === this.capacity) this.grow(this.capacity * 2);
    this.kinds[i] = kind;
    this.count = i + 1;
    return i;
  }

  private grow(capacity: number): void {
    const widen = <T extends Uint8Array | Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.kinds = widen(this.kinds, (n) => new Uint8Array(n));
    this.orderIds = widen(this.orderIds, (n) => new Float64Array(n));
    this.prices = widen(this.prices, (n) => new Float64Array(n));
    this.lotsCol = widen(this.lotsCol, (n) => new Float64Array(n));
    this.otherIds = widen(this.otherIds, (n) => new Float64Array(n));
    this.tradeIds = widen(this.tradeIds, (n) => new Float64Array(n));
    this.agents = widen(this.agents, (n) => new Int32Array(n));
    this.products = widen(this.products, (n) => new Int32Array(n));
    this.sides = widen(this.sides, (n) => new Uint8Array(n));
    this.codes = widen(this.codes, (n) => new Uint8Array(n));
    this.auxes = widen(this.auxes, (n) => new Float64Array(n));
    this.capacity = capacity;
  }
}
