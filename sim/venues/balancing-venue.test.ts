// Balancing as a venue (balancing-venue.ts): the aFRR capacity auction with the world's tranches,
// the energy bids and the obligation that awarded capacity creates, the shortfall penalty at the
// energy gate, and activation cash between providers and the TSO.
import { beforeAll, describe, expect, it } from 'vitest';
import { BalancingDirection as ProtoDirection } from '../../gen/flexarena/v1/balancing.js';
import { RejectCode } from '../../gen/flexarena/v1/market.js';
import { type Action, type ActionResult, ActionStatus } from '../../gen/flexarena/v1/session.js';
import { capacityProductId } from '../../lib/product-id.js';
import { NamedRng } from '../../lib/random.js';
import { type RunContext, WORLD_PARTY } from '../core/run-context.js';
import { emptyResult, unitContext } from '../core/test-support.js';
import { createWorld, type World } from '../world/world.js';
import { BalancingVenue } from './balancing-venue.js';

const DAY = '2026-11-22';
const DAY_MS = Date.parse(`${DAY}T00:00:00Z`);
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Capacity product 2 covers 08:00-12:00 UTC, quarter-hours 32..47. */
const CAP = 'afrr-20261122-2';

let _world: World;
beforeAll(() => {
  _world = createWorld(undefined, new NamedRng(5), [DAY]);
});

function makeVenue(balancing: Record<string, unknown> = {}) {
  const { ctx, tape, faults } = unitContext({
    name: 'balancing',
    seed: 5,
    day: DAY,
    market: { auctions: { dayAhead: false, intraday: false }, balancing },
    agents: [
      { id: 'prov', strategy: 'idle' },
      { id: 'other', strategy: 'idle' },
    ],
  });
  return { ctx, venue: new BalancingVenue(ctx), tape, faults };
}

const dir = (d: 'up' | 'down') =>
  d === 'up' ? ProtoDirection.BALANCING_DIRECTION_UP : ProtoDirection.BALANCING_DIRECTION_DOWN;

function capacityBid(productId: string, direction: 'up' | 'down', lots: number, priceTicks: number): Action {
  return {
    clientRef: '',
    kind: {
      $case: 'capacityBid',
      value: { productId, direction: dir(direction), quantityLots: lots, priceTicks, indivisible: false },
    },
  };
}

function energyBid(productId: string, direction: 'up' | 'down', lots: number, priceTicks: number): Action {
  return {
    clientRef: '',
    kind: {
      $case: 'energyBid',
      value: { productId, direction: dir(direction), quantityLots: lots, priceTicks },
    },
  };
}

function handle(
  venue: BalancingVenue,
  agent: string,
  action: Action,
  time = DAY_MS - 20 * HOUR,
): ActionResult {
  const result = emptyResult();
  venue.handle(agent, action, time, result);
  return result;
}

async function runEvent(venue: BalancingVenue, label: string): Promise<void> {
  const ev = venue.scheduledEvents().find((e) => e.label === label);
  if (!ev) throw new Error(`no event ${label}`);
  await ev.run();
}

const qh = (step: number) =>
  `qh-20261122-${String(Math.floor(step / 4)).padStart(2, '0')}${String((step % 4) * 15).padStart(2, '0')}`;
const cashSum = (ctx: RunContext) => ctx.allLedgers().reduce((s, l) => s + l.totalCashUnits, 0);

