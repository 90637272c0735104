// Settlement of one quarter-hour (settle-period.ts) on a hand-built RunContext: positions from
// the ledgers become schedules, the twins meter, imbalances settle at the imbalance price, the
// system imbalance feeds activation, and every period's cash sums to zero over all parties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BalancingDirection as ProtoDirection } from '../../gen/flexarena/v1/balancing.js';
import { type ActionResult, ActionStatus } from '../../gen/flexarena/v1/session.js';
import { tradeCashUnits } from '../../market/index.js';
import type { RunContext } from '../core/run-context.js';
import { emptyResult, unitContext } from '../core/test-support.js';
import { BalancingVenue } from '../venues/balancing-venue.js';
import { type AgentSettlement, KWH_PER_LOT_QH, type PeriodOutcome, settlePeriod } from './settle-period.js';

const DAY = '2026-11-22';
const SEED = 5;
const battery = (socInitial: number) => ({
  type: 'battery',
  powerMw: 10, // 2 500 kWh per quarter-hour
  energyMwh: 20,
  etaCharge: 1,
  etaDischarge: 1,
  socMin: 0,
  socMax: 1,
  socInitial,
});
const AGENTS = [
  { id: 'bat', strategy: 'idle', asset: battery(0.5) },
  { id: 'flat', strategy: 'idle', asset: battery(0) }, // empty: cannot discharge
  { id: 'bare', strategy: 'idle' }, // balance responsible, no asset
  { id: 'liq', strategy: 'liquidity', role: 'liquidity' },
];

function makeContext(balancing = false): { ctx: RunContext } {
  return unitContext({
    name: 'settle',
    seed: SEED,
    day: DAY,
    market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: balancing } },
    agents: AGENTS,
  });
}

/** A CID trade booked on both sides, as CidVenue does. */
function trade(
  ctx: RunContext,
  buyer: string,
  seller: string,
  productId: string,
  lots: number,
  priceTicks: number,
) {
  const p = ctx.products.byId.get(productId)!;
  const cash = tradeCashUnits(priceTicks, lots, (p.deliveryEndMs - p.deliveryStartMs) / 60_000);
  ctx.ledger(buyer).addTrade(productId, lots, -cash, 'cid');
  ctx.ledger(seller).addTrade(productId, -lots, cash, 'cid');
}

const cashSum = (ctx: RunContext) => ctx.allLedgers().reduce((s, l) => s + l.totalCashUnits, 0);
const row = (o: PeriodOutcome, agent: string): AgentSettlement => o.agents.find((a) => a.agent === agent)!;
const qhId = (ctx: RunContext, step: number) => ctx.products.quarterHours[step]!.id;
const ref = (ctx: RunContext, step: number) => ctx.world.realised(step).priceTicks;

/** Settles `step` and checks that the period moved no cash out of nowhere. */
function settle(ctx: RunContext, step: number, venue?: BalancingVenue): PeriodOutcome {
  const before = cashSum(ctx);
  const outcome = settlePeriod(ctx, step, venue);
  expect(cashSum(ctx) - before).toBe(0);
  return outcome;
}

function energyBid(
  venue: BalancingVenue,
  agent: string,
  productId: string,
  direction: 'up' | 'down',
  lots: number,
  priceTicks: number,
): ActionResult {
  const result = emptyResult();
  venue.handle(
    agent,
    {
      clientRef: '',
      kind: {
        $case: 'energyBid',
        value: {
          productId,
          direction:
            direction === 'up'
              ? ProtoDirection.BALANCING_DIRECTION_UP
              : ProtoDirection.BALANCING_DIRECTION_DOWN,
          quantityLots: lots,
          priceTicks,
        },
      },
    },
    0,
    result,
  );
  return result;
}

/** Runs the energy gate of `step` (the world's ladder goes in, the period closes). */
async function closeEnergyGate(venue: BalancingVenue, step: number): Promise<void> {
  const gate = venue.scheduledEvents().find((e) => e.label === `energy gate ${step}`)!;
  await gate.run();
}

