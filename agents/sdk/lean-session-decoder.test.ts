// A wake-up decoded without its public view is exactly the generated decoder's message with the
// public fields at their defaults, however the arena laid the fields out (own fields first and the
// shared bytes after, as the gateway does, or the other way round); other messages decode
// as the generated decoder decodes them. An ack decoded without its results is the generated
// decoder's ack with results empty.
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { PublicView, WakeUp } from '../../gen/flexarena/v1/session.js';
import { leanSessionDecoder } from './lean-session-decoder.js';

/** Wake-ups without the public view, acks complete (Strategy.ignoresPublicView with an onAck). */
const decodeWithoutPublicView = leanSessionDecoder({ publicView: false, ackResults: true });

const PUBLIC: Partial<WakeUp> = {
  books: [
    {
      productId: 'qh-20261122-0001',
      bids: [{ priceTicks: -(2 ** 40), quantityLots: 3, orderCount: 1 }],
      asks: [{ priceTicks: 9_000, quantityLots: 2 ** 33, orderCount: 2 }],
      hasLastTrade: true,
      lastTradePriceTicks: -12_345,
    },
  ],
  priceForecasts: [{ productId: 'qh-20261122-0001', priceTicks: 9_999 }],
  fundamentalsForecasts: [
    { productId: 'qh-20261122-0001', demandMw: 1.5, windMw: 2.25, solarMw: 0, residualMw: -0.75 },
  ],
  publicView: PublicView.PUBLIC_VIEW_DELTA,
  closedProductIds: ['qh-20261121-0095'],
  expiredForecastProductIds: ['qh-20261121-0094', 'qh-20261121-0095'],
};

const OWN: Partial<WakeUp> = {
  wakeId: 42,
  // Kept by the lean decoding: a DELTA_PRIVATE session's open orders are a delta against it too.
  baseWakeId: 41,
  timeMs: 1_795_000_000_000,
  reportSeq: 77,
  cashUnits: -(2 ** 40),
  fills: [
    {
      tradeId: 2 ** 50,
      orderId: 9,
      productId: 'h-20261122-01',
      priceTicks: -5,
      quantityLots: 3,
      timeMs: 1,
      side: 1,
      aggressor: true,
    },
  ],
  positions: [{ productId: 'qh-20261122-0003', netLots: -2, boughtLots: 1, soldLots: 3, cashUnits: 77 }],
};

/** SessionResponse{wake_up} with the wake-up's bytes given as `parts` (each its own field 2). */
function wakeUpResponse(...parts: Uint8Array[]): Uint8Array {
  const w = new BinaryWriter();
  for (const p of parts) w.tag(2, 2).bytes(p);
  return w.finish();
}

const encodeWake = (w: Partial<WakeUp>) => WakeUp.encode(WakeUp.fromPartial(w)).finish();
const EMPTY = WakeUp.fromPartial({});
const NO_PUBLIC: Partial<WakeUp> = Object.fromEntries(
  Object.keys(PUBLIC).map((k) => [k, EMPTY[k as keyof WakeUp]]),
);
const expected = SessionResponse.fromPartial({ kind: { $case: 'wakeUp', value: WakeUp.fromPartial(OWN) } });

