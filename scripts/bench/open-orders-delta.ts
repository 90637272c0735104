// What DELTA_PRIVATE saves on a market maker's wake-ups, in one process (the wire path without the
// network): 351 wake-ups of ~950 resting orders, ~55 of them closed, new or partly filled at each,
// as the pace line-up's liquidity agent has them. For complete order lists (a DELTA session) and for
// DELTA_PRIVATE: the bytes on the wire, the arena's encoding (WakeViewCoder + SessionEncoder) and the
// agent's decoding and rebuild (WakeViewTracker), CPU time, median of 7 rounds (warm: the first
// rounds compile). The agent processes' V8 flags (lib/v8-tiering.ts) are set first, as the agent
// program sets them:
//   node --import tsx scripts/bench/open-orders-delta.ts

import { WakeViewTracker } from '../../agents/sdk/wake-view.js';
import { SessionEncoder } from '../../arena/gateway/session-encoder.js';
import { type HeldView, WakeViewCoder } from '../../arena/gateway/wake-view-coder.js';
import { SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import type { Order } from '../../gen/flexarena/v1/market.js';
import { WakeUp } from '../../gen/flexarena/v1/session.js';
import { FastBinaryReader, tuneV8ForShortRuns } from '../../lib/index.js';

tuneV8ForShortRuns(process.env, 'agent');

const WAKES = 351;
const RESTING = 950;
let nextId = 1;
function order(): Order {
  const id = nextId++;
  return {
    orderId: id,
    productId: `qh-20261122-00${10 + (id % 40)}`,
    side: 1 + (id % 2),
    priceTicks: 5_000 + (id % 300),
    remainingLots: 10 + (id % 7),
    originalLots: 20,
    timeInForce: 1,
    clientRef: `liq-${id}`,
    entryTimeMs: 1_795_000_000_000 + id,
    restriction: 0,
    peakLots: 0,
    hiddenLots: 0,
  };
}

/** The agent's open orders at each wake-up: 25 closed, 5 partly filled (new messages), 25 new. */
function orderLists(): Order[][] {
  let orders = Array.from({ length: RESTING }, order);
  const lists: Order[][] = [];
  for (let w = 0; w < WAKES; w++) {
    const closed = new Set(
      Array.from({ length: 25 }, (_, k) => orders[(w * 37 + k * 31) % orders.length]!.orderId),
    );
    orders = orders
      .filter((o) => !closed.has(o.orderId))
      .map((o, i) => (i % 190 === w % 190 ? { ...o, remainingLots: o.remainingLots - 1 } : o));
    for (let k = 0; k < 25; k++) orders.push(order());
    lists.push(orders);
  }
  return lists;
}

function cpuMs(f: () => void): number {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const lists = orderLists();
for (const [label, privateDeltas] of [
  ['complete orders (DELTA)', false],
  ['DELTA_PRIVATE', true],
] as const) {
  const encodeMs: number[] = [];
  const decodeMs: number[] = [];
  let bytes = 0;
  for (let round = 0; round < 7; round++) {
    let wire: Buffer[] = [];
    encodeMs.push(
      cpuMs(() => {
        const coder = new WakeViewCoder();
        const encoder = new SessionEncoder();
        let held: HeldView | undefined;
        wire = lists.map((openOrders, w) => {
          const core = { ...WakeUp.fromPartial({ wakeId: w + 1, reportSeq: w + 1 }), openOrders };
          const out = coder.encode(core, held, privateDeltas);
          held = out.holds;
          return encoder.encode({ kind: { $case: 'wakeUp', value: out.wire } });
        });
      }),
    );
    bytes = wire.reduce((n, b) => n + b.length, 0);
    decodeMs.push(
      cpuMs(() => {
        const tracker = new WakeViewTracker();
        for (const b of wire) {
          const msg = SessionResponse.decode(new FastBinaryReader(b));
          if (msg.kind?.$case === 'wakeUp') tracker.rebuild(msg.kind.value);
        }
      }),
    );
  }
  console.log(
    `${label}: ${(bytes / 1e6).toFixed(2)} MB on the wire; arena encoding ${median(encodeMs).toFixed(1)} ms, ` +
      `agent decoding + rebuild ${median(decodeMs).toFixed(1)} ms (CPU, median of 7)`,
  );
}
