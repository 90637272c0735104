// Every rejection an agent can get, in the agent's own terms: a run of the complete market through
// the real Simulation, with an agent that sends, at every decision point, fuzzed actions
// (test/helpers/action-fuzz.ts) and a fixed set of actions that break a venue's rules — late,
// out-of-range, unknown, duplicate — of every kind in session.proto's Action oneof. Whatever the
// rejection, its `field` must be a field path that exists in the proto (inside the Action, or the
// ActionBatch for a refusal of the batch itself), and its `message` must not show what only the
// arena knows: internal bid ids ("agent:bid"), internal period indexes, the market library's names
// of fields and of enum values (its `limit` neither).
import { join } from 'node:path';
import { loadSync } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { CurveInterpolation } from '../../gen/flexarena/v1/auction.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { RejectCode, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { type Action, type ActionResult, ActionStatus, type WakeUp } from '../../gen/flexarena/v1/session.js';
import { RandomStream } from '../../lib/index.js';
import { type FuzzContext, fuzzBatch } from '../../test/helpers/action-fuzz.js';
import { parseRunConfig } from '../config/run-config.js';
import { Simulation } from '../core/simulation.js';

const DAY = '2026-11-22';
const UP = BalancingDirection.BALANCING_DIRECTION_UP;

/** The proto's message types, by full name, with their fields and oneofs as the .proto spells them. */
const PROTO = loadSync('flexarena/v1/session.proto', {
  includeDirs: [join(import.meta.dirname, '../../proto')],
  keepCase: true,
});

interface Descriptor {
  field: { name: string; label: string; type: string; typeName: string }[];
  oneofDecl: { name: string }[];
}

function descriptor(name: string): Descriptor {
  const t = PROTO[`flexarena.v1.${name}`] as { type?: Descriptor } | undefined;
  if (!t?.type) throw new Error(`no message type ${name}`);
  return t.type;
}

/**
 * Does `path` ("auction_bid.curve.points[2].price_ticks") name a field of message `root`? A segment
 * is a field, indexed only if repeated; the last may also be a oneof's name (`kind`, `auction_bid.bid`:
 * the oneof that was not set).
 */
function resolves(root: string, path: string): boolean {
  let type: Descriptor | undefined = descriptor(root);
  const segments = path.split('.');
  for (let i = 0; i < segments.length; i++) {
    const m = /^([a-z_]+)(?:\[(\d+)\])?$/.exec(segments[i]!);
    if (!m || !type) return false;
    const last = i === segments.length - 1;
    const f: Descriptor['field'][number] | undefined = type.field.find((x) => x.name === m[1]);
    if (!f) return last && m[2] === undefined && type.oneofDecl.some((o) => o.name === m[1]);
    // An index only into a list, and into a list's elements only through one.
    const repeated = f.label === 'LABEL_REPEATED';
    if (m[2] !== undefined ? !repeated : repeated && !last) return false;
    type = f.type === 'TYPE_MESSAGE' ? descriptor(f.typeName) : undefined;
  }
  return true;
}

/** A rejection's field: a path inside the Action, or the ActionBatch's for a refused batch. */
function fieldExists(field: string): boolean {
  return resolves('Action', field) || resolves('ActionBatch', field);
}

/**
 * The market library's values of the proto's enums (market/types.ts, market/balancing/types.ts,
 * market/auction/types.ts). The agent sent the enum's number and knows it by the proto's name
 * (TIME_IN_FORCE_IOC, EXECUTION_RESTRICTION_AON, SIDE_BUY, BALANCING_DIRECTION_UP).
 */
const LIBRARY_ENUM_VALUES = [
  'GTC',
  'IOC',
  'FOK',
  'NONE',
  'AON',
  'buy',
  'sell',
  'up',
  'down',
  'step',
  'linear',
];

/**
 * A library enum value in a rejection's text: quoted ('GTC', or "IOC" as the value it got — never
 * a string the agent sent: it sent a number), or bare where it is upper case ("IOC AON", "= GTC");
 * inside a proto name (TIME_IN_FORCE_GTC, _GTC) it is not one. Lower case bare words are prose.
 */
