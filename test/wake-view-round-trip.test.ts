// The delta round trip through the real wire path: the gateway's WakeViewCoder and SessionEncoder
// (shared bytes) on one side, the SDK's decoding (FastBinaryReader) and WakeViewTracker on the
// other. Every wake-up a delta session rebuilds equals, field by field, the wake-up a full session
// decodes from the same core message — over a random evolution of books and forecasts, across a
// resume (a new stream: snapshot), for an agent that skipped decision points (delta against an
// older base), and where the delta rule cannot express a change (snapshot). A delta whose base the
// client does not hold is refused.
import { describe, expect, it } from 'vitest';
import { leanSessionDecoder } from '../agents/sdk/lean-session-decoder.js';
import type { PublicViewPart } from '../agents/sdk/strategy.js';
import { WakeViewError, WakeViewTracker } from '../agents/sdk/wake-view.js';
import { SessionEncoder } from '../arena/gateway/session-encoder.js';
import { type HeldView, WakeViewCoder } from '../arena/gateway/wake-view-coder.js';
import { SessionResponse } from '../gen/flexarena/v1/arena_service.js';
import type { BookDepth, Order, Position, PriceForecast } from '../gen/flexarena/v1/market.js';
import { type FundamentalsForecast, PrivateView, PublicView, WakeUp } from '../gen/flexarena/v1/session.js';
import { FastBinaryReader, RandomStream } from '../lib/index.js';

const rng = new RandomStream('round-trip', 3);

function depth(productId: string): BookDepth {
  const level = (p: number) => ({
    priceTicks: p,
    quantityLots: rng.int(1, 2 ** 34),
    orderCount: rng.int(1, 4),
  });
  return {
    productId,
    bids: Array.from({ length: rng.int(0, 6) }, (_, i) => level(5_000 - 100 * i)),
    asks: Array.from({ length: rng.int(0, 6) }, (_, i) => level(5_100 + 100 * i)),
    hasLastTrade: rng.next() < 0.5,
    lastTradePriceTicks: rng.int(-999_900, 999_900),
  };
}

/** A core-side decision point: shared view arrays, as the core hands them to every agent. */
interface Point {
  wakeId: number;
  books: BookDepth[];
  priceForecasts: PriceForecast[];
  fundamentalsForecasts: FundamentalsForecast[];
}

/** Products open and close (new ones at the end, sometimes in the middle), books change, forecasts move. */
function evolve(prev: Point): Point {
  const books = prev.books
    .filter(() => rng.next() > 0.05)
    .map((b) => (rng.next() < 0.3 ? depth(b.productId) : b));
  const fresh = `p${prev.wakeId + 1}`;
  if (rng.next() < 0.1) books.splice(rng.int(0, books.length), 0, depth(`${fresh}-mid`));
  if (rng.next() < 0.5) books.push(depth(fresh));
  const moved = rng.next() < 0.25;
  const kept = prev.priceForecasts.length > 3 && rng.next() < 0.3 ? 1 : 0;
  const ids = [
    ...prev.priceForecasts.slice(kept).map((p) => p.productId),
    ...(rng.next() < 0.3 ? [`q${prev.wakeId}`] : []),
  ];
  return {
    wakeId: prev.wakeId + 1,
    // New objects every decision point, as the core builds them; equal content where unchanged.
    books: books.map((b) => structuredClone(b)),
    priceForecasts: ids.map((productId, i) => ({
      productId,
      priceTicks: moved
        ? rng.int(0, 9_000)
        : (prev.priceForecasts.find((p) => p.productId === productId)?.priceTicks ?? i),
    })),
    fundamentalsForecasts: ids.map((productId) => ({
      productId,
      demandMw: moved ? rng.next() : 1.5,
      windMw: 2,
      solarMw: 0,
      residualMw: -0.25,
    })),
  };
}

let nextOrderId = 1;
function order(orderId = nextOrderId++): Order {
  return {
    orderId,
    productId: `b${rng.int(0, 40)}`,
    side: rng.int(1, 2),
    priceTicks: rng.int(-5_000, 5_000),
    remainingLots: rng.int(1, 2 ** 34),
    originalLots: 2 ** 34,
    timeInForce: 1,
    clientRef: rng.next() < 0.5 ? `ref-${orderId}` : '',
    entryTimeMs: 1_795_000_000_000 + orderId,
    restriction: 0,
    peakLots: 0,
    hiddenLots: 0,
  };
}

/**
 * An agent's resting orders at the next decision point, as the venue hands them out: most the same
 * messages, some partly filled (new messages), some gone, new ones after them (ids only grow) and,
 * now and then, one out of order (which only a complete list can say).
 */
