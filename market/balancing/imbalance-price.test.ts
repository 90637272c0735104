import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConservation, imbalanceFlows } from './conservation.js';
import {
  type ImbalancePricingMode,
  imbalancePrices,
  type RegulationState,
  regulationState,
  settleImbalance,
  systemImbalanceFromParties,
} from './imbalance-price.js';

const REF = 8000; // reference (e.g. day-ahead) price 80.00 EUR/MWh
const UP = 12_000; // marginal up price 120.00 EUR/MWh
const DOWN = 3000; // marginal down price 30.00 EUR/MWh

describe('imbalance prices', () => {
  // mode, system imbalance (+ short), up, down → long, short, regulation state
  const cases: [
    ImbalancePricingMode,
    number,
    number | null,
    number | null,
    number,
    number,
    RegulationState,
  ][] = [
    ['single', 500, UP, null, UP, UP, 1], // short → both at the up price
    ['single', -500, null, DOWN, DOWN, DOWN, -1], // long → both at the down price
    ['single', 0, null, null, REF, REF, 0], // balanced → reference
    ['single', 500, UP, DOWN, UP, UP, 2], // single ignores state 2: direction of the imbalance
    ['single', -500, UP, DOWN, DOWN, DOWN, 2],
    ['single', 0, UP, DOWN, REF, REF, 2],
    ['single', 500, null, DOWN, REF, REF, -1], // short but no up price → reference
    ['dual', 500, UP, DOWN, DOWN, UP, 2], // state 2: long receives down, short pays up
    ['dual', -500, UP, DOWN, DOWN, UP, 2],
    ['dual', 0, UP, DOWN, DOWN, UP, 2],
    ['dual', 500, UP, null, UP, UP, 1], // state 1 → like single
    ['dual', -500, null, DOWN, DOWN, DOWN, -1], // state −1 → like single
    ['dual', 0, null, null, REF, REF, 0], // state 0 → like single
  ];

  it.each(cases)('%s, system %i kWh, up %s, down %s', (mode, sys, up, down, long, short, state) => {
    expect(
      imbalancePrices({
        mode,
        systemImbalanceKwh: sys,
        upPriceTicks: up,
        downPriceTicks: down,
        referencePriceTicks: REF,
      }),
    ).toStrictEqual({ longPriceTicks: long, shortPriceTicks: short, regulationState: state });
  });

  it('regulation state follows which directions have a price', () => {
    expect([
      regulationState(null, null),
      regulationState(1, null),
      regulationState(null, 1),
      regulationState(1, 1),
    ]).toStrictEqual([0, 1, -1, 2]);
  });

  it('rejects non-integer prices and modes as bugs', () => {
    const base = {
      mode: 'single' as const,
      systemImbalanceKwh: 1,
      upPriceTicks: 1,
      downPriceTicks: null,
      referencePriceTicks: 1,
    };
    expect(() => imbalancePrices({ ...base, upPriceTicks: 1.5 })).toThrow(RangeError);
    expect(() => imbalancePrices({ ...base, systemImbalanceKwh: Number.NaN })).toThrow(RangeError);
    expect(() => imbalancePrices({ ...base, mode: 'triple' as never })).toThrow(RangeError);
  });
});

describe('imbalance settlement', () => {
  it('is exact: kWh × ticks = cash units', () => {
    const prices = { longPriceTicks: DOWN, shortPriceTicks: UP };
    // long 200 kWh receives 200 × 3000 = 600 000 units = 6 EUR (0.2 MWh × 30 EUR/MWh)
    expect(settleImbalance(200, prices)).toBe(600_000);
    // short 300 kWh pays 300 × 12 000 = 3 600 000 units = 36 EUR
    expect(settleImbalance(-300, prices)).toBe(-3_600_000);
    expect(Object.is(settleImbalance(0, prices), 0)).toBe(true);
    // A negative long price: the long agent pays for dumping energy.
    expect(settleImbalance(100, { longPriceTicks: -500, shortPriceTicks: 0 })).toBe(-50_000);
    expect(() => settleImbalance(0.5, prices)).toThrow(RangeError);
  });

  it('dual-pricing example: A long 200 kWh, B short 300 kWh, both directions activated', () => {
    // System imbalance = exogenous 0 − (200 − 300) = +100 kWh: short.
    const sys = systemImbalanceFromParties([200, -300]);
    expect(sys).toBe(100);
    const input = {
      systemImbalanceKwh: sys,
      upPriceTicks: UP,
      downPriceTicks: DOWN,
      referencePriceTicks: REF,
    };
    const parties = [
      { party: 'A', imbalanceKwh: 200 },
      { party: 'B', imbalanceKwh: -300 },
    ];

    // Dual (state 2): A receives 200 × 3000 = 600 000; B pays 300 × 12 000 = 3 600 000.
    // The TSO keeps the 3 000 000 difference and supplies the net 100 kWh shortfall (energyKwh −100).
    const dual = imbalancePrices({ mode: 'dual', ...input });
    const dualFlows = imbalanceFlows(parties, dual);
    expect(dualFlows).toStrictEqual([
      { party: 'A', cashUnits: 600_000, energyKwh: -200 },
      { party: 'B', cashUnits: -3_600_000, energyKwh: 300 },
      { party: 'TSO', cashUnits: 3_000_000, energyKwh: -100 },
    ]);
    expect(checkConservation(dualFlows).balanced).toBe(true);

    // Single: the system is short → everyone at the up price. A receives 200 × 12 000 = 2 400 000.
    const single = imbalancePrices({ mode: 'single', ...input });
    expect(imbalanceFlows(parties, single).map((f) => f.cashUnits)).toStrictEqual([
      2_400_000, -3_600_000, 1_200_000,
    ]);
  });

  it('system imbalance adds the exogenous part (+ short) and subtracts agent imbalances (+ long)', () => {
    expect(systemImbalanceFromParties([], 250)).toBe(250);
    expect(systemImbalanceFromParties([100, 50], 250)).toBe(100);
    expect(systemImbalanceFromParties([-100], -20)).toBe(80);
  });

  it('property: a long agent never gets more per kWh than a short one pays when up >= down', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ImbalancePricingMode>('single', 'dual'),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.option(fc.integer({ min: -1_500_000, max: 1_500_000 }), { nil: null }),
        fc.option(fc.integer({ min: -1_500_000, max: 1_500_000 }), { nil: null }),
        fc.integer({ min: -50_000, max: 50_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (mode, sys, a, b, ref, kwh) => {
          const [down, up] = a !== null && b !== null && a > b ? [b, a] : [a, b];
          const p = imbalancePrices({
            mode,
            systemImbalanceKwh: sys,
            upPriceTicks: up,
            downPriceTicks: down,
            referencePriceTicks: ref,
          });
          expect(p.longPriceTicks).toBeLessThanOrEqual(p.shortPriceTicks);
          // Being long then short by the same volume never makes money.
          expect(settleImbalance(kwh, p) + settleImbalance(-kwh, p)).toBeLessThanOrEqual(0);
          if (mode === 'single') expect(p.longPriceTicks).toBe(p.shortPriceTicks);
        },
      ),
    );
  });
});