function libraryEnumValue(text: string): string | undefined {
  const quoted = new RegExp(`(['"])(?:${LIBRARY_ENUM_VALUES.join('|')})\\1`).exec(text);
  return quoted?.[0] ?? /(?<!\w)(?:GTC|IOC|FOK|NONE|AON)(?!\w)/.exec(text)?.[0];
}

/** Why a rejection's message is not in the agent's terms, or undefined. */
function leak(message: string, agentIds: readonly string[]): string | undefined {
  if (agentIds.some((id) => message.includes(`${id}:`))) return 'an internal bid id';
  const value = libraryEnumValue(message);
  if (value) return `the market library's enum value ${value}`;
  // What the agent sent is quoted as it sent it; the rest is the arena's wording.
  const own = message.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  // A period the agent sent is a field's value ("auction_bid.curve.period 40 is outside …"); the
  // energy market's own period index is a global step the agent never sees.
  if (/(?<![\w.])period \d/.test(own)) return 'an internal period index';
  // A run's configuration keys (limits.maxOpenOrders) are the owner's names, documented as such.
  const camel = /(?<!limits\.)\b[a-z][a-z0-9]*[A-Z][a-z]\w*/.exec(own);
  if (camel) return `the market library's name ${camel[0]}`;
  return undefined;
}

function action(clientRef: string, kind: Action['kind']): Action {
  return { clientRef, kind };
}

function submit(ref: string, productId: string, patch: Record<string, unknown> = {}): Action {
  return action(ref, {
    $case: 'submit',
    value: {
      productId,
      side: Side.SIDE_BUY,
      priceTicks: 5_000,
      quantityLots: 2,
      timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
      restriction: 0,
      peakLots: 0,
      ...patch,
    },
  });
}

function curve(ref: string, auctionId: string, bidId: string, period: number, points: number[][]): Action {
  return action(ref, {
    $case: 'auctionBid',
    value: {
      auctionId,
      bidId,
      bid: {
        $case: 'curve',
        value: {
          period,
          interpolation: CurveInterpolation.CURVE_INTERPOLATION_STEP,
          points: points.map(([priceTicks, quantityLots]) => ({
            priceTicks: priceTicks!,
            quantityLots: quantityLots!,
          })),
        },
      },
    },
  });
}

function block(
  ref: string,
  auctionId: string,
  firstPeriod: number,
  lastPeriod: number,
  priceTicks = 5_000,
): Action {
  return action(ref, {
    $case: 'auctionBid',
    value: {
      auctionId,
      bidId: `blk-${ref}`,
      bid: {
        $case: 'block',
        value: { side: Side.SIDE_SELL, firstPeriod, lastPeriod, priceTicks, quantityLots: 3 },
      },
    },
  });
}

function capacity(ref: string, productId: string, priceTicks: number, quantityLots = 3): Action {
  return action(ref, {
    $case: 'capacityBid',
    value: { productId, direction: UP, quantityLots, priceTicks, indivisible: false },
  });
}

function energy(ref: string, productId: string, patch: Record<string, unknown> = {}): Action {
  return action(ref, {
    $case: 'energyBid',
    value: { productId, direction: UP, quantityLots: 5, priceTicks: 10_000, ...patch },
  });
}

/**
 * Actions that pass the door and break a venue's rule, or the door's own: sent at every decision
 * point, so each is tried before and after its gate. The first wake-up also wins capacity in
 * afrr-20261122-0, so later energy bids below it break the obligation.
 */