function evolveOrders(prev: readonly Order[]): Order[] {
  const next = prev
    .filter(() => rng.next() > 0.04)
    .map((o) => (rng.next() < 0.05 ? { ...o, remainingLots: rng.int(1, o.remainingLots) } : o));
  for (let k = rng.int(0, 6); k > 0; k--) next.push(order());
  if (rng.next() < 0.03 && next.length > 0)
    next.splice(rng.int(0, next.length), 0, order(rng.int(1, nextOrderId)));
  return next;
}

/**
 * An agent's positions at the next decision point, as the ledger hands them out: the same messages
 * where nothing traded, new messages for products traded, new products appended and, now and then,
 * one dropped (which only a complete list can say).
 */
let nextProduct = 0;
function position(productId = `p-${nextProduct++}`): Position {
  return {
    productId,
    netLots: rng.int(-50, 50),
    boughtLots: rng.int(0, 99),
    soldLots: rng.int(0, 99),
    cashUnits: rng.int(-(2 ** 40), 2 ** 40),
  };
}
function evolvePositions(prev: readonly Position[]): Position[] {
  const next = prev.map((x) => (rng.next() < 0.05 ? position(x.productId) : x));
  for (let k = rng.int(0, 2); k > 0; k--) next.push(position());
  if (rng.next() < 0.02 && next.length > 1) next.splice(rng.int(0, next.length), 1);
  return next;
}

function coreWake(p: Point, agent: number, openOrders: Order[] = [], positions: Position[] = []): WakeUp {
  return {
    ...WakeUp.fromPartial({
      wakeId: p.wakeId,
      timeMs: 1_795_000_000_000 + p.wakeId,
      reportSeq: 10 * p.wakeId + agent,
      cashUnits: -agent,
    }),
    openOrders,
    positions,
    books: p.books,
    priceForecasts: p.priceForecasts,
    fundamentalsForecasts: p.fundamentalsForecasts,
  };
}

const decode = (bytes: Buffer): WakeUp => {
  const msg = SessionResponse.decode(new FastBinaryReader(bytes));
  if (msg.kind?.$case !== 'wakeUp') throw new Error('not a wake-up');
  return msg.kind.value;
};
const withoutPublicView = leanSessionDecoder({ publicView: false, ackResults: true });
const leanDecode = (bytes: Buffer): WakeUp => {
  const msg = withoutPublicView(bytes);
  if (msg.kind?.$case !== 'wakeUp') throw new Error('not a wake-up');
  return msg.kind.value;
};
const wire = (enc: SessionEncoder, w: WakeUp) => enc.encode({ kind: { $case: 'wakeUp', value: w } });
/** The SDK's decoding for a strategy that ignores these parts of the public view. */
const partsDecoders = new Map<string, (bytes: Buffer) => WakeUp>();
function partsDecode(parts: readonly PublicViewPart[]): (bytes: Buffer) => WakeUp {
  const key = parts.join(',');
  let d = partsDecoders.get(key);
  if (!d) {
    const decodeParts = leanSessionDecoder({ publicView: true, ignoredParts: parts, ackResults: true });
    d = (bytes) => {
      const msg = decodeParts(bytes);
      if (msg.kind?.$case !== 'wakeUp') throw new Error('not a wake-up');
      return msg.kind.value;
    };
    partsDecoders.set(key, d);
  }
  return d;
}
/** `w` as a strategy ignoring `parts` gets it: those lists empty. */
function withoutParts(w: WakeUp, parts: readonly PublicViewPart[]): WakeUp {
  return { ...w, ...Object.fromEntries(parts.map((part) => [part, []])) };
}

/** One agent's delta stream: what the gateway holds for it and the SDK's tracker. */
class DeltaStream {
  held: HeldView | undefined;
  tracker = new WakeViewTracker();
  bytes = 0;
  kinds: PublicView[] = [];
  orderKinds: PrivateView[] = [];
  /**
   * With `orders`, a DELTA_PRIVATE session; with `lean`, the SDK's decoding for a strategy that
   * ignores the public view, with `parts` for one that ignores those parts of it.
   */
  constructor(
    readonly orders = false,
    readonly lean = false,
    readonly parts: readonly PublicViewPart[] = [],
  ) {}
  receive(coder: WakeViewCoder, enc: SessionEncoder, core: WakeUp): WakeUp {
    const { wire: w, holds } = coder.encode(core, this.held, this.orders);
    this.held = holds;
    const bytes = wire(enc, w);
    this.bytes += bytes.length;
    const decoded = this.lean
      ? leanDecode(bytes)
      : this.parts.length > 0
        ? partsDecode(this.parts)(bytes)
        : decode(bytes);
    this.kinds.push(decoded.publicView);
    this.orderKinds.push(decoded.privateView);
    return this.tracker.rebuild(decoded);
  }
}