describe('decodeWithoutPublicView', () => {
  it('decodes a wake-up without books, forecasts and delta fields, whatever the field layout', () => {
    const whole = SessionResponse.encode({
      kind: { $case: 'wakeUp', value: WakeUp.fromPartial({ ...OWN, ...PUBLIC }) },
    }).finish();
    // As the gateway sends it: own fields, then the shared bytes, in one wake_up field.
    const own = encodeWake(OWN);
    const pub = encodeWake(PUBLIC);
    const gateway = wakeUpResponse(new Uint8Array([...own, ...pub]));
    // Public fields first: a wake-up of the public view only.
    const publicFirst = wakeUpResponse(new Uint8Array([...pub, ...own]));
    for (const bytes of [whole, gateway, publicFirst]) {
      expect(decodeWithoutPublicView(bytes)).toEqual(expected);
      // The full decoder's message, public fields reset to their defaults.
      const full = SessionResponse.decode(bytes);
      if (full.kind?.$case !== 'wakeUp') throw new Error('not a wake-up');
      expect(full.kind.value.books).toHaveLength(1);
      const reset = { kind: { $case: 'wakeUp', value: { ...full.kind.value, ...NO_PUBLIC } } };
      expect(decodeWithoutPublicView(bytes)).toEqual(reset);
    }
    // The wake_up field given twice: the generated decoder keeps the last one, so does this one.
    const twice = wakeUpResponse(
      encodeWake({ ...OWN, ...PUBLIC, wakeId: 1 }),
      new Uint8Array([...pub, ...own]),
    );
    expect(decodeWithoutPublicView(twice)).toEqual(expected);
  });

  it('decodes other messages exactly as the generated decoder, and refuses what it refuses', () => {
    const msgs: SessionResponse[] = [
      {
        kind: {
          $case: 'actionAck',
          value: { wakeId: 3, reportSeq: 9, batchStatus: 1, message: 'x', results: [] },
        },
      },
      SessionResponse.fromPartial({ kind: { $case: 'runEnded', value: { reason: 'done' } } }),
      { kind: undefined },
    ];
    for (const m of msgs) {
      const bytes = SessionResponse.encode(m).finish();
      expect(decodeWithoutPublicView(bytes)).toEqual(SessionResponse.decode(bytes));
    }
    const truncated = wakeUpResponse(encodeWake(OWN)).subarray(0, 10);
    expect(() => SessionResponse.decode(truncated)).toThrow();
    expect(() => decodeWithoutPublicView(truncated)).toThrow();
    // A wake-up whose last field (a forecast, then an own field) runs past its end, in a
    // well-formed response: refused whether the field is left out or kept.
    for (const body of [encodeWake({ ...OWN, ...PUBLIC }), encodeWake({ ...PUBLIC, ...OWN })]) {
      const cut = wakeUpResponse(body.subarray(0, body.length - 3));
      expect(() => SessionResponse.decode(cut)).toThrow();
      expect(() => decodeWithoutPublicView(cut)).toThrow();
      expect(() =>
        leanSessionDecoder({ publicView: true, ignoredParts: ['fundamentalsForecasts'], ackResults: true })(
          cut,
        ),
      ).toThrow();
    }
  });
});