function venueProbes(wake: WakeUp, n: number): unknown[] {
  const r = (s: string) => `${s}-${n}`;
  const open = wake.books[0]?.productId ?? 'qh-20261122-0000';
  return [
    // CID
    submit(r('closed'), 'qh-20261121-0000'),
    submit(r('not-open'), 'qh-20261122-2345'),
    submit(r('unknown'), 'qh-20261122-2400'),
    submit(r('fok'), open, { timeInForce: TimeInForce.TIME_IN_FORCE_FOK, quantityLots: 5_000 }),
    submit(r('aon'), open, {
      timeInForce: TimeInForce.TIME_IN_FORCE_IOC,
      restriction: 2,
      quantityLots: 5_000,
    }),
    submit(r('peak'), open, { peakLots: 9 }),
    submit(r('iceberg'), open, { peakLots: 1, timeInForce: TimeInForce.TIME_IN_FORCE_IOC }),
    submit(r('iceberg-aon'), open, { peakLots: 1, restriction: 2 }),
    // Several of a venue's rules at once: each is named after the first, in the agent's terms.
    submit(r('iceberg-all'), open, {
      peakLots: 9,
      timeInForce: TimeInForce.TIME_IN_FORCE_IOC,
      restriction: 2,
    }),
    submit(r('unknown-iceberg'), 'qh-20261122-2400', {
      peakLots: 1,
      timeInForce: TimeInForce.TIME_IN_FORCE_FOK,
    }),
    submit(r('closed-iceberg'), 'qh-20261121-0000', { peakLots: 3, restriction: 2 }),
    submit(r('rest'), open, { priceTicks: 1 }),
    action(r('cancel'), { $case: 'cancel', value: { orderId: 987_654 } }),
    action(r('modify'), { $case: 'modify', value: { orderId: 987_654, priceTicks: 1, quantityLots: 1 } }),
    // Auctions: the day-ahead's and ida1's and ida2's periods are 0..95, ida3's 48..95.
    curve(r('c'), 'da-20261122', 'dup', 4, [
      [-1_000, 5],
      [9_000, 0],
    ]),
    curve(r('c2'), 'da-20261122', 'dup', 4, [
      [-1_000, 5],
      [9_000, 0],
    ]),
    curve(r('empty'), 'da-20261122', r('e'), 5, []),
    curve(r('rising'), 'da-20261122', r('ri'), 6, [
      [-1_000, 0],
      [9_000, 5],
    ]),
    curve(r('falling'), 'da-20261122', r('fa'), 7, [
      [9_000, 5],
      [-1_000, 0],
    ]),
    curve(r('cap'), 'da-20261122', r('ca'), 8, [[99_999_999, 5]]),
    curve(r('ida-period'), 'ida3-20261122', r('ip'), 3, [[1_000, 1]]),
    curve(r('no-auction'), 'da-20261123', r('na'), 3, [[1_000, 1]]),
    block(r('b-first'), 'ida3-20261122', 10, 60),
    block(r('b-last'), 'da-20261122', 10, 9),
    block(r('b-price'), 'da-20261122', 10, 12, 99_999_999),
    action(r('cab'), { $case: 'cancelAuctionBid', value: { auctionId: 'da-20261122', bidId: 'never' } }),
    action(r('cab2'), { $case: 'cancelAuctionBid', value: { auctionId: 'da-20261122', bidId: 'dup' } }),
    action(r('cab3'), { $case: 'cancelAuctionBid', value: { auctionId: 'ida9-20261122', bidId: 'x' } }),
    // Balancing
    capacity(r('cap-won'), 'afrr-20261122-0', 0),
    capacity(r('cap-price'), 'afrr-20261122-1', -1),
    capacity(r('cap-lots'), 'afrr-20261122-1', 10, 200_000),
    capacity(r('cap-day'), 'afrr-20261123-0', 10),
    capacity(r('cap-k'), 'afrr-20261122-7', 10),
    energy(r('e-first'), 'qh-20261122-0000', { quantityLots: 1 }),
    energy(r('e-late'), 'qh-20261122-0100'),
    energy(r('e-next'), 'qh-20261122-1200'),
    energy(r('e-price'), 'qh-20261122-2300', { priceTicks: 99_999_999 }),
    energy(r('e-lots'), 'qh-20261122-2300', { quantityLots: 200_000 }),
    energy(r('e-unknown'), 'qh-20261123-0000'),
    energy(r('e-hourly'), 'h-20261122-0100'),
    // The door's own: not an Action at all.
    null,
    42,
  ];
}