describe('delta wake-ups, gateway to SDK', () => {
  it('rebuild exactly what a full session decodes, across resumes, skips and snapshots', () => {
    const coder = new WakeViewCoder();
    const enc = new SessionEncoder();
    const steady = new DeltaStream();
    const skipper = new DeltaStream();
    let resumer = new DeltaStream();
    let fullBytes = 0;
    let p: Point = {
      wakeId: 1,
      books: Array.from({ length: 40 }, (_, i) => depth(`b${i}`)),
      priceForecasts: Array.from({ length: 20 }, (_, i) => ({ productId: `q-${i}`, priceTicks: i })),
      fundamentalsForecasts: Array.from({ length: 20 }, (_, i) => ({
        productId: `q-${i}`,
        demandMw: i,
        windMw: 0,
        solarMw: 0,
        residualMw: i,
      })),
    };
    // Strategies that read only some parts (Strategy.ignoresPublicViewParts): the rest stays empty.
    const partial = (
      [
        ['books'],
        ['fundamentalsForecasts'],
        ['priceForecasts'],
        ['books', 'fundamentalsForecasts'],
        ['priceForecasts', 'fundamentalsForecasts'],
      ] as const
    ).map((parts) => new DeltaStream(false, false, parts));
    for (let step = 0; step < 300; step++, p = evolve(p)) {
      const full = decode(wire(enc, coreWake(p, 0)));
      fullBytes += wire(enc, coreWake(p, 0)).length;
      expect(steady.receive(coder, enc, coreWake(p, 0))).toEqual(full);
      for (const s of partial)
        expect(s.receive(coder, enc, coreWake(p, 0))).toEqual(withoutParts(full, s.parts));
      // The second agent is woken only every third decision point (real-time mode: busy).
      if (step % 3 === 0) expect(skipper.receive(coder, enc, coreWake(p, 0))).toEqual(full);
      // The third resumes on a new stream every 50 decision points: the gateway holds nothing for it.
      if (step % 50 === 49)
        resumer = Object.assign(new DeltaStream(), { bytes: resumer.bytes, kinds: resumer.kinds });
      expect(resumer.receive(coder, enc, coreWake(p, 0))).toEqual(full);
      // Own fields stay the agent's own next to shared view bytes.
      expect(decode(wire(enc, coder.encode(coreWake(p, 2), steady.held).wire)).reportSeq).toBe(
        10 * p.wakeId + 2,
      );
    }
    // Every stream began with a snapshot; most wake-ups were deltas, and far smaller on the wire.
    expect(steady.kinds[0]).toBe(PublicView.PUBLIC_VIEW_SNAPSHOT);
    expect(resumer.kinds.filter((k) => k === PublicView.PUBLIC_VIEW_SNAPSHOT).length).toBeGreaterThanOrEqual(
      7,
    );
    expect(steady.kinds.filter((k) => k === PublicView.PUBLIC_VIEW_DELTA).length).toBeGreaterThan(200);
    // A product opening in the middle of the list cannot be a delta: snapshots happened on the way.
    expect(steady.kinds.slice(1).filter((k) => k === PublicView.PUBLIC_VIEW_SNAPSHOT).length).toBeGreaterThan(
      5,
    );
    expect(steady.bytes).toBeLessThan(fullBytes / 2);
    // The parts kept were tracked as deltas, as the whole view is.
    for (const s of partial) expect(s.kinds).toEqual(steady.kinds);
  });

  it('DELTA_PRIVATE: open orders and positions rebuilt exactly across resumes, skips and snapshots', () => {
    const coder = new WakeViewCoder();
    const enc = new SessionEncoder();
    const steady = new DeltaStream(true);
    const skipper = new DeltaStream(true);
    let resumer = new DeltaStream(true);
    // A DELTA session (public view only) beside them: complete order lists, the same view deltas.
    const plain = new DeltaStream();
    // A strategy that ignores the public view: its wake-ups decoded without it, its own lists rebuilt.
    const lean = new DeltaStream(true, true);
    const noPublicView = {
      books: [],
      priceForecasts: [],
      fundamentalsForecasts: [],
    };
    let p: Point = { wakeId: 1, books: [depth('b0')], priceForecasts: [], fundamentalsForecasts: [] };
    let orders = Array.from({ length: 300 }, () => order());
    let positions = Array.from({ length: 60 }, () => position());
    for (
      let step = 0;
      step < 300;
      step++, p = evolve(p), orders = evolveOrders(orders), positions = evolvePositions(positions)
    ) {
      const core = () => coreWake(p, 0, orders, positions);
      const full = decode(wire(enc, core()));
      expect(plain.receive(coder, enc, core())).toEqual(full);
      expect(steady.receive(coder, enc, core())).toEqual(full);
      expect(lean.receive(coder, enc, core())).toEqual({ ...full, ...noPublicView });
      if (step % 3 === 0) expect(skipper.receive(coder, enc, core())).toEqual(full);
      if (step % 50 === 49)
        resumer = Object.assign(new DeltaStream(true), { orderKinds: resumer.orderKinds });
      expect(resumer.receive(coder, enc, core())).toEqual(full);
    }
    const count = (kinds: PrivateView[], k: PrivateView) => kinds.filter((x) => x === k).length;
    expect(steady.orderKinds[0]).toBe(PrivateView.PRIVATE_VIEW_SNAPSHOT);
    expect(count(resumer.orderKinds, PrivateView.PRIVATE_VIEW_SNAPSHOT)).toBeGreaterThanOrEqual(7);
    expect(count(steady.orderKinds, PrivateView.PRIVATE_VIEW_DELTA)).toBeGreaterThan(230);
    // An order out of order or a position dropped cannot be a delta: complete lists happened.
    expect(count(steady.orderKinds.slice(1), PrivateView.PRIVATE_VIEW_SNAPSHOT)).toBeGreaterThan(2);
    expect(steady.bytes).toBeLessThan(plain.bytes / 3);
    expect(new Set(plain.orderKinds)).toEqual(new Set([PrivateView.PRIVATE_VIEW_UNSPECIFIED]));
  });

  it('refuses a delta of open orders and positions whose base the client does not hold', () => {
    const coder = new WakeViewCoder();
    const p1: Point = { wakeId: 1, books: [depth('a')], priceForecasts: [], fundamentalsForecasts: [] };
    const p2 = { ...p1, wakeId: 2 };
    const o1 = [order(), order()];
    const x1 = [position(), position()];
    const first = coder.encode(coreWake(p1, 0, o1, x1), undefined, true);
    const second = coder.encode(
      coreWake(p2, 0, [...o1, order()], [x1[0]!, position(x1[1]!.productId)]),
      first.holds,
      true,
    );
    expect(second.wire.privateView).toBe(PrivateView.PRIVATE_VIEW_DELTA);
    expect(second.wire.openOrders).toHaveLength(1);
    expect(second.wire.positions.map((x) => x.productId)).toEqual([x1[1]!.productId]);
    expect(second.wire.baseWakeId).toBe(1);
    // A tracker that got the public view of wake 1 but not its orders (a plain DELTA stream).
    const other = new WakeViewTracker();
    other.rebuild(coder.encode(coreWake(p1, 0, o1), undefined).wire);
    expect(() => other.rebuild(second.wire)).toThrow(
      /base_wake_id: 1 is not the open orders and positions this stream holds \(none\)/,
    );
    expect(() => new WakeViewTracker().rebuild({ ...first.wire, privateView: 7 as PrivateView })).toThrow(
      /private_view/,
    );
  });

  it('refuses a delta whose base the client does not hold, and unknown view kinds', () => {
    const coder = new WakeViewCoder();
    const p1: Point = { wakeId: 1, books: [depth('a')], priceForecasts: [], fundamentalsForecasts: [] };
    const p2 = { ...p1, wakeId: 2, books: [depth('a'), depth('b')] };
    const first = coder.encode(coreWake(p1, 0), undefined);
    const second = coder.encode(coreWake(p2, 0), first.holds);
    expect(second.wire.publicView).toBe(PublicView.PUBLIC_VIEW_DELTA);
    expect(second.wire.baseWakeId).toBe(1);
    // A fresh tracker (a new stream) holds nothing.
    expect(() => new WakeViewTracker().rebuild(second.wire)).toThrow(WakeViewError);
    // A tracker holding another view.
    const other = new WakeViewTracker();
    other.rebuild({ ...first.wire, wakeId: 7 });
    expect(() => other.rebuild(second.wire)).toThrow(
      /base_wake_id: 1 is not the public view this stream holds \(wake 7\)/,
    );
    expect(() => new WakeViewTracker().rebuild({ ...first.wire, publicView: 9 as PublicView })).toThrow(
      /public_view/,
    );
  });
});