describe('leanSessionDecoder', () => {
  const ack = SessionResponse.fromPartial({
    kind: {
      $case: 'actionAck',
      value: {
        wakeId: 2 ** 40,
        reportSeq: 12,
        batchStatus: 1,
        message: 'ok',
        results: [
          { index: 0, clientRef: 'a', status: 1, orderId: 2 ** 50, fills: [{ tradeId: 7, quantityLots: 2 }] },
          { index: 1, clientRef: 'b', status: 2, rejectCode: 3, field: 'price_ticks', limit: '<= 999' },
        ],
      },
    },
  });
  const ackBytes = SessionResponse.encode(ack).finish();
  const wakeBytes = SessionResponse.encode({
    kind: { $case: 'wakeUp', value: WakeUp.fromPartial({ ...OWN, ...PUBLIC }) },
  }).finish();

  it('decodes an ack without its results: the rest (report_seq above all) as the generated decoder has it', () => {
    const lean = leanSessionDecoder({ publicView: true, ackResults: false });
    const full = SessionResponse.decode(ackBytes);
    if (full.kind?.$case !== 'actionAck') throw new Error('not an ack');
    expect(full.kind.value.results).toHaveLength(2);
    expect(lean(ackBytes)).toEqual({
      kind: { $case: 'actionAck', value: { ...full.kind.value, results: [] } },
    });
    // Wake-ups complete: this strategy reads the public view.
    expect(lean(wakeBytes)).toEqual(SessionResponse.decode(wakeBytes));
  });

  it('leaves out the parts of the public view a strategy names, and nothing else', () => {
    const full = SessionResponse.decode(wakeBytes);
    if (full.kind?.$case !== 'wakeUp') throw new Error('not a wake-up');
    const all = ['books', 'priceForecasts', 'fundamentalsForecasts'] as const;
    for (let mask = 1; mask < 8; mask++) {
      const parts = all.filter((_, i) => mask & (1 << i));
      const decode = leanSessionDecoder({ publicView: true, ignoredParts: parts, ackResults: true });
      const reset: Partial<WakeUp> = Object.fromEntries(parts.map((p) => [p, []]));
      // Books take the ids they close along; the forecasts' expiries go once both are left out.
      if (parts.includes('books')) reset.closedProductIds = [];
      if (parts.includes('priceForecasts') && parts.includes('fundamentalsForecasts'))
        reset.expiredForecastProductIds = [];
      // Nothing left of the view: as a strategy that ignores all of it.
      if (parts.length === all.length) Object.assign(reset, NO_PUBLIC);
      expect(decode(wakeBytes)).toEqual({
        kind: { $case: 'wakeUp', value: { ...full.kind.value, ...reset } },
      });
      expect(decode(ackBytes)).toEqual(SessionResponse.decode(ackBytes));
    }
    expect(() =>
      leanSessionDecoder({ publicView: true, ignoredParts: ['book' as 'books'], ackResults: true }),
    ).toThrow(/ignoresPublicViewParts: "book" is not one of books, priceForecasts, fundamentalsForecasts/);
  });

  it('keeps the acks inside a wake-up for a strategy with onAck and leaves them out for one without', () => {
    if (ack.kind?.$case !== 'actionAck') throw new Error('not an ack');
    const acks = [ack.kind.value, { ...ack.kind.value, wakeId: 3, reportSeq: 13, results: [] }];
    // Acks between the own fields and the shared bytes, as the gateway lays a wake-up out.
    const own = encodeWake({ ...OWN, acks });
    const bytes = wakeUpResponse(new Uint8Array([...own, ...encodeWake(PUBLIC)]));
    const full = SessionResponse.decode(bytes);
    if (full.kind?.$case !== 'wakeUp') throw new Error('not a wake-up');
    expect(full.kind.value.acks).toHaveLength(2);
    for (const publicView of [true, false])
      for (const ignoredParts of [[], ['books', 'fundamentalsForecasts']] as const)
        for (const ackResults of [true, false]) {
          const keep = { publicView, ignoredParts, ackResults };
          // What the same strategy gets from the wake-up without acks, with the acks it keeps.
          const withoutAcks = leanSessionDecoder(keep)(
            wakeUpResponse(new Uint8Array([...encodeWake(OWN), ...encodeWake(PUBLIC)])),
          );
          if (withoutAcks.kind?.$case !== 'wakeUp') throw new Error('not a wake-up');
          expect(leanSessionDecoder(keep)(bytes)).toEqual({
            kind: { $case: 'wakeUp', value: { ...withoutAcks.kind.value, acks: ackResults ? acks : [] } },
          });
        }
  });

  it('leaves out both, either, or neither, as asked', () => {
    const both = leanSessionDecoder({ publicView: false, ackResults: false });
    expect(both(wakeBytes)).toEqual(decodeWithoutPublicView(wakeBytes));
    const leanAck = both(ackBytes);
    expect(leanAck.kind?.$case === 'actionAck' && leanAck.kind.value.results).toEqual([]);
    expect(leanAck.kind?.$case === 'actionAck' && leanAck.kind.value.reportSeq).toBe(12);
    // Acks complete for a strategy with onAck.
    expect(decodeWithoutPublicView(ackBytes)).toEqual(SessionResponse.decode(ackBytes));
    const neither = leanSessionDecoder({ publicView: true, ackResults: true });
    for (const b of [ackBytes, wakeBytes]) expect(neither(b)).toEqual(SessionResponse.decode(b));
    const truncated = ackBytes.subarray(0, 6);
    expect(() => both(truncated)).toThrow();
  });
});