interface Rejection {
  agent: string;
  sent: unknown;
  result: ActionResult;
}

/** Runs `doc` to its end with agent `probe` answering every wake-up with `answer`'s actions. */
async function probeRun(
  doc: Record<string, unknown>,
  answer: (wake: WakeUp, fuzz: FuzzContext) => unknown[],
): Promise<Rejection[]> {
  const cfg = parseRunConfig({ name: 'reject-fields', seed: 11, day: DAY, nats: { enabled: false }, ...doc });
  const sim = await Simulation.create(cfg, { runId: 'reject-fields', sinks: [] });
  const sent = new Map<number, unknown[]>();
  const out: Rejection[] = [];
  const collect = (agent: string, results: ActionResult[], batch: unknown[]) => {
    for (const result of results)
      if (result.status === ActionStatus.ACTION_STATUS_REJECTED)
        out.push({ agent, sent: batch[result.index], result });
  };
  const take = (id: string) => {
    for (const m of sim.takeMessages(id))
      if (m.kind === 'actionAck') collect(id, m.value.results, sent.get(m.value.wakeId) ?? []);
  };
  let counter = 0;
  const welcome = sim.welcome('probe');
  for (let dp = await sim.advance(); dp; dp = await sim.advance()) {
    for (const id of dp.agentIds) {
      take(id);
      const wake = sim.wakeUp(id);
      if (id !== 'probe') {
        sim.answer(id, { kind: 'batch', batch: { wakeId: wake.wakeId, actions: [] } });
        continue;
      }
      const fuzz: FuzzContext = {
        welcome: { ...welcome, resumed: false },
        wake,
        priceMinTicks: Number(welcome.market!.priceMinTicks),
        priceMaxTicks: Number(welcome.market!.priceMaxTicks),
        maxQuantityLots: Number(welcome.market!.maxQuantityLots),
        next: () => ++counter,
      };
      const actions = answer(wake, fuzz);
      // A batch for a wake-up that is not open is refused whole.
      const stale = sim.answer(id, {
        kind: 'batch',
        batch: { wakeId: wake.wakeId + 1, actions: [actions[0]] as Action[] },
      });
      if (!stale.taken) collect(id, stale.ack.results, actions);
      sent.set(wake.wakeId, actions);
      const batch = { wakeId: wake.wakeId, actions: actions as Action[] };
      sim.answer(id, { kind: 'batch', batch });
      // Only the first answer to a wake-up counts; a second is refused whole.
      const again = sim.answer(id, {
        kind: 'batch',
        batch: { ...batch, actions: batch.actions.slice(0, 1) },
      });
      if (!again.taken) collect(id, again.ack.results, actions);
    }
  }
  await sim.finish();
  for (const id of sim.agentIds) take(id);
  return out;
}

const ARRIVAL = new Set([RejectCode.REJECT_CODE_GATE_CLOSED, RejectCode.REJECT_CODE_MARKET_NOT_OPEN]);

/**
 * A rejection for the time of arrival is about what the gate belongs to: the field the agent named
 * it by (a modify or cancel by its order), and the message names the id the agent sent.
 */
function arrivalProblem(sent: Action, result: ActionResult): string | undefined {
  const kind = sent.kind!;
  const prefix = kind.$case.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const v = kind.value as { productId?: string; auctionId?: string; orderId?: number };
  const [name, id] =
    v.productId !== undefined
      ? ['product_id', v.productId]
      : v.auctionId !== undefined
        ? ['auction_id', v.auctionId]
        : ['order_id', undefined];
  if (result.field !== `${prefix}.${name}`) return `field ${result.field}, not ${prefix}.${name}`;
  if (id !== undefined && !result.message.includes(id)) return `a message without ${id}: ${result.message}`;
  return undefined;
}