describe('settlePeriod without balancing', () => {
  it('meters a feasible battery schedule in full: no imbalance, no cash', () => {
    const { ctx } = makeContext();
    trade(ctx, 'bat', 'liq', qhId(ctx, 0), 40, 8_000);
    const o = settle(ctx, 0);
    expect(row(o, 'bat')).toMatchObject({
      positionKwh: 1_000,
      scheduleKwh: 1_000,
      meteredKwh: 1_000,
      imbalanceKwh: 0,
      imbalanceCashUnits: 0,
      penaltyCashUnits: 0,
      clipped: false,
    });
    expect(ctx.ledger('bat').cash.imbalance).toBe(0);
    expect(ctx.assets.get('bat')!.finalSocMwh()).toBeCloseTo(11, 9);
  });

  it('clips an infeasible schedule; imbalance = schedule − metered, settled at kWh × ticks', () => {
    const { ctx } = makeContext();
    // Buying 12 MW for a 10 MW battery: 3 000 kWh scheduled, 2 500 possible, 500 kWh long.
    trade(ctx, 'bat', 'liq', qhId(ctx, 0), 120, 8_000);
    const o0 = settle(ctx, 0);
    const p0 = ref(ctx, 0);
    // Balancing off: nothing activated, single price = the reference (realised) price.
    expect(o0.activation).toBeNull();
    expect(o0.regulationState).toBe(0);
    expect([o0.longPriceTicks, o0.shortPriceTicks]).toEqual([p0, p0]);
    expect(row(o0, 'bat')).toMatchObject({
      positionKwh: 3_000,
      scheduleKwh: 3_000,
      meteredKwh: 2_500,
      imbalanceKwh: 500,
      imbalancePriceTicks: p0,
      imbalanceCashUnits: 500 * p0,
      clipped: true,
    });
    expect(ctx.ledger('bat').cash.imbalance).toBe(500 * p0);
    expect(ctx.tso.cash.imbalance).toBe(-500 * p0);
    expect(ctx.ledger('bat').imbalanceKwhAbs).toBe(500);

    // Selling 15 MW: 3 750 kWh scheduled out, 2 500 delivered, 1 250 kWh short, paid for.
    trade(ctx, 'liq', 'bat', qhId(ctx, 1), 150, 8_000);
    const o1 = settle(ctx, 1);
    const p1 = ref(ctx, 1);
    expect(row(o1, 'bat')).toMatchObject({
      positionKwh: -3_750,
      meteredKwh: -2_500,
      imbalanceKwh: -1_250,
      imbalancePriceTicks: p1,
      imbalanceCashUnits: -1_250 * p1,
      clipped: true,
    });
    expect(ctx.ledger('bat').cash.imbalance).toBe(500 * p0 - 1_250 * p1);
    expect(Number.isSafeInteger(ctx.ledger('bat').cash.imbalance)).toBe(true);
  });

  it('makes a trader without an asset imbalanced by its whole position', () => {
    const { ctx } = makeContext();
    trade(ctx, 'liq', 'bare', qhId(ctx, 5), 30, 9_000);
    const o = settle(ctx, 5);
    const p = ref(ctx, 5);
    expect(row(o, 'bare')).toMatchObject({
      positionKwh: -750,
      scheduleKwh: -750,
      meteredKwh: 0,
      imbalanceKwh: -750,
      imbalanceCashUnits: -750 * p,
      clipped: false,
    });
  });

  it('meters the liquidity role at its position and values it at the reference price against the world', () => {
    const { ctx } = makeContext();
    trade(ctx, 'bat', 'liq', qhId(ctx, 7), 40, 8_000);
    trade(ctx, 'liq', 'bare', qhId(ctx, 7), 10, 8_100);
    const p = ref(ctx, 7);
    const o = settle(ctx, 7);
    expect(row(o, 'liq')).toMatchObject({
      positionKwh: -750,
      meteredKwh: -750,
      imbalanceKwh: 0,
      imbalanceCashUnits: 0,
      penaltyCashUnits: 0,
      positionValueCashUnits: -750 * p,
    });
    expect(ctx.ledger('liq').cash.positionValue).toBe(-750 * p);
    expect(ctx.world_.cash.positionValue).toBe(750 * p);
    // Nobody else has a position value.
    for (const id of ['bat', 'flat', 'bare']) expect(row(o, id).positionValueCashUnits).toBe(0);
  });

  it('counts an hourly position in each of its four quarter-hours, 25 kWh per lot', () => {
    const { ctx } = makeContext();
    expect(KWH_PER_LOT_QH).toBe(25);
    const hour = ctx.products.hourOf(0)!;
    expect(hour.id).toBe('h-20261122-0000');
    expect([1, 2, 3].map((s) => ctx.products.hourOf(s)!.id)).toEqual([hour.id, hour.id, hour.id]);
    trade(ctx, 'bare', 'liq', hour.id, 8, 8_000);
    trade(ctx, 'bare', 'liq', qhId(ctx, 1), 4, 8_000);
    // An hourly trade's cash is lots × ticks × 100 (one lot for an hour = 100 kWh).
    expect(ctx.ledger('bare').cash.cid).toBe(-(8 * 8_000 * 100 + 4 * 8_000 * 25));
    const positions = [0, 1, 2, 3, 4].map((s) => row(settle(ctx, s), 'bare').positionKwh);
    expect(positions).toEqual([200, 300, 200, 200, 0]);
    expect(ctx.ledger('bare').imbalanceKwhAbs).toBe(900);
  });

  it('passes world − Σ agent imbalances as the system imbalance: an agent long makes a short system shorter by less', () => {
    const { ctx } = makeContext();
    const step = [...Array(96).keys()].find((s) => ctx.world.realised(s).systemImbalanceMw > 20)!;
    expect(step).toBeDefined();
    const exoKwh = ctx.world.realised(step).systemImbalanceMw * 250;
    const quiet = settle(makeContext().ctx, step);
    expect(quiet.systemImbalanceKwh).toBe(Math.round(exoKwh));
    expect(quiet.systemImbalanceKwh).toBeGreaterThan(0); // the world alone is short here

    trade(ctx, 'bare', 'liq', qhId(ctx, step), 40, 8_000); // bare long by 1 000 kWh
    trade(ctx, 'bat', 'liq', qhId(ctx, step), 120, 8_000); // bat clipped: long by 500 kWh
    const o = settle(ctx, step);
    expect(row(o, 'bare').imbalanceKwh).toBe(1_000);
    expect(row(o, 'bat').imbalanceKwh).toBe(500);
    // The liquidity role (short 4 000 kWh here) is not part of the system imbalance.
    expect(Math.abs(o.systemImbalanceKwh - (exoKwh - 1_500))).toBeLessThanOrEqual(1);
    expect(o.systemImbalanceKwh).toBeLessThan(quiet.systemImbalanceKwh);
  });

  it('keeps every period at zero net cash and zero net energy over random positions', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            step: fc.integer({ min: 0, max: 7 }),
            agent: fc.constantFrom('bat', 'flat', 'bare'),
            lots: fc.integer({ min: -150, max: 150 }).filter((l) => l !== 0),
            hourly: fc.boolean(),
            priceTicks: fc.integer({ min: -50_000, max: 50_000 }),
          }),
          { maxLength: 12 },
        ),
        (trades) => {
          const { ctx } = makeContext();
          for (const t of trades) {
            const product = t.hourly ? ctx.products.hourOf(t.step)!.id : qhId(ctx, t.step);
            if (t.lots > 0) trade(ctx, t.agent, 'liq', product, t.lots, t.priceTicks);
            else trade(ctx, 'liq', t.agent, product, -t.lots, t.priceTicks);
          }
          expect(cashSum(ctx)).toBe(0);
          for (let step = 0; step < 8; step++) {
            const o = settle(ctx, step);
            for (const r of o.agents) {
              expect(r.imbalanceKwh).toBe(r.scheduleKwh - r.meteredKwh);
              expect(r.imbalanceCashUnits).toBe(r.imbalanceKwh * ref(ctx, step));
              if (r.agent === 'liq') expect(r.meteredKwh).toBe(r.positionKwh);
            }
            // Positions net to zero, so the liquidity role holds the others' opposite.
            expect(o.agents.reduce((s, r) => s + r.positionKwh, 0)).toBe(0);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('settlePeriod with balancing', () => {
  /** A step where the world alone is short by at least 2 500 kWh. */
  const shortStep = (ctx: RunContext) =>
    [...Array(96).keys()].find((s) => s > 8 && ctx.world.realised(s).systemImbalanceMw > 10)!;
  const longStep = (ctx: RunContext) =>
    [...Array(96).keys()].find((s) => s > 8 && ctx.world.realised(s).systemImbalanceMw < -10)!;

  it('activates up energy (take less), penalises what was not delivered, and sums to zero', async () => {
    const { ctx } = makeContext(true);
    const venue = new BalancingVenue(ctx);
    const step = shortStep(ctx);
    const qh = qhId(ctx, step);
    // Both cheaper than any exogenous offer (the world's ladder starts at reference + 20 EUR).
    expect(energyBid(venue, 'bat', qh, 'up', 40, 100).status).toBe(ActionStatus.ACTION_STATUS_ACCEPTED);
    expect(energyBid(venue, 'flat', qh, 'up', 40, 100).status).toBe(ActionStatus.ACTION_STATUS_ACCEPTED);
    await closeEnergyGate(venue, step);
    trade(ctx, 'bat', 'liq', qh, 40, 8_000); // bat charges 1 000 kWh; "up" means it does not
    const before = cashSum(ctx);
    const o = settlePeriod(ctx, step, venue);
    expect(cashSum(ctx) - before).toBe(0);

    const act = o.activation!;
    expect(act.systemImbalanceKwh).toBe(o.systemImbalanceKwh);
    expect(o.systemImbalanceKwh).toBeGreaterThan(2_000);
    const up = act.upPriceTicks!;
    expect(up).toBeGreaterThan(100); // marginal: an exogenous tranche
    expect(act.downPriceTicks).toBeNull();
    expect(o.shortPriceTicks).toBe(up); // single price, system short → up price
    expect(o.longPriceTicks).toBe(up);

    // bat: schedule = position − up = 0; the battery stays idle, which is exactly the activation.
    expect(row(o, 'bat')).toMatchObject({
      positionKwh: 1_000,
      activatedUpKwh: 1_000,
      activatedDownKwh: 0,
      scheduleKwh: 0,
      meteredKwh: 0,
      imbalanceKwh: 0,
      penaltyCashUnits: 0,
    });
    expect(ctx.ledger('bat').cash.balancingEnergy).toBe(1_000 * up);
    // flat: asked to discharge 1 000 kWh while empty: nothing delivered.
    const penalty = 1_000 * (Math.abs(up) + 10_000); // |price| × 1.0 + 100 EUR/MWh surcharge
    expect(row(o, 'flat')).toMatchObject({
      positionKwh: 0,
      activatedUpKwh: 1_000,
      scheduleKwh: -1_000,
      meteredKwh: 0,
      imbalanceKwh: -1_000,
      imbalanceCashUnits: -1_000 * up,
      penaltyCashUnits: penalty,
    });
    expect(ctx.ledger('flat').cash.penalty).toBe(-penalty);
    expect(ctx.tso.cash.penalty).toBe(penalty);
    expect(ctx.ledger('flat').cash.balancingEnergy).toBe(1_000 * up);
  });

  it('activates down energy (take more) when the system is long', async () => {
    const { ctx } = makeContext(true);
    const venue = new BalancingVenue(ctx);
    const step = longStep(ctx);
    const qh = qhId(ctx, step);
    // Down bids: the provider pays its price; the highest goes first.
    expect(energyBid(venue, 'bat', qh, 'down', 40, 1_000_000).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    await closeEnergyGate(venue, step);
    trade(ctx, 'bare', 'liq', qh, 400, 8_000); // bare long 10 000 kWh: the system longer still
    const before = cashSum(ctx);
    const o = settlePeriod(ctx, step, venue);
    expect(cashSum(ctx) - before).toBe(0);
    expect(o.systemImbalanceKwh).toBeLessThan(-10_000);
    const down = o.activation!.downPriceTicks!;
    expect(o.activation!.upPriceTicks).toBeNull();
    expect(o.longPriceTicks).toBe(down);
    expect(row(o, 'bat')).toMatchObject({
      positionKwh: 0,
      activatedDownKwh: 1_000,
      scheduleKwh: 1_000,
      meteredKwh: 1_000,
      imbalanceKwh: 0,
      penaltyCashUnits: 0,
    });
    // Pay-as-cleared: the provider pays the marginal down price for the energy it took.
    expect(ctx.ledger('bat').cash.balancingEnergy).toBe(-1_000 * down);
    expect(row(o, 'bare')).toMatchObject({ imbalanceKwh: 10_000, imbalanceCashUnits: 10_000 * down });
  });

  it('sums to zero over all parties across a run of periods with random bids and positions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            step: fc.integer({ min: 10, max: 17 }),
            agent: fc.constantFrom('bat', 'flat', 'bare'),
            lots: fc.integer({ min: -200, max: 200 }).filter((l) => l !== 0),
            bid: fc.option(
              fc.record({
                direction: fc.constantFrom<'up' | 'down'>('up', 'down'),
                lots: fc.integer({ min: 1, max: 200 }),
                priceTicks: fc.integer({ min: -100_000, max: 100_000 }),
              }),
            ),
          }),
          { maxLength: 10 },
        ),
        async (items) => {
          const { ctx } = makeContext(true);
          const venue = new BalancingVenue(ctx);
          for (const it of items) {
            const qh = qhId(ctx, it.step);
            if (it.lots > 0) trade(ctx, it.agent, 'liq', qh, it.lots, 8_000);
            else trade(ctx, 'liq', it.agent, qh, -it.lots, 8_000);
            if (it.bid) energyBid(venue, it.agent, qh, it.bid.direction, it.bid.lots, it.bid.priceTicks);
          }
          for (let step = 10; step <= 17; step++) {
            await closeEnergyGate(venue, step);
            const before = cashSum(ctx);
            const o = settlePeriod(ctx, step, venue);
            expect(cashSum(ctx)).toBe(before);
            for (const r of o.agents) {
              expect(r.scheduleKwh).toBe(r.positionKwh - r.activatedUpKwh + r.activatedDownKwh);
              if (r.agent !== 'liq') expect(r.imbalanceKwh).toBe(r.scheduleKwh - r.meteredKwh);
              expect(r.penaltyCashUnits).toBeGreaterThanOrEqual(0);
            }
          }
          expect(cashSum(ctx)).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('activation in sub-periods with dual imbalance pricing', () => {
  it('activates both directions within some quarter-hours (regulation state 2), where long and short prices differ', async () => {
    const { ctx } = unitContext({
      name: 'dual',
      seed: SEED,
      day: DAY,
      market: {
        auctions: { dayAhead: false, intraday: false },
        balancing: { enabled: true, subPeriods: 5, intraPeriodNoiseMw: 400 },
        imbalance: { pricing: 'dual' },
      },
      agents: AGENTS,
    });
    const venue = new BalancingVenue(ctx);
    const outcomes: PeriodOutcome[] = [];
    for (let step = 0; step < 96; step++) {
      await closeEnergyGate(venue, step);
      outcomes.push(settle(ctx, step, venue));
    }
    const state2 = outcomes.filter((o) => o.regulationState === 2);
    expect(state2.length).toBeGreaterThan(0);
    for (const o of state2) {
      // Short pays the up price, long receives the down price.
      expect(o.shortPriceTicks).toBe(o.activation!.upPriceTicks);
      expect(o.longPriceTicks).toBe(o.activation!.downPriceTicks);
      expect(o.activation!.activatedUpKwh).toBeGreaterThan(0);
      expect(o.activation!.activatedDownKwh).toBeGreaterThan(0);
    }
    // The sub-periods add up to the period: what was activated nets the system imbalance.
    for (const o of outcomes) {
      const a = o.activation!;
      expect(a.activatedUpKwh - a.activatedDownKwh + a.unresolvedKwh).toBe(o.systemImbalanceKwh);
    }
  });

  it('penalises only the net activation a provider did not deliver when both directions were activated', async () => {
    const { ctx } = unitContext({
      name: 'dual-net',
      seed: SEED,
      day: DAY,
      market: {
        auctions: { dayAhead: false, intraday: false },
        balancing: { enabled: true, subPeriods: 5, intraPeriodNoiseMw: 400 },
        imbalance: { pricing: 'dual' },
      },
      agents: AGENTS,
    });
    const venue = new BalancingVenue(ctx);
    const both: AgentSettlement[] = [];
    for (let step = 0; step < 96; step++) {
      const qh = qhId(ctx, step);
      // First in both merit orders (the world's ladder starts 20 EUR/MWh from the reference).
      energyBid(venue, 'bat', qh, 'up', 4, 100);
      energyBid(venue, 'bat', qh, 'down', 4, 100_000);
      await closeEnergyGate(venue, step);
      const o = settle(ctx, step, venue);
      const bat = row(o, 'bat');
      const net = bat.activatedUpKwh - bat.activatedDownKwh;
      // The meter sees the quarter-hour's net: with no position, an unclipped battery delivers it
      // all, and a period whose activations cancel asks for nothing at the meter.
      if (!bat.clipped) {
        expect(bat.meteredKwh).toBe(-net);
        expect(bat.imbalanceKwh).toBe(0);
        expect(bat.penaltyCashUnits).toBe(0);
      }
      if (bat.activatedUpKwh > 0 && bat.activatedDownKwh > 0) both.push(bat);
    }
    expect(both.filter((b) => !b.clipped).length).toBeGreaterThan(0);
  });

  it('spreads a period imbalance over the sub-periods without changing its total', () => {
    const { ctx } = makeContext(true);
    const venue = new BalancingVenue(ctx);
    for (const total of [0, 12_345, -98_765]) {
      const parts = venue.subPeriodImbalances(total, 5);
      expect(parts).toHaveLength(5);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      for (const p of parts) expect(Number.isInteger(p)).toBe(true);
    }
  });
});
