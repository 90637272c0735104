// What the gateway pays to read one agent request: decodeSessionRequest (the wire check of
// session-wire-check.ts, then ts-proto's decoder) and the wire check alone, per ActionBatch, for
// batches shaped like the pace line-up's (about 8 actions per wake-up; ids of 20-odd ASCII bytes)
// and a market maker's larger one. In µs per batch, the median of rounds and (after /) their least,
// the figure to compare on a busy machine:
//   node --import tsx scripts/bench/session-decode.ts [rounds]
import { performance } from 'node:perf_hooks';
import { decodeSessionRequest } from '../../arena/gateway/grpc-gateway.js';
import { checkSessionRequestWire } from '../../arena/gateway/session-wire-check.js';
import { SessionRequest } from '../../gen/flexarena/v1/arena_service.js';
import type { Action } from '../../gen/flexarena/v1/session.js';

const product = (i: number) => `ID-QH-20261122-${String(1000 + i).padStart(4, '0')}`;
const submit = (i: number): Action => ({
  clientRef: `s${i}-${1_700_000 + i}`,
  kind: {
    $case: 'submit',
    value: {
      productId: product(i),
      side: 1 + (i % 2),
      priceTicks: 8125 + i,
      quantityLots: 1 + (i % 5),
      timeInForce: 1,
      restriction: 0,
      peakLots: 0,
    },
  },
});
const modify = (i: number): Action => ({
  clientRef: `m${i}`,
  kind: { $case: 'modify', value: { orderId: 90_000 + i, priceTicks: 8000 + i, quantityLots: 2 } },
});
const cancel = (i: number): Action => ({
  clientRef: `c${i}`,
  kind: { $case: 'cancel', value: { orderId: 80_000 + i } },
});
const bid = (i: number): Action => ({
  clientRef: `b${i}`,
  kind: {
    $case: 'auctionBid',
    value: {
      auctionId: 'DA-20261123',
      bidId: `bid-${i}`,
      bid: {
        $case: 'curve',
        value: {
          period: i,
          interpolation: 1,
          points: [
            { priceTicks: -5000, quantityLots: 3 },
            { priceTicks: 20000, quantityLots: -3 },
          ],
        },
      },
    },
  },
});

const batch = (actions: Action[]): Buffer =>
  Buffer.from(
    SessionRequest.encode(
      SessionRequest.fromPartial({ kind: { $case: 'actionBatch', value: { wakeId: 1234, actions } } }),
    ).finish(),
  );
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const cases: [string, Buffer][] = [
  ['8 submits', batch(range(8).map(submit))],
  [
    '4 submits, 2 modifies, 2 cancels',
    batch([...range(4).map(submit), modify(1), modify(2), cancel(1), cancel(2)]),
  ],
  ['24 auction curve bids', batch(range(24).map(bid))],
  ['40 submits (market maker)', batch(range(40).map(submit))],
];

const rounds = Number(process.argv[2] ?? 9);
function time(fn: (b: Buffer) => unknown, b: Buffer): string {
  const n = Math.max(2000, Math.round(2_000_000 / b.length));
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(b);
    per.push(((performance.now() - t0) * 1000) / n);
  }
  per.sort((x, y) => x - y);
  return `${per[per.length >> 1]!.toFixed(2)} / ${per[0]!.toFixed(2)}`;
}
for (const [name, b] of cases) {
  if ('undecodable' in decodeSessionRequest(b)) throw new Error(`${name}: undecodable`);
  const check = time(checkSessionRequestWire, b);
  const decode = time(decodeSessionRequest, b);
  console.log(
    `${name.padEnd(34)} ${String(b.length).padStart(5)} B  check ${check} µs  check+decode ${decode} µs`,
  );
}