function problems(rejections: Rejection[], agentIds: readonly string[]): string[] {
  const out = new Set<string>();
  for (const { sent, result } of rejections) {
    const code = RejectCode[result.rejectCode];
    const what = `${code} ${(sent as Action | null)?.kind?.$case ?? typeof sent}`;
    if (!fieldExists(result.field)) out.add(`${what}: field ${result.field} is no proto field`);
    const why = leak(result.message, agentIds);
    if (why) out.add(`${what}: message shows ${why}: ${result.message}`);
    const inLimit = libraryEnumValue(result.limit);
    if (inLimit) out.add(`${what}: limit shows the market library's enum value ${inLimit}: ${result.limit}`);
    const late = ARRIVAL.has(result.rejectCode) ? arrivalProblem(sent as Action, result) : undefined;
    if (late) out.add(`${what}: ${late}`);
  }
  return [...out].sort();
}

describe('every rejection names a proto field and speaks the agent’s terms', () => {
  it('on the complete market: fuzzed actions and late, out-of-range, unknown and duplicate ones of every kind', {
    timeout: 120_000,
  }, async () => {
    const agents = [
      { id: 'liq', strategy: 'idle', role: 'liquidity', latencyMs: { min: 5, max: 5 } },
      { id: 'probe', strategy: 'idle', latencyMs: { min: 30_000, max: 30_000 } },
    ];
    const rejections = await probeRun(
      { simStartHoursBeforeDay: 15.25, limits: { maxOpenOrders: 3, maxActionsPerWakeUp: 60 }, agents },
      (wake, fuzz) => {
        const probes = venueProbes(wake, wake.wakeId);
        // Enough fuzz to go past the per-batch limit now and then.
        return [
          ...probes,
          ...fuzzBatch(new RandomStream('fuzz', wake.wakeId), fuzz, wake.wakeId % 4 === 0 ? 30 : 10).map(
            (f) => f.action,
          ),
        ];
      },
    );
    expect(problems(rejections, ['liq', 'probe'])).toEqual([]);
    const codes = new Set(rejections.map((r) => RejectCode[r.result.rejectCode].replace('REJECT_CODE_', '')));
    // Every path the probes were written for was taken, so the checks below saw each of them.
    expect([...codes].sort()).toEqual(
      [
        'BID_ID_INVALID',
        'CURVE_EMPTY',
        'CURVE_NOT_MONOTONE',
        'DIRECTION_INVALID',
        'DUPLICATE_BATCH',
        'DUPLICATE_BID_ID',
        'ENERGY_BELOW_AWARDED_CAPACITY',
        'FOK_NOT_FILLABLE',
        'GATE_CLOSED',
        'ICEBERG_NOT_ALLOWED',
        'INVALID_FIELD',
        'INVALID_RESTRICTION',
        'INVALID_SIDE',
        'INVALID_TIME_IN_FORCE',
        'MARKET_NOT_OPEN',
        'PEAK_INVALID',
        'PERIOD_OUT_OF_RANGE',
        'PRICE_OUT_OF_RANGE',
        'QUANTITY_INVALID',
        'STALE_WAKE',
        'TOO_MANY_ACTIONS',
        'TOO_MANY_OPEN_ORDERS',
        'TOO_MANY_POINTS',
        'UNKNOWN_AUCTION',
        'UNKNOWN_BID',
        'UNKNOWN_ORDER',
        'UNKNOWN_PRODUCT',
      ].sort(),
    );
  });

  it('with markets switched off: the action names its kind', async () => {
    const rejections = await probeRun(
      {
        simStartHoursBeforeDay: 8,
        market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
        agents: [{ id: 'probe', strategy: 'idle' }],
      },
      (wake) => venueProbes(wake, wake.wakeId).filter((a) => (a as Action | null)?.kind?.$case !== 'submit'),
    );
    expect(rejections.some((r) => r.result.rejectCode === RejectCode.REJECT_CODE_MARKET_NOT_IN_RUN)).toBe(
      true,
    );
    expect(problems(rejections, ['probe'])).toEqual([]);
  });
});