describe('BalancingVenue: capacity', () => {
  it('schedules the capacity auction D-1 09:00 and each energy gate 25 minutes before delivery', () => {
    const { venue } = makeVenue();
    const events = venue.scheduledEvents();
    expect(events.find((e) => e.label === 'afrr capacity day 0')!.time).toBe(DAY_MS - 15 * HOUR);
    expect(events.find((e) => e.label === 'energy gate 32')!.time).toBe(DAY_MS + 8 * HOUR - 25 * MINUTE);
    expect(events.filter((e) => e.label.startsWith('energy gate'))).toHaveLength(96);
    expect(events.every((e) => e.phase === 1)).toBe(true);
    expect(venue.capacityProductIds()).toEqual([0, 1, 2, 3, 4, 5].map((k) => capacityProductId(DAY, k)));
  });

  it("clears at its gate with the world's tranches; an agent's cheap bid is awarded and the TSO pays it", async () => {
    const { ctx, venue, tape } = makeVenue();
    expect(handle(venue, 'prov', capacityBid(CAP, 'up', 100, 100)).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    // Dearer than every exogenous tranche (3..25 EUR/MW/h): not needed.
    expect(handle(venue, 'other', capacityBid(CAP, 'down', 50, 9_000)).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    await runEvent(venue, 'afrr capacity day 0');

    // Pay-as-bid: 100 lots × 100 ticks (1 EUR/MW/h) × 400 units per lot·tick for the 4-hour block.
    const payment = 100 * 100 * 400;
    expect(ctx.ledger('prov').cash.capacity).toBe(payment);
    expect(ctx.ledger('other').cash.capacity).toBe(0);
    expect(ctx.world_.cash.capacity).toBeGreaterThan(0);
    expect(ctx.tso.cash.capacity).toBe(-(payment + ctx.world_.cash.capacity));
    expect(cashSum(ctx)).toBe(0);
    expect(ctx.ledger('prov').takeReports().capacityAwards).toEqual([
      {
        productId: CAP,
        direction: ProtoDirection.BALANCING_DIRECTION_UP,
        quantityLots: 100,
        priceTicks: 100,
        paymentCashUnits: payment,
      },
    ]);
    expect(ctx.ledger('other').takeReports().capacityAwards).toEqual([]);
    expect(ctx.world_.takeReports().capacityAwards).toEqual([]);

    const rec = tape.records.find((r) => r.type === 'capacity-result')!;
    expect(rec.t).toBe(DAY_MS - 15 * HOUR);
    const products = rec.products as {
      productId: string;
      direction: string;
      demandLots: number;
      awardedLots: number;
    }[];
    expect(products).toHaveLength(12);
    // 2 000 MW demand per product and direction, covered 1.5 times by ten exogenous tranches.
    for (const p of products) expect(p).toMatchObject({ demandLots: 20_000, awardedLots: 20_000 });
    const awards = rec.awards as { agentId: string; awardedLots: number }[];
    expect(awards.map((a) => [a.agentId, a.awardedLots])).toEqual([['prov', 100]]);
    expect(awards.every((a) => a.agentId !== WORLD_PARTY)).toBe(true);
    // Obligation: product 2 up only.
    expect(venue.awardedLots('prov', 32, 'up')).toBe(100);
    expect(venue.awardedLots('prov', 47, 'up')).toBe(100);
    expect(venue.awardedLots('prov', 48, 'up')).toBe(0);
    expect(venue.awardedLots('prov', 32, 'down')).toBe(0);
  });

  it('pays every accepted lot the clearing price under pay-as-cleared', async () => {
    const { ctx, venue, tape } = makeVenue({ capacityPricing: 'pay-as-cleared' });
    handle(venue, 'prov', capacityBid(CAP, 'up', 100, 100));
    await runEvent(venue, 'afrr capacity day 0');
    const rec = tape.records.find((r) => r.type === 'capacity-result')!;
    const up2 = (rec.products as { productId: string; direction: string; clearingPriceTicks: number }[]).find(
      (p) => p.productId === CAP && p.direction === 'up',
    )!;
    expect(up2.clearingPriceTicks).toBeGreaterThan(100);
    expect(ctx.ledger('prov').cash.capacity).toBe(100 * up2.clearingPriceTicks * 400);
    expect(cashSum(ctx)).toBe(0);
  });

  it('rejects unknown capacity products and bids after the gate', async () => {
    const { ctx, venue } = makeVenue();
    for (const id of ['afrr-20261123-2', 'afrr-20261122-6', 'fcr-20261122-0']) {
      expect(handle(venue, 'prov', capacityBid(id, 'up', 10, 100))).toMatchObject({
        status: ActionStatus.ACTION_STATUS_REJECTED,
        rejectCode: RejectCode.REJECT_CODE_UNKNOWN_PRODUCT,
        field: 'product_id',
      });
    }
    await runEvent(venue, 'afrr capacity day 0');
    // Before, the field was the capacity auction's own ("product", the block 0..5 of the day), no
    // field of SubmitCapacityBid, and the message did not say which product or when.
    expect(handle(venue, 'prov', capacityBid(CAP, 'up', 10, 100), DAY_MS - 14 * HOUR)).toMatchObject({
      rejectCode: RejectCode.REJECT_CODE_GATE_CLOSED,
      field: 'product_id',
      limit: '< 2026-11-21T09:00:00.000Z',
      message: `the aFRR capacity auction gate of ${CAP} closed at 2026-11-21T09:00:00.000Z; the bid arrived at 2026-11-21T10:00:00.000Z`,
    });
    expect(ctx.ledger('prov').rejects).toBe(4);
    expect(ctx.ledger('prov').cash.capacity).toBe(0);
  });
});

describe('BalancingVenue: capacity over several days', () => {
  it("takes a bid into the capacity auction of the day its product names, not another day's", async () => {
    const { ctx } = unitContext({
      name: 'balancing-days',
      seed: 5,
      day: DAY,
      days: 3,
      market: { auctions: { dayAhead: false, intraday: false } },
      agents: [{ id: 'prov', strategy: 'idle' }],
    });
    const venue = new BalancingVenue(ctx);
    const day2 = capacityProductId('2026-11-23', 2);
    const day3 = capacityProductId('2026-11-24', 1);
    // Before day 0's gate, every day's auction takes bids.
    expect(handle(venue, 'prov', capacityBid(day2, 'up', 100, 100)).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    expect(handle(venue, 'prov', capacityBid(day3, 'down', 40, 100)).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    await runEvent(venue, 'afrr capacity day 0');
    expect(ctx.ledger('prov').cash.capacity).toBe(0);
    await runEvent(venue, 'afrr capacity day 1');
    const awards = () =>
      ctx
        .ledger('prov')
        .takeReports()
        .capacityAwards.map((a) => [a.productId, a.quantityLots]);
    expect(awards()).toEqual([[day2, 100]]);
    await runEvent(venue, 'afrr capacity day 2');
    expect(awards()).toEqual([[day3, 40]]);
    // Day 1's quarter-hours 32..47 (product 2) carry the up obligation; day 0's do not.
    expect(venue.awardedLots('prov', 96 + 32, 'up')).toBe(100);
    expect(venue.awardedLots('prov', 32, 'up')).toBe(0);
    expect(venue.awardedLots('prov', 2 * 96 + 16, 'down')).toBe(40);
  });
});

describe('BalancingVenue: rejections on the tape', () => {
  it('records refused capacity and energy bids as the continuous market records refused orders', async () => {
    // Before, only accepted bids (capacity-bid, energy-bid) were on the tape.
    const { venue, tape } = makeVenue();
    handle(venue, 'prov', { ...capacityBid('afrr-20261122-6', 'up', 10, 100), clientRef: 'k1' });
    handle(venue, 'prov', energyBid('h-20261122-0800', 'up', 10, 500));
    expect(tape.records.filter((r) => r.type === 'rejected')).toMatchObject([
      {
        agentId: 'prov',
        command: 'capacity-bid',
        productId: 'afrr-20261122-6',
        code: 'UNKNOWN_PRODUCT',
        field: 'product_id',
        message: 'product_id: no aFRR capacity product "afrr-20261122-6" in this run',
        clientRef: 'k1',
      },
      {
        agentId: 'prov',
        command: 'energy-bid',
        productId: 'h-20261122-0800',
        code: 'UNKNOWN_PRODUCT',
        field: 'product_id',
      },
    ]);
  });
});

describe('BalancingVenue: energy', () => {
  async function awarded() {
    const made = makeVenue();
    // Submitted before the capacity auction (no obligation yet): 30 lots for quarter-hour 34.
    expect(handle(made.venue, 'prov', energyBid(qh(34), 'up', 30, 500)).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    handle(made.venue, 'prov', capacityBid(CAP, 'up', 100, 100));
    await runEvent(made.venue, 'afrr capacity day 0');
    return made;
  }

  it('rejects an energy bid below the awarded capacity with ENERGY_BELOW_AWARDED_CAPACITY', async () => {
    const { ctx, venue } = await awarded();
    const r = handle(venue, 'prov', energyBid(qh(32), 'up', 50, 500));
    expect(r).toMatchObject({
      status: ActionStatus.ACTION_STATUS_REJECTED,
      rejectCode: RejectCode.REJECT_CODE_ENERGY_BELOW_AWARDED_CAPACITY,
      field: 'quantity_lots',
      limit: '>= 100 lots',
    });
    expect(r.message).toContain(qh(32));
    expect(venue.energy.offeredLots('prov', 32, 'up')).toBe(0);
    // The other direction carries no obligation; the full obligation is accepted, and so is more.
    expect(handle(venue, 'prov', energyBid(qh(32), 'down', 10, 500)).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    expect(handle(venue, 'prov', energyBid(qh(32), 'up', 100, 500)).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    expect(handle(venue, 'prov', energyBid(qh(32), 'up', 5, 600)).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    // Topping up an earlier, smaller bid: the limit names what is still missing.
    const topUp = handle(venue, 'prov', energyBid(qh(34), 'up', 60, 500));
    expect(topUp).toMatchObject({ field: 'quantity_lots', limit: '>= 70 lots' });
    // Outside the awarded product there is no obligation.
    expect(handle(venue, 'prov', energyBid(qh(48), 'up', 1, 500)).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    expect(ctx.ledger('prov').rejects).toBe(2);
  });

  it('rejects energy bids for unknown products and after the energy gate', async () => {
    const { venue } = await awarded();
    expect(handle(venue, 'other', energyBid('h-20261122-0800', 'up', 10, 500))).toMatchObject({
      rejectCode: RejectCode.REJECT_CODE_UNKNOWN_PRODUCT,
      field: 'product_id',
    });
    await runEvent(venue, 'energy gate 40');
    // Before: field "period" (no field of SubmitEnergyBid) and "the gate of period 40 is closed",
    // the run's quarter-hour step, where the agent had sent qh-20261122-1000.
    expect(handle(venue, 'other', energyBid(qh(40), 'up', 10, 500), DAY_MS + 9.75 * HOUR)).toMatchObject({
      rejectCode: RejectCode.REJECT_CODE_GATE_CLOSED,
      field: 'product_id',
      limit: '< 2026-11-22T09:35:00.000Z',
      message:
        'the balancing energy gate of qh-20261122-1000 closed at 2026-11-22T09:35:00.000Z; the bid arrived at 2026-11-22T09:45:00.000Z',
    });
    // After the gate the obligation check does not mask GATE_CLOSED.
    expect(handle(venue, 'prov', energyBid(qh(40), 'up', 10, 500)).rejectCode).toBe(
      RejectCode.REJECT_CODE_GATE_CLOSED,
    );
  });

  it('forfeits 1/16 of the capacity payment per missing lot at the energy gate', async () => {
    const { ctx, venue, tape, faults } = await awarded();
    handle(venue, 'prov', energyBid(qh(32), 'up', 100, 500));
    const capacityCash = ctx.ledger('prov').cash.capacity;
    for (const step of [32, 33, 34]) await runEvent(venue, `energy gate ${step}`);
    const shortfalls = tape.records
      .filter((r) => r.type === 'obligation-shortfall')
      .map(({ seq: _seq, ...r }) => r);
    // 100 lots × 100 ticks × 400 / 16 per quarter-hour: 250 000 units for nothing offered.
    expect(shortfalls).toEqual([
      {
        type: 'obligation-shortfall',
        t: DAY_MS + 8 * HOUR + 15 * MINUTE - 25 * MINUTE,
        agent: 'prov',
        productId: qh(33),
        direction: 'up',
        requiredLots: 100,
        offeredLots: 0,
        penaltyCashUnits: 250_000,
      },
      {
        type: 'obligation-shortfall',
        t: DAY_MS + 8 * HOUR + 30 * MINUTE - 25 * MINUTE,
        agent: 'prov',
        productId: qh(34),
        direction: 'up',
        requiredLots: 100,
        offeredLots: 30,
        penaltyCashUnits: 70 * 100 * 25,
      },
    ]);
    expect(ctx.ledger('prov').cash.penalty).toBe(-(250_000 + 175_000));
    expect(ctx.tso.cash.penalty).toBe(250_000 + 175_000);
    expect(ctx.ledger('prov').cash.capacity).toBe(capacityCash);
    expect(cashSum(ctx)).toBe(0);
    expect(faults.map((f) => [f.agent, f.kind])).toEqual([
      ['prov', 'obligation-shortfall'],
      ['prov', 'obligation-shortfall'],
    ]);
    // Sixteen quarter-hours with nothing offered forfeit the whole payment.
    for (let step = 35; step < 48; step++) await runEvent(venue, `energy gate ${step}`);
    expect(-ctx.ledger('prov').cash.penalty).toBe(175_000 + 14 * 250_000);
  });

  it('never forfeits more than 1/16 of the payment when the awards have different prices (pay-as-bid)', async () => {
    const { ctx, venue, tape } = makeVenue();
    // Offered before the capacity auction (afterwards a bid below the obligation is refused).
    handle(venue, 'prov', energyBid(qh(33), 'up', 15, 500));
    // Two awards for the same product and direction: 10 lots at 1 EUR/MW/h, 10 lots at 2 EUR/MW/h.
    handle(venue, 'prov', capacityBid(CAP, 'up', 10, 100));
    handle(venue, 'prov', capacityBid(CAP, 'up', 10, 200));
    await runEvent(venue, 'afrr capacity day 0');
    const payment = (10 * 100 + 10 * 200) * 400;
    expect(ctx.ledger('prov').cash.capacity).toBe(payment);
    expect(venue.awardedLots('prov', 32, 'up')).toBe(20);
    // Nothing offered in quarter-hour 32: exactly that period's share of the payment.
    await runEvent(venue, 'energy gate 32');
    expect(ctx.ledger('prov').cash.penalty).toBe(-payment / 16);
    // 15 of 20 lots offered in quarter-hour 33: the 5 missing lots are the dearest ones.
    await runEvent(venue, 'energy gate 33');
    const shortfall = tape.records.filter((r) => r.type === 'obligation-shortfall').at(-1)!;
    expect(shortfall).toMatchObject({ requiredLots: 20, offeredLots: 15, penaltyCashUnits: 5 * 200 * 25 });
    // Sixteen periods with nothing offered forfeit the whole payment, never more.
    for (let step = 34; step < 48; step++) await runEvent(venue, `energy gate ${step}`);
    expect(-ctx.ledger('prov').cash.penalty).toBe((15 * payment) / 16 + 5 * 200 * 25);
    expect(-ctx.ledger('prov').cash.penalty).toBeLessThanOrEqual(payment);
    expect(cashSum(ctx)).toBe(0);
  });

  it('books activation cash between the provider and the TSO and reports it', async () => {
    const { ctx, venue } = await awarded();
    handle(venue, 'prov', energyBid(qh(32), 'up', 100, 500));
    handle(venue, 'prov', energyBid(qh(32), 'up', 5, 600));
    await runEvent(venue, 'energy gate 32');
    ctx.ledger('prov').takeReports();
    const before = cashSum(ctx);
    const result = venue.activate(32, 50_000); // system short 50 MWh
    expect(result.activatedUpKwh).toBe(50_000);
    const up = result.upPriceTicks!;
    // The world's ladder starts at the reference price + 20 EUR/MWh: that tranche is marginal.
    expect(up).toBe(ctx.world.realised(32).priceTicks + 2_000);
    const mine = result.activations.filter((a) => a.agentId === 'prov');
    expect(mine.map((a) => a.activatedKwh)).toEqual([2_500, 125]);
    expect(ctx.ledger('prov').cash.balancingEnergy).toBe(2_625 * up); // pay-as-cleared
    expect(ctx.world_.cash.balancingEnergy).toBe((50_000 - 2_625) * up);
    expect(ctx.tso.cash.balancingEnergy).toBe(-50_000 * up);
    expect(cashSum(ctx)).toBe(before);
    expect(ctx.ledger('prov').takeReports().activations).toEqual([
      {
        productId: qh(32),
        direction: ProtoDirection.BALANCING_DIRECTION_UP,
        energyKwh: 2_500,
        priceTicks: up,
      },
      { productId: qh(32), direction: ProtoDirection.BALANCING_DIRECTION_UP, energyKwh: 125, priceTicks: up },
    ]);
    expect(ctx.world_.takeReports().activations).toEqual([]);
  });

  it('makes a down provider pay its own price under pay-as-bid', async () => {
    const { ctx, venue } = makeVenue({ energyPricing: 'pay-as-bid' });
    handle(venue, 'other', energyBid(qh(60), 'down', 40, 900_000));
    await runEvent(venue, 'energy gate 60');
    const result = venue.activate(60, -20_000); // system long
    expect(result.downPriceTicks).not.toBeNull();
    const mine = result.activations.find((a) => a.agentId === 'other')!;
    expect(mine).toMatchObject({ direction: 'down', activatedKwh: 1_000, settlementPriceTicks: 900_000 });
    expect(ctx.ledger('other').cash.balancingEnergy).toBe(-1_000 * 900_000);
    expect(ctx.tso.cash.balancingEnergy).toBe(
      -ctx.ledger('other').cash.balancingEnergy - ctx.world_.cash.balancingEnergy,
    );
    expect(cashSum(ctx)).toBe(0);
  });
});
