import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clearCapacityAuction } from './capacity-auction.js';
import {
  activationFlows,
  capacityFlows,
  checkConservation,
  imbalanceFlows,
  penaltyFlows,
  type SettlementFlow,
} from './conservation.js';
import { activateEnergyBids } from './energy-market.js';
import { imbalancePrices, systemImbalanceFromParties } from './imbalance-price.js';
import { nonDeliveryPenalties } from './penalty.js';

describe('checkConservation', () => {
  it('accepts a balanced set and aggregates per party', () => {
    const report = checkConservation([
      { party: 'b', cashUnits: 100, energyKwh: -10 },
      { party: 'a', cashUnits: -40, energyKwh: 4 },
      { party: 'b', cashUnits: 20, energyKwh: 0 },
      { party: 'TSO', cashUnits: -80, energyKwh: 6 },
    ]);
    expect(report).toStrictEqual({
      balanced: true,
      cashUnitsSum: 0,
      energyKwhSum: 0,
      parties: [
        { party: 'TSO', cashUnits: -80, energyKwh: 6 },
        { party: 'a', cashUnits: -40, energyKwh: 4 },
        { party: 'b', cashUnits: 120, energyKwh: -10 },
      ],
      message: 'balanced over 3 parties',
    });
  });

  it('reports what does not add up', () => {
    const report = checkConservation([
      { party: 'a', cashUnits: 100, energyKwh: -10 },
      { party: 'TSO', cashUnits: -99, energyKwh: 10 },
    ]);
    expect(report).toMatchObject({ balanced: false, cashUnitsSum: 1, energyKwhSum: 0 });
    expect(report.message).toBe('not conserved: cash sums to 1 units, energy to 0 kWh over 2 parties');
    expect(checkConservation([{ party: 'a', cashUnits: 0, energyKwh: 1 }]).balanced).toBe(false);
  });

  it('is exact beyond 2^53 in the running sum', () => {
    const big = Number.MAX_SAFE_INTEGER;
    expect(
      checkConservation([
        { party: 'a', cashUnits: big, energyKwh: 0 },
        { party: 'b', cashUnits: big, energyKwh: 0 },
        { party: 'c', cashUnits: -big, energyKwh: 0 },
        { party: 'd', cashUnits: -big, energyKwh: 0 },
      ]).balanced,
    ).toBe(true);
  });

  it('an empty period is balanced; bad records are bugs', () => {
    expect(checkConservation([]).balanced).toBe(true);
    expect(() => checkConservation([{ party: 'a', cashUnits: 0.5, energyKwh: 0 }])).toThrow(RangeError);
    expect(() => checkConservation([{ party: '', cashUnits: 0, energyKwh: 0 }])).toThrow(TypeError);
  });

  it('a whole settlement period: capacity, activation, penalties and imbalance balance with the TSO', () => {
    const capacity = clearCapacityAuction(
      [
        {
          bidId: 'c1',
          agentId: 'bat',
          product: 0,
          direction: 'up',
          quantityLots: 10,
          capacityPriceTicks: 1500,
        },
        {
          bidId: 'c2',
          agentId: 'ev',
          product: 0,
          direction: 'down',
          quantityLots: 8,
          capacityPriceTicks: 900,
        },
      ],
      { up: [10, 0, 0, 0, 0, 0], down: [5, 0, 0, 0, 0, 0] },
    );
    // Exogenous shortfall 300 kWh; the battery is 40 kWh short on its own schedule, the EV fleet 20 kWh long.
    const agentImbalances = [
      { party: 'bat', imbalanceKwh: -40 },
      { party: 'ev', imbalanceKwh: 20 },
    ];
    const sys = systemImbalanceFromParties(
      agentImbalances.map((x) => x.imbalanceKwh),
      300,
    );
    expect(sys).toBe(320);
    const activation = activateEnergyBids(
      3,
      [
        { bidId: 'e1', agentId: 'bat', period: 3, direction: 'up', quantityLots: 10, energyPriceTicks: 9000 },
        { bidId: 'e2', agentId: 'ev', period: 3, direction: 'up', quantityLots: 4, energyPriceTicks: 11_000 },
        { bidId: 'e3', agentId: 'ev', period: 3, direction: 'down', quantityLots: 8, energyPriceTicks: 500 },
      ],
      sys,
    );
    expect(activation.upPriceTicks).toBe(11_000); // bat 250 kWh + ev 70 kWh
    const penalties = nonDeliveryPenalties(
      [
        { agentId: 'bat', direction: 'up', activatedKwh: 250, deliveredKwh: 210 },
        { agentId: 'ev', direction: 'up', activatedKwh: 70, deliveredKwh: 70 },
      ],
      activation,
    );
    const prices = imbalancePrices({
      mode: 'single',
      systemImbalanceKwh: sys,
      upPriceTicks: activation.upPriceTicks,
      downPriceTicks: activation.downPriceTicks,
      referencePriceTicks: 8000,
    });
    // The rest of the system (exogenous) is short 300 kWh and settles like everyone else.
    const exogenous = imbalanceFlows([{ party: 'world', imbalanceKwh: -300 }], prices);
    const flows: SettlementFlow[] = [
      ...capacityFlows(capacity),
      ...activationFlows(activation),
      ...penaltyFlows(penalties),
      ...imbalanceFlows(agentImbalances, prices),
      ...exogenous,
    ];
    const report = checkConservation(flows);
    expect(report.balanced, report.message).toBe(true);
    // With every imbalance settled and every activation delivered to the TSO, the TSO's energy nets to 0:
    // it bought 320 kWh of balancing energy and sold the 320 kWh the system was short.
    expect(report.parties.find((p) => p.party === 'TSO')?.energyKwh).toBe(0);
  });

  it('property: flows plus their TSO counterparty always balance; any perturbation is caught', () => {
    const flow = fc.record({
      party: fc.constantFrom('a', 'b', 'c'),
      cashUnits: fc.integer({ min: -1e12, max: 1e12 }),
      energyKwh: fc.integer({ min: -1e6, max: 1e6 }),
    });
    fc.assert(
      fc.property(fc.array(flow, { maxLength: 20 }), fc.integer({ min: 1, max: 1000 }), (flows, delta) => {
        const tso = {
          party: 'TSO',
          cashUnits: -flows.reduce((s, f) => s + f.cashUnits, 0),
          energyKwh: -flows.reduce((s, f) => s + f.energyKwh, 0),
        };
        expect(checkConservation([...flows, tso]).balanced).toBe(true);
        expect(checkConservation([...flows, { ...tso, cashUnits: tso.cashUnits + delta }]).balanced).toBe(
          false,
        );
        expect(checkConservation([...flows, { ...tso, energyKwh: tso.energyKwh - delta }]).balanced).toBe(
          false,
        );
      }),
    );
  });
});
